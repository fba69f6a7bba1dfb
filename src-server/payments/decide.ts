/**
 * What a gateway event does to a payment — a pure function, so every webhook and poll goes
 * through the same rule: SUCCESS only with the exact amount, INR and the matching reference;
 * a capture after EXPIRED/FAILED (or after the kiosk cancelled) is kept as late and flagged; a
 * second, different capture of an already-paid payment is recorded as its own flagged payment;
 * anything else is a no-op or review. Every capture the gateway reports is applied or flagged.
 */
import type { PaymentStatusValue } from '../db/schema.js';
import type { GatewayEvent } from './gateway.js';
import { canPaymentTransition as canTransition } from '../../src-shared/domain/payment-state.js';

export type ReviewReason = 'AMOUNT_MISMATCH' | 'REFERENCE_MISMATCH' | 'CURRENCY_MISMATCH' | 'LATE_PAYMENT' | 'PAID_AFTER_CANCEL' | 'SECOND_CAPTURE';

export type Decision =
  | { kind: 'noop'; outcome: 'ignored' | 'pending' | 'already_final' | 'stale_failure' }
  | { kind: 'review'; outcome: 'review'; reason: ReviewReason }
  | { kind: 'transition'; outcome: 'applied' | 'late'; to: PaymentStatusValue; late: boolean; reviewReason: ReviewReason | null }
  /** Money beyond the payment's own capture: stored as a new flagged payment row. */
  | { kind: 'capture'; outcome: 'second_capture'; reason: 'SECOND_CAPTURE' };

export interface PaymentFacts {
  status: PaymentStatusValue;
  amountPaise: number;
  merchantRef: string;
  /** The gateway's id of the capture already applied (null before any). */
  gatewayPaymentId?: string | null;
  /** The kiosk cancelled the attempt ("Take cash instead"). */
  cancelled?: boolean;
}

export function decide(p: PaymentFacts, e: GatewayEvent): Decision {
  if (e.outcome === 'IGNORED') return { kind: 'noop', outcome: 'ignored' };
  if (e.outcome === 'PENDING') return { kind: 'noop', outcome: 'pending' };

  if (e.outcome === 'FAILED') {
    if (p.status === 'PENDING') return { kind: 'transition', outcome: 'applied', to: 'FAILED', late: false, reviewReason: null };
    // A failure that arrives after a success (out of order) or after expiry changes nothing.
    return { kind: 'noop', outcome: 'stale_failure' };
  }

  if (p.status === 'SUCCESS' || p.status === 'REFUNDED') {
    // The same capture reported again (webhook + poll, qr_code.credited + payment.captured) is a no-op;
    // a capture with another gateway payment id is more money taken: it must reach a supervisor.
    const other = e.gatewayPaymentId !== null && p.gatewayPaymentId != null && e.gatewayPaymentId !== p.gatewayPaymentId;
    return other ? { kind: 'capture', outcome: 'second_capture', reason: 'SECOND_CAPTURE' } : { kind: 'noop', outcome: 'already_final' };
  }
  if (e.merchantRef !== null && e.merchantRef !== p.merchantRef) return { kind: 'review', outcome: 'review', reason: 'REFERENCE_MISMATCH' };
  if (e.currency !== null && e.currency !== 'INR') return { kind: 'review', outcome: 'review', reason: 'CURRENCY_MISMATCH' };
  if (e.amountPaise !== p.amountPaise) return { kind: 'review', outcome: 'review', reason: 'AMOUNT_MISMATCH' };
  if (p.status === 'PENDING') return { kind: 'transition', outcome: 'applied', to: 'SUCCESS', late: false, reviewReason: null };
  if (canTransition(p.status, 'SUCCESS')) {
    return { kind: 'transition', outcome: 'late', to: 'SUCCESS', late: true, reviewReason: p.cancelled ? 'PAID_AFTER_CANCEL' : 'LATE_PAYMENT' };
  }
  return { kind: 'noop', outcome: 'already_final' };
}
