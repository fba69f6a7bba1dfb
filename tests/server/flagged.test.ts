/**
 * Supervisor decisions on flagged payments (payments/flagged.ts), through the signed kiosk API and
 * server:cli, with the real Razorpay adapter against the gateway simulator. SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ServerPayment } from '../../src-main/online/server-client.js';
import { BACKENDS } from './helpers/databases.js';
import { serverEnv } from './helpers/env.js';
import type { Harness } from './helpers/harness.js';
import { newKey, simControl, startHarness } from './helpers/harness.js';
import { runScript } from './helpers/processes.js';

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe.each(BACKENDS)('flagged payments on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend, 'razorpay');
  }, 30_000);
  afterAll(async () => h?.close());

  const db = () => h.server.ctx.db;
  const sup = { id: 'op-sup', name: 'Meena' };

  /** A payment that expired at its deadline and was then paid: SUCCESS, late, LATE_PAYMENT. */
  async function latePayment(amountPaise = 4000): Promise<ServerPayment> {
    const p = await h.client.createPayment({ sessionId: `F-${newKey('s')}`, amountPaise, idempotencyKey: newKey() });
    h.clock.advance(300_000);
    await h.server.ctx.reconciler.tick();
    const r = await simControl(h, `/_sim/payments/${p.gatewayRef}/pay`);
    expect(JSON.parse(r.delivered!.body).data.outcome).toBe('late');
    return h.client.getPayment(p.paymentId);
  }
  const supervisorHistory = (paymentId: string) =>
    db().selectFrom('payment_history').select(['from_status', 'to_status', 'detail']).where('payment_id', '=', paymentId).where('source', '=', 'supervisor').execute();

  it('lists late and mismatched payments; accept keeps the money, clears the flag and records who and why', async () => {
    const late = await latePayment();
    expect(late).toMatchObject({ status: 'SUCCESS', late: true, reviewReason: 'LATE_PAYMENT' });
    const mismatch = await h.client.createPayment({ sessionId: 'F-mismatch', amountPaise: 4000, idempotencyKey: newKey() });
    await simControl(h, `/_sim/payments/${mismatch.gatewayRef}/pay`, { amountPaise: 3999 });

    const list = await h.client.listFlagged();
    expect(list.find((x) => x.paymentId === late.paymentId)).toMatchObject({ owner: 'kiosk', kioskId: h.kiosk.id, resolvable: true, reviewReason: 'LATE_PAYMENT' });
    expect(list.find((x) => x.paymentId === mismatch.paymentId)).toMatchObject({ status: 'PENDING', resolvable: false, reviewReason: 'AMOUNT_MISMATCH' });

    const r = await h.client.resolveFlagged(late.paymentId, { action: 'accept', reason: 'Driver paid late; keep it', operator: sup });
    expect(r).toMatchObject({ action: 'accept', repeated: false, refund: null, payment: { status: 'SUCCESS', late: true, needsReview: false, reviewReason: null } });
    const hist = await supervisorHistory(late.paymentId);
    expect(hist).toHaveLength(1);
    expect(hist[0]).toMatchObject({ from_status: 'SUCCESS', to_status: 'SUCCESS' });
    expect(JSON.parse(hist[0]!.detail!)).toEqual({ action: 'accept', reason: 'Driver paid late; keep it', previous: 'LATE_PAYMENT', by: `kiosk:${h.kiosk.id} operator:op-sup (Meena)` });
    expect((await h.client.listFlagged()).map((x) => x.paymentId)).not.toContain(late.paymentId);
    expect(h.sim.find(late.gatewayRef!)!.refunds.size).toBe(0);

    // A retried accept answers the same; a refund after the accept is refused.
    expect((await h.client.resolveFlagged(late.paymentId, { action: 'accept', reason: 'again', operator: sup })).repeated).toBe(true);
    const refused = await failure(h.client.resolveFlagged(late.paymentId, { action: 'refund', reason: 'changed my mind' }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.details).toMatchObject({ reason: 'NOT_FLAGGED', resolution: 'accept' });
    expect(await supervisorHistory(late.paymentId)).toHaveLength(1);

    // A mismatch never captured at our amount cannot be accepted or refunded here.
    const notCaptured = await failure(h.client.resolveFlagged(mismatch.paymentId, { action: 'accept', reason: 'close enough' }));
    expect(notCaptured.code).toBe('CONFLICT');
    expect(notCaptured.details).toMatchObject({ reason: 'NOT_CAPTURED' });
    expect((await h.client.getPayment(mismatch.paymentId)).reviewReason).toBe('AMOUNT_MISMATCH');
  });

  it('refund goes through the gateway once, even when repeated; then accept is refused', async () => {
    const late = await latePayment(2500);
    const r = await h.client.resolveFlagged(late.paymentId, { action: 'refund', reason: 'Driver had paid cash', operator: sup });
    expect(r).toMatchObject({ action: 'refund', repeated: false, payment: { status: 'REFUNDED', reviewReason: null } });
    expect(r.refund).toMatchObject({ status: 'PROCESSED', amountPaise: 2500 });
    const sim = h.sim.find(late.gatewayRef!)!;
    expect([...sim.refunds.values()]).toEqual([{ id: r.refund!.gatewayRefundId, amountPaise: 2500 }]);

    const again = await h.client.resolveFlagged(late.paymentId, { action: 'refund', reason: 'Driver had paid cash', operator: sup });
    expect(again).toMatchObject({ repeated: true, payment: { status: 'REFUNDED' } });
    expect(sim.refunds.size).toBe(1);
    expect(await db().selectFrom('refunds').select('id').where('payment_id', '=', late.paymentId).execute()).toHaveLength(1);
    const accept = await failure(h.client.resolveFlagged(late.paymentId, { action: 'accept', reason: 'keep it' }));
    expect(accept.details).toMatchObject({ reason: 'NOT_FLAGGED', resolution: 'refund' });
    const row = await db().selectFrom('payments').select(['status', 'refunded_paise', 'review_reason']).where('id', '=', late.paymentId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'REFUNDED', refunded_paise: 2500, review_reason: null });
  });

  it('a refund the gateway does not confirm is OFFLINE, holds the payment, and the retry refunds exactly once', async () => {
    const late = await latePayment(3000);
    // The Razorpay adapter needs the captured payment id to refund: without it the gateway call fails.
    const paymentIdAtGateway = (await db().selectFrom('payments').select('gateway_payment_id').where('id', '=', late.paymentId).executeTakeFirstOrThrow()).gateway_payment_id;
    await db().updateTable('payments').set({ gateway_payment_id: null }).where('id', '=', late.paymentId).execute();
    const offline = await failure(h.client.resolveFlagged(late.paymentId, { action: 'refund', reason: 'duplicate payment' }));
    expect(offline.code).toBe('OFFLINE');
    const held = await h.client.getPayment(late.paymentId);
    expect(held).toMatchObject({ status: 'SUCCESS', reviewReason: 'REFUND_REQUESTED' });
    const inProgress = await failure(h.client.resolveFlagged(late.paymentId, { action: 'accept', reason: 'keep it' }));
    expect(inProgress.details).toMatchObject({ reason: 'REFUND_IN_PROGRESS' });

    await db().updateTable('payments').set({ gateway_payment_id: paymentIdAtGateway }).where('id', '=', late.paymentId).execute();
    const done = await h.client.resolveFlagged(late.paymentId, { action: 'refund', reason: 'duplicate payment' });
    expect(done).toMatchObject({ repeated: true, payment: { status: 'REFUNDED', reviewReason: null }, refund: { status: 'PROCESSED', amountPaise: 3000 } });
    expect(h.sim.find(late.gatewayRef!)!.refunds.size).toBe(1);
    expect(await supervisorHistory(late.paymentId)).toHaveLength(1);
  });

  it('typed errors: unknown payment, not flagged, bad input; nothing changes', async () => {
    expect((await failure(h.client.resolveFlagged('no-such-payment', { action: 'accept', reason: 'because' }))).code).toBe('NOT_FOUND');
    const paid = await h.client.createPayment({ sessionId: 'F-paid', amountPaise: 4000, idempotencyKey: newKey() });
    await simControl(h, `/_sim/payments/${paid.gatewayRef}/pay`);
    const notFlagged = await failure(h.client.resolveFlagged(paid.paymentId, { action: 'refund', reason: 'because' }));
    expect(notFlagged.code).toBe('CONFLICT');
    expect(notFlagged.details).toMatchObject({ reason: 'NOT_FLAGGED', resolution: null });
    expect((await failure(h.client.resolveFlagged(paid.paymentId, { action: 'accept', reason: 'no' }))).code).toBe('VALIDATION_FAILED');
    expect((await failure(h.client.resolveFlagged(paid.paymentId, { action: 'delete' as 'accept', reason: 'because' }))).code).toBe('VALIDATION_FAILED');
    expect(h.sim.find(paid.gatewayRef!)!.refunds.size).toBe(0);
    expect((await h.client.getPayment(paid.paymentId)).status).toBe('SUCCESS');
    const unsigned = await fetch(`${h.serverUrl}/kiosk/v1/payments/${paid.paymentId}/resolve`, { method: 'POST', body: '{"action":"refund","reason":"because"}' });
    expect(unsigned.status).toBe(401);
    expect((await fetch(`${h.serverUrl}/kiosk/v1/payments/flagged`)).status).toBe(401);
  });

  it('server:cli payments accept / refund decide the same way (refund through the simulator)', async () => {
    const a = await latePayment(4000);
    const b = await latePayment(5000);
    const env = serverEnv({ databaseUrl: h.database.url, gateway: 'razorpay', simUrl: h.simUrl });
    const review = await runScript('server:cli', ['payments', 'review'], env);
    expect(review.out).toContain(a.paymentId);
    const accepted = await runScript('server:cli', ['payments', 'accept', a.paymentId, 'kept', 'as', 'income'], env);
    expect(accepted.code, accepted.out).toBe(0);
    expect(accepted.out).toContain(`accepted ${a.paymentId}: SUCCESS`);
    const refunded = await runScript('server:cli', ['payments', 'refund', b.paymentId, 'paid', 'twice'], env);
    expect(refunded.code, refunded.out).toBe(0);
    expect(refunded.out).toMatch(new RegExp(`refunded ${b.paymentId}: REFUNDED, refund rfnd_\\w+ 5000 paise`));
    expect(h.sim.find(b.gatewayRef!)!.refunds.size).toBe(1);
    const again = await runScript('server:cli', ['payments', 'accept', b.paymentId, 'oops'], env);
    expect(again.code).toBe(1);
    expect(again.out).toContain('NOT_FLAGGED');
    const hist = await supervisorHistory(a.paymentId);
    expect(JSON.parse(hist[0]!.detail!)).toMatchObject({ action: 'accept', reason: 'kept as income', by: expect.stringMatching(/^cli:/) });
    // The decisions reach the kiosk that took the payments through the sync change log.
    const pushed = await db().selectFrom('sync_changes' as never).select('entity_id' as never).where('entity_type' as never, '=', 'paymentResult' as never).execute() as { entity_id: string }[];
    expect(pushed.map((r) => r.entity_id)).toEqual(expect.arrayContaining([a.paymentId, b.paymentId]));
  }, 60_000);
});
