/** Payment row -> the JSON the kiosk and parkers see (ISO times, no internal fields). */
import type { PaymentRow } from '../db/schema.js';

export interface PaymentView {
  paymentId: string;
  sessionId: string;
  status: PaymentRow['status'];
  amountPaise: number;
  gateway: string;
  gatewayRef: string | null;
  upiUri: string | null;
  createdAt: string;
  expiresAt: string;
  completedAt: string | null;
  late: boolean;
  needsReview: boolean;
  reviewReason: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toPaymentView(p: PaymentRow): PaymentView {
  return {
    paymentId: p.id,
    sessionId: p.session_id,
    status: p.status,
    amountPaise: p.amount_paise,
    gateway: p.gateway,
    gatewayRef: p.gateway_ref,
    upiUri: p.upi_uri,
    createdAt: iso(p.created_at),
    expiresAt: iso(p.expires_at),
    completedAt: p.completed_at === null ? null : iso(p.completed_at),
    late: p.late === 1,
    needsReview: p.review_reason !== null,
    reviewReason: p.review_reason,
  };
}
