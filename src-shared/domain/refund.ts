/**
 * Refund rule (DESIGN.md §3): a booking that never entered, cancelled within 5 minutes of booking
 * (whole seconds, inclusive), gets 100% of what was paid for it; otherwise nothing through this path.
 */
import type { SessionStatus } from '../contracts/entities.js';
import { isPaise } from './money.js';
import { durationSeconds } from './tariff.js';

/** Cancellations up to and including this many whole seconds after booking are refunded in full. */
export const REFUND_WINDOW_SECONDS = 300;

export function refundForCancellation(a: {
  status: SessionStatus;
  entryAtMs: number | null;
  bookedAtMs: number;
  cancelAtMs: number;
  paidPaise: number;
}): { eligible: boolean; refundPaise: number; reason: string } {
  if (!isPaise(a.paidPaise)) throw new RangeError('paidPaise must be a whole number of paise, 0 or more');
  const no = (reason: string) => ({ eligible: false, refundPaise: 0, reason });
  if (a.entryAtMs !== null || a.status === 'PARKED' || a.status === 'EXITING' || a.status === 'COMPLETED') {
    return no('Entered sessions are not refundable here. A supervisor can refund with a reason.');
  }
  if (a.status === 'CANCELLED') return no('This booking is already cancelled.');
  if (a.status === 'EXPIRED') return no('This booking has expired.');
  if (a.status !== 'BOOKED') return no('This session cannot be refunded here.');
  const seconds = durationSeconds(a.bookedAtMs, a.cancelAtMs);
  if (seconds > REFUND_WINDOW_SECONDS) return no('Cancelled more than 5 minutes after booking, so no refund.');
  if (a.paidPaise === 0) {
    return { eligible: true, refundPaise: 0, reason: 'Cancelled within 5 minutes of booking; nothing was paid, so nothing to refund.' };
  }
  return { eligible: true, refundPaise: a.paidPaise, reason: 'Cancelled within 5 minutes of booking: full refund.' };
}
