/**
 * RAZORPAY_MODE=order: the real Razorpay adapter (Orders API + S2S UPI intent) against the gateway
 * simulator speaking the same wire format: order.paid / payment.captured webhooks mapped back by
 * order_id, status poll via GET /v1/orders/:id/payments, deadline without a close call, a late
 * capture flagged, refund by payment id. SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src-server/config.js';
import { parseRazorpayWebhook } from '../../src-server/payments/razorpay/webhook.js';
import { razorpayWebhookSignature } from '../../src-server/payments/razorpay/signature.js';
import { BACKENDS } from './helpers/databases.js';
import { SECRETS, serverEnv } from './helpers/env.js';
import type { Harness } from './helpers/harness.js';
import { newKey, simControl, startHarness } from './helpers/harness.js';

export const ORDER_MODE = { RAZORPAY_MODE: 'order', RAZORPAY_CONTACT: '+919800000000', RAZORPAY_EMAIL: 'gate@parkgate.example' };

const outcome = (r: { delivered: { body: string } | null }) => (JSON.parse(r.delivered!.body) as { data: { outcome: string } }).data.outcome;

describe('RAZORPAY_MODE setting', () => {
  const base = serverEnv({ databaseUrl: ':memory:', gateway: 'razorpay', simUrl: 'http://127.0.0.1:1' });
  it('defaults to qr; order needs the payer contact and e-mail; anything else is refused', () => {
    expect(loadConfig(base).razorpay?.mode).toBe('qr');
    expect(loadConfig({ ...base, ...ORDER_MODE }).razorpay).toMatchObject({ mode: 'order', contact: '+919800000000', email: 'gate@parkgate.example' });
    expect(() => loadConfig({ ...base, RAZORPAY_MODE: 'order' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, RAZORPAY_MODE: 'orders' })).toThrow(ConfigError);
  });

  it('an order.paid webhook maps back by order_id, the merchant ref from notes or the order receipt', () => {
    const body = JSON.stringify({
      entity: 'event', event: 'order.paid', contains: ['payment', 'order'],
      payload: {
        payment: { entity: { id: 'pay_1', amount: 4000, currency: 'INR', status: 'captured', order_id: 'order_9', notes: [] } },
        order: { entity: { id: 'order_9', amount: 4000, receipt: 'PGREF123', status: 'paid', notes: [] } },
      },
      created_at: 1,
    });
    const v = parseRazorpayWebhook(Buffer.from(body), { 'x-razorpay-signature': razorpayWebhookSignature(body, 's3cret'), 'x-razorpay-event-id': 'evt_1' }, 's3cret');
    expect(v).toEqual({ ok: true, event: expect.objectContaining({ outcome: 'SUCCESS', gatewayRef: 'order_9', merchantRef: 'PGREF123', amountPaise: 4000, gatewayPaymentId: 'pay_1' }) });
  });
});

describe.each(BACKENDS)('Razorpay Orders through the simulator on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend, 'razorpay', ORDER_MODE);
  }, 30_000);
  afterAll(async () => h?.close());

  const order = async (ref: string) => {
    const res = await fetch(`${h.simUrl}/v1/orders/${ref}`, { headers: { authorization: `Basic ${Buffer.from(`${SECRETS.RAZORPAY_KEY_ID}:${SECRETS.RAZORPAY_KEY_SECRET}`).toString('base64')}` } });
    return (await res.json()) as { id: string; status: string; receipt: string; amount: number; amount_paid: number; amount_due: number };
  };

  it('creates an order (receipt = merchant ref) and draws its S2S UPI intent link; order.paid settles it once', async () => {
    const p = await h.client.createPayment({ sessionId: 'O-1', amountPaise: 4000, idempotencyKey: newKey() });
    expect(p).toMatchObject({ status: 'PENDING', gateway: 'razorpay' });
    expect(p.gatewayRef).toMatch(/^order_/);
    expect(p.upiUri).toMatch(/^upi:\/\/pay\?.*am=40\.00/);
    const row = await h.server.ctx.db.selectFrom('payments').select('merchant_ref').where('id', '=', p.paymentId).executeTakeFirstOrThrow();
    expect(await order(p.gatewayRef!)).toMatchObject({ status: 'attempted', receipt: row.merchant_ref, amount: 4000, amount_due: 4000 });

    const paid = await simControl(h, `/_sim/payments/${p.gatewayRef}/pay`);
    expect(outcome(paid)).toBe('applied');
    expect(h.sim.events.get(paid.eventId)!.body).toContain('"event":"order.paid"');
    expect(await h.client.getPayment(p.paymentId)).toMatchObject({ status: 'SUCCESS', late: false, needsReview: false });
    expect(await order(p.gatewayRef!)).toMatchObject({ status: 'paid', amount_paid: 4000, amount_due: 0 });
    // Razorpay also sends payment.captured for the same capture: a no-op.
    expect(outcome(await simControl(h, `/_sim/payments/${p.gatewayRef}/pay`, { razorpayEvent: 'payment.captured' }))).toBe('already_final');
    const hist = await h.server.ctx.db.selectFrom('payment_history').select('to_status').where('payment_id', '=', p.paymentId).execute();
    expect(hist.filter((x) => x.to_status === 'SUCCESS')).toHaveLength(1);
  });

  it('payment.captured alone settles it too (order_id mapped back)', async () => {
    const p = await h.client.createPayment({ sessionId: 'O-2', amountPaise: 2500, idempotencyKey: newKey() });
    expect(outcome(await simControl(h, `/_sim/payments/${p.gatewayRef}/pay`, { razorpayEvent: 'payment.captured' }))).toBe('applied');
    expect((await h.client.getPayment(p.paymentId)).status).toBe('SUCCESS');
  });

  it('a lost webhook is settled by the poll of the order\'s payments', async () => {
    const p = await h.client.createPayment({ sessionId: 'O-3', amountPaise: 4000, idempotencyKey: newKey() });
    await simControl(h, `/_sim/payments/${p.gatewayRef}/pay`, { deliver: false });
    h.clock.advance(19_000);
    expect((await h.server.ctx.reconciler.tick()).polled).toBe(0);
    h.clock.advance(1_000);
    expect(await h.server.ctx.reconciler.tick()).toMatchObject({ polled: 1, settled: 1, errors: 0 });
    expect((await h.client.getPayment(p.paymentId)).status).toBe('SUCCESS');
    expect(h.server.ctx.metrics.gatewayErrors.get({ gateway: 'razorpay', op: 'status' })).toBe(0);
  });

  it('amount mismatch goes to review; a failure is FAILED', async () => {
    const p = await h.client.createPayment({ sessionId: 'O-4', amountPaise: 4000, idempotencyKey: newKey() });
    expect(outcome(await simControl(h, `/_sim/payments/${p.gatewayRef}/pay`, { amountPaise: 400 }))).toBe('review');
    expect(await h.client.getPayment(p.paymentId)).toMatchObject({ status: 'PENDING', reviewReason: 'AMOUNT_MISMATCH' });
    const f = await h.client.createPayment({ sessionId: 'O-5', amountPaise: 4000, idempotencyKey: newKey() });
    expect(outcome(await simControl(h, `/_sim/payments/${f.gatewayRef}/fail`))).toBe('applied');
    expect((await h.client.getPayment(f.paymentId)).status).toBe('FAILED');
  });

  it('deadline: no close call for an order, EXPIRED; a later capture is late and flagged; the refund goes by payment id', async () => {
    const p = await h.client.createPayment({ sessionId: 'O-6', amountPaise: 3000, idempotencyKey: newKey() });
    h.clock.advance(300_000);
    expect((await h.server.ctx.reconciler.tick()).expired).toBeGreaterThanOrEqual(1); // (the unpaid mismatch above expires too)
    expect(h.server.ctx.metrics.gatewayErrors.get({ gateway: 'razorpay', op: 'close' })).toBe(0);
    expect((await h.client.getPayment(p.paymentId)).status).toBe('EXPIRED');
    expect(outcome(await simControl(h, `/_sim/payments/${p.gatewayRef}/pay`))).toBe('late');
    expect(await h.client.getPayment(p.paymentId)).toMatchObject({ status: 'SUCCESS', late: true, reviewReason: 'LATE_PAYMENT' });
    const r = await h.client.resolveFlagged(p.paymentId, { action: 'refund', reason: 'paid after the deadline' });
    expect(r).toMatchObject({ payment: { status: 'REFUNDED' }, refund: { status: 'PROCESSED', amountPaise: 3000 } });
    expect(h.sim.find(p.gatewayRef!)!.refunds.size).toBe(1);
  });

  it('the simulator refuses what the real API refuses (amount, receipt, intent of a paid order)', async () => {
    const auth = { authorization: `Basic ${Buffer.from(`${SECRETS.RAZORPAY_KEY_ID}:${SECRETS.RAZORPAY_KEY_SECRET}`).toString('base64')}`, 'content-type': 'application/json' };
    const post = (path: string, body: unknown, headers: Record<string, string> = auth) => fetch(`${h.simUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect((await post('/v1/orders', { amount: 4000, currency: 'INR' }, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await post('/v1/orders', { amount: 99, currency: 'INR' })).status).toBe(400);
    expect((await post('/v1/orders', { amount: 4000, currency: 'USD' })).status).toBe(400);
    expect((await post('/v1/orders', { amount: 4000, currency: 'INR', receipt: 'x'.repeat(41) })).status).toBe(400);
    const o = (await (await post('/v1/orders', { amount: 4000, currency: 'INR', receipt: 'r-1' })).json()) as { id: string };
    const intent = { amount: 4000, currency: 'INR', order_id: o.id, method: 'upi', contact: '+919800000000', email: 'a@b.c', upi: { flow: 'intent' } };
    expect((await post('/v1/payments/create/upi', { ...intent, amount: 3999 })).status).toBe(400);
    expect((await post('/v1/payments/create/upi', { ...intent, email: '' })).status).toBe(400);
    expect((await post('/v1/payments/create/upi', intent)).status).toBe(200);
    await simControl(h, `/_sim/payments/${o.id}/pay`, { deliver: false });
    expect((await post('/v1/payments/create/upi', intent)).status).toBe(400);
  });
});
