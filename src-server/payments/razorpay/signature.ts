/** Razorpay signatures (payments.md): webhook = hex HMAC-SHA256(webhook secret, RAW body). */
import { hmacSha256Hex, safeEqual } from '../../util/hash.js';

export function razorpayWebhookSignature(rawBody: string | Uint8Array, webhookSecret: string): string {
  return hmacSha256Hex(webhookSecret, rawBody);
}

export function verifyRazorpayWebhook(rawBody: Uint8Array, signature: string | undefined, webhookSecret: string): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  return safeEqual(razorpayWebhookSignature(rawBody, webhookSecret), signature.toLowerCase());
}

/** Checkout signature: hex HMAC-SHA256(key_secret, order_id + "|" + payment_id). */
export function razorpayCheckoutSignature(orderId: string, paymentId: string, keySecret: string): string {
  return hmacSha256Hex(keySecret, `${orderId}|${paymentId}`);
}

export function basicAuthHeader(keyId: string, keySecret: string): string {
  return `Basic ${Buffer.from(`${keyId}:${keySecret}`).toString('base64')}`;
}
