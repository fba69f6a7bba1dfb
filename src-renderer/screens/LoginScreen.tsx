import { useState, type FormEvent } from 'react';
import { TextField } from '../components/Field.js';
import { PinEntry } from '../components/PinEntry.js';
import { errorText, serverDetail, useT } from '../i18n/index.js';
import { isApiError } from '../api/client.js';
import { formatDateTime } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useLanguage } from '../stores/language.js';
import { useSession } from '../stores/session.js';
import { SetupWizard, useShowSetupWizard } from './SetupWizard.js';

/** details of a failed log-in (src-main/services/pin-lockout.ts): the same shape for every name. */
interface FailureDetails {
  triesLeft: number | null;
  lockedUntil: string | null;
  supervisorUnlock: boolean;
}

function failureDetails(e: unknown): FailureDetails {
  const d = isApiError(e) && e.details && typeof e.details === 'object' ? (e.details as Record<string, unknown>) : {};
  return {
    triesLeft: typeof d.triesLeft === 'number' ? d.triesLeft : null,
    lockedUntil: typeof d.lockedUntil === 'string' ? d.lockedUntil : null,
    supervisorUnlock: d.supervisorUnlock === true,
  };
}

function isLockout(e: unknown, d: FailureDetails): boolean {
  return isApiError(e) && (e.code === 'RATE_LIMITED' || d.triesLeft === 0 || d.lockedUntil !== null || d.supervisorUnlock);
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

  const details = failureDetails(error);
  const locked = isLockout(error, details);
  const triesLeft = details.triesLeft;
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
            {details.supervisorUnlock
              ? t('login.lockedSupervisor')
              : details.lockedUntil
                ? t('login.lockedUntil', { time: formatDateTime(details.lockedUntil, lang) })
                : isApiError(error) && error.code === 'UNAUTHENTICATED'
                  ? t('login.wrong')
                  : errorText(t, error)}
          </span>
          {!locked && triesLeft !== null && triesLeft > 0 && (
            <small data-testid="login-tries-left">{triesLeft === 1 ? t('login.triesLeftOne') : t('login.triesLeft', { n: triesLeft })}</small>
          )}
          {locked && !details.lockedUntil && !details.supervisorUnlock && serverDetail(error) && <small>{serverDetail(error)}</small>}
        </div>
      )}
      <button type="submit" className="btn btn-primary btn-xl" disabled={busy || !username || pin.length < 4}>
        {t('login.submit')}
      </button>
    </form>
  );
}

export function LoginScreen() {
  const wizard = useShowSetupWizard();
  return <main className={`login-screen ${wizard ? 'setup-screen' : ''}`}>{wizard ? <SetupWizard /> : <LoginForm />}</main>;
}
