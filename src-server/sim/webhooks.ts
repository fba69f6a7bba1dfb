/** Builds correctly signed webhooks in each gateway's wire format, and delivers them to the server. */
import { randomUUID } from 'node:crypto';
import { phonePeCallbackChecksum, phonePeV2Authorization, toBase64Json } from '../payments/phonepe/checksum.js';
import { razorpayWebhookSignature } from '../payments/razorpay/signature.js';
import { simWebhookSignature } from '../payments/sim/webhook.js';
import type { SimulatorConfig } from './config.js';
import { orderEntity } from './razorpay-api.js';
import type { SimEvent, SimPayment } from './store.js';

export interface EventOptions {
  kind: 'success' | 'failure';
  amountPaise: number;
  /** Razorpay event name override (default qr_code.credited, order.paid for an order / payment.failed). */
  razorpayEvent?: string;
  /** PhonePe callback flavour (default v1). */
  phonepeVersion?: 'v1' | 'v2';
  nowMs: number;
  /** The capture's gateway payment id (default: the payment's own). */
  paymentId?: string;
}

export function buildEvent(cfg: SimulatorConfig, p: SimPayment, o: EventOptions): SimEvent {
  const eventId = p.flavour === 'razorpay' ? `evt_${randomUUID().replace(/-/g, '').slice(0, 14)}` : randomUUID();
  const paymentId = o.paymentId ?? p.paymentId ?? `pay_${randomUUID().replace(/-/g, '').slice(0, 14)}`;
  if (p.flavour === 'razorpay') {
    if (!cfg.razorpay) throw new Error('razorpay is not configured in the simulator');
    const isOrder = p.kind === 'order';
    const event = o.razorpayEvent ?? (o.kind === 'success' ? (isOrder ? 'order.paid' : 'qr_code.credited') : 'payment.failed');
    const payment = {
      id: paymentId,
      entity: 'payment',
      amount: o.amountPaise,
      currency: 'INR',
      status: o.kind === 'success' ? 'captured' : 'failed',
      order_id: isOrder ? p.ref : null,
      method: 'upi',
      vpa: 'customer@okbank',
      error_code: o.kind === 'success' ? null : 'BAD_REQUEST_ERROR',
      notes: { merchant_ref: p.merchantRef },
      created_at: Math.floor(o.nowMs / 1000),
    };
    const payload: Record<string, unknown> = { payment: { entity: payment } };
    if (event.startsWith('order.')) {
      const paid = o.kind === 'success' ? o.amountPaise : 0;
      payload.order = { entity: { ...orderEntity(p), amount_paid: paid, amount_due: Math.max(0, p.amountPaise - paid), status: o.kind === 'success' ? 'paid' : 'attempted' } };
    }
    if (event.startsWith('qr_code.')) {
      payload.qr_code = { entity: { id: p.ref, entity: 'qr_code', status: p.closed ? 'closed' : 'active', payments_amount_received: o.kind === 'success' ? o.amountPaise : 0, notes: { merchant_ref: p.merchantRef } } };
    }
    const body = JSON.stringify({ entity: 'event', account_id: 'acc_sim', event, contains: Object.keys(payload), payload, created_at: Math.floor(o.nowMs / 1000) });
    return {
      eventId,
      flavour: 'razorpay',
      ref: p.ref,
      kind: o.kind,
      body,
      headers: { 'x-razorpay-signature': razorpayWebhookSignature(body, cfg.razorpay.webhookSecret), 'x-razorpay-event-id': eventId },
    };
  }
  if (p.flavour === 'phonepe') {
    if (!cfg.phonepe) throw new Error('phonepe is not configured in the simulator');
    const pp = cfg.phonepe;
    if (o.phonepeVersion === 'v2') {
      if (!pp.webhookUsername || !pp.webhookPassword) throw new Error('phonepe v2 webhook credentials are not configured');
      const body = JSON.stringify({
        event: o.kind === 'success' ? 'checkout.order.completed' : 'checkout.order.failed',
        payload: {
          merchantId: pp.merchantId,
          merchantOrderId: p.ref,
          orderId: `OMO${paymentId.slice(4)}`,
          state: o.kind === 'success' ? 'COMPLETED' : 'FAILED',
          amount: o.amountPaise,
          paymentDetails: [{ transactionId: paymentId, paymentMode: 'UPI_QR', amount: o.amountPaise, state: o.kind === 'success' ? 'COMPLETED' : 'FAILED' }],
        },
      });
      return { eventId, flavour: 'phonepe', ref: p.ref, kind: o.kind, body, headers: { authorization: phonePeV2Authorization(pp.webhookUsername, pp.webhookPassword) } };
    }
    const response = toBase64Json({
      success: o.kind === 'success',
      code: o.kind === 'success' ? 'PAYMENT_SUCCESS' : 'PAYMENT_ERROR',
      message: o.kind === 'success' ? 'Your payment is successful.' : 'Payment failed',
      data: {
        merchantId: pp.merchantId,
        merchantTransactionId: p.ref,
        transactionId: paymentId,
        amount: o.amountPaise,
        state: o.kind === 'success' ? 'COMPLETED' : 'FAILED',
        responseCode: o.kind === 'success' ? 'SUCCESS' : 'ZM',
        paymentInstrument: { type: 'UPI', utr: '206378866112' },
      },
    });
    const body = JSON.stringify({ response });
    return { eventId, flavour: 'phonepe', ref: p.ref, kind: o.kind, body, headers: { 'x-verify': phonePeCallbackChecksum(response, pp.saltKey, pp.saltIndex) } };
  }
  if (!cfg.sim) throw new Error('sim webhooks are not configured (SIM_WEBHOOK_SECRET)');
  const body = JSON.stringify({
    event: o.kind === 'success' ? 'payment.succeeded' : 'payment.failed',
    payment: { id: p.ref, merchantRef: p.merchantRef, amountPaise: o.amountPaise, paymentId },
  });
  return { eventId, flavour: 'sim', ref: p.ref, kind: o.kind, body, headers: { 'x-sim-signature': simWebhookSignature(body, cfg.sim.webhookSecret), 'x-sim-event-id': eventId } };
}

/** Same body, a new event id (Razorpay / sim): the "duplicate with a new id" case. */
export function withNewEventId(e: SimEvent): SimEvent {
  const eventId = `${e.eventId.split('_')[0] === 'evt' ? 'evt_' : ''}${randomUUID().replace(/-/g, '').slice(0, 14)}`;
  const headers = { ...e.headers };
  if (headers['x-razorpay-event-id']) headers['x-razorpay-event-id'] = eventId;
  if (headers['x-sim-event-id']) headers['x-sim-event-id'] = eventId;
  return { ...e, eventId, headers };
}

export async function deliver(cfg: SimulatorConfig, e: SimEvent): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(`${cfg.serverUrl}/webhooks/${e.flavour}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...e.headers },
      body: e.body,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: (err as Error).message };
  }
}
