/**
 * Payment states: PENDING -> SUCCESS | FAILED | EXPIRED; EXPIRED/FAILED -> SUCCESS (late: money
 * captured after we gave up is kept and flagged, never lost); SUCCESS -> REFUNDED.
 * Local until src-shared/domain's payment state machine lands; swap then.
 */
import type { PaymentStatusValue } from '../db/schema.js';

const NEXT: Record<PaymentStatusValue, readonly PaymentStatusValue[]> = {
  PENDING: ['SUCCESS', 'FAILED', 'EXPIRED'],
  EXPIRED: ['SUCCESS'],
  FAILED: ['SUCCESS'],
  SUCCESS: ['REFUNDED'],
  REFUNDED: [],
};

export function canTransition(from: PaymentStatusValue, to: PaymentStatusValue): boolean {
  return NEXT[from].includes(to);
}

export function isFinal(status: PaymentStatusValue): boolean {
  return status !== 'PENDING';
}
