/**
 * Payment state machine (DESIGN.md §3).
 * PENDING -> SUCCESS | FAILED | EXPIRED; EXPIRED or FAILED -> SUCCESS (a late success: money captured
 * after the attempt ended is recorded, flagged for a supervisor, never lost); SUCCESS -> REFUNDED.
 * REFUNDED is terminal. The kiosk and the central server both decide with this table.
 */
import { AppError } from '../contracts/errors.js';
import { PAYMENT_STATUSES, type PaymentStatus } from '../contracts/entities.js';

export { PAYMENT_STATUSES };
export type { PaymentStatus };

export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = Object.freeze({
  PENDING: Object.freeze(['SUCCESS', 'FAILED', 'EXPIRED'] as const),
  SUCCESS: Object.freeze(['REFUNDED'] as const),
  FAILED: Object.freeze(['SUCCESS'] as const),
  EXPIRED: Object.freeze(['SUCCESS'] as const),
  REFUNDED: Object.freeze([] as const),
});

export function isPaymentStatus(s: unknown): s is PaymentStatus {
  return typeof s === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(s);
}

export function canPaymentTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  if (!isPaymentStatus(from) || !isPaymentStatus(to)) return false;
  return PAYMENT_TRANSITIONS[from].includes(to);
}

/** Throws AppError('CONFLICT', ..., { from, to }) when `from -> to` is illegal. */
export function assertPaymentTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (canPaymentTransition(from, to)) return;
  throw new AppError(
    'CONFLICT',
    `This payment cannot go from ${String(from)} to ${String(to)}. Call a supervisor.`,
    { from, to },
  );
}

/**
 * The attempt has an outcome (anything but PENDING): stop waiting / polling for it.
 * Note: an EXPIRED payment can still turn SUCCESS (late success) and a SUCCESS can be REFUNDED;
 * use isTerminalPaymentStatus for "can never change again".
 */
export function isFinalPaymentStatus(s: PaymentStatus): boolean {
  return isPaymentStatus(s) && s !== 'PENDING';
}

/** No transition leaves this status (REFUNDED). */
export function isTerminalPaymentStatus(s: PaymentStatus): boolean {
  return isPaymentStatus(s) && PAYMENT_TRANSITIONS[s].length === 0;
}

/**
 * Whether a payment is part of what its session has paid. Money that arrived after the attempt
 * ended (late, or after the cashier cancelled for cash) is flagged (`late` with a review reason)
 * and counts only once a supervisor accepted it (flag cleared); refunded from the flag, never.
 */
export function isCountedPayment(p: { status: string; late: number; review_reason: string | null }): boolean {
  if (p.status !== 'SUCCESS' && p.status !== 'REFUNDED') return false;
  return !(p.late === 1 && (p.status === 'REFUNDED' || p.review_reason !== null));
}

/** EXPIRED/FAILED -> SUCCESS: money arrived after the attempt ended; record it and flag for a supervisor. */
export function isLateSuccess(from: PaymentStatus, to: PaymentStatus): boolean {
  return (from === 'EXPIRED' || from === 'FAILED') && to === 'SUCCESS';
}
