/**
 * The reconciler with an injected clock: PhonePe's polling schedule settles a payment whose
 * callback never came; the deadline closes the QR, checks once more, then EXPIRES; a success
 * after EXPIRED is kept as late and flagged. Runs on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/databases.js';
import type { Harness } from './helpers/harness.js';
import { newKey, simControl, startHarness } from './helpers/harness.js';

describe.each(BACKENDS)('reconciler (PhonePe) on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend, 'phonepe');
  }, 30_000);
  afterAll(async () => h?.close());

  const statusPollErrors = () => h.server.ctx.metrics.gatewayErrors.get({ gateway: 'phonepe', op: 'status' });

  it('polls on schedule: nothing before 20 s, then settles from the status API without any callback', async () => {
    const pay = await h.client.createPayment({ sessionId: 'R-1', amountPaise: 5000, idempotencyKey: newKey() });
    await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { deliver: false });
    h.clock.advance(19_000);
    expect((await h.server.ctx.reconciler.tick()).polled).toBe(0);
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('PENDING');
    h.clock.advance(1_000);
    const report = await h.server.ctx.reconciler.tick();
    expect(report).toMatchObject({ polled: 1, settled: 1, errors: 0 });
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('SUCCESS');
    expect(statusPollErrors()).toBe(0);
    // The callback that arrives later is a duplicate of the poll's (merchantOrderId, state).
    const late = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`);
    expect(JSON.parse(late.delivered!.body).data.outcome).toBe('duplicate');
  });

  it('keeps polling while pending, on the 3 s grid', async () => {
    const pay = await h.client.createPayment({ sessionId: 'R-2', amountPaise: 5000, idempotencyKey: newKey() });
    h.clock.advance(20_000);
    expect((await h.server.ctx.reconciler.tick()).polled).toBe(1);
    const row = await h.server.ctx.db.selectFrom('payments').select(['next_poll_at', 'created_at', 'poll_count']).where('id', '=', pay.paymentId).executeTakeFirstOrThrow();
    expect(row.next_poll_at! - row.created_at).toBe(23_000);
    expect(row.poll_count).toBe(1);
    h.clock.advance(2_000);
    expect((await h.server.ctx.reconciler.tick()).polled).toBe(0);
    h.clock.advance(1_000);
    expect((await h.server.ctx.reconciler.tick()).polled).toBe(1);
    // cleanup for later tests: let it expire
    h.clock.advance(300_000);
    await h.server.ctx.reconciler.tick();
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('EXPIRED');
  });

  it('deadline: close, check once more, then EXPIRED; a success after that is kept as late and flagged', async () => {
    const pay = await h.client.createPayment({ sessionId: 'R-3', amountPaise: 5000, idempotencyKey: newKey() });
    h.clock.advance(300_000);
    const report = await h.server.ctx.reconciler.tick();
    expect(report.expired).toBe(1);
    const expired = await h.client.getPayment(pay.paymentId);
    expect(expired.status).toBe('EXPIRED');
    expect(expired.late).toBe(false);

    const late = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`);
    expect(JSON.parse(late.delivered!.body).data.outcome).toBe('late');
    const view = await h.client.getPayment(pay.paymentId);
    expect(view).toMatchObject({ status: 'SUCCESS', late: true, needsReview: true, reviewReason: 'LATE_PAYMENT' });
    const hist = await h.server.ctx.db.selectFrom('payment_history').select(['from_status', 'to_status']).where('payment_id', '=', pay.paymentId).orderBy('at').execute();
    expect(hist.map((x) => `${x.from_status ?? '-'}>${x.to_status}`)).toEqual(['->PENDING', 'PENDING>EXPIRED', 'EXPIRED>SUCCESS']);
  });

  it('a payment captured just before the deadline is found by the final check and never expires', async () => {
    const pay = await h.client.createPayment({ sessionId: 'R-4', amountPaise: 5000, idempotencyKey: newKey() });
    h.clock.advance(299_000);
    await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { deliver: false });
    h.clock.advance(1_000);
    const report = await h.server.ctx.reconciler.tick();
    expect(report).toMatchObject({ expired: 0, settled: 1 });
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('SUCCESS');
  });
});

describe.each(BACKENDS)('reconciler (Razorpay) on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend, 'razorpay');
  }, 30_000);
  afterAll(async () => h?.close());

  it('closes the QR at the deadline (the simulator sees it closed) and expires the payment', async () => {
    const pay = await h.client.createPayment({ sessionId: 'RZ-1', amountPaise: 4000, idempotencyKey: newKey() });
    h.clock.advance(300_000);
    await h.server.ctx.reconciler.tick();
    expect(h.sim.find(pay.gatewayRef!)?.closed).toBe(true);
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('EXPIRED');
  });

  it('settles from the QR payments list when the webhook is lost', async () => {
    const pay = await h.client.createPayment({ sessionId: 'RZ-2', amountPaise: 4000, idempotencyKey: newKey() });
    await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { deliver: false });
    h.clock.advance(20_000);
    await h.server.ctx.reconciler.tick();
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('SUCCESS');
  });
});
