/**
 * The gate credits a parker's online pre-payment at the exit: due = max(0, fee - paid). The booked
 * session arrives as the server's canonical state (its real fold of `session.booked` +
 * `payment.prepaid`) through the kiosk's real apply path; then entry, quote and payment through
 * the kiosk API. Boundaries: fee below, equal to and above the pre-paid hour; a refunded
 * pre-payment is not credited; the daily report counts the pre-payment once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DailyReport, Quote } from '../../src-shared/contracts/entities.js';
import { encodeHlc } from '../../src-shared/domain/hlc.js';
import { SettableClock } from '../../src-main/core/clock.js';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { applyRemoteChange } from '../../src-main/services/apply-remote.js';
import { foldSession, type FoldEvent } from '../../src-server/sync/fold.js';
import { PREPAID_EVENT, prepaymentSnap } from '../../src-server/sync/prepaid.js';

const T = Date.parse('2026-06-01T04:00:00Z'); // 09:30 in Asia/Kolkata
const MIN = 60_000;
let dir: string;
let kiosk: Kiosk;
let clock: SettableClock;
let seq = 0;
const tokens = new Map<string, string>();

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-prepaid-'));
  clock = new SettableClock();
  clock.set(T);
  kiosk = await createKiosk({ dbPath: join(dir, 'k.db'), seedDemo: true, clock });
  tokens.clear();
});
afterEach(async () => {
  await kiosk.close();
  rmSync(dir, { recursive: true, force: true });
});

async function api<T>(method: string, input: unknown, user = 'cashier'): Promise<T> {
  let token = tokens.get(user);
  if (!token) {
    const r = await kiosk.call('auth.login', { username: user, pin: '2468' });
    if (!r.ok) throw new Error('login');
    token = r.data.token;
    tokens.set(user, token);
  }
  const r = await kiosk.call(method, input, token);
  if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
  return r.data as T;
}
const row = (sql: string, ...args: unknown[]) => kiosk.ctx.store.sqlite.prepare(sql).get(...args) as Record<string, any>;

/** A server booking in zone A pre-paid one hour (4000) online, as the gates receive it. */
function prepaidBooking(prepayStatus: 'SUCCESS' | 'REFUNDED' = 'SUCCESS'): { id: string; code: string; paymentId: string } {
  const zone = row(`SELECT id, hourly_rate_paise FROM zones WHERE name = 'A'`);
  const slot = row(`SELECT id FROM slots WHERE zone_id = ? AND current_session_id IS NULL ORDER BY position LIMIT 1`, zone.id);
  const id = randomUUID();
  const code = `QR-${randomBytes(6).toString('hex').toUpperCase()}`;
  const paymentId = randomUUID();
  const bookedAt = clock.now() - 2 * MIN;
  const session = {
    id, code, zone_id: zone.id, slot_id: slot.id, status: 'BOOKED', booked_at: bookedAt, entry_at: null, exit_at: null, quote_amount_paise: null,
    quoted_at: null, quote_valid_until: null, amount_due_paise: null, amount_paid_paise: 0, last_paid_at: null, lost_ticket: 0, conflict: 0,
    conflict_reason: null, origin_kiosk_id: 'server', created_by: null, created_at: bookedAt, updated_at: bookedAt,
  };
  const payment = { id: paymentId, session_id: id, amount_paise: 4000, gateway: 'razorpay', gateway_ref: `qr_${randomBytes(7).toString('hex')}`, late: 0, created_at: bookedAt, expires_at: bookedAt + 5 * MIN, completed_at: bookedAt + MIN };
  const vehicle = { vehicle_number: `KA01PP${String(1000 + seq)}`, owner_name: null };
  const events: FoldEvent[] = [
    { id: `s-${++seq}`, hlc: encodeHlc({ wallMs: bookedAt, counter: 0, node: 'server' }), kioskId: 'server', type: 'session.booked', session, payment: null, vehicle, extra: {} },
    { id: `s-${++seq}`, hlc: encodeHlc({ wallMs: bookedAt + MIN, counter: 0, node: 'server' }), kioskId: 'server', type: PREPAID_EVENT, session: null, payment: prepaymentSnap(payment, 'SUCCESS', bookedAt + MIN), vehicle: null, extra: {} },
  ];
  if (prepayStatus === 'REFUNDED') {
    events.push({ id: `s-${++seq}`, hlc: encodeHlc({ wallMs: bookedAt + 90_000, counter: 0, node: 'server' }), kioskId: 'server', type: PREPAID_EVENT, session: null, payment: prepaymentSnap(payment, 'REFUNDED', bookedAt + 90_000), vehicle: null, extra: {} });
  }
  const canonical = foldSession(events)!;
  const outcome = kiosk.ctx.store.q.tx(() => applyRemoteChange(kiosk.ctx, { put: () => undefined }, ++seq, { kind: 'session', ...canonical }));
  expect(outcome).toBe('applied');
  return { id, code, paymentId };
}

async function enterAndQuote(code: string, stayMs: number): Promise<Quote> {
  await api('gate.scanEntry', { code }, 'attendant');
  clock.set(clock.now() + stayMs);
  return api<Quote>('gate.quoteExit', { code }, 'attendant');
}

describe('a booking pre-paid online, at the exit gate', () => {
  it('arrives BOOKED with the pre-payment (gateway + ref kept) counted as paid', () => {
    const b = prepaidBooking();
    expect(row('SELECT status, amount_paid_paise, last_paid_at FROM sessions WHERE id = ?', b.id)).toEqual({ status: 'BOOKED', amount_paid_paise: 4000, last_paid_at: null });
    expect(row('SELECT method, status, amount_paise, gateway, operator_id FROM payments WHERE id = ?', b.paymentId)).toEqual({ method: 'ONLINE', status: 'SUCCESS', amount_paise: 4000, gateway: 'razorpay', operator_id: null });
  });

  it('fee below the pre-paid amount (a stay inside the free grace): nothing due, the gate opens', async () => {
    const b = prepaidBooking();
    const q = await enterAndQuote(b.code, 5 * MIN);
    expect(q).toMatchObject({ feePaise: 0, amountPaidPaise: 4000, amountDuePaise: 0 });
    expect((await api<{ status: string }>('gate.completeExit', { sessionId: b.id }, 'attendant')).status).toBe('COMPLETED');
  });

  it('fee below the pre-paid amount (rate lowered after booking): nothing due, never a negative amount', async () => {
    const zone = row(`SELECT id FROM zones WHERE name = 'A'`);
    const b = prepaidBooking();
    await api('zones.update', { zoneId: zone.id, hourlyRatePaise: 3000 }, 'supervisor');
    const q = await enterAndQuote(b.code, 30 * MIN);
    expect(q).toMatchObject({ feePaise: 3000, amountPaidPaise: 4000, amountDuePaise: 0 });
    expect(await api('gate.payCash', { sessionId: b.id, tenderedPaise: 100 }).catch((e: { code: string }) => e.code)).toBe('CONFLICT');
  });

  it('fee equal to the pre-paid hour (exactly 60 min): nothing due', async () => {
    const b = prepaidBooking();
    const q = await enterAndQuote(b.code, 60 * MIN);
    expect(q).toMatchObject({ billableHours: 1, feePaise: 4000, amountPaidPaise: 4000, amountDuePaise: 0 });
    expect((await api<{ status: string; amountPaidPaise: number }>('gate.completeExit', { sessionId: b.id }, 'attendant'))).toMatchObject({ status: 'COMPLETED', amountPaidPaise: 4000 });
  });

  it('fee above it (60 min + 1 s): only the remainder is taken in cash; the day report counts the pre-payment once', async () => {
    const b = prepaidBooking();
    const q = await enterAndQuote(b.code, 60 * MIN + 1000);
    expect(q).toMatchObject({ billableHours: 2, feePaise: 8000, amountPaidPaise: 4000, amountDuePaise: 4000 });
    await api('shifts.open', { openingFloatPaise: 0 });
    expect(await api('gate.payCash', { sessionId: b.id, tenderedPaise: 3999 }).catch((e: { code: string }) => e.code)).toBe('INSUFFICIENT_TENDER');
    const paid = await api<{ session: { status: string; amountPaidPaise: number }; payment: { amountPaise: number }; changePaise: number }>('gate.payCash', { sessionId: b.id, tenderedPaise: 5000 });
    expect(paid).toMatchObject({ session: { status: 'COMPLETED', amountPaidPaise: 8000 }, payment: { amountPaise: 4000 }, changePaise: 1000 });
    expect((await api<{ ok: boolean }>('integrity.check', {}, 'supervisor')).ok).toBe(true);

    const report = await api<DailyReport>('reports.daily', { date: '2026-06-01' }, 'supervisor');
    expect(report.revenue).toMatchObject({ cashPaise: 4000, onlinePaise: 4000, totalPaise: 8000, onlineCount: 1, cashCount: 1, refundsPaise: 0 });
    expect(report.byOperator.find((o) => o.operatorName === 'Central server')).toMatchObject({ payments: 1, onlinePaise: 4000, revenuePaise: 4000 });
    expect(report.exceptions.filter((e) => e.kind === 'FREE_EXIT')).toEqual([]);
  });

  it('a refunded pre-payment is not credited: the full fee is due', async () => {
    const b = prepaidBooking('REFUNDED');
    expect(row('SELECT status FROM payments WHERE id = ?', b.paymentId).status).toBe('REFUNDED');
    const q = await enterAndQuote(b.code, 30 * MIN);
    expect(q).toMatchObject({ feePaise: 4000, amountPaidPaise: 0, amountDuePaise: 4000 });
    await api('shifts.open', { openingFloatPaise: 0 });
    await api('gate.payCash', { sessionId: b.id, tenderedPaise: 4000 });
    expect((await api<{ ok: boolean }>('integrity.check', {}, 'supervisor')).ok).toBe(true);
    const report = await api<DailyReport>('reports.daily', { date: '2026-06-01' }, 'supervisor');
    expect(report.revenue).toMatchObject({ cashPaise: 4000, onlinePaise: 4000, refundsPaise: 4000, totalPaise: 4000 });
  });
});
