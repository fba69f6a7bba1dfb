/**
 * A parker's online pre-payment of a booking, at the gates (docs/sync.md "Pre-payment at the gate").
 *
 * The server publishes the booking's pre-payment into the booked session as a server event
 * `payment.prepaid` carrying the payment (method ONLINE, gateway + ref kept, no operator): first
 * when it is SUCCESS without a flag (a late one only once a supervisor accepted it), again if it is
 * REFUNDED later. The fold then credits it: a gate's snapshots may or may not count it (a gate that
 * scanned the entry before it had pulled the pre-payment), so the session's paid amount is raised
 * to the sum of its received payments — never counted twice. A gate that charged at the exit
 * without knowing of the pre-payment leaves it due for refund (REFUND_DUE + a DOUBLE_EXIT
 * conflict for a supervisor). Gross amounts stay (paid == Σ SUCCESS/REFUNDED payments, as the
 * kiosk's integrity check wants); the gate credits only what was not refunded.
 */
import { isCountedPayment } from '../../src-shared/domain/payment-state.js';
import type { FoldConflict, FoldEvent, PaymentSnap, SessionSnap } from './fold.js';

export const PREPAID_EVENT = 'payment.prepaid';

const RECEIVED = new Set(['SUCCESS', 'REFUNDED']);

/** The fold's rule for pre-payments; changes `s`, the payment snapshots and `conflicts` in place. */
export function creditPrepayments(
  s: SessionSnap,
  events: readonly FoldEvent[],
  payments: Map<string, { snap: PaymentSnap; hlc: string }>,
  conflicts: FoldConflict[],
  completion: FoldEvent | undefined,
): void {
  const prepaid = new Map<string, string>();
  for (const e of events) if (e.type === PREPAID_EVENT && e.payment) prepaid.set(e.payment.id, e.hlc);
  if (prepaid.size === 0) return;
  let received = 0;
  // Flagged late money (not yet accepted) is not received for the session: the gates do not count it either.
  for (const p of payments.values()) if (RECEIVED.has(p.snap.status) && isCountedPayment(p.snap)) received += p.snap.amount_paise;
  const counted = s.amount_paid_paise;
  if (received <= counted) return; // the gates' own snapshots already count it
  s.amount_paid_paise = received;
  if (s.status !== 'COMPLETED') return;
  s.amount_due_paise = received;
  if (counted === 0) return; // left without paying anything at the gate: nothing was paid twice
  for (const [id, hlc] of prepaid) {
    const p = payments.get(id)!;
    if (p.snap.status !== 'SUCCESS' || p.snap.review_reason) continue;
    p.snap.review_reason = 'REFUND_DUE: the exit gate charged without the pre-payment';
    conflicts.push({
      kind: 'DOUBLE_EXIT',
      hlc: completion && completion.hlc > hlc ? completion.hlc : hlc,
      detail: `Paid at the exit (${completion?.kioskId ?? 'a gate'}) although the booking was pre-paid online: refund the pre-payment or the difference.`,
    });
  }
}

/** The pre-payment as the gates store it (their payments table). */
export function prepaymentSnap(
  p: { id: string; session_id: string; amount_paise: number; gateway: string; gateway_ref: string | null; late: number; created_at: number; expires_at: number; completed_at: number | null },
  status: 'SUCCESS' | 'REFUNDED',
  updatedAt: number,
): PaymentSnap {
  return {
    id: p.id, session_id: p.session_id, method: 'ONLINE', status, amount_paise: p.amount_paise, tendered_paise: null, change_paise: null,
    gateway: p.gateway, gateway_ref: p.gateway_ref, upi_uri: null, idempotency_key: null, operator_id: null, late: p.late,
    review_reason: null, created_at: p.created_at, expires_at: p.expires_at, completed_at: p.completed_at, updated_at: updatedAt,
  };
}
