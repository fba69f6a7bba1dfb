/**
 * The validations of a visit as its receipt shows them (docs/validations.md "Receipt"): the fee
 * before validation, each validation that took something off (merchant, program, discount: the
 * settled figure once the car left) and what was left to pay.
 */
import type { ReceiptValidations, ValidationReceipt } from '../../src-shared/contracts/validations.js';
import { receiptOf } from '../print/receipt-numbers.js';
import { sessionRowById } from '../services/session-records.js';
import type { ServiceContext } from '../services/context.js';
import { loadValidations } from './pricing.js';

/** null when no validation took anything off the visit. */
export function receiptValidations(ctx: ServiceContext, sessionId: string, lostTicketFeePaise: number | null): ReceiptValidations | null {
  const taken = loadValidations(ctx, sessionId).filter((l) => l.row.discount_paise > 0);
  if (taken.length === 0) return null;
  const feeBeforePaise = taken[0]!.row.fee_before_paise;
  const discount = taken.reduce((sum, l) => sum + l.row.discount_paise, 0);
  return {
    feeBeforePaise,
    lines: taken.map((l) => ({ merchantName: l.merchantName, programName: l.program.name, discountPaise: l.row.discount_paise })),
    duePaise: Math.max(0, feeBeforePaise - discount) + (lostTicketFeePaise ?? 0),
  };
}

/** Whether validations took something off the visit (an exempted exit still gets a receipt). */
export function hasValidationDiscount(ctx: ServiceContext, sessionId: string): boolean {
  const { q, db } = ctx.store;
  return Boolean(q.first(db.selectFrom('session_validations').select('id').where('session_id', '=', sessionId).where('discount_paise', '>', 0)));
}

/** The validation part of a completed visit's receipt, for the screen (null before the exit or when none took anything off). */
export function validationReceipt(ctx: ServiceContext, sessionId: string): ValidationReceipt | null {
  const s = sessionRowById(ctx, sessionId);
  if (s.status !== 'COMPLETED') return null;
  const v = receiptValidations(ctx, sessionId, receiptOf(ctx, sessionId)?.lost_ticket_fee_paise ?? null);
  if (!v) return null;
  return { ...v, paidPaise: s.amount_paid_paise, status: s.amount_paid_paise > 0 ? 'PAID' : 'EXEMPTED' };
}
