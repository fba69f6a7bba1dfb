/**
 * The whole online-payment path with real processes on loopback: the kiosk (`cli serve --server`)
 * -> central server -> gateway simulator -> signed webhook -> server -> kiosk sees SUCCESS ->
 * session COMPLETED and slot freed. Also expiry, and cash while the server is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackKiosk } from '../helpers/stack.js';

const call = (k: StackKiosk, method: string, body: unknown, token?: string): Promise<any> => k.api(method, body, token);

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function simPay(simUrl: string, ref: string, action: 'pay' | 'fail' = 'pay') {
  const res = await fetch(`${simUrl}/_sim/payments/${ref}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(res.status).toBe(200);
}

describe.each(['razorpay', 'phonepe'] as const)('kiosk -> server -> %s simulator', (gateway) => {
  let stack: Stack | undefined;
  let kiosk: StackKiosk;
  let simUrl: string;
  let attendant: string;
  let cashier: string;
  let plate = 0;

  beforeAll(async () => {
    stack = await startStack({ gateway, serverExtra: { PAYMENT_TTL_SECONDS: '6', RECONCILE_INTERVAL_MS: '200' }, kiosks: [{ name: `Gate ${gateway}`, fakeClock: false }] });
    kiosk = stack.kiosks[0]!;
    simUrl = stack.simUrl;
    attendant = (await call(kiosk, 'auth.login', { username: 'attendant', pin: '2468' })).data.token;
    cashier = (await call(kiosk, 'auth.login', { username: 'cashier', pin: '2468' })).data.token;
    await call(kiosk, 'shifts.open', { openingFloatPaise: 0 }, cashier);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  async function exitingSession() {
    plate += 1;
    const s = (await call(kiosk, 'gate.issueTicket', { vehicleNumber: `KA05${gateway === 'razorpay' ? 'R' : 'P'}${1000 + plate}` }, attendant)).data;
    // Without --fake-clock a fresh ticket is inside the free grace; the lost-ticket fee
    // (set on the zone in the first test) gives it a real amount to pay.
    return s;
  }

  it('an online payment opens the gate only after the verified webhook', async () => {
    const supervisor = (await call(kiosk, 'auth.login', { username: 'supervisor', pin: '2468' })).data.token;
    const zones = (await call(kiosk, 'zones.list', {}, attendant)).data;
    await call(kiosk, 'zones.update', { zoneId: zones[0].id, tariff: { lostTicketFeePaise: 15000 } }, supervisor);
    const s = await exitingSession();
    const quote = (await call(kiosk, 'gate.lostTicket', { vehicleNumber: s.vehicleNumber, proof: 'RC', reason: 'ticket lost' }, cashier)).data;
    expect(quote.amountDuePaise).toBe(15000);

    const started = await call(kiosk, 'gate.startOnlinePayment', { sessionId: s.id }, cashier);
    expect(started.ok, JSON.stringify(started)).toBe(true);
    const p = started.data;
    expect(p).toMatchObject({ status: 'PENDING', amountPaise: 15000, gateway, method: 'ONLINE' });
    expect(p.upiUri).toMatch(/^upi:\/\/pay\?/);
    expect(p.upiUri).toContain('am=150.00');
    expect((await call(kiosk, 'gate.completeExit', { sessionId: s.id }, attendant)).error.code).toBe('PAYMENT_PENDING');

    await simPay(simUrl, p.gatewayRef);
    const done = await until(() => call(kiosk, 'sessions.get', { sessionId: s.id }, attendant), (r) => r.data.status === 'COMPLETED');
    expect(done.data).toMatchObject({ status: 'COMPLETED', amountPaidPaise: 15000, paymentStatus: 'SUCCESS', paymentMethod: 'ONLINE' });
    const slots = (await call(kiosk, 'slots.list', { zoneId: s.zoneId }, attendant)).data;
    expect(slots.find((x: any) => x.slotNumber === s.slotNumber).isOccupied).toBe(false);
    expect((await call(kiosk, 'integrity.check', {}, supervisor)).data.ok).toBe(true);
  }, 60_000);

  it('a failed payment keeps the gate closed; an unpaid one expires at its deadline', async () => {
    const s = await exitingSession();
    await call(kiosk, 'gate.lostTicket', { vehicleNumber: s.vehicleNumber, proof: 'RC', reason: 'ticket lost' }, cashier);
    const p = (await call(kiosk, 'gate.startOnlinePayment', { sessionId: s.id }, cashier)).data;
    await simPay(simUrl, p.gatewayRef, 'fail');
    const failed = await until(() => call(kiosk, 'payments.get', { paymentId: p.id }, cashier), (r) => r.data.status !== 'PENDING');
    expect(failed.data.status).toBe('FAILED');
    expect((await call(kiosk, 'sessions.get', { sessionId: s.id }, attendant)).data.status).toBe('EXITING');

    const retry = (await call(kiosk, 'gate.startOnlinePayment', { sessionId: s.id }, cashier)).data;
    expect(retry.id).not.toBe(p.id);
    const expired = await until(() => call(kiosk, 'payments.get', { paymentId: retry.id }, cashier), (r) => r.data.status !== 'PENDING', 25_000);
    expect(expired.data.status).toBe('EXPIRED');
    expect((await call(kiosk, 'sessions.get', { sessionId: s.id }, attendant)).data.status).toBe('EXITING');
  }, 60_000);

  it('cash still works with the server down, and online says OFFLINE', async () => {
    const s = await exitingSession();
    await call(kiosk, 'gate.lostTicket', { vehicleNumber: s.vehicleNumber, proof: 'RC', reason: 'ticket lost' }, cashier);
    await stack!.stopServer();
    const online = await call(kiosk, 'gate.startOnlinePayment', { sessionId: s.id }, cashier);
    expect(online.error.code).toBe('OFFLINE');
    const cash = await call(kiosk, 'gate.payCash', { sessionId: s.id, tenderedPaise: 20000 }, cashier);
    expect(cash.ok, JSON.stringify(cash)).toBe(true);
    expect(cash.data).toMatchObject({ changePaise: 5000, session: { status: 'COMPLETED' } });
    // The sync worker notices on its next attempt (it retries on a timer).
    const health = await until(() => call(kiosk, 'system.health', {}), (r) => r.data.online === false, 20_000);
    expect(health.data.online).toBe(false);
  }, 60_000);
});
