/**
 * Webhook hostility: every bad input is refused or a no-op, nothing is double-counted, and a
 * payment is never released by any of them. Runs on SQLite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { razorpayWebhookSignature } from '../../src-server/payments/razorpay/signature.js';
import { phonePeCallbackChecksum, phonePeV2Authorization, toBase64Json } from '../../src-server/payments/phonepe/checksum.js';
import { BACKENDS } from './helpers/databases.js';
import { SECRETS } from './helpers/env.js';
import type { Harness } from './helpers/harness.js';
import { newKey, simControl, startHarness } from './helpers/harness.js';

async function post(h: Harness, path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${h.serverUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, json: (await res.json()) as { ok: boolean; data?: { outcome: string }; error?: { code: string } } };
}

async function counts(h: Harness, paymentId: string) {
  const db = h.server.ctx.db;
  const success = await db.selectFrom('payment_history').select('id').where('payment_id', '=', paymentId).where('to_status', '=', 'SUCCESS').execute();
  const payments = await db.selectFrom('payments').select('id').execute();
  const p = await db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirstOrThrow();
  return { successTransitions: success.length, payments: payments.length, payment: p };
}

describe.each(BACKENDS)('Razorpay webhooks on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend, 'razorpay');
  }, 30_000);
  afterAll(async () => h?.close());

  const sign = (body: string, secret: string = SECRETS.RAZORPAY_WEBHOOK_SECRET) => razorpayWebhookSignature(body, secret);
  const hook = (body: string, sig: string, eventId = `evt_${newKey('t')}`) => post(h, '/webhooks/razorpay', body, { 'x-razorpay-signature': sig, 'x-razorpay-event-id': eventId });

  it('refuses forged, tampered, wrongly signed, malformed and oversized webhooks, changing nothing', async () => {
    const pay = await h.client.createPayment({ sessionId: 'S-forged', amountPaise: 4000, idempotencyKey: newKey() });
    const built = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { deliver: false });
    const event = h.sim.events.get(built.eventId)!;
    const before = await counts(h, pay.paymentId);

    // bad signature
    expect((await hook(event.body, 'ab'.repeat(32))).status).toBe(401);
    // missing signature
    expect((await post(h, '/webhooks/razorpay', event.body, { 'x-razorpay-event-id': 'evt_x' })).status).toBe(401);
    // tampered body with the original signature
    const tampered = event.body.replace('"amount":4000', '"amount":400');
    expect(tampered).not.toBe(event.body);
    expect((await hook(tampered, event.headers['x-razorpay-signature']!)).status).toBe(401);
    // tampered body re-signed by someone without our secret
    expect((await hook(tampered, sign(tampered, 'guessed-secret'))).status).toBe(401);
    // genuine body signed with the wrong secret
    expect((await hook(event.body, sign(event.body, SECRETS.RAZORPAY_KEY_SECRET))).status).toBe(401);
    // correctly signed, but not JSON
    const notJson = 'event=payment.captured&amount=4000';
    const r1 = await hook(notJson, sign(notJson));
    expect(r1.status).toBe(400);
    // correctly signed JSON that is not a Razorpay event
    const odd = JSON.stringify({ hello: 'world' });
    expect((await hook(odd, sign(odd))).status).toBe(400);
    // correctly signed, no event id
    expect((await post(h, '/webhooks/razorpay', event.body, { 'x-razorpay-signature': sign(event.body) })).status).toBe(400);
    // 1 MB body
    const big = JSON.stringify({ entity: 'event', event: 'payment.captured', pad: 'x'.repeat(1024 * 1024) });
    expect((await hook(big, sign(big))).status).toBe(413);

    const after = await counts(h, pay.paymentId);
    expect(after.payment.status).toBe('PENDING');
    expect(after.successTransitions).toBe(0);
    expect(after.payments).toBe(before.payments);
    const events = await h.server.ctx.db.selectFrom('gateway_events').select('id').execute();
    expect(events).toHaveLength(0);
    const metrics = h.server.ctx.metrics;
    expect(metrics.webhookFailures.get({ gateway: 'razorpay', reason: 'bad_signature' })).toBe(5);
    expect(metrics.webhookFailures.get({ gateway: 'razorpay', reason: 'malformed' })).toBe(2);
    expect(metrics.webhookFailures.get({ gateway: 'razorpay', reason: 'too_large' })).toBe(1);
  });

  it('applies a genuine success once; replay, duplicate with new id and failure-after-success are no-ops', async () => {
    const pay = await h.client.createPayment({ sessionId: 'S-dup', amountPaise: 4000, idempotencyKey: newKey() });
    const first = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`);
    expect(first.delivered?.status).toBe(200);
    expect(JSON.parse(first.delivered!.body).data.outcome).toBe('applied');
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('SUCCESS');

    const replay = await simControl(h, `/_sim/events/${first.eventId}/deliver`);
    expect(JSON.parse(replay.delivered!.body).data.outcome).toBe('duplicate');
    const newId = await simControl(h, `/_sim/events/${first.eventId}/deliver`, { newId: true });
    expect(JSON.parse(newId.delivered!.body).data.outcome).toBe('already_final');
    const captured = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { razorpayEvent: 'payment.captured' });
    expect(JSON.parse(captured.delivered!.body).data.outcome).toBe('already_final');
    const failure = await simControl(h, `/_sim/payments/${pay.gatewayRef}/fail`);
    expect(JSON.parse(failure.delivered!.body).data.outcome).toBe('stale_failure');

    const c = await counts(h, pay.paymentId);
    expect(c.payment.status).toBe('SUCCESS');
    expect(c.payment.paid_amount_paise).toBe(4000);
    expect(c.successTransitions).toBe(1);
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('SUCCESS');
  });

  it('out of order: a failure delivered after the success it follows changes nothing; held success then applies', async () => {
    const pay = await h.client.createPayment({ sessionId: 'S-order', amountPaise: 2500, idempotencyKey: newKey() });
    const success = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { deliver: false });
    await simControl(h, `/_sim/events/${success.eventId}/deliver`);
    const stale = await simControl(h, `/_sim/payments/${pay.gatewayRef}/fail`);
    expect(JSON.parse(stale.delivered!.body).data.outcome).toBe('stale_failure');
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('SUCCESS');
  });

  it('amount mismatch goes to review and the payment stays unpaid', async () => {
    const pay = await h.client.createPayment({ sessionId: 'S-amount', amountPaise: 4000, idempotencyKey: newKey() });
    const r = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { amountPaise: 400 });
    expect(JSON.parse(r.delivered!.body).data.outcome).toBe('review');
    const view = await h.client.getPayment(pay.paymentId);
    expect(view.status).toBe('PENDING');
    expect(view.needsReview).toBe(true);
    expect(view.reviewReason).toBe('AMOUNT_MISMATCH');
  });

  it('an unknown reference is acknowledged, recorded and changes no payment', async () => {
    const before = await h.server.ctx.db.selectFrom('payments').select(['id', 'status', 'updated_at']).orderBy('id').execute();
    const body = JSON.stringify({
      entity: 'event', event: 'qr_code.credited', contains: ['payment', 'qr_code'],
      payload: { payment: { entity: { id: 'pay_zzz', amount: 4000, currency: 'INR', status: 'captured', order_id: null, notes: { merchant_ref: 'PGNOSUCHREF' } } }, qr_code: { entity: { id: 'qr_nosuch' } } },
      created_at: 1,
    });
    const r = await hook(body, sign(body));
    expect(r.status).toBe(200);
    expect(r.json.data?.outcome).toBe('unknown_reference');
    const after = await h.server.ctx.db.selectFrom('payments').select(['id', 'status', 'updated_at']).orderBy('id').execute();
    expect(after).toEqual(before);
  });

  it('concurrent deliveries of the same event and of a new-id duplicate apply exactly once', async () => {
    const pay = await h.client.createPayment({ sessionId: 'S-race', amountPaise: 4000, idempotencyKey: newKey() });
    const built = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { deliver: false });
    const e = h.sim.events.get(built.eventId)!;
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => hook(e.body, e.headers['x-razorpay-signature']!, e.eventId)),
      ...Array.from({ length: 4 }, () => hook(e.body, e.headers['x-razorpay-signature']!)),
    ]);
    const outcomes = results.map((r) => r.json.data?.outcome);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect((await counts(h, pay.paymentId)).successTransitions).toBe(1);
  });
});

describe.each(BACKENDS)('PhonePe callbacks on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend, 'phonepe');
  }, 30_000);
  afterAll(async () => h?.close());

  const v1 = (json: unknown, salt: string = SECRETS.PHONEPE_SALT_KEY) => {
    const response = toBase64Json(json);
    return { body: JSON.stringify({ response }), xVerify: phonePeCallbackChecksum(response, salt, '1') };
  };

  it('v1 callback with a bad checksum, a wrong salt or a tampered response is refused', async () => {
    const pay = await h.client.createPayment({ sessionId: 'P-bad', amountPaise: 6000, idempotencyKey: newKey() });
    const ok = { success: true, code: 'PAYMENT_SUCCESS', data: { merchantId: SECRETS.PHONEPE_MERCHANT_ID, merchantTransactionId: pay.gatewayRef, transactionId: 'T1', amount: 6000, state: 'COMPLETED' } };
    const good = v1(ok);
    const wrongSalt = v1(ok, 'not-the-salt');
    expect((await post(h, '/webhooks/phonepe', wrongSalt.body, { 'x-verify': wrongSalt.xVerify })).status).toBe(401);
    expect((await post(h, '/webhooks/phonepe', good.body, { 'x-verify': 'deadbeef###1' })).status).toBe(401);
    const tampered = v1({ ...ok, data: { ...ok.data, amount: 60 } });
    expect((await post(h, '/webhooks/phonepe', tampered.body, { 'x-verify': good.xVerify })).status).toBe(401);
    expect((await post(h, '/webhooks/phonepe', 'not json', { 'x-verify': good.xVerify })).status).toBe(400);
    const v2 = JSON.stringify({ event: 'checkout.order.completed', payload: { merchantOrderId: pay.gatewayRef, state: 'COMPLETED', amount: 6000 } });
    expect((await post(h, '/webhooks/phonepe', v2, { authorization: phonePeV2Authorization('user', 'wrong') })).status).toBe(401);
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('PENDING');
  });

  it('v1 success applies once; v2 and poll of the same (merchantOrderId, state) are duplicates', async () => {
    const pay = await h.client.createPayment({ sessionId: 'P-ok', amountPaise: 6000, idempotencyKey: newKey() });
    const r = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`);
    expect(JSON.parse(r.delivered!.body).data.outcome).toBe('applied');
    const again = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { phonepeVersion: 'v2' });
    expect(JSON.parse(again.delivered!.body).data.outcome).toBe('duplicate');
    const fail = await simControl(h, `/_sim/payments/${pay.gatewayRef}/fail`, { phonepeVersion: 'v2' });
    // A v2 callback is only a hint: the status API (still paid) answers, so a "failed" one is the same success again.
    expect(JSON.parse(fail.delivered!.body).data.outcome).toBe('duplicate');
    const v2 = JSON.stringify({ event: 'checkout.order.completed', payload: { merchantOrderId: pay.gatewayRef, state: 'COMPLETED', amount: 6000 } });
    const direct = await post(h, '/webhooks/phonepe', v2, { authorization: phonePeV2Authorization(SECRETS.PHONEPE_WEBHOOK_USERNAME, SECRETS.PHONEPE_WEBHOOK_PASSWORD) });
    expect(direct.json.data?.outcome).toBe('duplicate');
    const hist = await h.server.ctx.db.selectFrom('payment_history').select('to_status').where('payment_id', '=', pay.paymentId).execute();
    expect(hist.filter((x) => x.to_status === 'SUCCESS')).toHaveLength(1);
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('SUCCESS');
  });

  it('v2 success applies when it comes first', async () => {
    const pay = await h.client.createPayment({ sessionId: 'P-v2', amountPaise: 6000, idempotencyKey: newKey() });
    const r = await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`, { phonepeVersion: 'v2' });
    expect(JSON.parse(r.delivered!.body).data.outcome).toBe('applied');
    expect((await h.client.getPayment(pay.paymentId)).status).toBe('SUCCESS');
  });
});
