/**
 * Payments flagged for a supervisor (review_reason set: a capture after the attempt ended, an
 * amount / reference / currency mismatch) and the supervisor's decision on a captured one:
 *
 * - ACCEPT: the money is kept as income; the flag is cleared; the decision (who, why, which flag)
 *   is a `payment_history` row with source `supervisor`.
 * - REFUND: the flag becomes REFUND_REQUESTED (so a concurrent accept cannot win), the decision is
 *   recorded, and the refund goes through the payment's gateway with the key `sv_<payment id>`
 *   (refunds.ts); only the gateway's answer marks it REFUNDED and clears the flag. A retry after a
 *   failed gateway call resends with the same key, never refunds twice.
 *
 * Repeating a decision that was already taken answers with the same outcome (a lost response is
 * safe to retry); any other call on a payment without a flag is CONFLICT NOT_FLAGGED. Only a
 * captured (SUCCESS) payment can be decided: a mismatch that never became SUCCESS is CONFLICT
 * NOT_CAPTURED (it is settled at the gateway's dashboard).
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PaymentRow, RefundRow } from '../db/schema.js';
import type { PaymentDeps } from './create.js';
import { recordHistory } from './history.js';
import { refundPayment } from './refunds.js';
import { toPaymentView, type PaymentView } from './view.js';

export type FlagAction = 'accept' | 'refund';
export const REFUND_REQUESTED = 'REFUND_REQUESTED';
const SOURCE = 'supervisor';

export interface FlaggedPaymentView extends PaymentView {
  owner: 'kiosk' | 'parker';
  kioskId: string | null;
  bookingId: string | null;
  vehicleNumber: string | null;
  paidAmountPaise: number | null;
  /** Captured, so accept/refund apply (a mismatch that never became SUCCESS is not). */
  resolvable: boolean;
}

export interface ResolveInput {
  paymentId: string;
  action: FlagAction;
  reason: string;
  /** Who decided, for the record (e.g. `kiosk:<id> supervisor (Meena)` or `cli:<user>`). */
  by: string;
  /** The deciding kiosk's facility: a payment of another facility is NOT_FOUND. Absent for the CLI (every facility). */
  facilityId?: string;
}

export interface ResolveResult {
  action: FlagAction;
  payment: FlaggedPaymentView;
  refund: { id: string; status: RefundRow['status']; amountPaise: number; gatewayRefundId: string | null } | null;
  /** The same decision had already been taken (a retried request). */
  repeated: boolean;
}

interface Decision {
  action: FlagAction;
  reason: string;
  previous: string;
  by: string;
}

export const supervisorRefundKey = (paymentId: string) => `sv_${paymentId.replace(/-/g, '')}`;

export function toFlaggedView(p: PaymentRow): FlaggedPaymentView {
  return {
    ...toPaymentView(p),
    owner: p.owner.startsWith('parker:') ? 'parker' : 'kiosk',
    kioskId: p.kiosk_id,
    bookingId: p.booking_id,
    vehicleNumber: p.vehicle_number,
    paidAmountPaise: p.paid_amount_paise,
    resolvable: p.status === 'SUCCESS',
  };
}

/** Every payment with an open flag (of one facility, when named), oldest first. */
export async function listFlagged(deps: Pick<PaymentDeps, 'db'>, limit = 200, facilityId?: string): Promise<FlaggedPaymentView[]> {
  let q = deps.db.selectFrom('payments').selectAll().where('review_reason', 'is not', null);
  if (facilityId !== undefined) q = q.where('facility_id', '=', facilityId);
  const rows = await q.orderBy('created_at').orderBy('id').limit(limit).execute();
  return rows.map(toFlaggedView);
}

export async function resolveFlagged(deps: PaymentDeps, input: ResolveInput): Promise<ResolveResult> {
  const reason = input.reason.trim();
  if (reason.length < 3 || reason.length > 500) throw new AppError('VALIDATION_FAILED', 'Give a reason (3 to 500 characters).');
  // A kiosk decides only on its own facility's payments: another facility's is not found for it.
  if (input.facilityId !== undefined && (await read(deps, input.paymentId)).facility_id !== input.facilityId) throw new AppError('NOT_FOUND', 'No such payment.');
  return input.action === 'accept' ? accept(deps, input.paymentId, reason, input.by) : refund(deps, input.paymentId, reason, input.by);
}

async function read(deps: Pick<PaymentDeps, 'db'>, paymentId: string): Promise<PaymentRow> {
  const p = await deps.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!p) throw new AppError('NOT_FOUND', 'No such payment.');
  return p;
}

async function lastDecision(deps: Pick<PaymentDeps, 'db'>, paymentId: string): Promise<Decision | null> {
  const h = await deps.db.selectFrom('payment_history').select('detail').where('payment_id', '=', paymentId).where('source', '=', SOURCE)
    .orderBy('at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  return h?.detail ? (JSON.parse(h.detail) as Decision) : null;
}

function assertDecidable(p: PaymentRow, prior: Decision | null): void {
  if (p.review_reason === null) {
    throw new AppError('CONFLICT', 'This payment is not flagged for review.', { reason: 'NOT_FLAGGED', resolution: prior?.action ?? null });
  }
  if (p.review_reason === REFUND_REQUESTED) {
    throw new AppError('CONFLICT', 'A refund of this payment is in progress: repeat the refund to finish it.', { reason: 'REFUND_IN_PROGRESS' });
  }
  if (p.status !== 'SUCCESS') {
    throw new AppError('CONFLICT', 'The gateway never confirmed this payment as paid: settle it at the gateway dashboard.', { reason: 'NOT_CAPTURED', status: p.status });
  }
}

async function accept(deps: PaymentDeps, paymentId: string, reason: string, by: string): Promise<ResolveResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const p = await read(deps, paymentId);
    const prior = await lastDecision(deps, paymentId);
    if (p.review_reason === null && prior?.action === 'accept') return { action: 'accept', payment: toFlaggedView(p), refund: null, repeated: true };
    assertDecidable(p, prior);
    const decision: Decision = { action: 'accept', reason, previous: p.review_reason!, by };
    const won = await deps.db.transaction().execute(async (trx) => {
      const res = await trx.updateTable('payments').set({ review_reason: null, updated_at: deps.clock.now() })
        .where('id', '=', p.id).where('status', '=', 'SUCCESS').where('review_reason', '=', p.review_reason!).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await recordHistory(trx, deps.clock, { paymentId: p.id, from: p.status, to: p.status, source: SOURCE, detail: JSON.stringify(decision) });
      return true;
    });
    if (!won) continue; // changed under us (a webhook, another supervisor): decide again from the new state
    deps.log.info({ paymentId, by, previous: decision.previous }, 'flagged payment accepted');
    deps.onPaymentChange?.(p.id);
    return { action: 'accept', payment: toFlaggedView(await read(deps, paymentId)), refund: null, repeated: false };
  }
  throw new AppError('CONFLICT', 'This payment is changing right now. Try again.');
}

async function refund(deps: PaymentDeps, paymentId: string, reason: string, by: string): Promise<ResolveResult> {
  const key = supervisorRefundKey(paymentId);
  let repeated = true;
  const started = await deps.db.selectFrom('refunds').select('id').where('idempotency_key', '=', key).executeTakeFirst();
  if (!started) {
    const p = await read(deps, paymentId);
    const prior = await lastDecision(deps, paymentId);
    if (!(p.review_reason === REFUND_REQUESTED && prior?.action === 'refund')) {
      assertDecidable(p, prior);
      const decision: Decision = { action: 'refund', reason, previous: p.review_reason!, by };
      const won = await deps.db.transaction().execute(async (trx) => {
        const res = await trx.updateTable('payments').set({ review_reason: REFUND_REQUESTED, updated_at: deps.clock.now() })
          .where('id', '=', p.id).where('status', '=', 'SUCCESS').where('review_reason', '=', p.review_reason!).executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return false;
        await recordHistory(trx, deps.clock, { paymentId: p.id, from: p.status, to: p.status, source: SOURCE, detail: JSON.stringify(decision) });
        return true;
      });
      if (!won) throw new AppError('CONFLICT', 'This payment changed while the refund was being recorded. Look at it again.');
      repeated = false;
    }
  }
  const p = await read(deps, paymentId);
  const existing = await deps.db.selectFrom('refunds').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
  const amount = existing?.amount_paise ?? (p.paid_amount_paise ?? p.amount_paise) - p.refunded_paise;
  const r = await refundPayment(deps, paymentId, amount, key);
  if (r.status !== 'PROCESSED') {
    throw new AppError('OFFLINE', 'The gateway has not confirmed the refund yet. Try again: it will not refund twice.', { refundId: r.id });
  }
  await deps.db.updateTable('payments').set({ review_reason: null, updated_at: deps.clock.now() })
    .where('id', '=', paymentId).where('review_reason', '=', REFUND_REQUESTED).execute();
  deps.log.info({ paymentId, by, refundId: r.gateway_refund_id }, 'flagged payment refunded');
  deps.onPaymentChange?.(paymentId);
  return {
    action: 'refund',
    payment: toFlaggedView(await read(deps, paymentId)),
    refund: { id: r.id, status: r.status, amountPaise: r.amount_paise, gatewayRefundId: r.gateway_refund_id },
    repeated,
  };
}
