/**
 * Which payments count toward what a session has paid. Money that arrived after the attempt
 * ended (late, or paid after the cashier cancelled for cash) is flagged for a supervisor and does
 * NOT count until accepted: a re-quote must not show "nothing due" on the strength of money
 * someone may still refund. A flagged late payment that is refunded never counted at all.
 * Every check and sum of "paid" (sessions.amount_paid_paise, integrity, reports, the server's fold)
 * uses this rule; the SQL below must say what isCountedPayment (src-shared/domain) says.
 */

/** SQL condition on a payments row named `alias`: it is part of sessions.amount_paid_paise. */
export function countedPaymentSql(alias = 'p'): string {
  return `${alias}.status IN ('SUCCESS','REFUNDED') AND NOT (${alias}.late = 1 AND (${alias}.status = 'REFUNDED' OR ${alias}.review_reason IS NOT NULL))`;
}

/** The same rule on a row already read. */
export { isCountedPayment } from '../../src-shared/domain/payment-state.js';
