import { useEffect } from 'react';
import { call, subscribeEvents } from './api/client.js';
import { Header } from './components/Header.js';
import { useT } from './i18n/index.js';
import { emitKioskEvent } from './lib/events.js';
import { EntryScreen } from './screens/EntryScreen.js';
import { ExitScreen } from './screens/exit/ExitScreen.js';
import { LoginScreen } from './screens/LoginScreen.js';
import { OperatorsScreen } from './screens/OperatorsScreen.js';
import { SessionsScreen } from './screens/SessionsScreen.js';
import ShiftScreen from './screens/ShiftScreen.js';
import ReportsScreen from './screens/ReportsScreen.js';
import { SupervisorScreen } from './screens/SupervisorScreen.js';
import { LaneDevicesScreen } from './lane/LaneDevicesScreen.js';
import { PassesScreen } from './passes/PassesScreen.js';
import { useShowSetupWizard } from './screens/SetupWizard.js';
import { useConnectivity } from './stores/connectivity.js';
import { useSession } from './stores/session.js';
import { canTakePayment, landingScreen, screensFor, useUi, type ScreenId } from './stores/ui.js';
import type { LaneRole } from '../src-shared/contracts/lane-role.js';
import type { MessageKey } from './i18n/en.js';

const HEALTH_POLL_MS = 5000;

function useHealthPolling() {
  const refresh = useConnectivity((s) => s.refresh);
  useEffect(() => {
    void refresh();
    const id = setInterval(() => void refresh(), HEALTH_POLL_MS);
    return () => clearInterval(id);
  }, [refresh]);
}

function useEventStream(token: string | null) {
  const applyEvent = useConnectivity((s) => s.applyEvent);
  const applySync = useConnectivity((s) => s.applySync);
  useEffect(() => {
    if (!token) return;
    return subscribeEvents((e) => {
      if (e.type === 'health') applyEvent(e);
      if (e.type === 'sync.status') applySync(e.status);
      emitKioskEvent(e);
    });
  }, [token, applyEvent, applySync]);
}

function Nav({ screens, current, go, cashier }: { screens: ScreenId[]; current: ScreenId; go(s: ScreenId): void; cashier: boolean }) {
  const t = useT();
  const label: Record<ScreenId, MessageKey> = {
    entry: 'nav.entry',
    exit: cashier ? 'nav.exitCashier' : 'nav.exit',
    sessions: 'nav.sessions',
    shift: 'nav.shift',
    passes: 'nav.passes',
    reports: 'nav.reports',
    supervisor: 'nav.supervisor',
    operators: 'nav.operators',
    lane: 'nav.lane',
  };
  return (
    <nav className="nav" aria-label={t('nav.label')}>
      {screens.map((s) => (
        <button
          key={s}
          type="button"
          className={`nav-tab ${current === s ? 'is-active' : ''}`}
          aria-current={current === s ? 'page' : undefined}
          onClick={() => go(s)}
          data-testid={`nav-${s}`}
        >
          {t(label[s])}
        </button>
      ))}
    </nav>
  );
}

export function App() {
  const t = useT();
  const token = useSession((s) => s.token);
  const operator = useSession((s) => s.operator);
  const reachable = useConnectivity((s) => s.reachable);
  const setupWizard = useShowSetupWizard(); // first-run setup: stays on screen after it logs the admin in
  const { screen, go } = useUi();
  useHealthPolling();
  useEventStream(token);

  // A token restored after a reload may have expired: ask the core (401 logs out).
  useEffect(() => {
    if (token) void call('auth.me', {}).catch(() => undefined);
  }, [token]);

  // A new log-in lands on the lane's screen (settings.laneRole): a cashier at an exit, an attendant at an entry.
  const operatorId = operator?.id ?? null;
  const operatorRole = operator?.role ?? null;
  useEffect(() => {
    if (!operatorId || !operatorRole) return;
    let live = true;
    // An operator who already picked a screen while the settings were on their way stays there.
    const before = useUi.getState().moves;
    const land = (laneRole: LaneRole | null) => {
      if (live && useUi.getState().moves === before) go(landingScreen(operatorRole, laneRole));
    };
    call('settings.get', {})
      .then((s) => land(s.laneRole ?? null))
      .catch(() => land(null));
    return () => {
      live = false;
    };
  }, [operatorId, operatorRole, go]);

  const screens = operator ? screensFor(operator.role) : [];
  const current: ScreenId = screens.includes(screen) ? screen : 'entry';

  return (
    <div className="app">
      <Header />
      {reachable === false && (
        <div className="banner-offline" role="alert">
          {t('app.coreUnreachable')}
        </div>
      )}
      {!operator || setupWizard ? (
        reachable === null && !operator ? (
          <main className="login-screen">
            <p className="muted">{t('app.loading')}</p>
          </main>
        ) : (
          <LoginScreen />
        )
      ) : (
        <>
          <Nav screens={screens} current={current} go={go} cashier={canTakePayment(operator.role)} />
          <main className={`main ${current === 'exit' ? 'main-fit' : ''}`} id="main">
            {current === 'entry' && <EntryScreen />}
            {current === 'exit' && <ExitScreen />}
            {current === 'sessions' && <SessionsScreen />}
            {current === 'shift' && <ShiftScreen />}
            {current === 'passes' && <PassesScreen />}
            {current === 'reports' && <ReportsScreen />}
            {current === 'supervisor' && <SupervisorScreen />}
            {current === 'operators' && <OperatorsScreen />}
            {current === 'lane' && <LaneDevicesScreen />}
          </main>
        </>
      )}
    </div>
  );
}
