/**
 * Row types of the kiosk database (snake_case, as stored). Domain/API types live in src-shared.
 * A status column is typed as the union its CHECK constraint or writer allows, a flag as `0 | 1`:
 * SQLite stores both as plain TEXT / INTEGER, so these types are what keeps a typo out.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CashMovement, GatewayName, PaymentMethod, PaymentStatus, SessionStatus, ShiftStatus } from '../../src-shared/contracts/entities.js';
import type { Role } from '../../src-shared/contracts/roles.js';
import type { StoredEventColumns } from '../../src-shared/contracts/sync.js';
import type { ValidationTables } from './schema-validations.js';
import type { PassTables } from './schema-passes.js';
import type { DenominationCode } from '../../src-shared/contracts/cash-count.js';
import type { PassUpiTables } from './schema-pass-upi.js';

/** A boolean column (SQLite has none). */
export type Flag = 0 | 1;
/** Why a session is marked for review after sync (conflicts.ts, adopt-ticket.ts, apply-remote.ts). */
export type ConflictReason = string;

export interface MetaTable { key: string; value: string }

export interface ZonesTable {
  id: string;
  name: string;
  position: number;
  hourly_rate_paise: number;
  is_active: Flag;
  grace_minutes: number;
  daily_cap_paise: number | null;
  lost_ticket_fee_paise: number | null;
  exit_grace_minutes: number;
  created_at: number;
  updated_at: number;
}

export interface SlotsTable {
  id: string;
  zone_id: string;
  slot_number: string;
  position: number;
  current_session_id: string | null;
  created_at: number;
}

export interface VehiclesTable {
  id: string;
  vehicle_number: string;
  owner_name: string | null;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  code: string;
  vehicle_id: string;
  zone_id: string;
  slot_id: string;
  status: SessionStatus;
  booked_at: number | null;
  entry_at: number | null;
  exit_at: number | null;
  quote_amount_paise: number | null;
  quoted_at: number | null;
  quote_valid_until: number | null;
  amount_due_paise: number | null;
  amount_paid_paise: Generated<number>;
  last_paid_at: number | null;
  lost_ticket: Generated<Flag>;
  conflict: Generated<Flag>;
  conflict_reason: ConflictReason | null;
  origin_kiosk_id: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  /** 1: open but holds no slot (a slot clash in a full car park, migrations/kiosk/0004). */
  overflow: Generated<Flag>;
}

export interface PaymentsTable {
  id: string;
  session_id: string;
  method: PaymentMethod;
  status: PaymentStatus;
  amount_paise: number;
  tendered_paise: number | null;
  change_paise: number | null;
  gateway: GatewayName | null;
  gateway_ref: string | null;
  upi_uri: string | null;
  idempotency_key: string | null;
  operator_id: string | null;
  late: Generated<Flag>;
  review_reason: string | null;
  created_at: number;
  expires_at: number | null;
  completed_at: number | null;
  updated_at: number;
}

/** Added by migration 0002: the cash shift a CASH payment belongs to. Kept apart from PaymentsTable so
 * PaymentRow literals written before 0002 stay valid; optional on insert, present on select. */
export interface PaymentShiftLink {
  shift_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** What proved the car at an exit without a readable ticket (migrations/kiosk/0017). */
export interface LostTicketExitsTable {
  session_id: string;
  basis: 'PLATE_MATCH' | 'PICKED';
  typed_plate: string;
  proof: 'RC' | 'DRIVING_LICENCE' | 'PHOTO_ID' | 'OTHER';
  proof_note: string | null;
  reason: string;
  amount_due_paise: number;
  operator_id: string;
  supervisor_id: string | null;
  recorded_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
  updated_by: string | null;
}

export interface ShiftsTable {
  id: string;
  operator_id: string;
  kiosk_id: string;
  status: ShiftStatus;
  opened_at: number;
  closed_at: number | null;
  opening_float_paise: number;
  counted_paise: number | null;
  expected_paise: number | null;
  difference_paise: number | null;
  tolerance_paise: number;
  note: string | null;
  closed_by: string | null;
  approved_by: string | null;
  approved_at: number | null;
  approval_note: string | null;
  created_at: number;
  updated_at: number;
}

/** The drawer by note and coin (migration 0020): the float at sign-on and the blind count at close. */
export interface ShiftDenominationsTable {
  shift_id: string;
  stage: 'FLOAT' | 'COUNT';
  denomination: DenominationCode;
  value_paise: number;
  count: number;
}

export interface CashMovementsTable {
  id: string;
  shift_id: string;
  kind: CashMovement['kind'];
  amount_paise: number;
  reason: string;
  payment_id: string | null;
  operator_id: string;
  at: number;
}

export interface OperatorsTable {
  id: string;
  username: string;
  name: string;
  role: Role;
  pin_hash: string;
  is_active: Generated<Flag>;
  failed_attempts: Generated<number>;
  locked_until: number | null;
  /** Lockouts since the last good log-in (migrations/kiosk/0006). */
  lockouts: Generated<number>;
  /** 1: locked until a supervisor unlocks. */
  needs_unlock: Generated<number>;
  created_at: number;
  updated_at: number;
}

/** Failed-login counters for usernames that are not operators here (same policy, same answers). */
export interface LoginThrottleTable {
  username: string;
  failed_attempts: number;
  lockouts: number;
  locked_until: number | null;
  needs_unlock: number;
  updated_at: number;
}

export interface AuthTokensTable {
  token_hash: string;
  operator_id: string;
  created_at: number;
  expires_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  operator_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** One event the kiosk pushes (its wire columns: src-shared/contracts/sync.ts). */
export interface OutboxTable extends StoredEventColumns {
  created_at: number;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  acked_at: number | null;
  error: string | null;
}

/** PENDING: not yet acknowledged by the server; ACKED: stored there; PARKED: refused there (kept, shown). */
export type OutboxStatus = 'PENDING' | 'ACKED' | 'PARKED';

/** The one row of sync progress (migrations/kiosk/0003_sync.ts). */
export interface SyncStateTable {
  id: number;
  /** Change-log position applied up to (moved in the transaction that applied the changes). */
  cursor: number;
  last_sync_at: number | null;
  /** Server clock minus this kiosk's clock (ms), last measured. */
  clock_offset_ms: number | null;
  /** Id of the own ticket key the server has acknowledged. */
  key_published: string | null;
}

/** Other gates' ticket-verification keys, encrypted at rest (src-main/sync/ticket-keys.ts). */
export interface SyncTicketKeysTable {
  key_id: string;
  kiosk_id: string;
  secret_enc: string;
  received_at: number;
}

/** Pulled changes that could not be applied here yet (retried after every pull). */
export interface SyncSkippedTable {
  seq: number;
  entity_type: string;
  entity_id: string;
  /** The change entry's data, as pulled (JSON). */
  data: string;
  error: string;
  at: number;
}

/** Lane tables (migrations/kiosk/0008_lane.ts). */
export interface LaneOpeningsTable {
  id: string;
  kiosk_id: string;
  cause: string;
  basis: string | null;
  session_id: string | null;
  status: string;
  requested_at: number;
  raised_at: number | null;
  closed_at: number | null;
  close_reason: string | null;
  cars: Generated<number>;
  operator_id: string | null;
  shift_id: string | null;
  supervisor_id: string | null;
  reason_code: string | null;
  reason_text: string | null;
  snapshot: string | null;
  created_at: number;
  updated_at: number;
}

export interface LanePassesTable {
  id: string;
  kiosk_id: string;
  at: number;
  entered_at: number;
  opening_id: string | null;
  match: string;
}

export interface LaneExceptionsTable {
  id: string;
  kiosk_id: string;
  kind: string;
  at: number;
  opening_id: string | null;
  pass_id: string | null;
  shift_id: string | null;
  detail: string;
}

/** The lane printer's durable queue (migration 0009, src-main/print/queue.ts). */
export interface PrintJobsTable {
  id: string;
  kind: 'TICKET' | 'RECEIPT' | 'Z_REPORT' | 'TEST' | 'PASS';
  entity_id: string | null;
  copy: number;
  status: 'QUEUED' | 'SENDING' | 'DONE' | 'FAILED';
  attempts: number;
  last_error: string | null;
  requested_by: string | null;
  created_at: number;
  updated_at: number;
  printed_at: number | null;
}

/** Exit receipt numbers, one series per kiosk (migration 0009, src-main/print/receipt-numbers.ts). */
export interface ReceiptNumbersTable {
  session_id: string;
  payment_id: string | null;
  kiosk_id: string;
  seq: number;
  number: string;
  created_at: number;
  /** Migration 0014: the lost-ticket fee this exit charged; null when the ticket was not lost. */
  lost_ticket_fee_paise: number | null;
}

/** GST tax documents and buyer requests (migration 0011, src-main/invoices). */
export interface TaxDocumentsTable {
  id: string;
  kind: 'TAX_INVOICE' | 'CONSOLIDATED' | 'CREDIT_NOTE' | 'RECEIPT';
  number: string | null;
  prefix: string | null;
  series: 'I' | 'C' | null;
  fy_code: string;
  counter: number | null;
  supply_type: 'B2C' | 'B2B';
  kiosk_id: string;
  session_id: string | null;
  payment_id: string | null;
  issued_at: number;
  day: string;
  supplier: string;
  buyer_gstin: string | null;
  buyer_name: string | null;
  place_of_supply: string;
  sac: string;
  rate_bp: number;
  inclusive: number;
  taxable_paise: number;
  cgst_paise: number;
  sgst_paise: number;
  igst_paise: number;
  total_paise: number;
  refers_to: string | null;
  reason: string | null;
  token: string;
  created_at: number;
  /** Migration 0014: the lost-ticket fee inside total_paise (a lost ticket's invoice); null otherwise. */
  lost_ticket_fee_paise?: number | null;
}

export interface InvoiceRequestsTable {
  session_id: string;
  buyer_gstin: string | null;
  buyer_name: string | null;
  want_invoice: number;
  created_at: number;
}

/** The validation tables are in schema-validations.ts, the season pass tables in schema-passes.ts. */
export interface KioskDatabase extends ValidationTables, PassTables, PassUpiTables {
  meta: MetaTable;
  zones: ZonesTable;
  slots: SlotsTable;
  vehicles: VehiclesTable;
  sessions: SessionsTable;
  payments: PaymentsTable & PaymentShiftLink;
  operators: OperatorsTable;
  auth_tokens: AuthTokensTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  sync_state: SyncStateTable;
  sync_ticket_keys: SyncTicketKeysTable;
  sync_skipped: SyncSkippedTable;
  settings: SettingsTable;
  lost_ticket_exits: LostTicketExitsTable;
  shifts: ShiftsTable;
  cash_movements: CashMovementsTable;
  shift_denominations: ShiftDenominationsTable;
  lane_openings: LaneOpeningsTable;
  lane_passes: LanePassesTable;
  lane_exceptions: LaneExceptionsTable;
  print_jobs: PrintJobsTable;
  receipt_numbers: ReceiptNumbersTable;
  tax_documents: TaxDocumentsTable;
  invoice_requests: InvoiceRequestsTable;
}

export type ZoneRow = Selectable<ZonesTable>;
export type SlotRow = Selectable<SlotsTable>;
export type VehicleRow = Selectable<VehiclesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type PaymentRow = Selectable<PaymentsTable>;
export type OperatorRow = Selectable<OperatorsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type SettingsRow = Selectable<SettingsTable>;
export type ShiftRow = Selectable<ShiftsTable>;
export type CashMovementRow = Selectable<CashMovementsTable>;
export type LaneOpeningRow = Selectable<LaneOpeningsTable>;
export type LaneExceptionRow = Selectable<LaneExceptionsTable>;
export type PrintJobRow = Selectable<PrintJobsTable>;
export type TaxDocumentRow = Selectable<TaxDocumentsTable>;
