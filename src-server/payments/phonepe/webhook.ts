/**
 * Verifies and normalises a PhonePe callback: v1 `{ response: base64 }` with X-VERIFY, or a v2
 * webhook `{ event, payload }` with `Authorization: sha256(username:password)`.
 */
import type { PhonePeConfig } from '../../config.js';
import type { HeaderMap, WebhookVerdict } from '../webhook-verdict.js';
import { headerValue, readJson } from '../webhook-verdict.js';
import { verifyPhonePeCallback, verifyPhonePeV2Authorization } from './checksum.js';
import { callbackBodySchema, outcomeOfV1Code, outcomeOfV2State, phonePeEventKey, statusSchema, v2WebhookSchema } from './wire.js';

export function parsePhonePeWebhook(rawBody: Buffer, headers: HeaderMap, cfg: PhonePeConfig): WebhookVerdict {
  const text = rawBody.toString('utf8');
  const v1 = readJson(text, callbackBodySchema);
  if (v1) return parseV1(v1.response, headerValue(headers, 'x-verify'), cfg);

  const v2 = readJson(text, v2WebhookSchema);
  if (!v2) return { ok: false, reason: 'malformed' };
  if (!cfg.webhookUsername || !cfg.webhookPassword) return { ok: false, reason: 'not_configured' };
  if (!verifyPhonePeV2Authorization(headerValue(headers, 'authorization'), cfg.webhookUsername, cfg.webhookPassword)) {
    return { ok: false, reason: 'bad_signature' };
  }
  const { event, payload } = v2;
  const outcome = event.startsWith('checkout.order.') ? outcomeOfV2State(payload.state) : 'PENDING';
  return {
    ok: true,
    event: {
      gateway: 'phonepe',
      eventKey: phonePeEventKey(payload.merchantOrderId, outcome),
      eventType: event,
      outcome: outcome === 'PENDING' ? 'IGNORED' : outcome,
      gatewayRef: payload.merchantOrderId,
      merchantRef: payload.merchantOrderId,
      amountPaise: payload.amount ?? null,
      currency: 'INR',
      gatewayPaymentId: payload.paymentDetails?.[0]?.transactionId ?? payload.orderId ?? null,
    },
  };
}

function parseV1(base64Response: string, xVerify: string | undefined, cfg: PhonePeConfig): WebhookVerdict {
  if (!verifyPhonePeCallback(base64Response, xVerify, cfg.saltKey, cfg.saltIndex)) return { ok: false, reason: 'bad_signature' };
  const status = readJson(Buffer.from(base64Response, 'base64').toString('utf8'), statusSchema);
  if (!status) return { ok: false, reason: 'malformed' };
  const outcome = outcomeOfV1Code(status.code);
  const mtid = status.data.merchantTransactionId;
  return {
    ok: true,
    event: {
      gateway: 'phonepe',
      eventKey: phonePeEventKey(mtid, outcome),
      eventType: `callback:${status.code}`,
      outcome: outcome === 'PENDING' ? 'IGNORED' : outcome,
      gatewayRef: mtid,
      merchantRef: mtid,
      amountPaise: status.data.amount ?? null,
      currency: 'INR',
      gatewayPaymentId: status.data.transactionId ?? null,
    },
  };
}
