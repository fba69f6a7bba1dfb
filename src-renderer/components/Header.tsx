import { useEffect, useState } from 'react';
import { useT } from '../i18n/index.js';
import { formatClock } from '../lib/format.js';
import { kioskNow, useConnectivity } from '../stores/connectivity.js';
import { useLanguage } from '../stores/language.js';
import { useSession } from '../stores/session.js';
import { LaneStatusPill } from '../lane/LaneStatusPill.js';

function Clock() {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const offset = useConnectivity((s) => s.offsetMs);
  const [now, setNow] = useState(() => kioskNow());
  useEffect(() => {
    setNow(kioskNow());
    const id = setInterval(() => setNow(kioskNow()), 1000);
    return () => clearInterval(id);
  }, [offset]);
  const { time, date } = formatClock(now, lang);
  return (
    <div className="hdr-clock" aria-label={t('header.clock')} role="timer" aria-live="off">
      <span className="hdr-clock-time" data-testid="clock">{time}</span>
      <span className="hdr-clock-date">{date}</span>
    </div>
  );
}

export function ConnectivityPill() {
  const t = useT();
  const { reachable, online, pendingEvents, standalone } = useConnectivity();
  let kind: 'online' | 'syncing' | 'offline' | 'standalone';
  let text: string;
  if (reachable !== false && standalone) {
    kind = 'standalone';
    text = t('desk.standalone');
  } else if (reachable === false || !online) {
    kind = 'offline';
    text = pendingEvents > 0 ? t('header.offlinePending', { count: pendingEvents }) : t('header.offline');
  } else if (pendingEvents > 0) {
    kind = 'syncing';
    text = t('header.syncing', { count: pendingEvents });
  } else {
    kind = 'online';
    text = t('header.online');
  }
  return (
    <div className={`pill pill-${kind}`} data-testid="connectivity" data-state={kind} title={t('header.connectivity')}>
      <span className="pill-dot" aria-hidden="true" />
      <span className="visually-hidden">{t('header.connectivity')}: </span>
      {text}
    </div>
  );
}

/** Sync cannot run until one side is updated: says which, in words the attendant can pass on. */
export function SyncProblemNotice() {
  const t = useT();
  const problem = useConnectivity((s) => s.syncProblem);
  if (!problem) return null;
  return (
    <div className="pill pill-update" data-testid="sync-problem" data-problem={problem} role="alert">
      {t(problem === 'KIOSK_TOO_OLD' ? 'header.kioskTooOld' : 'header.serverTooOld')}
    </div>
  );
}

export function Header() {
  const t = useT();
  const operator = useSession((s) => s.operator);
  const logout = useSession((s) => s.logout);
  const toggleLang = useLanguage((s) => s.toggle);
  return (
    <header className="hdr">
      <div className="hdr-brand">
        <span className="hdr-logo" aria-hidden="true">P</span>
        <div>
          <div className="hdr-name">{t('app.name')}</div>
          <div className="hdr-tagline">{t('app.tagline')}</div>
        </div>
      </div>
      {operator && (
        <div className="hdr-operator" data-testid="operator">
          <span className="visually-hidden">{t('header.operator')}: </span>
          <span className="hdr-operator-name">{operator.name}</span>
          <span className="visually-hidden">, {t('header.role')}: </span>
          <span className={`role-badge role-${operator.role.toLowerCase()}`} data-testid="role">
            {t(`role.${operator.role}`)}
          </span>
        </div>
      )}
      <ConnectivityPill />
      <SyncProblemNotice />
      {operator && <LaneStatusPill />}
      <Clock />
      <button type="button" className="btn btn-ghost lang-btn" onClick={toggleLang}>
        <span lang={t('lang.switch') === 'English' ? 'en' : 'hi'}>{t('lang.switch')}</span>
        <span className="visually-hidden"> ({t('lang.switchLabel')})</span>
      </button>
      {operator && (
        <button type="button" className="btn btn-ghost" onClick={() => void logout()}>
          {t('header.logout')}
        </button>
      )}
    </header>
  );
}
