/**
 * A generated day with known totals for the report tests. Everything goes through the
 * real API with a fixed clock, except ONLINE payments, which need the central server: those rows
 * are inserted the way the online-payment service writes them (payment row + session paid amount).
 * Times are Asia/Kolkata wall-clock times on 2026-03-09/10/11 (IST = UTC+05:30, no DST).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';

export const DATE = '2026-03-10';
/** Epoch ms of an IST wall-clock time in March 2026. */
export const ist = (day: number, h: number, m = 0) => Date.UTC(2026, 2, day, h, m) - 330 * 60_000;

export type Who = 'admin' | 'supervisor' | 'cashier' | 'attendant';

export interface DayFixture {
  kiosk: Kiosk;
  dir: string;
  setNow(ms: number): void;
  /** Calls as one of the demo operators (logging in again when the moved clock expired the token). */
  call<T = any>(method: string, input: unknown, who: Who): Promise<T>;
  /** A fresh token at the current clock, for calls that must see the raw API answer. */
  token(who: Who): Promise<string>;
  ids: Record<string, string>;
  close(): Promise<void>;
}

export async function buildDay(): Promise<DayFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'parkgate-report-'));
  let now = ist(9, 20);
  const kiosk = await createKiosk({ dbPath: join(dir, 'kiosk.db'), seedDemo: true, clock: { now: () => now } });
  const setNow = (ms: number) => { now = ms; };
  const tokens = new Map<Who, string>();
  const token = async (who: Who): Promise<string> => {
    let t = tokens.get(who);
    if (!t) {
      const r = await kiosk.call('auth.login', { username: who, pin: '2468' }, null);
      if (!r.ok) throw new Error(`login ${who}: ${JSON.stringify(r.error)}`);
      t = (r.data as { token: string }).token;
      tokens.set(who, t);
    }
    return t;
  };
  const call = async <T = any>(method: string, input: unknown, who: Who): Promise<T> => {
    let r = await kiosk.call(method, input, await token(who));
    if (!r.ok && r.error.code === 'UNAUTHENTICATED') {
      tokens.delete(who);
      r = await kiosk.call(method, input, await token(who));
    }
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.data as T;
  };
  const [admin, supervisor, cashier, attendant] = ['admin', 'supervisor', 'cashier', 'attendant'] as const;
  const db = kiosk.ctx.store.sqlite;
  const cashierId = (db.prepare(`SELECT id FROM operators WHERE username = 'cashier'`).get() as { id: string }).id;
  const zones = await call<{ id: string; name: string }[]>('zones.list', {}, attendant);
  const A = zones.find((z) => z.name === 'A')!.id;
  const B = zones.find((z) => z.name === 'B')!.id;
  await call('zones.update', { zoneId: A, tariff: { lostTicketFeePaise: 20_000 } }, supervisor);
  await call('settings.update', { facilityName: 'Green Mall Parking', timeZone: 'Asia/Kolkata' }, admin);
  const ids: Record<string, string> = {};
  let plate = 100;
  const walkIn = async (key: string, zoneId: string, at: number) => {
    setNow(at);
    const s = await call<{ id: string; code: string }>('gate.issueTicket', { vehicleNumber: `KA05MX${plate++}`, zoneId }, attendant);
    ids[key] = s.id;
    return s;
  };
  const payCash = async (code: string, sessionId: string, at: number, tendered: number) => {
    setNow(at);
    await call('gate.quoteExit', { code }, attendant);
    return call<{ payment: { amountPaise: number } }>('gate.payCash', { sessionId, tenderedPaise: tendered }, cashier);
  };
  const insertOnline = (sessionId: string, amount: number, status: string, at: number, opts: { late?: boolean; operatorId?: string | null } = {}) => {
    db.prepare(`INSERT INTO payments (id, session_id, method, status, amount_paise, gateway, gateway_ref, operator_id, late,
        created_at, expires_at, completed_at, updated_at)
      VALUES (?, ?, 'ONLINE', ?, ?, 'sim', ?, ?, ?, ?, ?, ?, ?)`)
      .run(randomUUID(), sessionId, status, amount, `ref_${randomUUID()}`, opts.operatorId === undefined ? cashierId : opts.operatorId,
        opts.late ? 1 : 0, at - 60_000, at + 600_000, status === 'SUCCESS' ? at : null, at);
    if (status === 'SUCCESS') {
      db.prepare(`UPDATE sessions SET amount_paid_paise = amount_paid_paise + ?, last_paid_at = ? WHERE id = ?`).run(amount, at, sessionId);
    }
  };

  // Day 9, 21:00: the cashier opens the drawer with Rs 1000; 22:00 a car enters and stays past midnight.
  setNow(ist(9, 21));
  ids.shift1 = (await call<{ id: string }>('shifts.open', { openingFloatPaise: 100_000 }, cashier)).id;
  const M = await walkIn('M', A, ist(9, 22));
  // Day 10.
  await payCash(M.code, M.id, ist(10, 1, 30), 20_000); // 3 h 30 -> 4 h x 40 = 160.00 cash
  const S1 = await walkIn('S1', A, ist(10, 8));
  setNow(ist(10, 7));
  const S3 = await call<{ id: string; code: string }>('gate.book', { vehicleNumber: 'KA05BK0003', zoneId: B }, attendant);
  ids.S3 = S3.id;
  setNow(ist(10, 7, 30));
  await call('gate.scanEntry', { code: S3.code }, attendant);
  const S2 = await walkIn('S2', B, ist(10, 9));
  setNow(ist(10, 9, 4));
  await call('gate.quoteExit', { code: S2.code }, attendant);
  await call('gate.completeExit', { sessionId: S2.id }, attendant); // 4 min: free exit within grace
  await payCash(S1.code, S1.id, ist(10, 10, 10), 20_000); // 2 h 10 -> 3 h x 40 = 120.00 cash
  setNow(ist(10, 11, 30));
  insertOnline(S3.id, 8_000, 'SUCCESS', ist(10, 11, 30)); // 4 h x 20 = 80.00 online
  await call('gate.completeExit', { sessionId: S3.id }, attendant);
  const S4 = await walkIn('S4', A, ist(10, 12));
  setNow(ist(10, 13, 30));
  await call('gate.lostTicket', { vehicleNumber: 'KA05MX' + (plate - 1), proof: 'RC', reason: 'ticket lost' }, cashier); // 1 h 30 -> 80.00 + 200.00 lost fee
  await call('gate.payCash', { sessionId: S4.id, tenderedPaise: 30_000 }, cashier);
  const S5 = await walkIn('S5', A, ist(10, 14));
  setNow(ist(10, 15));
  insertOnline(S5.id, 4_000, 'SUCCESS', ist(10, 15), { late: true }); // 1 h, captured after the QR expired
  await call('gate.completeExit', { sessionId: S5.id }, attendant);
  setNow(ist(10, 16));
  const S6 = await call<{ id: string }>('gate.book', { vehicleNumber: 'KA05BK0006', zoneId: B }, attendant);
  ids.S6 = S6.id;
  insertOnline(S6.id, 5_000, 'SUCCESS', ist(10, 16, 1), { operatorId: null }); // prepaid booking from the server
  setNow(ist(10, 16, 3));
  await call('sessions.cancel', { sessionId: S6.id, reason: 'Driver changed plans' }, supervisor); // refund 50.00
  const S7 = await walkIn('S7', A, ist(10, 17));
  insertOnline(S7.id, 4_000, 'FAILED', ist(10, 17, 58), { operatorId: null });
  setNow(ist(10, 18));
  await call('gate.quoteExit', { code: S7.code }, attendant);
  insertOnline(S7.id, 4_000, 'PENDING', ist(10, 18), { operatorId: null }); // still pending at the end of the day
  const S9 = await walkIn('S9', B, ist(10, 19));
  db.prepare(`UPDATE sessions SET conflict = 1, conflict_reason = 'Exit also recorded at gate 2' WHERE id = ?`).run(S9.id);
  await payCash(S9.code, S9.id, ist(10, 20), 2_000); // 1 h x 20 = 20.00 cash
  setNow(ist(10, 20));
  const S11 = await call<{ id: string }>('gate.book', { vehicleNumber: 'KA05BK0011', zoneId: B }, attendant);
  ids.S11 = S11.id;
  setNow(ist(10, 20, 30));
  await call('sessions.cancel', { sessionId: S11.id, reason: 'No show' }, supervisor); // after 5 min: no refund
  setNow(ist(10, 21));
  await call('shifts.cashMovement', { kind: 'PAID_OUT', amountPaise: 500, reason: 'Tea for the night staff' }, cashier);
  setNow(ist(10, 22));
  await call('shifts.close', { countedPaise: 157_000, note: 'Rs 5 short' }, cashier); // expected 1575.00
  setNow(ist(10, 23));
  ids.shift2 = (await call<{ id: string }>('shifts.open', { openingFloatPaise: 0 }, cashier)).id;
  const S10 = await walkIn('S10', A, ist(10, 23, 30));
  await payCash(S10.code, S10.id, ist(11, 0, 20), 4_000); // next day, shift 2
  setNow(ist(11, 12));

  return {
    kiosk, dir, setNow, call, ids,
    token: async (who) => {
      tokens.delete(who); // a fresh log-in at the current (moved) clock
      return token(who);
    },
    close: async () => {
      await kiosk.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
