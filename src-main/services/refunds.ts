/**
 * payments.refund: a supervisor-authorised refund (void) of a completed exit's cash payment, with a
 * reason. The cash leaves the drawer of the operator at the kiosk (a REFUND cash movement in their
 * open shift, so the shift's expected cash and the Z report show it); the payment becomes REFUNDED
 * (the daily report's refunds); the session stays COMPLETED with what it paid (gross), as for every
 * refund. Online payments are refunded through the gateway by the central server (payments review).
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Payment } from '../../src-shared/contracts/entities.js';
import type { Actor, ServiceContext } from './context.js';
import { recordSessionChange, sessionRowById } from './session-records.js';
import { recordCashRefund } from './shifts.js';
import { verifySupervisor } from './supervisor-auth.js';
import { toPayment } from './views.js';

export interface RefundInput {
  paymentId: string;
  reason: string;
  supervisorUsername: string;
  supervisorPin: string;
}

const SUPERVISOR_CHECK = {
  refusedAction: 'payment.refundRefused',
  wrongMessage: 'Wrong supervisor username or PIN. Nothing was refunded.',
  roleMessage: 'A refund needs a supervisor (or admin) PIN.',
};

function refundable(ctx: ServiceContext, paymentId: string) {
  const { q, db } = ctx.store;
  const p = q.first(db.selectFrom('payments').selectAll().where('id', '=', paymentId));
  if (!p) throw AppError.keyed('NOT_FOUND', 'refund.noPayment', {}, 'No such payment.');
  if (p.method !== 'CASH') {
    throw AppError.keyed('CONFLICT', 'refund.onlineOnServer', {}, 'A UPI payment is refunded through the gateway: use Payments review on the central server.');
  }
  if (p.status === 'REFUNDED') throw AppError.keyed('CONFLICT', 'refund.already', {}, 'This payment was already refunded.');
  if (p.status !== 'SUCCESS') throw AppError.keyed('CONFLICT', 'refund.notPaid', {}, 'Only a successful payment can be refunded.');
  const session = sessionRowById(ctx, p.session_id);
  if (session.status !== 'COMPLETED') {
    throw AppError.keyed('CONFLICT', 'refund.notCompleted', {}, 'The car has not left yet: refund only a completed exit.');
  }
  return p;
}

export function refundPayment(ctx: ServiceContext, actor: Actor, input: RefundInput): { payment: Payment; refundedPaise: number } {
  refundable(ctx, input.paymentId);
  // Outside the write transaction: a wrong PIN's lockout count stays although nothing else is written.
  const supervisor = verifySupervisor(ctx, input.supervisorUsername, input.supervisorPin, SUPERVISOR_CHECK);
  return ctx.store.q.tx(() => {
    const p = refundable(ctx, input.paymentId);
    const { q, db } = ctx.store;
    const now = ctx.clock.now();
    const changed = q.run(db.updateTable('payments').set({ status: 'REFUNDED', updated_at: now }).where('id', '=', p.id).where('status', '=', 'SUCCESS'));
    if (changed !== 1) throw AppError.keyed('CONFLICT', 'refund.already', {}, 'This payment was already refunded.');
    recordCashRefund(ctx, actor, p.id, p.amount_paise, input.reason);
    const row = q.first(db.selectFrom('payments').selectAll().where('id', '=', p.id))!;
    recordSessionChange(ctx, actor, 'payment.refunded', p.session_id, {
      paymentId: p.id, amountPaise: p.amount_paise, reason: input.reason, supervisorId: supervisor.id, supervisor: supervisor.username,
    }, row);
    return { payment: toPayment(row), refundedPaise: p.amount_paise };
  });
}
