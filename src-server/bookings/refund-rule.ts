/**
 * The seed's refund rule: a booking that never entered, cancelled within 5 minutes of booking
 * (inclusive), gets 100% of what was paid for it; later, nothing; entered sessions get nothing
 * through this path. Local until src-shared/domain exports `refundForCancellation`; swap then.
 */
export const FREE_CANCEL_WINDOW_MS = 5 * 60 * 1000;

export function refundForCancellation(input: { bookedAt: number; cancelledAt: number; paidPaise: number; entered: boolean }): number {
  if (input.entered || input.paidPaise <= 0) return 0;
  const elapsed = Math.floor((input.cancelledAt - input.bookedAt) / 1000) * 1000; // whole seconds
  return elapsed <= FREE_CANCEL_WINDOW_MS ? input.paidPaise : 0;
}
