/**
 * No rupee taken twice, on the server: "Take cash instead" ends the payment on the server and
 * closes the QR at the gateway (PhonePe, which cannot close, is marked abandoned); any money that
 * still arrives is flagged and refundable; a second, different capture of a paid QR is flagged as
 * its own payment; a PhonePe v2 callback changes nothing until the status API confirms it.
 * Real server + real gateway simulator on loopback, on SQLite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phonePeV2Authorization } from '../../src-server/payments/phonepe/checksum.js';
import { BACKENDS } from './helpers/databases.js';
import { SECRETS } from './helpers/env.js';
import type { Harness } from './helpers/harness.js';
import { newKey, simControl, startHarness } from './helpers/harness.js';

const outcome = (r: { delivered: { body: string } | null }) => (JSON.parse(r.delivered!.body) as { data: { outcome: string } }).data.outcome;

describe.each(BACKENDS)('cancel and captures on Razorpay (%s)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend, 'razorpay');
  }, 30_000);
  afterAll(async () => h?.close());

  it('cancel ends the payment on the server and closes the QR; money paid afterwards is flagged PAID_AFTER_CANCEL and refundable once', async () => {
    const pay = await h.client.createPayment({ sessionId: 'C-1', amountPaise: 6000, idempotencyKey: newKey() });
    const cancelled = await h.client.cancelPayment(pay.paymentId);
    expect(cancelled).toMatchObject({ status: 'EXPIRED', needsReview: false });
    expect(h.sim.find(pay.gatewayRef!)!.closed).toBe(true);
    expect(await h.client.cancelPayment(pay.paymentId)).toMatchObject({ status: 'EXPIRED' }); // a retried cancel: same answer

    const paid = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`);
    expect(outcome(paid)).toBe('late');
    expect(await h.client.getPayment(pay.paymentId)).toMatchObject({ status: 'SUCCESS', late: true, needsReview: true, reviewReason: 'PAID_AFTER_CANCEL' });
    const flagged = await h.client.listFlagged();
    expect(flagged.find((f) => f.paymentId === pay.paymentId)).toMatchObject({ resolvable: true, reviewReason: 'PAID_AFTER_CANCEL' });
    const r = await h.client.resolveFlagged(pay.paymentId, { action: 'refund', reason: 'paid cash, then UPI too' });
    expect(r).toMatchObject({ action: 'refund', payment: { status: 'REFUNDED', needsReview: false }, refund: { status: 'PROCESSED', amountPaise: 6000 } });
    expect(h.sim.find(pay.gatewayRef!)!.refunds.size).toBe(1);
  });

  it('a cancel that reaches the server after the capture flags that success (the car went to cash)', async () => {
    const pay = await h.client.createPayment({ sessionId: 'C-2', amountPaise: 6000, idempotencyKey: newKey() });
    expect(outcome(await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`))).toBe('applied');
    expect(await h.client.cancelPayment(pay.paymentId)).toMatchObject({ status: 'SUCCESS', late: true, needsReview: true, reviewReason: 'PAID_AFTER_CANCEL' });
    expect(await h.client.cancelPayment(pay.paymentId)).toMatchObject({ status: 'SUCCESS', reviewReason: 'PAID_AFTER_CANCEL' });
    const accepted = await h.client.resolveFlagged(pay.paymentId, { action: 'accept', reason: 'customer chose UPI after all' });
    expect(accepted.payment).toMatchObject({ status: 'SUCCESS', needsReview: false });
  });

  it('money captured just before the close, whose webhook has not come, is found by the status check and flagged', async () => {
    const pay = await h.client.createPayment({ sessionId: 'C-3', amountPaise: 6000, idempotencyKey: newKey() });
    await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { deliver: false });
    expect(await h.client.cancelPayment(pay.paymentId)).toMatchObject({ status: 'SUCCESS', late: true, reviewReason: 'PAID_AFTER_CANCEL' });
  });

  it('a second, different capture of a paid QR is flagged as its own payment and refunded exactly once; a replay adds nothing', async () => {
    const pay = await h.client.createPayment({ sessionId: 'C-4', amountPaise: 6000, idempotencyKey: newKey() });
    expect(outcome(await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`))).toBe('applied');
    const again = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { secondCapture: true });
    expect(outcome(again)).toBe('second_capture');
    const replay = await simControl(h, `/_sim/events/${again.eventId}/deliver`, { newId: true });
    expect(outcome(replay)).toBe('already_final');
    const rows = (await h.server.ctx.db.selectFrom('payments').selectAll().where('session_id', '=', 'C-4').execute())
      .sort((a, b) => Number(a.parent_payment_id !== null) - Number(b.parent_payment_id !== null)); // same clock ms: the parent first
    expect(rows.map((r) => [r.status, r.review_reason, r.parent_payment_id])).toEqual([['SUCCESS', null, null], ['SUCCESS', 'SECOND_CAPTURE', pay.paymentId]]);
    const second = rows[1]!;
    expect(await h.client.getPayment(pay.paymentId)).toMatchObject({ status: 'SUCCESS', needsReview: false });
    const flagged = (await h.client.listFlagged()).find((f) => f.paymentId === second.id);
    expect(flagged).toMatchObject({ reviewReason: 'SECOND_CAPTURE', paidAmountPaise: 6000, resolvable: true });
    const r = await h.client.resolveFlagged(second.id, { action: 'refund', reason: 'paid twice' });
    expect(r.refund).toMatchObject({ status: 'PROCESSED', amountPaise: 6000 });
    expect(await h.client.resolveFlagged(second.id, { action: 'refund', reason: 'paid twice' })).toMatchObject({ repeated: true });
    const sim = h.sim.find(pay.gatewayRef!)!;
    expect([...sim.refunds.values()]).toHaveLength(1);
    expect(await h.client.getPayment(pay.paymentId)).toMatchObject({ status: 'SUCCESS' }); // the first capture stands
  });
});

describe.each(BACKENDS)('cancel and callbacks on PhonePe (%s)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend, 'phonepe');
  }, 30_000);
  afterAll(async () => h?.close());
  const v2Header = { authorization: phonePeV2Authorization(SECRETS.PHONEPE_WEBHOOK_USERNAME, SECRETS.PHONEPE_WEBHOOK_PASSWORD) };
  const hook = async (body: unknown) => {
    const res = await fetch(`${h.serverUrl}/webhooks/phonepe`, { method: 'POST', headers: { 'content-type': 'application/json', ...v2Header }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as { data?: { outcome: string } } };
  };

  it('PhonePe cannot close a QR: cancel marks the payment abandoned and a capture is flagged PAID_AFTER_CANCEL', async () => {
    const pay = await h.client.createPayment({ sessionId: 'P-1', amountPaise: 6000, idempotencyKey: newKey() });
    expect(await h.client.cancelPayment(pay.paymentId)).toMatchObject({ status: 'EXPIRED' });
    const hist = await h.server.ctx.db.selectFrom('payment_history').select(['source', 'detail']).where('payment_id', '=', pay.paymentId).execute();
    expect(hist.map((x) => x.source)).toContain('kiosk-cancel');
    expect(outcome(await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`))).toBe('late');
    expect(await h.client.getPayment(pay.paymentId)).toMatchObject({ status: 'SUCCESS', late: true, reviewReason: 'PAID_AFTER_CANCEL' });
  });

  it('a captured v2 header with a forged body changes nothing: only the status API answer is applied', async () => {
    const pay = await h.client.createPayment({ sessionId: 'P-2', amountPaise: 6000, idempotencyKey: newKey() });
    const forged = { event: 'checkout.order.completed', payload: { merchantOrderId: pay.gatewayRef, state: 'COMPLETED', amount: 6000, paymentDetails: [{ transactionId: 'Tforged' }] } };
    const r = await hook(forged);
    expect(r.status).toBe(200);
    expect(r.json.data?.outcome).toBe('ignored');
    expect(await h.client.getPayment(pay.paymentId)).toMatchObject({ status: 'PENDING' });
    // The customer really pays; a forged "failed" callback for it is answered from the status API too.
    await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { deliver: false });
    const lie = await hook({ event: 'checkout.order.failed', payload: { merchantOrderId: pay.gatewayRef, state: 'FAILED' } });
    expect(lie.json.data?.outcome).toBe('applied');
    const p = await h.server.ctx.db.selectFrom('payments').selectAll().where('id', '=', pay.paymentId).executeTakeFirstOrThrow();
    expect(p).toMatchObject({ status: 'SUCCESS', paid_amount_paise: 6000 });
    expect(p.gateway_payment_id).not.toBe('Tforged');
  });

  it('a v2 callback the status API cannot confirm is refused with 503 (PhonePe retries) and changes nothing', async () => {
    const pay = await h.client.createPayment({ sessionId: 'P-3', amountPaise: 6000, idempotencyKey: newKey() });
    const r = await hook({ event: 'checkout.order.completed', payload: { merchantOrderId: 'NOT-A-REAL-ORDER', state: 'COMPLETED', amount: 6000 } });
    expect(r.status).toBe(503);
    expect(await h.client.getPayment(pay.paymentId)).toMatchObject({ status: 'PENDING' });
  });
});
