/** API entity shapes (API.md "Shapes"). Times are ISO 8601 UTC strings; money is integer paise. */
import type { QuoteValidation } from './validations.js';
import type { DeviceHealth } from './devices.js';
import type { Role } from './roles.js';
import type { DailyTax } from './invoices.js';
import type { LaneOpening, VendException } from './lane.js';
import type { DenominationLine } from './cash-count.js';

export const SESSION_STATUSES = ['BOOKED', 'PARKED', 'EXITING', 'COMPLETED', 'CANCELLED', 'EXPIRED'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const PAYMENT_STATUSES = ['PENDING', 'SUCCESS', 'FAILED', 'EXPIRED', 'REFUNDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_METHODS = ['CASH', 'ONLINE'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const GATEWAY_NAMES = ['razorpay', 'phonepe', 'sim'] as const;
export type GatewayName = (typeof GATEWAY_NAMES)[number];

export interface Session {
  id: string;
  code: string;
  vehicleNumber: string;
  ownerName: string | null;
  zoneId: string;
  zoneName: string;
  slotNumber: string;
  status: SessionStatus;
  bookedAt: string | null;
  entryAt: string | null;
  exitAt: string | null;
  amountDuePaise: number | null;
  amountPaidPaise: number;
  paymentMethod: PaymentMethod | null;
  paymentStatus: PaymentStatus | null;
  conflict: boolean;
  lostTicket: boolean;
  /** The short number printed on the ticket for typing at any gate (null when the id is not a UUID). */
  ticketNumber?: string | null;
}

export interface Quote {
  sessionId: string;
  entryAt: string;
  quotedAt: string;
  durationSeconds: number;
  billableHours: number;
  /** What is still owed now (fee minus what was already paid, lost-ticket fee included). */
  amountDuePaise: number;
  /** The full fee for the stay so far, before anything already paid. */
  feePaise: number;
  lostTicketFeePaise: number;
  amountPaidPaise: number;
  zoneId: string;
  slotNumber: string;
  validUntil: string;
  /** The parking fee before validations (grace, tariff, daily cap); feePaise is after them. */
  feeBeforeValidationPaise?: number;
  /** What the validations took off (docs/validations.md). */
  discountPaise?: number;
  validations?: QuoteValidation[];
}

export interface Payment {
  id: string;
  sessionId: string;
  method: PaymentMethod;
  status: PaymentStatus;
  amountPaise: number;
  gateway: GatewayName | null;
  gatewayRef: string | null;
  upiUri: string | null;
  createdAt: string;
  expiresAt: string | null;
  completedAt: string | null;
  /**
   * payments.get only: true when this PENDING payment could not be checked with the central server
   * just now (server lost): the driver may have paid; the screen says "payment status unknown".
   */
  statusUnknown?: boolean;
}

export interface TariffOptions {
  /** Stays up to and including this many minutes are free. */
  graceMinutes: number;
  /** Most a car pays for any rolling 24 h; null = no cap. */
  dailyCapPaise: number | null;
  /** Added when a ticket is lost; null = no surcharge. */
  lostTicketFeePaise: number | null;
  /** Minutes a paid car has to leave before it owes more. */
  exitGraceMinutes: number;
}

export interface Zone {
  id: string;
  name: string;
  hourlyRatePaise: number;
  isActive: boolean;
  tariff: TariffOptions;
  totalSlots: number;
  availableSlots: number;
  /** Cars inside or booked, counted from the sessions (overflow included); absent for inactive zones. */
  occupied?: number;
  /** occupied >= totalSlots: walk-in tickets are refused (bookings still enter). */
  full?: boolean;
}

export interface Slot {
  id: string;
  zoneId: string;
  slotNumber: string;
  isOccupied: boolean;
  currentVehicle: string | null;
  currentSessionId: string | null;
}

export interface Operator {
  id: string;
  username: string;
  name: string;
  role: Role;
  isActive: boolean;
  /** PIN-lock state (operators.list, operators.unlock). */
  locked?: boolean;
  /** End of a timed lock; null when not locked or locked until a supervisor unlocks. */
  lockedUntil?: string | null;
  /** Locked until a supervisor unlocks (after the third lockout in a row). */
  needsUnlock?: boolean;
  /** Wrong PINs since the last lockout or good log-in. */
  failedAttempts?: number;
}

export interface Vehicle {
  id: string;
  vehicleNumber: string;
  ownerName: string | null;
  openSession: Session | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  operatorId: string | null;
  operatorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  details: unknown;
  hash: string;
}

export interface IntegrityFinding {
  check: string;
  message: string;
  ids: string[];
}

export interface Health {
  version: string;
  db: 'ok';
  online: boolean;
  pendingEvents: number;
  lastSyncAt: string | null;
  /** No central server is configured: the kiosk works alone (nothing is waiting to go anywhere). */
  standalone?: boolean;
  kioskId: string;
  now: string;
  /** The lane's devices; empty when none is configured. */
  devices?: DeviceHealth[];
  /** Disk usage and the oldest local records (retention keeps them bounded). */
  storage?: StorageHealth;
  /**
   * Sync cannot run because this kiosk and the central server speak protocols too far apart
   * (src-shared/contracts/sync.ts): KIOSK_TOO_OLD = update this kiosk, SERVER_TOO_OLD = update the
   * server. Absent or null: no such problem.
   */
  syncProblem?: 'KIOSK_TOO_OLD' | 'SERVER_TOO_OLD' | null;
}

export interface StorageHealth {
  /** The database file and its WAL. */
  databaseBytes: number;
  /** Free pages inside the database file (reused, or given back by incremental vacuum). */
  freePagesBytes: number;
  /** Archived audit segments on disk. */
  archiveBytes: number;
  /** Free space on the data directory's file system (null when it cannot be read). */
  freeBytes: number | null;
  /** True when freeBytes is below alertBelowBytes. */
  lowSpace: boolean;
  alertBelowBytes: number;
  oldestSessionAt: string | null;
  oldestAuditAt: string | null;
  oldestOutboxAt: string | null;
  autoVacuum: 'none' | 'full' | 'incremental';
}

export const SHIFT_STATUSES = ['OPEN', 'CLOSED', 'NEEDS_APPROVAL', 'APPROVED'] as const;
export type ShiftStatus = (typeof SHIFT_STATUSES)[number];

/** The Z report's figures outside the drawer (docs/shifts.md "Z report: UPI and counts"), integer paise. */
export interface ShiftActivity {
  /** Parking UPI that succeeded on time: collected, not in the drawer. */
  upiPaise: number;
  upiCount: number;
  /** Late (flagged) UPI successes: awaiting a supervisor, not counted as collected. */
  upiFlaggedPaise: number;
  upiFlaggedCount: number;
  ticketsIssued: number;
  lostTicketExits: number;
  /** Exits with nothing paid (zero due: grace, pass, full validation). */
  freeExits: number;
}

/** A cashier's drawer session. expected/difference are null until the blind count is entered. */
export interface Shift {
  id: string;
  operatorId: string;
  operatorName: string;
  openedAt: string;
  closedAt: string | null;
  openingFloatPaise: number;
  /** Cash paid in (PAID_IN movements, each with a reason). */
  cashInPaise: number;
  /** Cash paid out (PAID_OUT movements, each with a reason). */
  cashOutPaise: number;
  /** CASH payments taken in this shift; null while the shift is open for its cashier (blind count). */
  cashSalesPaise: number | null;
  /** Cash refunds paid from this drawer; null while open for its cashier. */
  cashRefundsPaise: number | null;
  /** Number of CASH payments in this shift; null while open for its cashier. */
  cashPayments: number | null;
  /** Season pass sales and renewals of this shift, cash (in the drawer) and UPI apart; null while open for its cashier. */
  passSales: { cashPaise: number; cashCount: number; upiPaise: number; upiCount: number } | null;
  /** Parking UPI and the kiosk's ticket and exit counts in the shift's window; null while open for its cashier. */
  activity?: ShiftActivity | null;
  expectedPaise: number | null;
  countedPaise: number | null;
  differencePaise: number | null;
  tolerancePaise: number;
  /** The float by note and coin, every denomination; null when it was given as a total. */
  floatDenominations?: DenominationLine[] | null;
  /** The blind count by note and coin; null until closed, or when counted as a total. */
  countedDenominations?: DenominationLine[] | null;
  status: ShiftStatus;
  note: string | null;
  approvedBy: string | null;
  approvedByName: string | null;
  approvedAt: string | null;
  approvalNote: string | null;
}

export interface CashMovement {
  id: string;
  shiftId: string;
  kind: 'PAYMENT' | 'REFUND' | 'PAID_IN' | 'PAID_OUT';
  amountPaise: number;
  reason: string | null;
  at: string;
  /** The payment behind a PAYMENT or REFUND line. */
  paymentId: string | null;
}

export interface DailyReport {
  date: string;
  timeZone: string;
  facilityName: string;
  generatedAt: string;
  /** UTC bounds of the local day: [dayStart, dayEnd). */
  dayStart: string;
  dayEnd: string;
  /** booked = pre-bookings made this day (walk-in tickets are counted in walkIns, not here). */
  sessions: { booked: number; walkIns: number; entered: number; exited: number; cancelled: number; expired: number; insideAtStart: number; insideAtEnd: number };
  revenue: {
    totalPaise: number;
    cashPaise: number;
    onlinePaise: number;
    refundsPaise: number;
    latePaise: number;
    /** Number of payments behind cashPaise / onlinePaise, and refunds behind refundsPaise. */
    cashCount: number;
    onlineCount: number;
    refundCount: number;
    lateCount: number;
  };
  pendingPayments: number;
  failedPayments: number;
  stay: { averageSeconds: number | null; medianSeconds: number | null };
  byZone: { zoneId: string; zoneName: string; entered: number; exited: number; revenuePaise: number; peakOccupancy: number }[];
  byHour: { hour: number; occupancy: number; entered: number; exited: number; revenuePaise: number }[];
  byOperator: { operatorId: string; operatorName: string; payments: number; revenuePaise: number; cashPaise: number; onlinePaise: number }[];
  byShift: { shiftId: string; operatorName: string; openedAt: string; closedAt: string | null; openingFloatPaise: number; cashSalesPaise: number; expectedPaise: number | null; countedPaise: number | null; differencePaise: number | null; status: ShiftStatus }[];
  exceptions: { kind: 'LOST_TICKET' | 'FREE_EXIT' | 'CONFLICT' | 'MANUAL_GATE_OPEN' | 'CANCELLED' | 'LATE_PAYMENT'; sessionId: string | null; vehicleNumber: string | null; at: string; operatorName: string | null; detail: string }[];
  /** The seed's five integrity checks over this day's sessions (and all slots): zero in a healthy day. */
  integrity: { ok: boolean; findings: { check: string; count: number }[] };
  /** Taxable value, CGST, SGST/IGST of the day, per gate and per rate (absent in older reports). */
  tax?: DailyTax;
  /** The lane's vend exceptions this day (unmatched cars and openings), oldest first. */
  vendExceptions?: VendException[];
  /** Manual barrier openings this day, with their supervisor and reason. */
  manualOpenings?: LaneOpening[];
}
