/**
 * What a gateway event does to a payment — a pure function, so every webhook and poll goes
 * through the same rule: SUCCESS only with the exact amount, INR and the matching reference;
 * a capture after EXPIRED/FAILED is kept as late and flagged; anything else is a no-op or review.
 */
import type { PaymentStatusValue } from '../db/schema.js';
import type { GatewayEvent } from './gateway.js';
import { canPaymentTransition as canTransition } from '../../src-shared/domain/payment-state.js';

export type ReviewReason = 'AMOUNT_MISMATCH' | 'REFERENCE_MISMATCH' | 'CURRENCY_MISMATCH' | 'LATE_PAYMENT';

export type Decision =
  | { kind: 'noop'; outcome: 'ignored' | 'pending' | 'already_final' | 'stale_failure' }
  | { kind: 'review'; outcome: 'review'; reason: ReviewReason }
  | { kind: 'transition'; outcome: 'applied' | 'late'; to: PaymentStatusValue; late: boolean; reviewReason: ReviewReason | null };

export interface PaymentFacts {
  status: PaymentStatusValue;
  amountPaise: number;
  merchantRef: string;
}

export function decide(p: PaymentFacts, e: GatewayEvent): Decision {
  if (e.outcome === 'IGNORED') return { kind: 'noop', outcome: 'ignored' };
  if (e.outcome === 'PENDING') return { kind: 'noop', outcome: 'pending' };

  if (e.outcome === 'FAILED') {
    if (p.status === 'PENDING') return { kind: 'transition', outcome: 'applied', to: 'FAILED', late: false, reviewReason: null };
    // A failure that arrives after a success (out of order) or after expiry changes nothing.
    return { kind: 'noop', outcome: 'stale_failure' };
  }

  if (p.status === 'SUCCESS' || p.status === 'REFUNDED') return { kind: 'noop', outcome: 'already_final' };
  if (e.merchantRef !== null && e.merchantRef !== p.merchantRef) return { kind: 'review', outcome: 'review', reason: 'REFERENCE_MISMATCH' };
  if (e.currency !== null && e.currency !== 'INR') return { kind: 'review', outcome: 'review', reason: 'CURRENCY_MISMATCH' };
  if (e.amountPaise !== p.amountPaise) return { kind: 'review', outcome: 'review', reason: 'AMOUNT_MISMATCH' };
  if (p.status === 'PENDING') return { kind: 'transition', outcome: 'applied', to: 'SUCCESS', late: false, reviewReason: null };
  if (canTransition(p.status, 'SUCCESS')) {
    return { kind: 'transition', outcome: 'late', to: 'SUCCESS', late: true, reviewReason: 'LATE_PAYMENT' };
  }
  return { kind: 'noop', outcome: 'already_final' };
}
