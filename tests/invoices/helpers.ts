/** A real kiosk core on a temp database, with the facility's tax settings, for the invoice tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';

export const FACILITY_GSTIN = '27AAPFU0939F1ZV'; // Maharashtra (27)
export const BUYER_SAME_STATE = '27AAACR5055K1Z7';
export const BUYER_OTHER_STATE = '29AAGCB7383J1Z4'; // Karnataka (29)

export interface InvoiceKiosk {
  kiosk: Kiosk;
  dir: string;
  call<T = any>(method: string, input?: unknown, token?: string | null): Promise<T>;
  fail(method: string, input?: unknown, token?: string | null): Promise<{ code: string; message: string }>;
  login(username: string): Promise<string>;
  setClock(iso: string): Promise<void>;
  /** Issues a ticket at `entryIso`, then quotes and pays cash at `exitIso`; returns the session id. */
  paidExit(vehicle: string, entryIso: string, exitIso: string, extra?: Record<string, unknown>): Promise<{ sessionId: string; paidPaise: number }>;
  close(): Promise<void>;
}

export async function startInvoiceKiosk(opts: { dbPath?: string; kioskId?: string; configure?: boolean } = {}): Promise<InvoiceKiosk> {
  const dir = mkdtempSync(join(tmpdir(), 'parkgate-gst-'));
  const kiosk = await createKiosk({ dbPath: opts.dbPath ?? join(dir, 'kiosk.db'), seedDemo: true, fakeClock: true, kioskId: opts.kioskId });
  const call = async <T = any>(method: string, input: unknown = {}, token: string | null = null): Promise<T> => {
    const r = await kiosk.call(method, input, token);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.data as T;
  };
  const fail = async (method: string, input: unknown = {}, token: string | null = null) => {
    const r = await kiosk.call(method, input, token);
    if (r.ok) throw new Error(`${method} succeeded`);
    return r.error;
  };
  const login = async (u: string) => (await call<{ token: string }>('auth.login', { username: u, pin: '2468' })).token;
  const setClock = async (iso: string) => { await call('dev.setClock', { now: iso }); };
  const h: InvoiceKiosk = {
    kiosk, dir, call, fail, login, setClock,
    async paidExit(vehicle, entryIso, exitIso, extra = {}) {
      await setClock(entryIso);
      // A token expires with a jump of the clock: log in again at each visit.
      const cashier = await login('cashier');
      if (!(await call('shifts.current', {}, cashier))) await call('shifts.open', { openingFloatPaise: 0 }, cashier);
      const s = await call('gate.issueTicket', { vehicleNumber: vehicle }, cashier);
      await setClock(exitIso);
      const q = await call('gate.quoteExit', { code: s.code }, cashier);
      await call('gate.payCash', { sessionId: s.id, tenderedPaise: q.amountDuePaise, ...extra }, cashier);
      return { sessionId: s.id, paidPaise: q.amountDuePaise };
    },
    async close() {
      await kiosk.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (opts.configure ?? true) {
    const admin = await login('admin');
    await call('tax.configure', {
      legalName: 'Fort Parking Services LLP', address: '1 Marine Drive, Mumbai 400020', stateCode: '27',
      gstin: FACILITY_GSTIN, seriesPrefix: 'G01',
    }, admin);
  }
  return h;
}
