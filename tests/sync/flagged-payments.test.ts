/**
 * payments.flagged / payments.resolveFlagged at the kiosk: the real server (buildServer + gateway
 * simulator, Razorpay adapter) and two kiosk cores syncing with it (tests/sync/harness.ts). A late
 * payment at gate A is listed for a supervisor, refunded or accepted through the server (the
 * refund by the gateway), audited at the kiosk and mirrored at gate B. Offline: typed errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlaggedPaymentList, ResolvedPayment } from '../../src-shared/contracts/api.js';
import type { ServerSyncEvents } from '../../src-server/sync/server-events.js';
import { BACKENDS } from '../server/helpers/databases.js';
import { simControl, startHarness, type Harness } from '../server/helpers/harness.js';
import { call, heal, tempDir, tryCall, type TestKiosk } from './harness.js';
import { openServerGate } from './server-gate.js';

interface Pay { id: string; gatewayRef: string; status: string; amountPaise: number }

describe.each(BACKENDS)('flagged payments at the kiosk (%s)', (backend) => {
  let h: Harness;
  let tmp: ReturnType<typeof tempDir>;
  let a: TestKiosk;
  let b: TestKiosk;
  const gates = () => h.server.ctx.syncEvents as ServerSyncEvents;

  const openGate = (name: string, seed: boolean, serverUrl?: string) => openServerGate(h, tmp.dir, name, seed, serverUrl);
  const localPayment = (k: TestKiosk, id: string) =>
    k.kiosk.ctx.store.sqlite.prepare('SELECT status, late, review_reason, amount_paise FROM payments WHERE id = ?').get(id) as
      { status: string; late: number; review_reason: string | null; amount_paise: number } | undefined;

  /** Gate A: a car quoted 2 h, UPI started, the attempt expires, then the driver pays: a late success. */
  async function latePaymentAtA(plate: string): Promise<{ sessionId: string; pay: Pay }> {
    const s = await call<{ id: string; code: string }>(a, 'gate.issueTicket', { vehicleNumber: plate }, 'attendant');
    h.clock.advance(3600_000 + 60_000);
    await call(a, 'gate.quoteExit', { code: s.code }, 'attendant');
    const pay = await call<Pay>(a, 'gate.startOnlinePayment', { sessionId: s.id }, 'cashier');
    h.clock.advance(300_000);
    await h.server.ctx.reconciler.tick();
    await gates().drain(); // the payment result is written to the change log after the tick
    await a.worker.syncNow(); // EXPIRED reaches A (paymentResult)
    expect(localPayment(a, pay.id)?.status).toBe('EXPIRED');
    await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`);
    await gates().drain();
    await a.worker.syncNow();
    expect(localPayment(a, pay.id)).toMatchObject({ status: 'SUCCESS', late: 1 });
    return { sessionId: s.id, pay };
  }

  beforeEach(async () => {
    tmp = tempDir('pg-flagged-');
    h = await startHarness(backend, 'razorpay');
    a = await openGate('Gate A', true);
    b = await openGate('Gate B', false);
    await heal([a, b]);
  }, 60_000);

  afterEach(async () => {
    await a.kiosk.close();
    await b.kiosk.close();
    await h.close();
    tmp.cleanup();
  });

  it('lists a late payment; refund goes through the gateway, is audited, and reaches the other gate', async () => {
    const { sessionId, pay } = await latePaymentAtA('KA01FL0001');
    const list = await call<FlaggedPaymentList>(a, 'payments.flagged', {});
    expect(list.serverReachable).toBe(true);
    expect(list.items).toEqual([expect.objectContaining({
      payment: expect.objectContaining({ id: pay.id, status: 'SUCCESS', amountPaise: pay.amountPaise }),
      reviewReason: 'LATE_PAYMENT', late: true, vehicleNumber: 'KA01FL0001', source: 'kiosk', resolvable: true, localOnly: false,
    })]);
    expect((await tryCall(a, 'payments.flagged', {}, 'cashier'))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect((await tryCall(a, 'payments.resolveFlagged', { paymentId: pay.id, action: 'refund', reason: 'ok' }))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });

    const r = await call<ResolvedPayment>(a, 'payments.resolveFlagged', { paymentId: pay.id, action: 'refund', reason: 'Driver had already paid cash' });
    expect(r).toMatchObject({ action: 'refund', refundedPaise: pay.amountPaise, repeated: false, payment: { id: pay.id, status: 'REFUNDED' } });
    expect(h.sim.find(pay.gatewayRef)!.refunds.size).toBe(1);
    expect(localPayment(a, pay.id)).toMatchObject({ status: 'REFUNDED', review_reason: null });
    const audit = a.kiosk.ctx.store.sqlite.prepare(`SELECT operator_id, details FROM audit_log WHERE action = 'payment.reviewResolved' AND entity_type = 'payment'`).all() as { operator_id: string; details: string }[];
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ paymentId: pay.id, action: 'refund', reason: 'Driver had already paid cash', refundedPaise: pay.amountPaise });
    expect(audit[0]!.operator_id).toBe((a.kiosk.ctx.store.sqlite.prepare(`SELECT id FROM operators WHERE username = 'supervisor'`).get() as { id: string }).id);
    expect((await call<FlaggedPaymentList>(a, 'payments.flagged', {})).items).toEqual([]);

    // Repeating it is safe (the server answers the same; no second refund).
    const again = await call<ResolvedPayment>(a, 'payments.resolveFlagged', { paymentId: pay.id, action: 'refund', reason: 'Driver had already paid cash' });
    expect(again.repeated).toBe(true);
    expect(h.sim.find(pay.gatewayRef)!.refunds.size).toBe(1);

    await heal([a, b]);
    expect(localPayment(b, pay.id)).toMatchObject({ status: 'REFUNDED', review_reason: null });
    for (const k of [a, b]) expect((await call<{ ok: boolean }>(k, 'integrity.check', {})).ok).toBe(true);
    void sessionId;
  });

  it('accept keeps the payment as income; a second decision is a typed CONFLICT', async () => {
    const { pay } = await latePaymentAtA('KA01FL0002');
    const r = await call<ResolvedPayment>(a, 'payments.resolveFlagged', { paymentId: pay.id, action: 'accept', reason: 'Keep it: driver left' });
    expect(r).toMatchObject({ action: 'accept', refundedPaise: 0, payment: { status: 'SUCCESS' } });
    expect(localPayment(a, pay.id)).toMatchObject({ status: 'SUCCESS', late: 1, review_reason: null });
    expect(h.sim.find(pay.gatewayRef)!.refunds.size).toBe(0);
    expect(await tryCall(a, 'payments.resolveFlagged', { paymentId: pay.id, action: 'refund', reason: 'changed my mind' })).toMatchObject({ ok: false, code: 'CONFLICT' });
    await heal([a, b]);
    expect(localPayment(b, pay.id)).toMatchObject({ status: 'SUCCESS', review_reason: null });
    expect((await call<FlaggedPaymentList>(b, 'payments.flagged', {})).items).toEqual([]);
  });

  it('a decision taken with server:cli-style tools on the server clears the flag at the kiosk that took it', async () => {
    const { pay } = await latePaymentAtA('KA01FL0003');
    const { resolveFlagged } = await import('../../src-server/payments/flagged.js');
    await resolveFlagged(h.server.ctx.payments, { paymentId: pay.id, action: 'accept', reason: 'settled at the office', by: 'cli:test' });
    await gates().drain();
    await a.worker.syncNow();
    expect(localPayment(a, pay.id)).toMatchObject({ status: 'SUCCESS', review_reason: null });
  });

  it('offline: the list is the kiosk\'s own and a decision is OFFLINE; a payment that is not flagged is CONFLICT', async () => {
    const { pay } = await latePaymentAtA('KA01FL0004');
    const cut = await openGate('Gate C', false, 'http://127.0.0.1:1');
    try {
      await heal([a, b, cut]);
      const list = await call<FlaggedPaymentList>(cut, 'payments.flagged', {});
      expect(list.serverReachable).toBe(false);
      expect(list.items).toEqual([expect.objectContaining({ payment: expect.objectContaining({ id: pay.id }), late: true, localOnly: true, resolvable: true })]);
      expect(await tryCall(cut, 'payments.resolveFlagged', { paymentId: pay.id, action: 'accept', reason: 'keep it' })).toMatchObject({ ok: false, code: 'OFFLINE' });
      expect(localPayment(cut, pay.id)?.review_reason).not.toBeNull();
    } finally {
      await cut.kiosk.close();
    }
    const s = await call<{ id: string; code: string }>(a, 'gate.issueTicket', { vehicleNumber: 'KA01FL0005' }, 'attendant');
    h.clock.advance(3600_000 + 60_000);
    await call(a, 'gate.quoteExit', { code: s.code }, 'attendant');
    const onTime = await call<Pay>(a, 'gate.startOnlinePayment', { sessionId: s.id }, 'cashier');
    await simControl(h, `/_sim/payments/${onTime.gatewayRef}/pay`);
    await gates().drain();
    await a.worker.syncNow();
    expect(localPayment(a, onTime.id)?.status).toBe('SUCCESS');
    expect(await tryCall(a, 'payments.resolveFlagged', { paymentId: onTime.id, action: 'refund', reason: 'why not' })).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(localPayment(a, onTime.id)?.status).toBe('SUCCESS');
    expect(await tryCall(a, 'payments.resolveFlagged', { paymentId: 'no-such', action: 'refund', reason: 'why not' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('a UPI payment started with the cashier\'s shift open carries the shift; its Z report counts it, a late one apart', async () => {
    const shift = await call<{ id: string }>(a, 'shifts.open', { openingFloatPaise: 10_000 }, 'cashier');
    const s = await call<{ id: string; code: string }>(a, 'gate.issueTicket', { vehicleNumber: 'KA01FL0006' }, 'attendant');
    h.clock.advance(3600_000 + 60_000);
    await call(a, 'gate.quoteExit', { code: s.code }, 'attendant');
    const onTime = await call<Pay>(a, 'gate.startOnlinePayment', { sessionId: s.id }, 'cashier');
    const shiftOf = (id: string) => (a.kiosk.ctx.store.sqlite.prepare('SELECT shift_id FROM payments WHERE id = ?').get(id) as { shift_id: string | null }).shift_id;
    expect(shiftOf(onTime.id)).toBe(shift.id);
    await simControl(h, `/_sim/payments/${onTime.gatewayRef}/pay`);
    await gates().drain();
    await a.worker.syncNow();
    expect(localPayment(a, onTime.id)?.status).toBe('SUCCESS');
    expect(shiftOf(onTime.id)).toBe(shift.id); // the server's result keeps the kiosk's link
    const { pay: late } = await latePaymentAtA('KA01FL0007');
    expect(shiftOf(late.id)).toBe(shift.id);
    const closed = await call<{ shift: { activity: Record<string, number> } }>(a, 'shifts.close', { countedPaise: 10_000 }, 'cashier');
    expect(closed.shift.activity).toMatchObject({
      upiPaise: onTime.amountPaise, upiCount: 1, upiFlaggedPaise: late.amountPaise, upiFlaggedCount: 1, ticketsIssued: 2,
    });
    const report = await call<{ text: string }>(a, 'shifts.report', { shiftId: (closed.shift as unknown as { id: string }).id }, 'cashier');
    expect(report.text).toMatch(/Parking UPI \(1\)\s+\d+\.\d\d/);
  });
});
