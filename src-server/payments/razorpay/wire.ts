/** Razorpay wire shapes we read (payments.md), validated with zod; unknown fields pass through. */
import { z } from 'zod';

const notes = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional().nullable();

export const qrCodeSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().optional(),
  image_content: z.string().optional().nullable(),
  notes,
});

export const paymentEntitySchema = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string(),
  order_id: z.string().nullable().optional(),
  notes,
});

export const paymentCollectionSchema = z.looseObject({
  items: z.array(paymentEntitySchema),
});

export const refundSchema = z.looseObject({ id: z.string().min(1) });

/** POST /v1/orders answer. */
export const orderSchema = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string(),
  receipt: z.string().nullable().optional(),
  notes,
});

/** POST /v1/payments/create/upi (S2S, flow intent) answer: the payment id and the upi:// intent link. */
export const upiIntentSchema = z.looseObject({
  razorpay_payment_id: z.string().min(1),
  link: z.string().min(1),
});

export const webhookSchema = z.looseObject({
  entity: z.literal('event'),
  event: z.string().min(1).max(100),
  payload: z.looseObject({
    payment: z.looseObject({ entity: paymentEntitySchema }).optional(),
    order: z.looseObject({ entity: z.looseObject({ id: z.string(), amount: z.number().int().optional(), receipt: z.string().nullable().optional(), notes }) }).optional(),
    qr_code: z.looseObject({ entity: qrCodeSchema }).optional(),
  }),
});

export function merchantRefFromNotes(n: z.infer<typeof notes>): string | null {
  if (!n || Array.isArray(n)) return null;
  const v = n['merchant_ref'];
  return typeof v === 'string' ? v : null;
}
