/** Booking row (+ zone, slot, payment) -> the JSON a parker sees. */
import type { BookingRow, PaymentRow } from '../db/schema.js';
import type { PaymentView } from '../payments/view.js';
import { toPaymentView } from '../payments/view.js';

export interface BookingView {
  id: string;
  code: string;
  /** The facility (car park) of the booking. */
  facilityId: string;
  facilityName: string;
  vehicleNumber: string;
  zoneId: string;
  zoneName: string;
  slotNumber: string;
  status: BookingRow['status'];
  bookedAt: string;
  cancelledAt: string | null;
  prepayPaise: number;
  refundPaise: number | null;
  /** HELD: waiting until every gate acknowledged the cancellation; WITHHELD: the car entered (supervisor decides). */
  refundStatus: 'PENDING' | 'PROCESSED' | 'FAILED' | 'HELD' | 'WITHHELD' | null;
  payment: PaymentView | null;
  /** The gates' canonical session status (null until the booking reached a gate). */
  sessionStatus: string | null;
  /** Why a supervisor should look at this booking (e.g. CANCEL_RACED_ENTRY). */
  reviewReason: string | null;
}

export interface BookingJoined extends BookingRow {
  zone_name: string;
  slot_number: string;
  facility_name: string;
}

export function toBookingView(b: BookingJoined, payment: PaymentRow | null, refundRowStatus: 'PENDING' | 'PROCESSED' | 'FAILED' | null): BookingView {
  const refundStatus: BookingView['refundStatus'] = b.refund_state === 'HELD' || b.refund_state === 'WITHHELD' ? b.refund_state : refundRowStatus;
  return {
    id: b.id,
    code: b.code,
    facilityId: b.facility_id,
    facilityName: b.facility_name,
    vehicleNumber: b.vehicle_number,
    zoneId: b.zone_id,
    zoneName: b.zone_name,
    slotNumber: b.slot_number,
    status: b.status,
    bookedAt: new Date(b.booked_at).toISOString(),
    cancelledAt: b.cancelled_at === null ? null : new Date(b.cancelled_at).toISOString(),
    prepayPaise: b.prepay_paise,
    refundPaise: b.refund_paise,
    refundStatus,
    payment: payment ? toPaymentView(payment) : null,
    sessionStatus: b.session_status,
    reviewReason: b.review_reason,
  };
}
