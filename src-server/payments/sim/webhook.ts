/** Verifies and normalises a simulator webhook (HMAC over the raw body, like Razorpay). */
import { hmacSha256Hex, safeEqual } from '../../util/hash.js';
import type { HeaderMap, WebhookVerdict } from '../webhook-verdict.js';
import { headerValue } from '../webhook-verdict.js';
import { simWebhookSchema } from './wire.js';

export const simWebhookSignature = (raw: string | Uint8Array, secret: string): string => hmacSha256Hex(secret, raw);

export function parseSimWebhook(rawBody: Buffer, headers: HeaderMap, secret: string): WebhookVerdict {
  const sig = headerValue(headers, 'x-sim-signature');
  if (!sig || !safeEqual(simWebhookSignature(rawBody, secret), sig.toLowerCase())) return { ok: false, reason: 'bad_signature' };
  const eventId = headerValue(headers, 'x-sim-event-id');
  if (!eventId || eventId.length > 100) return { ok: false, reason: 'missing_event_id' };
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const body = simWebhookSchema.safeParse(json);
  if (!body.success) return { ok: false, reason: 'malformed' };
  const p = body.data.payment;
  return {
    ok: true,
    event: {
      gateway: 'sim',
      eventKey: eventId,
      eventType: body.data.event,
      outcome: body.data.event === 'payment.succeeded' ? 'SUCCESS' : 'FAILED',
      gatewayRef: p.id,
      merchantRef: p.merchantRef,
      amountPaise: p.amountPaise,
      currency: 'INR',
      gatewayPaymentId: p.paymentId,
    },
  };
}
