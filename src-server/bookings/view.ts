/** Booking row (+ zone, slot, payment) -> the JSON a parker sees. */
import type { BookingRow, PaymentRow } from '../db/schema.js';
import type { PaymentView } from '../payments/view.js';
import { toPaymentView } from '../payments/view.js';

export interface BookingView {
  id: string;
  code: string;
  vehicleNumber: string;
  zoneId: string;
  zoneName: string;
  slotNumber: string;
  status: BookingRow['status'];
  bookedAt: string;
  cancelledAt: string | null;
  prepayPaise: number;
  refundPaise: number | null;
  refundStatus: 'PENDING' | 'PROCESSED' | 'FAILED' | null;
  payment: PaymentView | null;
}

export interface BookingJoined extends BookingRow {
  zone_name: string;
  slot_number: string;
}

export function toBookingView(b: BookingJoined, payment: PaymentRow | null, refundStatus: BookingView['refundStatus']): BookingView {
  return {
    id: b.id,
    code: b.code,
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
  };
}
