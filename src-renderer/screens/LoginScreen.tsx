import { useState, type FormEvent } from 'react';
import { TextField } from '../components/Field.js';
import { Keypad } from '../components/Keypad.js';
import { errorText, useT } from '../i18n/index.js';
import { isApiError } from '../api/client.js';
import { formatDateTime } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useConnectivity } from '../stores/connectivity.js';
import { useLanguage } from '../stores/language.js';
import { useSession } from '../stores/session.js';

const MAX_PIN = 8;

function lockedUntil(e: unknown): string | null {
  if (!isApiError(e) || !e.details || typeof e.details !== 'object') return null;
  const d = e.details as Record<string, unknown>;
  const v = d.lockedUntil ?? d.until ?? d.retryAt;
  return typeof v === 'string' ? v : null;
}

function isLockout(e: unknown): boolean {
  return isApiError(e) && (e.code === 'RATE_LIMITED' || lockedUntil(e) !== null || /lock/i.test(e.message));
}

/** PIN field + large PIN pad; physical keyboards type into the field as well. */
function PinEntry({ label, value, onValue, autoFocus }: { label: string; value: string; onValue(v: string): void; autoFocus?: boolean }) {
  const t = useT();
  return (
    <>
      <TextField
        label={label}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={MAX_PIN}
        value={value}
        onValue={(v) => onValue(v.replace(/\D/g, '').slice(0, MAX_PIN))}
        className="pin-field"
        autoFocus={autoFocus}
      />
      <Keypad
        label={t('login.pinPad')}
        onKey={(k) => onValue((value + k).slice(0, MAX_PIN))}
        onBackspace={() => onValue(value.slice(0, -1))}
        onClear={() => onValue('')}
      />
    </>
  );
}

function LoginForm() {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const login = useSession((s) => s.login);
  const [username, setUsername] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username || !pin || busy) return;
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), pin);
      sounds.success();
    } catch (err) {
      sounds.failure();
      setError(err);
      setPin('');
    } finally {
      setBusy(false);
    }
  };

  const until = lockedUntil(error);
  const locked = isLockout(error);
  return (
    <form className="login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      <p className="muted">{t('login.subtitle')}</p>
      <TextField label={t('login.username')} value={username} onValue={setUsername} autoComplete="username" autoCapitalize="none" autoFocus />
      <PinEntry label={t('login.pin')} value={pin} onValue={setPin} />
      {error !== null && (
        <div className={`notice ${locked ? 'notice-locked' : 'notice-error'}`} role="alert" data-testid="login-error">
          <strong>{locked ? t('login.lockedTitle') : t('login.failed')}</strong>
          <span>
            {until
              ? t('login.lockedUntil', { time: formatDateTime(until, lang) })
              : isApiError(error) && error.code === 'UNAUTHENTICATED'
                ? t('login.wrong')
                : errorText(t, error)}
          </span>
          {locked && !until && isApiError(error) && error.message && <small>{error.message}</small>}
        </div>
      )}
      <button type="submit" className="btn btn-primary btn-xl" disabled={busy || !username || pin.length < 4}>
        {t('login.submit')}
      </button>
    </form>
  );
}

function SetupForm() {
  const t = useT();
  const setup = useSession((s) => s.setup);
  const refresh = useConnectivity((s) => s.refresh);
  const [username, setUsername] = useState('admin');
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [step, setStep] = useState<'first' | 'confirm'>('first');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!/^\d{4,8}$/.test(pin)) return setError(t('login.pinRule'));
    if (step === 'first') {
      setStep('confirm');
      return;
    }
    if (pin !== pin2) {
      setPin2('');
      return setError(t('login.pinMismatch'));
    }
    setBusy(true);
    try {
      await setup(username.trim(), name.trim(), pin);
      sounds.success();
      void refresh();
    } catch (err) {
      sounds.failure();
      setError(errorText(t, err) + (isApiError(err) && err.message ? ` (${err.message})` : ''));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="login-card" onSubmit={(e) => void submit(e)} aria-labelledby="setup-title">
      <h1 id="setup-title">{t('login.setupTitle')}</h1>
      <p className="muted">{t('login.setupIntro')}</p>
      <TextField label={t('login.username')} value={username} onValue={setUsername} autoCapitalize="none" />
      <TextField label={t('login.name')} value={name} onValue={setName} />
      {step === 'first' ? (
        <PinEntry label={t('login.pin')} value={pin} onValue={setPin} />
      ) : (
        <PinEntry label={t('login.confirmPin')} value={pin2} onValue={setPin2} autoFocus />
      )}
      {error && (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" className="btn btn-primary btn-xl" disabled={busy || !username || !name || pin.length < 4}>
        {t('login.setupSubmit')}
      </button>
    </form>
  );
}

export function LoginScreen() {
  const needsSetup = useConnectivity((s) => s.needsSetup);
  return <main className="login-screen">{needsSetup ? <SetupForm /> : <LoginForm />}</main>;
}
