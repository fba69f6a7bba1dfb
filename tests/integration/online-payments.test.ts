/**
 * Kiosk-side online payment rules: the gate opens only when the server reports a verified SUCCESS
 * with the exact amount and reference. The server is replaced at its port by a scripted double
 * here; the real server + gateway simulator flow is in tests/server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src-shared/contracts/errors.js';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { SettableClock } from '../../src-main/core/clock.js';
import { OnlinePayments, type PaymentServerPort } from '../../src-main/services/online-payments.js';
import type { Actor } from '../../src-main/services/context.js';
import type { ServerPayment } from '../../src-main/online/server-client.js';

class ScriptedServer implements PaymentServerPort {
  payments = new Map<string, ServerPayment>();
  offline = false;
  private n = 0;
  async createPayment(input: { sessionId: string; amountPaise: number; idempotencyKey: string }): Promise<ServerPayment> {
    if (this.offline) throw new AppError('OFFLINE');
    this.n += 1;
    const p: ServerPayment = {
      paymentId: `pay_${this.n}`, sessionId: input.sessionId, status: 'PENDING', amountPaise: input.amountPaise,
      gateway: 'sim', gatewayRef: `qr_${this.n}`, upiUri: `upi://pay?pa=park@sim&am=${(input.amountPaise / 100).toFixed(2)}&cu=INR`,
      createdAt: new Date().toISOString(), expiresAt: new Date(Date.parse('2026-06-01T10:10:00Z')).toISOString(),
      completedAt: null, late: false, needsReview: false, reviewReason: null,
    };
    this.payments.set(p.paymentId, p);
    return { ...p };
  }
  async getPayment(id: string): Promise<ServerPayment> {
    if (this.offline) throw new AppError('OFFLINE');
    const p = this.payments.get(id);
    if (!p) throw new AppError('NOT_FOUND');
    return { ...p };
  }
  cancels: string[] = [];
  /** Like the real server (src-server/payments/cancel.ts): PENDING ends; a success already there is flagged. */
  async cancelPayment(id: string): Promise<ServerPayment> {
    if (this.offline) throw new AppError('OFFLINE');
    const p = this.payments.get(id);
    if (!p) throw new AppError('NOT_FOUND');
    this.cancels.push(id);
    if (p.status === 'PENDING') this.set(id, { status: 'EXPIRED' });
    else if (p.status === 'SUCCESS' && !p.late) this.set(id, { late: true, needsReview: true, reviewReason: 'PAID_AFTER_CANCEL' });
    return { ...this.payments.get(id)! };
  }
  set(id: string, patch: Partial<ServerPayment>) {
    this.payments.set(id, { ...this.payments.get(id)!, ...patch });
  }
}

let dir: string;
let kiosk: Kiosk;
let server: ScriptedServer;
let online: OnlinePayments;
let clock: SettableClock;
let cashier: Actor;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-online-'));
  clock = new SettableClock();
  clock.set(Date.parse('2026-06-01T08:00:00Z'));
  kiosk = await createKiosk({ dbPath: join(dir, 'k.db'), seedDemo: true, clock });
  server = new ScriptedServer();
  online = new OnlinePayments(kiosk.ctx, server);
  const op = kiosk.ctx.store.sqlite.prepare(`SELECT id FROM operators WHERE username = 'cashier'`).get() as { id: string };
  cashier = { operatorId: op.id, username: 'cashier', name: 'Cashier', role: 'CASHIER' };
});
afterEach(async () => {
  await kiosk.close();
  rmSync(dir, { recursive: true, force: true });
});

async function parkedFor(minutes: number) {
  const login = await kiosk.call('auth.login', { username: 'attendant', pin: '2468' });
  if (!login.ok) throw new Error('login');
  const token = login.data.token;
  const s = await kiosk.call('gate.issueTicket', { vehicleNumber: `MH01X${Math.floor(Math.random() * 9000 + 1000)}` }, token);
  if (!s.ok) throw new Error(JSON.stringify(s));
  clock.set(clock.now() + minutes * 60_000);
  const q = await kiosk.call('gate.quoteExit', { code: s.data.code }, token);
  if (!q.ok) throw new Error(JSON.stringify(q));
  return { session: s.data, quote: q.data, token };
}

const row = (sql: string, ...args: unknown[]) => kiosk.ctx.store.sqlite.prepare(sql).get(...args) as any;

describe('online payment at the kiosk', () => {
  it('stays PENDING with the gate closed until the server says SUCCESS, then completes the exit', async () => {
    const { session, quote, token } = await parkedFor(70);
    const events: string[] = [];
    kiosk.onEvent((e) => events.push(e.type));
    const p = await online.start(cashier, session.id);
    expect(p).toMatchObject({ method: 'ONLINE', status: 'PENDING', amountPaise: quote.amountDuePaise, gateway: 'sim', gatewayRef: 'qr_1' });
    expect(p.upiUri).toContain('am=80.00');
    expect((await kiosk.call('gate.completeExit', { sessionId: session.id }, token)).ok).toBe(false);
    expect(row('SELECT status FROM sessions WHERE id = ?', session.id).status).toBe('EXITING');
    // A second start while pending returns the same attempt.
    expect((await online.start(cashier, session.id)).id).toBe(p.id);

    server.set(p.id, { status: 'SUCCESS' });
    expect((await online.get(p.id)).status).toBe('SUCCESS');
    await new Promise((r) => setImmediate(r));
    expect(row('SELECT status, amount_paid_paise FROM sessions WHERE id = ?', session.id)).toEqual({ status: 'COMPLETED', amount_paid_paise: 8000 });
    expect(row('SELECT current_session_id FROM slots WHERE id = (SELECT slot_id FROM sessions WHERE id = ?)', session.id).current_session_id).toBeNull();
    expect(events).toContain('gate.open');
    const sup = await kiosk.call('auth.login', { username: 'supervisor', pin: '2468' });
    const integrity = await kiosk.call('integrity.check', {}, sup.ok ? sup.data.token : '');
    expect(integrity).toMatchObject({ ok: true, data: { ok: true } });
  });

  it('an amount mismatch is flagged for review and the gate stays closed', async () => {
    const { session } = await parkedFor(70);
    const p = await online.start(cashier, session.id);
    server.set(p.id, { status: 'SUCCESS', amountPaise: 100 });
    expect((await online.get(p.id)).status).toBe('PENDING');
    expect(row('SELECT review_reason FROM payments WHERE id = ?', p.id).review_reason).toMatch(/mismatch/);
    expect(row('SELECT status, amount_paid_paise FROM sessions WHERE id = ?', session.id)).toEqual({ status: 'EXITING', amount_paid_paise: 0 });
  });

  it('a reference mismatch is flagged too', async () => {
    const { session } = await parkedFor(70);
    const p = await online.start(cashier, session.id);
    server.set(p.id, { status: 'SUCCESS', gatewayRef: 'qr_other' });
    expect((await online.get(p.id)).status).toBe('PENDING');
  });

  it('FAILED leaves the session open for a retry or cash; money captured after the failure is kept as late', async () => {
    const { session, token } = await parkedFor(70);
    const p = await online.start(cashier, session.id);
    server.set(p.id, { status: 'FAILED' });
    expect((await online.get(p.id)).status).toBe('FAILED');
    const retry = await online.start(cashier, session.id);
    expect(retry.id).not.toBe(p.id);
    // The gateway captured the first attempt after all: recorded as late, flagged, no gate opened by it.
    server.set(p.id, { status: 'SUCCESS' });
    await online.refreshPending();
    await online.get(p.id);
    expect(row('SELECT status, late FROM payments WHERE id = ?', p.id)).toEqual({ status: 'SUCCESS', late: 1 });
    expect(row('SELECT status, amount_paid_paise FROM sessions WHERE id = ?', session.id)).toEqual({ status: 'EXITING', amount_paid_paise: 0 });
    // Flagged money counts only after a supervisor accepts it: the re-quote still asks for the fee.
    expect((await kiosk.call('gate.quoteExit', { code: session.code }, token))).toMatchObject({ ok: true, data: { amountDuePaise: 8000 } });
  });

  it('switching to cash ends the attempt; a success that arrives later is recorded as late, never lost, and opens nothing', async () => {
    const { session } = await parkedFor(70);
    const p = await online.start(cashier, session.id);
    expect(online.cancel(cashier, p.id).status).toBe('EXPIRED');
    const cashierLogin = await kiosk.call('auth.login', { username: 'cashier', pin: '2468' });
    const t = cashierLogin.ok ? cashierLogin.data.token : '';
    await kiosk.call('shifts.open', { openingFloatPaise: 0 }, t);
    const cash = await kiosk.call('gate.payCash', { sessionId: session.id, tenderedPaise: 8000 }, t);
    expect(cash.ok).toBe(true);
    server.set(p.id, { status: 'SUCCESS' });
    expect((await online.get(p.id)).status).toBe('SUCCESS');
    expect(row('SELECT late, review_reason FROM payments WHERE id = ?', p.id)).toMatchObject({ late: 1, review_reason: expect.stringMatching(/refund or accept/) });
    // Not counted until a supervisor decides: paid is the cash alone, and the invariants hold.
    expect(row('SELECT amount_paid_paise FROM sessions WHERE id = ?', session.id).amount_paid_paise).toBe(8000);
    expect(server.cancels).toEqual([p.id]);
    const sup = await kiosk.call('auth.login', { username: 'supervisor', pin: '2468' });
    expect(await kiosk.call('integrity.check', {}, sup.ok ? sup.data.token : '')).toMatchObject({ ok: true, data: { ok: true } });
  });

  it('a success the server calls late keeps the gate closed even when this kiosk never saw the deadline pass', async () => {
    const { session, token } = await parkedFor(70);
    const p = await online.start(cashier, session.id);
    // The kiosk was cut off (or paused) across the deadline: locally still PENDING, never EXPIRED.
    server.set(p.id, { status: 'SUCCESS', late: true, needsReview: true, reviewReason: 'LATE_PAYMENT' });
    expect((await online.get(p.id)).status).toBe('SUCCESS');
    expect(row('SELECT late, review_reason FROM payments WHERE id = ?', p.id)).toMatchObject({ late: 1, review_reason: expect.stringMatching(/refund or accept/) });
    expect(row('SELECT status, amount_paid_paise FROM sessions WHERE id = ?', session.id)).toEqual({ status: 'EXITING', amount_paid_paise: 0 });
    expect(await kiosk.call('gate.quoteExit', { code: session.code }, token)).toMatchObject({ ok: true, data: { amountDuePaise: 8000 } });
    // Not in the day's takings either: listed as a late payment awaiting a supervisor.
    const sup = await kiosk.call('auth.login', { username: 'supervisor', pin: '2468' });
    if (!sup.ok) throw new Error('login');
    const date = new Date(clock.now() + 5.5 * 3_600_000).toISOString().slice(0, 10);
    const before = await kiosk.call('reports.daily', { date }, sup.data.token);
    if (!before.ok) throw new Error(before.error.message);
    expect(before.data.revenue).toMatchObject({ totalPaise: 0, onlinePaise: 0 });
    expect(JSON.stringify(before.data)).toMatch(/awaiting a supervisor, not counted/);
    // The supervisor accepts it on the server: now it counts, and the car may go.
    server.set(p.id, { needsReview: false, reviewReason: null });
    await online.get(p.id);
    expect(row('SELECT late, review_reason FROM payments WHERE id = ?', p.id)).toEqual({ late: 1, review_reason: null });
    expect(row('SELECT amount_paid_paise FROM sessions WHERE id = ?', session.id).amount_paid_paise).toBe(8000);
    expect(await kiosk.call('gate.quoteExit', { code: session.code }, token)).toMatchObject({ ok: true, data: { amountDuePaise: 0 } });
    const after = await kiosk.call('reports.daily', { date }, sup.data.token);
    if (!after.ok) throw new Error(after.error.message);
    expect(after.data.revenue).toMatchObject({ totalPaise: 8000, onlinePaise: 8000 });
  });

  it('a cancel made offline is queued durably (survives a restart) and reaches the server; money captured meanwhile counts as abandoned', async () => {
    const { session } = await parkedFor(70);
    const p = await online.start(cashier, session.id);
    server.offline = true;
    expect(online.cancel(cashier, p.id).status).toBe('EXPIRED');
    await new Promise((r) => setTimeout(r, 20));
    expect(row('SELECT attempts, sent_at FROM payment_cancels WHERE payment_id = ?', p.id)).toMatchObject({ sent_at: null });
    // The customer pays the QR anyway; the kiosk restarts before it is back online.
    server.set(p.id, { status: 'SUCCESS' });
    await kiosk.close();
    kiosk = await createKiosk({ dbPath: join(dir, 'k.db'), clock });
    online = new OnlinePayments(kiosk.ctx, server);
    server.offline = false;
    await online.refreshPending();
    expect(server.cancels).toEqual([p.id]);
    expect(row('SELECT sent_at FROM payment_cancels WHERE payment_id = ?', p.id).sent_at).not.toBeNull();
    expect(server.payments.get(p.id)).toMatchObject({ status: 'SUCCESS', late: true, needsReview: true });
    expect(row('SELECT status, late FROM payments WHERE id = ?', p.id)).toEqual({ status: 'SUCCESS', late: 1 });
    expect(row('SELECT status, amount_paid_paise FROM sessions WHERE id = ?', session.id)).toEqual({ status: 'EXITING', amount_paid_paise: 0 });
  });

  it('OFFLINE when the server is unreachable: nothing is written', async () => {
    const { session } = await parkedFor(70);
    server.offline = true;
    const before = row('SELECT COUNT(*) n FROM payments').n;
    await expect(online.start(cashier, session.id)).rejects.toMatchObject({ code: 'OFFLINE' });
    expect(row('SELECT COUNT(*) n FROM payments').n).toBe(before);
  });

  it('gate.cancelQuote is refused with PAYMENT_PENDING while a UPI payment for the quote is pending, and changes nothing', async () => {
    const { session, token } = await parkedFor(70);
    const p = await online.start(cashier, session.id);
    const snapshot = () => ({
      session: row('SELECT * FROM sessions WHERE id = ?', session.id),
      payment: row('SELECT * FROM payments WHERE id = ?', p.id),
      audit: row('SELECT COUNT(*) n FROM audit_log').n,
      outbox: row('SELECT COUNT(*) n FROM outbox').n,
    });
    const before = snapshot();
    expect(before.session.status).toBe('EXITING');
    const r = await kiosk.call('gate.cancelQuote', { sessionId: session.id }, token);
    expect(r).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    expect(snapshot()).toEqual(before);
    // Once the attempt is ended, the quote can be dropped.
    online.cancel(cashier, p.id);
    const dropped = await kiosk.call('gate.cancelQuote', { sessionId: session.id }, token);
    expect(dropped).toMatchObject({ ok: true, data: { status: 'PARKED' } });
  });

  it('refuses when nothing is due', async () => {
    const { session } = await parkedFor(3);
    await expect(online.start(cashier, session.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
