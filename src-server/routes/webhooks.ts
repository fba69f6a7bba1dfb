/**
 * Gateway webhooks. The signature is checked on the RAW body before anything is parsed; a
 * refused webhook changes nothing and is counted; a verified one is stored + applied in one
 * transaction (payments/ingest.ts) and answered at once.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import type { GatewayEvent } from '../payments/gateway.js';
import { ingestEvent } from '../payments/ingest.js';
import { confirmWithStatusApi, needsStatusConfirmation } from '../payments/phonepe/confirm.js';
import { parsePhonePeWebhook } from '../payments/phonepe/webhook.js';
import { parseRazorpayWebhook } from '../payments/razorpay/webhook.js';
import { parseSimWebhook } from '../payments/sim/webhook.js';
import type { HeaderMap, WebhookRejection, WebhookVerdict } from '../payments/webhook-verdict.js';

/** Real webhook payloads are a few KB; anything near this is refused with 413 before parsing. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024;

const STATUS: Record<WebhookRejection, number> = { bad_signature: 401, missing_event_id: 400, malformed: 400, not_configured: 404 };

type Verifier = (raw: Buffer, headers: HeaderMap) => WebhookVerdict;

export function registerWebhookRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { razorpay, phonepe, sim } = ctx.config;
  const verifiers: Record<string, Verifier | null> = {
    razorpay: razorpay ? (raw, h) => parseRazorpayWebhook(raw, h, razorpay.webhookSecret) : null,
    phonepe: phonepe ? (raw, h) => parsePhonePeWebhook(raw, h, phonepe) : null,
    sim: sim ? (raw, h) => parseSimWebhook(raw, h, sim.webhookSecret) : null,
  };

  for (const [gateway, verify] of Object.entries(verifiers)) {
    const url = `/webhooks/${gateway}`;
    ctx.routes.add({ method: 'POST', url, summary: `${gateway} webhook (signature on the raw body)`, tag: 'webhooks', auth: 'gateway-signature' });
    app.post(url, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (req: FastifyRequest, reply: FastifyReply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verdict: WebhookVerdict = verify ? verify(raw, req.headers) : { ok: false, reason: 'not_configured' };
      if (!verdict.ok) {
        ctx.metrics.webhookFailures.inc({ gateway, reason: verdict.reason });
        req.log.warn({ gateway, reason: verdict.reason }, 'webhook refused');
        return reply.status(STATUS[verdict.reason]).send({ ok: false, error: { code: verdict.reason === 'bad_signature' ? 'UNAUTHENTICATED' : verdict.reason === 'not_configured' ? 'NOT_FOUND' : 'VALIDATION_FAILED', message: `webhook refused: ${verdict.reason}` } });
      }
      let event: GatewayEvent = verdict.event;
      if (needsStatusConfirmation(event)) {
        try {
          event = await confirmWithStatusApi(ctx.payments.gateways, event);
        } catch (err) {
          // Not confirmed, nothing applied: a non-2xx makes PhonePe send the callback again later.
          ctx.metrics.webhookFailures.inc({ gateway, reason: 'unconfirmed' });
          req.log.warn({ gateway, err: (err as Error).message }, 'webhook not confirmed by the status API');
          return reply.status(503).send({ ok: false, error: { code: 'OFFLINE', message: 'webhook not confirmed by the gateway status API; retry later' } });
        }
      }
      const result = await ingestEvent(ctx.payments, event, 'webhook');
      ctx.metrics.webhooks.inc({ gateway, outcome: result.outcome });
      req.log.info({ gateway, eventType: event.eventType, outcome: result.outcome, paymentId: result.paymentId }, 'webhook');
      return { ok: true, data: { outcome: result.outcome } };
    });
  }
}
