/** Who is logged in at this kiosk. The token lives in memory and sessionStorage (survives a reload). */
import { create } from 'zustand';
import type { LoginResult } from '../../src-shared/contracts/api.js';
import { call, onUnauthorized, setToken } from '../api/client.js';

export type Operator = LoginResult['operator'];
const KEY = 'parkgate.session';

interface Stored {
  token: string;
  operator: Operator;
  expiresAt: string;
}

function load(): Stored | null {
  try {
    const raw = globalThis.sessionStorage?.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Stored;
    if (!parsed.token || !parsed.operator) return null;
    return parsed;
  } catch {
    return null;
  }
}

function save(value: Stored | null): void {
  try {
    if (value) globalThis.sessionStorage?.setItem(KEY, JSON.stringify(value));
    else globalThis.sessionStorage?.removeItem(KEY);
  } catch {
    /* ignore */
  }
}

interface SessionState {
  token: string | null;
  operator: Operator | null;
  login(username: string, pin: string): Promise<void>;
  setup(username: string, name: string, pin: string): Promise<void>;
  logout(): Promise<void>;
  /** Drop the session locally (token expired or revoked). */
  clear(): void;
}

const stored = load();
setToken(stored?.token ?? null);

export const useSession = create<SessionState>((set) => {
  const accept = (r: LoginResult) => {
    setToken(r.token);
    save({ token: r.token, operator: r.operator, expiresAt: r.expiresAt });
    set({ token: r.token, operator: r.operator });
  };
  return {
    token: stored?.token ?? null,
    operator: stored?.operator ?? null,
    async login(username, pin) {
      accept(await call('auth.login', { username, pin }));
    },
    async setup(username, name, pin) {
      accept(await call('auth.setup', { username, name, pin }));
    },
    async logout() {
      try {
        await call('auth.logout', {});
      } catch {
        /* the session ends locally either way */
      }
      setToken(null);
      save(null);
      set({ token: null, operator: null });
    },
    clear() {
      setToken(null);
      save(null);
      set({ token: null, operator: null });
    },
  };
});

onUnauthorized(() => useSession.getState().clear());
