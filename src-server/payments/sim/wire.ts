/**
 * The gateway simulator's own ("sim") wire format: a deliberately small JSON API used when
 * PAYMENT_GATEWAY=sim. Webhooks: `x-sim-signature` = hex HMAC-SHA256(SIM_WEBHOOK_SECRET, raw body),
 * `x-sim-event-id` unique per event.
 */
import { z } from 'zod';

export const simPaymentSchema = z.object({
  id: z.string().min(1),
  merchantRef: z.string(),
  amountPaise: z.number().int(),
  status: z.enum(['created', 'paid', 'failed', 'closed']),
  paymentId: z.string().nullable(),
  paidAmountPaise: z.number().int().nullable(),
  upiUri: z.string(),
});
export type SimPaymentWire = z.infer<typeof simPaymentSchema>;

export const simWebhookSchema = z.object({
  event: z.enum(['payment.succeeded', 'payment.failed']),
  payment: z.object({
    id: z.string().min(1).max(64),
    merchantRef: z.string().max(64),
    amountPaise: z.number().int(),
    paymentId: z.string().max(64).nullable(),
  }),
});
export type SimWebhookBody = z.infer<typeof simWebhookSchema>;

export const simRefundSchema = z.object({ refundId: z.string().min(1) });
