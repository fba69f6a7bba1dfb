/** Verifies and normalises a Razorpay webhook (signature over the RAW body, before parsing). */
import type { GatewayEvent } from '../gateway.js';
import type { HeaderMap, WebhookVerdict } from '../webhook-verdict.js';
import { headerValue as header, readJson, webhookEventId } from '../webhook-verdict.js';
import { verifyRazorpayWebhook } from './signature.js';
import { merchantRefFromNotes, webhookSchema } from './wire.js';

const SUCCESS_EVENTS = new Set(['payment.captured', 'qr_code.credited', 'order.paid']);
const FAILURE_EVENTS = new Set(['payment.failed']);

export function parseRazorpayWebhook(
  rawBody: Buffer,
  headers: HeaderMap,
  webhookSecret: string,
): WebhookVerdict {
  const signature = header(headers, 'x-razorpay-signature');
  if (!verifyRazorpayWebhook(rawBody, signature, webhookSecret)) return { ok: false, reason: 'bad_signature' };
  const eventId = webhookEventId(headers, 'x-razorpay-event-id');
  if (!eventId) return { ok: false, reason: 'missing_event_id' };
  const body = readJson(rawBody.toString('utf8'), webhookSchema);
  if (!body) return { ok: false, reason: 'malformed' };
  const { event, payload } = body;
  const payment = payload.payment?.entity;
  const qr = payload.qr_code?.entity;
  const order = payload.order?.entity;
  const outcome = SUCCESS_EVENTS.has(event) ? 'SUCCESS' : FAILURE_EVENTS.has(event) ? 'FAILED' : 'IGNORED';
  const evt: GatewayEvent = {
    gateway: 'razorpay',
    eventKey: eventId,
    eventType: event,
    outcome,
    gatewayRef: qr?.id ?? payment?.order_id ?? order?.id ?? null,
    // Orders mode: our merchant ref is also the order's receipt.
    merchantRef: merchantRefFromNotes(payment?.notes) ?? merchantRefFromNotes(qr?.notes) ?? merchantRefFromNotes(order?.notes) ?? order?.receipt ?? null,
    amountPaise: payment?.amount ?? null,
    currency: payment?.currency ?? null,
    gatewayPaymentId: payment?.id ?? null,
  };
  if (outcome !== 'IGNORED' && !payment) return { ok: false, reason: 'malformed' };
  return { ok: true, event: evt };
}
