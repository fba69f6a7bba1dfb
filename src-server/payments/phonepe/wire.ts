/** PhonePe wire shapes (v1 pay/status/callback, v2 webhook), validated with zod. */
import { z } from 'zod';

export const payResponseSchema = z.looseObject({
  success: z.boolean(),
  code: z.string(),
  data: z
    .looseObject({
      merchantTransactionId: z.string(),
      instrumentResponse: z.looseObject({ qrData: z.string().optional() }).optional(),
    })
    .optional(),
});

/** v1 status answer and v1 callback (decoded `response`) share this shape. */
export const statusSchema = z.looseObject({
  success: z.boolean().optional(),
  code: z.string(),
  data: z.looseObject({
    merchantId: z.string().optional(),
    merchantTransactionId: z.string(),
    transactionId: z.string().nullable().optional(),
    amount: z.number().int().optional(),
    state: z.string().optional(),
  }),
});

export const callbackBodySchema = z.object({ response: z.string().min(1).max(64_000) });

export const v2WebhookSchema = z.looseObject({
  event: z.string().min(1).max(100),
  payload: z.looseObject({
    merchantOrderId: z.string().min(1).max(64),
    orderId: z.string().optional(),
    state: z.string(),
    amount: z.number().int().optional(),
    paymentDetails: z.array(z.looseObject({ transactionId: z.string().optional() })).optional(),
  }),
});

export const refundResponseSchema = z.looseObject({
  success: z.boolean(),
  code: z.string(),
  data: z.looseObject({ transactionId: z.string().nullable().optional(), merchantTransactionId: z.string() }).optional(),
});

/** v1 codes: only PAYMENT_SUCCESS is paid; ERROR/DECLINED are final failures; the rest keep polling. */
export function outcomeOfV1Code(code: string): 'SUCCESS' | 'FAILED' | 'PENDING' {
  if (code === 'PAYMENT_SUCCESS') return 'SUCCESS';
  if (code === 'PAYMENT_ERROR' || code === 'PAYMENT_DECLINED') return 'FAILED';
  return 'PENDING';
}

export function outcomeOfV2State(state: string): 'SUCCESS' | 'FAILED' | 'PENDING' {
  if (state === 'COMPLETED') return 'SUCCESS';
  if (state === 'FAILED') return 'FAILED';
  return 'PENDING';
}

/** (merchantOrderId, state) is PhonePe's dedup key; the same key for v1, v2 and our polls. */
export function phonePeEventKey(merchantOrderId: string, outcome: string): string {
  return `${merchantOrderId}:${outcome}`;
}
