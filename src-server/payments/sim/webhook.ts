/** Verifies and normalises a simulator webhook (HMAC over the raw body, like Razorpay). */
import { hmacSha256Hex, safeEqual } from '../../util/hash.js';
import type { HeaderMap, WebhookVerdict } from '../webhook-verdict.js';
import { headerValue, readJson, webhookEventId } from '../webhook-verdict.js';
import { simWebhookSchema } from './wire.js';

export const simWebhookSignature = (raw: string | Uint8Array, secret: string): string => hmacSha256Hex(secret, raw);

export function parseSimWebhook(rawBody: Buffer, headers: HeaderMap, secret: string): WebhookVerdict {
  const sig = headerValue(headers, 'x-sim-signature');
  if (!sig || !safeEqual(simWebhookSignature(rawBody, secret), sig.toLowerCase())) return { ok: false, reason: 'bad_signature' };
  const eventId = webhookEventId(headers, 'x-sim-event-id');
  if (!eventId) return { ok: false, reason: 'missing_event_id' };
  const body = readJson(rawBody.toString('utf8'), simWebhookSchema);
  if (!body) return { ok: false, reason: 'malformed' };
  const p = body.payment;
  return {
    ok: true,
    event: {
      gateway: 'sim',
      eventKey: eventId,
      eventType: body.event,
      outcome: body.event === 'payment.succeeded' ? 'SUCCESS' : 'FAILED',
      gatewayRef: p.id,
      merchantRef: p.merchantRef,
      amountPaise: p.amountPaise,
      currency: 'INR',
      gatewayPaymentId: p.paymentId,
    },
  };
}
