/** Starts a real kiosk core + HTTP bridge on a temp database file for integration tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpBridge, type HttpBridge } from '../../src-main/bridge/http-bridge.js';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';

export interface Harness {
  kiosk: Kiosk;
  bridge: HttpBridge;
  dir: string;
  dbPath: string;
  post(method: string, body?: unknown, token?: string | null, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
  login(username: string, pin?: string): Promise<string>;
  setClock(iso: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(opts: { seedDemo?: boolean; fakeClock?: boolean } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'parkgate-'));
  const dbPath = join(dir, 'kiosk.db');
  const kiosk = await createKiosk({ dbPath, seedDemo: opts.seedDemo ?? true, fakeClock: opts.fakeClock ?? true });
  const bridge = await startHttpBridge(kiosk, { port: 0, staticDir: null });
  const post: Harness['post'] = async (method, body = {}, token = null, headers = {}) => {
    const res = await fetch(`${bridge.url}/api/v1/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };
  const login = async (username: string, pin = '2468') => {
    const r = await post('auth.login', { username, pin });
    if (!r.json.ok) throw new Error(`login ${username}: ${JSON.stringify(r.json)}`);
    return r.json.data.token as string;
  };
  return {
    kiosk, bridge, dir, dbPath, post, login,
    setClock: async (iso) => {
      const r = await post('dev.setClock', { now: iso });
      if (!r.json.ok) throw new Error(JSON.stringify(r.json));
    },
    close: async () => {
      await bridge.close();
      await kiosk.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Desk {
  h: Harness;
  cashier: string;
  attendant: string;
  supervisor: string;
}

/** A harness at `t0` with the cashier, attendant and supervisor logged in and the cashier's shift open (cash goes into a drawer). */
export async function startDesk(t0: string, openingFloatPaise = 50_000): Promise<Desk> {
  const h = await startHarness();
  await h.setClock(t0);
  const cashier = await h.login('cashier');
  const attendant = await h.login('attendant');
  const supervisor = await h.login('supervisor');
  const shift = await h.post('shifts.open', { openingFloatPaise }, cashier);
  if (!shift.json.ok) throw new Error(JSON.stringify(shift.json));
  return { h, cashier, attendant, supervisor };
}
