/**
 * A season pass sold or renewed by UPI: no pass while the payment is pending; the pass exists
 * only after the server's verified SUCCESS with the exact amount and reference; failed, expired
 * or cancelled attempts and late or mismatched successes leave no pass. The shift's Z report
 * shows pass sales as their own lines, cash and UPI apart, and the drawer expects the cash ones.
 * Roles are the core's: an attendant cannot sell, a cashier cannot reset. The server is a
 * scripted double at its port (the real server + simulator flow: tests/e2e/passes.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src-shared/contracts/errors.js';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { SettableClock } from '../../src-main/core/clock.js';
import type { PaymentServerPort } from '../../src-main/services/online-payments.js';
import type { ServerPayment } from '../../src-main/online/server-client.js';
import type { Actor } from '../../src-main/services/context.js';
import { PassUpiSales, PASS_LATE_REVIEW, PASS_MISMATCH_REVIEW } from '../../src-main/passes/upi-sale.js';

class ScriptedServer implements PaymentServerPort {
  payments = new Map<string, ServerPayment>();
  private n = 0;
  async createPayment(input: { sessionId: string; amountPaise: number }): Promise<ServerPayment> {
    this.n += 1;
    const p: ServerPayment = {
      paymentId: `pay_${this.n}`, sessionId: input.sessionId, status: 'PENDING', amountPaise: input.amountPaise, gateway: 'sim',
      gatewayRef: `qr_${this.n}`, upiUri: `upi://pay?pa=park@sim&am=${(input.amountPaise / 100).toFixed(2)}&cu=INR`,
      createdAt: new Date().toISOString(), expiresAt: '2026-06-01T08:05:00Z', completedAt: null, late: false, needsReview: false, reviewReason: null,
    };
    this.payments.set(p.paymentId, p);
    return { ...p };
  }
  async getPayment(id: string): Promise<ServerPayment> {
    const p = this.payments.get(id);
    if (!p) throw new AppError('NOT_FOUND');
    return { ...p };
  }
  async cancelPayment(id: string): Promise<ServerPayment> {
    if (this.payments.get(id)!.status === 'PENDING') this.set(id, { status: 'EXPIRED' });
    return { ...this.payments.get(id)! };
  }
  set(id: string, patch: Partial<ServerPayment>) {
    this.payments.set(id, { ...this.payments.get(id)!, ...patch });
  }
}

let dir: string;
let kiosk: Kiosk;
let server: ScriptedServer;
let upi: PassUpiSales;
let cashier: Actor;
let token: string;

const count = (sql: string, ...args: unknown[]) => (kiosk.ctx.store.sqlite.prepare(sql).get(...args) as { n: number }).n;
const passes = () => count('SELECT COUNT(*) AS n FROM season_passes');
const login = async (username: string) => {
  const r = await kiosk.call('auth.login', { username, pin: '2468' });
  if (!r.ok) throw new Error('login');
  return r.data.token;
};
const sale = { kind: 'MONTHLY' as const, holderName: 'Asha Rao', plates: ['KA01PP0001'], pricePaise: 150_000 };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-pass-upi-'));
  const clock = new SettableClock();
  clock.set(Date.parse('2026-06-01T08:00:00Z'));
  kiosk = await createKiosk({ dbPath: join(dir, 'k.db'), seedDemo: true, clock });
  server = new ScriptedServer();
  upi = new PassUpiSales(kiosk.ctx, server);
  const op = kiosk.ctx.store.sqlite.prepare(`SELECT id FROM operators WHERE username = 'cashier'`).get() as { id: string };
  cashier = { operatorId: op.id, username: 'cashier', name: 'Cashier', role: 'CASHIER' };
  token = await login('cashier');
  const opened = await kiosk.call('shifts.open', { openingFloatPaise: 100_000 }, token);
  expect(opened.ok).toBe(true);
});
afterEach(async () => {
  await kiosk.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('season pass sold by UPI', () => {
  it('no pass while pending; the verified SUCCESS activates it with a UPI sale in the shift', async () => {
    const a = await upi.sell(cashier, sale);
    expect(a).toMatchObject({ status: 'PENDING', amountPaise: 150_000, kind: 'SALE', sale: null });
    expect(a.upiUri).toContain('am=1500.00');
    expect(passes()).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'pass.sold'`)).toBe(0); // the dry run left nothing
    server.set(a.paymentId, { status: 'SUCCESS' });
    const done = await upi.status(a.paymentId);
    expect(done.status).toBe('SUCCESS');
    expect(done.sale?.pass).toMatchObject({ holderName: 'Asha Rao', plates: ['KA01PP0001'] });
    expect(done.sale?.code).toMatch(/^PP1\./);
    expect(passes()).toBe(1);
    expect(kiosk.ctx.store.sqlite.prepare('SELECT method, amount_paise, payment_id FROM pass_sales').all()).toEqual([{ method: 'UPI', amount_paise: 150_000, payment_id: a.paymentId }]);
    // A repeated result (webhook and poll) changes nothing.
    upi.apply(await server.getPayment(a.paymentId));
    expect(passes()).toBe(1);
  });

  it('FAILED, EXPIRED and a cancel for cash leave no pass', async () => {
    const f = await upi.sell(cashier, sale);
    server.set(f.paymentId, { status: 'FAILED' });
    expect((await upi.status(f.paymentId)).status).toBe('FAILED');
    const e = await upi.sell(cashier, sale);
    server.set(e.paymentId, { status: 'EXPIRED' });
    await upi.refreshPending();
    expect((await upi.status(e.paymentId)).status).toBe('EXPIRED');
    const c = await upi.sell(cashier, sale);
    expect(upi.cancel(cashier, c.paymentId).status).toBe('EXPIRED');
    expect(passes()).toBe(0);
    expect(count('SELECT COUNT(*) AS n FROM pass_sales')).toBe(0);
  });

  it('a success after the attempt ended, or with another amount, is flagged and makes no pass', async () => {
    const late = await upi.sell(cashier, sale);
    upi.cancel(cashier, late.paymentId);
    server.set(late.paymentId, { status: 'SUCCESS', late: true, needsReview: true });
    upi.apply(await server.getPayment(late.paymentId));
    expect((await upi.status(late.paymentId)).reviewReason).toBe(PASS_LATE_REVIEW);
    const odd = await upi.sell(cashier, sale);
    server.set(odd.paymentId, { status: 'SUCCESS', amountPaise: 100 });
    const r = await upi.status(odd.paymentId);
    expect(r).toMatchObject({ status: 'PENDING', reviewReason: PASS_MISMATCH_REVIEW, sale: null });
    expect(passes()).toBe(0);
  });

  it('an invalid sale is refused before any QR is made', async () => {
    await expect(upi.sell(cashier, { ...sale, plates: [] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(server.payments.size).toBe(0);
  });

  it('a UPI renewal extends the pass only once paid', async () => {
    const cash = await kiosk.call('passes.sell', { ...sale, tenderedPaise: 200_000 }, token);
    if (!cash.ok) throw new Error(JSON.stringify(cash));
    const until = cash.data.pass.validUntil;
    const a = await upi.renew(cashier, { passId: cash.data.pass.id, pricePaise: 150_000 });
    expect((await kiosk.call('passes.list', {}, token)).ok && passes()).toBe(1);
    const before = await kiosk.call('passes.list', {}, token);
    expect(before.ok && before.data[0]!.validUntil).toBe(until);
    server.set(a.paymentId, { status: 'SUCCESS' });
    const done = await upi.status(a.paymentId);
    expect(Date.parse(done.sale!.pass.validUntil)).toBeGreaterThan(Date.parse(until));
  });

  it('the Z report shows pass sales cash and UPI apart; the drawer expects the cash one; a pending one keeps the shift open', async () => {
    const cash = await kiosk.call('passes.sell', { ...sale, tenderedPaise: 200_000 }, token);
    expect(cash.ok && cash.data.changePaise).toBe(50_000);
    const a = await upi.sell(cashier, { ...sale, holderName: 'B', plates: ['KA01PP0002'], pricePaise: 90_000 });
    const blocked = await kiosk.call('shifts.close', { countedPaise: 250_000 }, token);
    expect(blocked.ok === false && blocked.error.code).toBe('PAYMENT_PENDING');
    server.set(a.paymentId, { status: 'SUCCESS' });
    await upi.refreshPending();
    const closed = await kiosk.call('shifts.close', { countedPaise: 250_000 }, token);
    if (!closed.ok) throw new Error(JSON.stringify(closed));
    expect(closed.data.shift).toMatchObject({ expectedPaise: 250_000, differencePaise: 0, status: 'CLOSED', passSales: { cashPaise: 150_000, cashCount: 1, upiPaise: 90_000, upiCount: 1 } });
    const report = await kiosk.call('shifts.report', { shiftId: closed.data.shift.id }, token);
    if (!report.ok) throw new Error(JSON.stringify(report));
    expect(report.data.text).toMatch(/Pass sales cash \(1\) +1500\.00/);
    expect(report.data.text).toMatch(/Pass sales UPI \(1\) +900\.00/);
  });

  it('roles are the core\'s: an attendant cannot sell, a cashier cannot reset, reset all needs a reason', async () => {
    const attendant = await login('attendant');
    const sold = await kiosk.call('passes.sell', { ...sale, tenderedPaise: 150_000 }, attendant);
    expect(sold.ok === false && sold.error.code).toBe('FORBIDDEN');
    expect((await kiosk.call('passes.sellUpi', sale, attendant)).ok).toBe(false);
    const reset = await kiosk.call('passes.reset', { all: true, reason: 'gate left open' }, token);
    expect(reset.ok === false && reset.error.code).toBe('FORBIDDEN');
    const supervisor = await login('supervisor');
    const noReason = await kiosk.call('passes.reset', { all: true }, supervisor);
    expect(noReason.ok === false && noReason.error.code).toBe('VALIDATION_FAILED');
    await kiosk.call('passes.sell', { ...sale, tenderedPaise: 150_000 }, token);
    const ok = await kiosk.call('passes.reset', { all: true, reason: 'gate 2 left open' }, supervisor);
    expect(ok.ok && ok.data.reset).toBe(1);
    const audited = kiosk.ctx.store.sqlite.prepare(`SELECT details FROM audit_log WHERE action = 'pass.reset'`).get() as { details: string };
    expect(JSON.parse(audited.details)).toMatchObject({ scope: 'ALL', reason: 'gate 2 left open' });
  });
});
