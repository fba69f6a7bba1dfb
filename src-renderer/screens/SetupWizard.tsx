/**
 * First-run setup, shown while `system.health` says `needsSetup` and until the wizard
 * is finished: (1) the first administrator (auth.setup, which logs them in), (2) facility name and
 * time zone, (2b) zones and rates (screens/setup/ZonesStep.tsx), (3) central server URL + enrolment credentials (saved for the next start; skippable
 * for a standalone kiosk), (4) camera choice and a test scan, (5) a printer test. Then the app.
 *
 * The wizard stays on screen after step 1 logs the admin in: App and LoginScreen both ask
 * `useShowSetupWizard()`. Progress survives a reload (sessionStorage, like the session token).
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { create } from 'zustand';
import { call } from '../api/client.js';
import { CameraPanel } from '../components/CameraPanel.js';
import { SelectField, TextField } from '../components/Field.js';
import { PinEntry } from '../components/PinEntry.js';
import { QrImage } from '../components/QrImage.js';
import { PrinterSettingsForm } from '../components/PrinterSettingsForm.js';
import { errorText, serverDetail, useT } from '../i18n/index.js';
import type { MessageKey } from '../i18n/en.js';
import { formatDateTime } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useApiAction } from '../lib/use-api-action.js';
import { useConnectivity } from '../stores/connectivity.js';
import { useLanguage } from '../stores/language.js';
import { useSession } from '../stores/session.js';
import { ZonesStep } from './setup/ZonesStep.js';

export const SETUP_STEPS = ['admin', 'facility', 'zones', 'server', 'camera', 'printer'] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

const ACTIVE_KEY = 'parkgate.setup.active';
const STEP_KEY = 'parkgate.setup.step';

function stored(key: string): string | null {
  try {
    return globalThis.sessionStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function store(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.sessionStorage?.removeItem(key);
    else globalThis.sessionStorage?.setItem(key, value);
  } catch {
    /* ignore */
  }
}

interface SetupWizardState {
  /**
   * The session token of the administrator the wizard created (step 1), while they are still in
   * it; null otherwise. Tied to the token so a logout, or another operator, never sees it.
   */
  token: string | null;
  begin(token: string): void;
  finish(): void;
}

export const useSetupWizard = create<SetupWizardState>((set) => ({
  token: stored(ACTIVE_KEY),
  begin(token) {
    store(ACTIVE_KEY, token);
    set({ token });
  },
  finish() {
    store(ACTIVE_KEY, null);
    store(STEP_KEY, null);
    set({ token: null });
  },
}));

/** True while the first-run wizard must be on screen (no admin yet, or the new admin is still in it). */
export function useShowSetupWizard(): boolean {
  const needsSetup = useConnectivity((s) => s.needsSetup);
  const wizardToken = useSetupWizard((s) => s.token);
  const token = useSession((s) => s.token);
  return needsSetup || (wizardToken !== null && wizardToken === token);
}

/** Time zones offered (the kiosk's default first); the core checks any zone with Intl. */
export const TIME_ZONES = [
  'Asia/Kolkata',
  'UTC',
  'Asia/Kathmandu',
  'Asia/Dhaka',
  'Asia/Colombo',
  'Asia/Dubai',
  'Asia/Singapore',
  'Europe/London',
  'America/New_York',
] as const;

const STEP_LABEL: Record<SetupStep, MessageKey> = {
  admin: 'setup.step.admin',
  facility: 'setup.step.facility',
  zones: 'setupZones.step',
  server: 'setup.step.server',
  camera: 'setup.step.camera',
  printer: 'setup.step.printer',
};

function describe(t: ReturnType<typeof useT>, err: unknown): string {
  const detail = serverDetail(err);
  return errorText(t, err) + (detail ? ` (${detail})` : '');
}

function ErrorNotice({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      {error}
    </div>
  );
}

function Progress({ step }: { step: SetupStep }) {
  const t = useT();
  const index = SETUP_STEPS.indexOf(step);
  return (
    <div className="setup-progress">
      <p className="setup-progress-text" data-testid="setup-progress">
        {t('setup.progress', { step: index + 1, total: SETUP_STEPS.length })}
      </p>
      <ol className="setup-steps" aria-label={t('setup.stepsLabel')}>
        {SETUP_STEPS.map((s, i) => (
          <li key={s} className={i === index ? 'is-current' : i < index ? 'is-done' : ''} aria-current={i === index ? 'step' : undefined}>
            {t(STEP_LABEL[s])}
          </li>
        ))}
      </ol>
    </div>
  );
}

function StepCard({ id, title, intro, children, onSubmit }: { id: string; title: string; intro: string; children: ReactNode; onSubmit(e: FormEvent): void }) {
  return (
    <form className="login-card setup-card" onSubmit={onSubmit} aria-labelledby={`${id}-title`} data-testid={`setup-step-${id}`}>
      <h1 id={`${id}-title`}>{title}</h1>
      <p className="muted">{intro}</p>
      {children}
    </form>
  );
}

/** Step 1: the first administrator (auth.setup logs them in). */
function AdminStep({ onDone }: { onDone(): void }) {
  const t = useT();
  const setup = useSession((s) => s.setup);
  const refresh = useConnectivity((s) => s.refresh);
  const [username, setUsername] = useState('admin');
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [phase, setPhase] = useState<'first' | 'confirm'>('first');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!/^\d{4,8}$/.test(pin)) return setError(t('login.pinRule'));
    if (phase === 'first') {
      setPhase('confirm');
      return;
    }
    if (pin !== pin2) {
      setPin2('');
      return setError(t('login.pinMismatch'));
    }
    setBusy(true);
    try {
      await setup(username.trim(), name.trim(), pin);
      const token = useSession.getState().token;
      if (token) useSetupWizard.getState().begin(token);
      sounds.success();
      onDone();
      void refresh();
    } catch (err) {
      sounds.failure();
      setError(describe(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <StepCard id="setup" title={t('login.setupTitle')} intro={t('login.setupIntro')} onSubmit={(e) => void submit(e)}>
      <TextField label={t('login.username')} value={username} onValue={setUsername} autoCapitalize="none" />
      <TextField label={t('login.name')} value={name} onValue={setName} />
      {phase === 'first' ? (
        <PinEntry label={t('login.pin')} value={pin} onValue={setPin} />
      ) : (
        <PinEntry label={t('login.confirmPin')} value={pin2} onValue={setPin2} autoFocus />
      )}
      <ErrorNotice error={error} />
      <div className="setup-actions">
        <button type="submit" className="btn btn-primary btn-xl" disabled={busy || !username || !name || pin.length < 4}>
          {t('login.setupSubmit')}
        </button>
      </div>
    </StepCard>
  );
}

/** Step 2: facility name and time zone (settings.update; the core validates the zone with Intl). */
function FacilityStep({ onDone }: { onDone(): void }) {
  const t = useT();
  const [facilityName, setFacilityName] = useState('');
  const [timeZone, setTimeZone] = useState<string>('Asia/Kolkata');
  const [problem, setProblem] = useState<string | null>(null);
  const save = useApiAction();
  const error = problem ?? (save.error !== null ? describe(t, save.error) : null);

  useEffect(() => {
    let live = true;
    call('settings.get', {})
      .then((s) => {
        if (!live) return;
        setFacilityName((v) => v || (s.facilityName === 'ParkGate' ? '' : s.facilityName));
        if ((TIME_ZONES as readonly string[]).includes(s.timeZone)) setTimeZone(s.timeZone);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    save.clearError();
    if (!facilityName.trim()) return setProblem(t('setup.facilityRequired'));
    await save.run(async () => {
      await call('settings.update', { facilityName: facilityName.trim(), timeZone });
      onDone();
    });
  };

  return (
    <StepCard id="facility" title={t('setup.facilityTitle')} intro={t('setup.facilityIntro')} onSubmit={(e) => void submit(e)}>
      <TextField label={t('setup.facilityName')} value={facilityName} onValue={setFacilityName} maxLength={100} autoFocus />
      <SelectField label={t('setup.timeZone')} value={timeZone} onValue={setTimeZone} options={TIME_ZONES.map((z) => ({ value: z, label: z }))} />
      <ErrorNotice error={error} />
      <button type="submit" className="btn btn-primary btn-xl" disabled={save.busy}>
        {save.busy ? t('setup.saving') : t('setup.next')}
      </button>
    </StepCard>
  );
}

/** Step 3: central server + enrolment credentials, applied at the next start. Skippable. */
function ServerStep({ onDone }: { onDone(): void }) {
  const t = useT();
  const [serverUrl, setServerUrl] = useState('');
  const [kioskId, setKioskId] = useState('');
  const [kioskSecret, setKioskSecret] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const save = useApiAction();
  const error = problem ?? (save.error !== null ? describe(t, save.error) : null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    save.clearError();
    if (!serverUrl.trim() || !kioskId.trim() || !kioskSecret) return setProblem(t('setup.serverRequired'));
    await save.run(async () => {
      await call('settings.update', { serverUrl: serverUrl.trim(), kioskId: kioskId.trim(), kioskSecret });
      setKioskSecret('');
      onDone();
    });
  };

  return (
    <StepCard id="server" title={t('setup.serverTitle')} intro={t('setup.serverIntro')} onSubmit={(e) => void submit(e)}>
      {/* Several URLs (failover order): plain text, as a type="url" field would refuse a list. The core checks each one. */}
      <TextField
        label={t('setup.serverUrl')}
        inputMode="url"
        value={serverUrl}
        onValue={setServerUrl}
        autoCapitalize="none"
        autoComplete="off"
        spellCheck={false}
        hint={t('setup.serverUrlsHint')}
        data-testid="setup-server-urls"
      />
      <TextField label={t('setup.kioskId')} value={kioskId} onValue={setKioskId} autoCapitalize="none" autoComplete="off" spellCheck={false} />
      <TextField
        label={t('setup.kioskSecret')}
        type="password"
        value={kioskSecret}
        onValue={setKioskSecret}
        autoComplete="new-password"
        hint={t('setup.kioskSecretHint')}
      />
      <p className="notice notice-warn" data-testid="setup-restart-note">
        {t('setup.serverRestart')}
      </p>
      <ErrorNotice error={error} />
      <div className="setup-actions">
        <button type="submit" className="btn btn-primary btn-xl" disabled={save.busy}>
          {save.busy ? t('setup.saving') : t('setup.next')}
        </button>
        <button type="button" className="btn btn-secondary btn-lg" onClick={onDone} disabled={save.busy}>
          {t('setup.skip')}
        </button>
      </div>
    </StepCard>
  );
}

/** Step 4: pick the camera and read any QR code (shown as text). Skippable. */
function CameraStep({ onDone }: { onDone(): void }) {
  const t = useT();
  const [scanned, setScanned] = useState<string | null>(null);
  return (
    <StepCard
      id="camera"
      title={t('setup.cameraTitle')}
      intro={t('setup.cameraIntro')}
      onSubmit={(e) => {
        e.preventDefault();
        onDone();
      }}
    >
      <CameraPanel
        onCode={(code) => {
          setScanned((prev) => {
            if (prev !== code) sounds.success();
            return code;
          });
        }}
      />
      <div className="setup-scan" aria-live="polite">
        {scanned === null ? (
          <p className="muted" data-testid="setup-scan-waiting">{t('setup.scanWaiting')}</p>
        ) : (
          <p>
            <strong>{t('setup.scanRead')}</strong>{' '}
            <code className="setup-scan-text" data-testid="setup-scan-text">
              {scanned}
            </code>
          </p>
        )}
      </div>
      <div className="setup-actions">
        <button type="submit" className="btn btn-primary btn-xl" disabled={scanned === null}>
          {t('setup.next')}
        </button>
        <button type="button" className="btn btn-secondary btn-lg" onClick={onDone}>
          {t('setup.skip')}
        </button>
      </div>
    </StepCard>
  );
}

/** Step 5: a test receipt in the print-friendly view + window.print(). Skippable. */
function PrinterStep({ onDone }: { onDone(): void }) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const [facilityName, setFacilityName] = useState<string>(t('app.name'));
  const [printed, setPrinted] = useState(false);
  const [now] = useState(() => new Date().toISOString());

  useEffect(() => {
    let live = true;
    call('settings.get', {})
      .then((s) => {
        if (live) setFacilityName(s.facilityName);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const print = () => {
    window.print();
    setPrinted(true);
  };

  return (
    <StepCard
      id="printer"
      title={t('setup.printerTitle')}
      intro={t('setup.printerIntro')}
      onSubmit={(e) => {
        e.preventDefault();
        onDone();
      }}
    >
      <PrinterSettingsForm />
      <div className="ticket print-area setup-receipt" data-testid="test-receipt">
        <div className="ticket-head">
          <span className="ticket-brand">{facilityName}</span>
          <h2>{t('setup.testReceipt')}</h2>
        </div>
        <QrImage text={`PARKGATE-PRINT-TEST ${now}`} alt={t('setup.testQrAlt')} size={160} className="ticket-qr" />
        <p className="ticket-keep">{t('setup.testReceiptBody')}</p>
        <p className="ticket-code">{formatDateTime(now, lang)}</p>
      </div>
      {printed && (
        <p className="notice notice-warn no-print" role="status">
          {t('setup.printed')}
        </p>
      )}
      <div className="setup-actions no-print">
        <button type="button" className="btn btn-secondary btn-xl" onClick={print}>
          {t('setup.printTest')}
        </button>
        <button type="submit" className="btn btn-primary btn-xl">
          {t('setup.finish')}
        </button>
        <button type="button" className="btn btn-secondary btn-lg" onClick={onDone}>
          {t('setup.skip')}
        </button>
      </div>
    </StepCard>
  );
}

function initialStep(loggedIn: boolean): SetupStep {
  const s = stored(STEP_KEY);
  if (!loggedIn) return 'admin';
  return (SETUP_STEPS as readonly string[]).includes(s ?? '') && s !== 'admin' ? (s as SetupStep) : 'facility';
}

export function SetupWizard() {
  const resumed = useSetupWizard((s) => s.token !== null && s.token === useSession.getState().token);
  const [step, setStepState] = useState<SetupStep>(() => initialStep(resumed));

  const setStep = (s: SetupStep) => {
    store(STEP_KEY, s);
    setStepState(s);
  };
  const next = (from: SetupStep) => () => {
    const i = SETUP_STEPS.indexOf(from);
    const after = SETUP_STEPS[i + 1];
    if (after) setStep(after);
    else {
      useSetupWizard.getState().finish();
      void useConnectivity.getState().refresh();
    }
  };

  return (
    <div className="setup-wizard" data-testid="setup-wizard" data-step={step}>
      <Progress step={step} />
      {step === 'admin' && <AdminStep onDone={next('admin')} />}
      {step === 'facility' && <FacilityStep onDone={next('facility')} />}
      {step === 'zones' && <ZonesStep onDone={next('zones')} />}
      {step === 'server' && <ServerStep onDone={next('server')} />}
      {step === 'camera' && <CameraStep onDone={next('camera')} />}
      {step === 'printer' && <PrinterStep onDone={next('printer')} />}
    </div>
  );
}
