import { useEffect, useState, type FormEvent } from 'react';
import { TextField } from '../components/Field.js';
import { PinEntry } from '../components/PinEntry.js';
import { errorText, serverDetail, useT } from '../i18n/index.js';
import { call, isApiError } from '../api/client.js';
import { formatCountdown, formatDateTime } from '../lib/format.js';
import { kioskNow } from '../stores/connectivity.js';
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

interface Tile {
  username: string;
  name: string;
}

/** The active operators' names for the touch login; null while loading, [] when the core has none to offer. */
function useTiles(): Tile[] | null {
  const [tiles, setTiles] = useState<Tile[] | null>(null);
  useEffect(() => {
    let live = true;
    call('auth.tiles', {})
      .then((r) => live && setTiles(r.operators))
      .catch(() => live && setTiles([]));
    return () => {
      live = false;
    };
  }, []);
  return tiles;
}

/** "Try again in 4:32", ticking on the core's clock until the lock ends. */
function LockCountdown({ until }: { until: string }) {
  const t = useT();
  const [now, setNow] = useState(() => kioskNow());
  useEffect(() => {
    const id = setInterval(() => setNow(kioskNow()), 500);
    return () => clearInterval(id);
  }, []);
  const left = Date.parse(until) - now;
  return (
    <small data-testid="login-lock-countdown">{left > 0 ? t('login.lockCountdown', { time: formatCountdown(left) }) : t('login.lockOver')}</small>
  );
}

function OperatorTiles({ tiles, onPick, onOther }: { tiles: Tile[]; onPick(username: string): void; onOther(): void }) {
  const t = useT();
  return (
    <div className="login-tiles" role="group" aria-label={t('login.tiles')} data-testid="login-tiles">
      {tiles.map((op) => (
        <button key={op.username} type="button" className="login-tile" onClick={() => onPick(op.username)} data-testid={`tile-${op.username}`}>
          <span className="login-tile-name">{op.name}</span>
          <span className="login-tile-user">{op.username}</span>
        </button>
      ))}
      <button type="button" className="login-tile login-tile-other" onClick={onOther}>
        {t('login.otherUser')}
      </button>
    </div>
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
  const tiles = useTiles();
  const [typing, setTyping] = useState(false);
  const picked = typing ? null : (tiles?.find((x) => x.username === username) ?? null);
  // Touch screens: tap a name, then the PIN. The username field is there while the names load,
  // when asked for, once someone has typed in it, or when the core offers no tiles.
  const showTiles = tiles !== null && tiles.length > 0 && !typing && picked === null;
  const showField = !showTiles && picked === null;
  const typeUsername = (v: string) => {
    setTyping(true);
    setUsername(v);
  };

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
    <form className="login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title" data-tiles={tiles === null ? 'loading' : 'loaded'}>
      <h1 id="login-title">{t('login.title')}</h1>
      <p className="muted">{t('login.subtitle')}</p>
      {showTiles && <OperatorTiles tiles={tiles} onPick={(u) => { setUsername(u); setPin(''); setError(null); }} onOther={() => { setTyping(true); setUsername(''); }} />}
      {picked && (
        <div className="login-picked" data-testid="login-picked">
          <span className="login-tile-name">{picked.name}</span>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => { setUsername(''); setPin(''); setError(null); }}>
            {t('login.notYou')}
          </button>
        </div>
      )}
      {showField && (
        <TextField label={t('login.username')} value={username} onValue={typeUsername} autoComplete="username" autoCapitalize="none" autoFocus data-testid="login-username" />
      )}
      {!showTiles && <PinEntry label={t('login.pin')} value={pin} onValue={setPin} />}
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
          {locked && details.lockedUntil && <LockCountdown until={details.lockedUntil} />}
          {locked && !details.lockedUntil && !details.supervisorUnlock && serverDetail(error) && <small>{serverDetail(error)}</small>}
        </div>
      )}
      {!showTiles && (
        <button type="submit" className="btn btn-primary btn-xl" disabled={busy || !username || pin.length < 4}>
          {t('login.submit')}
        </button>
      )}
    </form>
  );
}

export function LoginScreen() {
  const wizard = useShowSetupWizard();
  return <main className={`login-screen ${wizard ? 'setup-screen' : ''}`}>{wizard ? <SetupWizard /> : <LoginForm />}</main>;
}
