/**
 * Refunds through the gateway, idempotent on a caller-chosen key: the refund row is written
 * first (PENDING), the gateway is called with the same key (Razorpay X-Refund-Idempotency,
 * PhonePe refund transaction id), and only its answer marks the refund PROCESSED and the
 * payment REFUNDED. A retry with the same key re-sends a PENDING refund, never a second one.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { RefundRow } from '../db/schema.js';
import { uuidv7 } from '../util/ids.js';
import type { PaymentDeps } from './create.js';
import { recordHistory } from './history.js';
import { canPaymentTransition as canTransition } from '../../src-shared/domain/payment-state.js';

const KEY_RE = /^[A-Za-z0-9_-]{10,64}$/;

export async function refundPayment(deps: PaymentDeps, paymentId: string, amountPaise: number, idempotencyKey: string): Promise<RefundRow> {
  if (!KEY_RE.test(idempotencyKey)) throw new AppError('VALIDATION_FAILED', 'Refund idempotency key must be 10-64 of [A-Za-z0-9_-].');
  const { db, clock } = deps;
  const refund = await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('refunds').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
    if (existing) {
      if (existing.payment_id !== paymentId || existing.amount_paise !== amountPaise) {
        throw new AppError('CONFLICT', 'This refund key was used for a different refund.');
      }
      return existing;
    }
    const p = await trx.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
    if (!p) throw new AppError('NOT_FOUND');
    if (p.status !== 'SUCCESS' || !canTransition(p.status, 'REFUNDED')) throw new AppError('CONFLICT', 'Only a successful payment can be refunded.');
    const refundable = (p.paid_amount_paise ?? p.amount_paise) - p.refunded_paise;
    if (amountPaise <= 0 || amountPaise > refundable) throw new AppError('VALIDATION_FAILED', 'Refund amount is more than what was paid.');
    const now = clock.now();
    const row: RefundRow = {
      id: uuidv7(clock),
      payment_id: paymentId,
      idempotency_key: idempotencyKey,
      amount_paise: amountPaise,
      status: 'PENDING',
      gateway_refund_id: null,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('refunds').values(row).execute();
    return row;
  });
  if (refund.status === 'PROCESSED') return refund;

  const p = await db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirstOrThrow();
  const gw = deps.gateways.get(p.gateway);
  if (!gw || !p.gateway_ref) throw new AppError('INTERNAL', 'The gateway of this payment is not configured.');
  // A second capture's row carries a composite ref: the gateway knows the QR / order of the paid payment.
  const parent = p.parent_payment_id ? await db.selectFrom('payments').select('gateway_ref').where('id', '=', p.parent_payment_id).executeTakeFirst() : undefined;
  let refundId: string;
  try {
    ({ refundId } = await gw.refund({
      gatewayRef: parent?.gateway_ref ?? p.gateway_ref,
      merchantRef: p.merchant_ref,
      gatewayPaymentId: p.gateway_payment_id,
      amountPaise,
      idempotencyKey,
    }));
  } catch (err) {
    deps.metrics.gatewayErrors.inc({ gateway: p.gateway, op: 'refund' });
    deps.log.warn({ err: (err as Error).message, paymentId }, 'gateway refund failed; will retry with the same key');
    return refund;
  }
  const processed = await db.transaction().execute(async (trx) => {
    const now = clock.now();
    const done = await trx
      .updateTable('refunds')
      .set({ status: 'PROCESSED', gateway_refund_id: refundId, updated_at: now })
      .where('id', '=', refund.id)
      .where('status', '=', 'PENDING')
      .returningAll()
      .executeTakeFirst();
    if (!done) return trx.selectFrom('refunds').selectAll().where('id', '=', refund.id).executeTakeFirstOrThrow();
    const cur = await trx.selectFrom('payments').select(['status', 'refunded_paise']).where('id', '=', paymentId).executeTakeFirstOrThrow();
    await trx
      .updateTable('payments')
      .set({ status: 'REFUNDED', refunded_paise: cur.refunded_paise + amountPaise, updated_at: now })
      .where('id', '=', paymentId)
      .execute();
    await recordHistory(trx, clock, { paymentId, from: cur.status, to: 'REFUNDED', source: 'refund', detail: `${amountPaise} paise, ${refundId}` });
    deps.metrics.paymentTransitions.inc({ to: 'REFUNDED', source: 'refund' });
    return done;
  });
  deps.onPaymentChange?.(paymentId); // the kiosk that asked / the gates holding a pre-payment learn of it
  return processed;
}
