/**
 * Row types of the server database (migrations/server). Times are UTC epoch ms; money is integer
 * paise; booleans are 0/1 integers so that SQLite and PostgreSQL store them the same way.
 */
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { GatewayName } from '../../src-shared/contracts/entities.js';

/**
 * A row's facility (migrations/server/9980). The column defaults to the first facility, so rows
 * written by tools that predate facilities land there; the server's own code always names it.
 */
export type FacilityColumn = ColumnType<string, string | undefined, string>;

/** A car park served by this server (migrations/server/9980_facilities.ts). */
export interface FacilitiesTable {
  id: string;
  name: string;
  /** IANA time zone: the facility's business day (revenue "today"). */
  time_zone: string;
  created_at: number;
  updated_at: number;
}

export interface KiosksTable {
  id: string;
  name: string;
  /** The facility the kiosk is enrolled in (9980): it syncs, books and pays only there. */
  facility_id: FacilityColumn;
  /** HMAC key derived from the kiosk secret (the secret itself is never stored). */
  signing_key: string;
  created_at: number;
  revoked_at: number | null;
}

export type PaymentStatusValue = 'PENDING' | 'SUCCESS' | 'FAILED' | 'EXPIRED' | 'REFUNDED';

export interface PaymentsTable {
  id: string;
  /** `kiosk:<id>` or `parker:<id>`: who asked; idempotency keys are unique per owner. */
  owner: string;
  kiosk_id: string | null;
  booking_id: string | null;
  session_id: string;
  idempotency_key: string;
  amount_paise: number;
  gateway: GatewayName;
  merchant_ref: string;
  gateway_ref: string | null;
  gateway_payment_id: string | null;
  upi_uri: string | null;
  vehicle_number: string | null;
  status: PaymentStatusValue;
  late: number;
  review_reason: string | null;
  paid_amount_paise: number | null;
  refunded_paise: number;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
  closed_at: number | null;
  next_poll_at: number | null;
  poll_count: number;
  updated_at: number;
  /** The kiosk cancelled this attempt (migration 9200): money arriving later is flagged. */
  cancelled_at: number | null;
  /** A second capture of the payment with this id (migration 9200). */
  parent_payment_id: string | null;
  /** The facility of the kiosk or booking that asked (9980). */
  facility_id: FacilityColumn;
}

export interface PaymentHistoryTable {
  id: string;
  payment_id: string;
  from_status: string | null;
  to_status: string;
  source: string;
  detail: string | null;
  at: number;
}

export interface GatewayEventsTable {
  id: string;
  gateway: string;
  event_key: string;
  event_type: string;
  payment_id: string | null;
  outcome: string;
  received_at: number;
}

export interface RefundsTable {
  id: string;
  payment_id: string;
  idempotency_key: string;
  amount_paise: number;
  status: 'PENDING' | 'PROCESSED' | 'FAILED';
  gateway_refund_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface ParkersTable {
  id: string;
  email: string;
  password_hash: string;
  created_at: number;
}

export interface ParkerTokensTable {
  token_hash: string;
  parker_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface ZonesTable {
  id: string;
  /** Zone names are unique per facility (9980). */
  facility_id: FacilityColumn;
  name: string;
  hourly_rate_paise: number;
  is_active: 0 | 1;
  created_at: number;
  /** The gates' zone fields (9981); defaults for a zone the server made. */
  position: ColumnType<number, number | undefined, number>;
  grace_minutes: ColumnType<number, number | undefined, number>;
  daily_cap_paise: ColumnType<number | null, number | null | undefined, number | null>;
  lost_ticket_fee_paise: ColumnType<number | null, number | null | undefined, number | null>;
  exit_grace_minutes: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<number, number | undefined, number>;
  /** HLC of the last gate write; null for a zone the server made (never published by a gate). */
  hlc: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the server stored that gate write. */
  synced_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface SlotsTable {
  id: string;
  zone_id: string;
  slot_number: string;
  position: ColumnType<number, number | undefined, number>;
}

export type BookingStatusValue = 'BOOKED' | 'CANCELLED';

export interface BookingsTable {
  id: string;
  facility_id: FacilityColumn;
  parker_id: string;
  zone_id: string;
  slot_id: string;
  vehicle_number: string;
  code: string;
  status: BookingStatusValue;
  booked_at: number;
  cancelled_at: number | null;
  payment_id: string | null;
  prepay_paise: number;
  refund_paise: number | null;
  // migrations/server/9100_booking_sync.ts
  released_at: number | null;
  session_status: string | null;
  cancel_seq: number | null;
  refund_state: 'HELD' | 'RELEASED' | 'WITHHELD' | null;
  review_reason: string | null;
}

/** Request ids of signed kiosk requests, kept for the auth window (migrations/server/9300). */
export interface KioskNoncesTable {
  kiosk_id: string;
  nonce: string;
  expires_at: number;
}

export interface ServerDatabase {
  facilities: FacilitiesTable;
  kiosks: KiosksTable;
  kiosk_nonces: KioskNoncesTable;
  payments: PaymentsTable;
  payment_history: PaymentHistoryTable;
  gateway_events: GatewayEventsTable;
  refunds: RefundsTable;
  parkers: ParkersTable;
  parker_tokens: ParkerTokensTable;
  zones: ZonesTable;
  slots: SlotsTable;
  bookings: BookingsTable;
}

export type FacilityRow = Selectable<FacilitiesTable>;
export type KioskRow = Selectable<KiosksTable>;
export type PaymentRow = Selectable<PaymentsTable>;
export type NewPaymentRow = Insertable<PaymentsTable>;
export type PaymentUpdate = Updateable<PaymentsTable>;
export type RefundRow = Selectable<RefundsTable>;
export type ParkerRow = Selectable<ParkersTable>;
export type ZoneRow = Selectable<ZonesTable>;
export type SlotRow = Selectable<SlotsTable>;
export type BookingRow = Selectable<BookingsTable>;
