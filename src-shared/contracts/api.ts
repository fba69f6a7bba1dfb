/**
 * The kiosk API table (API.md): method -> input schema + minimum role. Every transport
 * (Electron IPC, HTTP bridge, CLI, tests) goes through this one table.
 */
import { LANE_ROLES, type LaneRole } from './lane-role.js';
import { z } from 'zod';
import type { Role } from './roles.js';
import { ROLES } from './roles.js';
import type {
  AuditEntry, CashMovement, DailyReport, Health, Shift, IntegrityFinding, Operator, Payment, Quote, Session, Slot, Vehicle, Zone,
} from './entities.js';
import { SESSION_STATUSES, SHIFT_STATUSES } from './entities.js';
import type { DeviceHealth } from './devices.js';
import { normaliseVehicleNumber } from '../domain/vehicle-number.js';
import { LOST_TICKET_PROOFS, type PlateCandidates, type PlateReadResult } from './plate.js';
import { laneConfigPatchSchema, SNAPSHOT_MAX_CHARS, type LaneOpening, type LaneSettingsView, type LaneStatus, type LaneTestResult, type VendException } from './lane.js';
import { laneDeviceSettingsSchema } from './lane-devices.js';
import { printerSettingsSchema, type PrintJob, type PrinterSettings, type PrinterStatusView } from './print.js';
import {
  buyerSchema, consolidateInput, creditNoteInput, invoiceRegisterInput, taxSettingsInputSchema, type TaxDocument, type TaxSettings,
} from './invoices.js';
import { VALIDATION_API, type ValidationApiResults } from './validations.js';
import { PASS_API, type PassApiResults } from './passes.js';
import { PASS_UPI_API, type PassUpiApiResults } from './pass-upi.js';
import { VALIDATION_REPORT_API, type ValidationReportApiResults } from './validation-reports.js';

const MAX_TEXT = 200;

export const vehicleNumberSchema = z
  .string()
  .max(32)
  .transform(normaliseVehicleNumber)
  .pipe(z.string().regex(/^[A-Z0-9]{3,15}$/, 'Vehicle number must be 3 to 15 letters and digits'));

const id = z.string().min(1).max(64);
const text = (max = MAX_TEXT) => z.string().trim().max(max);
const paise = z.number().int().min(0).max(100_000_000_00);
const isoTime = z.iso.datetime({ offset: true });
const ticketCode = z.string().min(1).max(1024);
const pin = z.string().regex(/^\d{4,8}$/, 'PIN must be 4 to 8 digits');
const username = z.string().trim().toLowerCase().pipe(z.string().regex(/^[a-z0-9._-]{2,32}$/, 'Username: 2 to 32 letters, digits, . _ -'));
const role = z.enum(ROLES);
const empty = z.object({}).strict();
/** Pieces per note/coin code (src-shared/contracts/cash-count.ts); the core refuses unknown codes and bad counts with its own message. */
const denominationCounts = z.record(z.string().min(1).max(8), z.number())
  .refine((o) => Object.keys(o).length <= 32, 'Too many denominations');

export const tariffInputSchema = z
  .object({
    graceMinutes: z.number().int().min(0).max(24 * 60).optional(),
    dailyCapPaise: paise.nullable().optional(),
    lostTicketFeePaise: paise.nullable().optional(),
    exitGraceMinutes: z.number().int().min(0).max(24 * 60).optional(),
  })
  .strict();

const sessionRef = z.union([z.object({ sessionId: id }).strict(), z.object({ code: ticketCode }).strict()]);

const bookInput = z
  .object({ vehicleNumber: vehicleNumberSchema, ownerName: text(100).optional(), zoneId: id.optional() })
  .strict();

export const API = {
  'system.health': { role: null, input: empty },
  'auth.login': { role: null, input: z.object({ username, pin: z.string().max(64) }).strict() },
  'auth.logout': { role: 'ATTENDANT', input: empty },
  'auth.me': { role: 'ATTENDANT', input: empty },
  // The names on the touch login's tiles (active operators); no PIN, role or lock state.
  'auth.tiles': { role: null, input: empty },
  'auth.setup': {
    role: null,
    input: z.object({ username, name: text(100).pipe(z.string().min(1)), pin }).strict(),
  },

  'gate.book': { role: 'ATTENDANT', input: bookInput },
  'gate.issueTicket': { role: 'ATTENDANT', input: bookInput },
  'gate.scanEntry': { role: 'ATTENDANT', input: z.object({ code: ticketCode }).strict() },
  'gate.quoteExit': { role: 'ATTENDANT', input: z.object({ code: ticketCode }).strict() },
  'gate.completeExit': { role: 'ATTENDANT', input: z.object({ sessionId: id }).strict() },
  'gate.cancelQuote': { role: 'ATTENDANT', input: z.object({ sessionId: id }).strict() },
  'gate.payCash': { role: 'CASHIER', input: z.object({ sessionId: id, tenderedPaise: paise, buyer: buyerSchema.optional() }).strict() },
  'gate.startOnlinePayment': { role: 'CASHIER', input: z.object({ sessionId: id, buyer: buyerSchema.optional() }).strict() },
  // proof + reason are required by the core (a typed error names the missing one); the supervisor above the limit (settings).
  'gate.lostTicket': {
    role: 'CASHIER',
    input: z
      .object({
        vehicleNumber: vehicleNumberSchema,
        sessionId: id.optional(),
        proof: z.enum(LOST_TICKET_PROOFS).optional(),
        proofNote: text(200).optional(),
        reason: text(500).optional(),
        supervisorUsername: username.optional(),
        supervisorPin: z.string().max(64).optional(),
      })
      .strict(),
  },
  'gate.findByPlate': { role: 'ATTENDANT', input: z.object({ vehicleNumber: vehicleNumberSchema }).strict() },
  'gate.quoteByPlate': { role: 'ATTENDANT', input: z.object({ vehicleNumber: vehicleNumberSchema, sessionId: id.optional() }).strict() },
  // A plate camera's read: the candidates for the exit screen (no fee is quoted on a read alone).
  'lane.plateRead': {
    role: 'ATTENDANT',
    input: z
      .object({
        plate: vehicleNumberSchema,
        confidence: z.number().min(0).max(1),
        image: z.string().max(SNAPSHOT_MAX_CHARS, 'The camera still is too large').optional(),
      })
      .strict(),
  },
  'payments.refund': {
    // The operator at the kiosk hands the cash back from their drawer; a supervisor's own username + PIN authorise it.
    role: 'CASHIER',
    input: z
      .object({
        paymentId: id,
        reason: text(500).pipe(z.string().min(3, 'Give a reason')),
        supervisorUsername: username,
        supervisorPin: z.string().max(64),
      })
      .strict(),
  },
  'payments.get': { role: 'CASHIER', input: z.object({ paymentId: id }).strict() },
  'payments.cancel': { role: 'CASHIER', input: z.object({ paymentId: id }).strict() },
  // Late / mismatched online payments flagged for a supervisor; the decision is taken on the central server.
  'payments.flagged': { role: 'SUPERVISOR', input: empty },
  'payments.resolveFlagged': {
    role: 'SUPERVISOR',
    input: z
      .object({ paymentId: id, action: z.enum(['accept', 'refund']), reason: text(500).pipe(z.string().min(3, 'Give a reason')) })
      .strict(),
  },

  'sessions.get': { role: 'ATTENDANT', input: sessionRef },
  'sessions.list': {
    role: 'ATTENDANT',
    input: z
      .object({
        status: z.enum(SESSION_STATUSES).optional(),
        q: text(64).optional(),
        zoneId: id.optional(),
        from: isoTime.optional(),
        to: isoTime.optional(),
        limit: z.number().int().min(1).max(200).optional(),
        cursor: z.string().max(200).optional(),
        conflict: z.boolean().optional(),
        lostTicket: z.boolean().optional(),
      })
      .strict(),
  },
  'sessions.refundCheck': { role: 'ATTENDANT', input: sessionRef },
  'sessions.cancel': {
    role: 'SUPERVISOR',
    input: z.object({ sessionId: id, reason: text(500).pipe(z.string().min(3, 'Give a reason')) }).strict(),
  },
  'sessions.timeline': { role: 'ATTENDANT', input: z.object({ sessionId: id }).strict() },

  'zones.list': { role: 'ATTENDANT', input: z.object({ includeInactive: z.boolean().optional() }).strict() },
  'zones.create': {
    role: 'SUPERVISOR',
    input: z
      .object({
        name: text(40).pipe(z.string().min(1)),
        hourlyRatePaise: paise,
        isActive: z.boolean().optional(),
        tariff: tariffInputSchema.optional(),
      })
      .strict(),
  },
  'zones.update': {
    role: 'SUPERVISOR',
    input: z
      .object({
        zoneId: id,
        name: text(40).pipe(z.string().min(1)).optional(),
        hourlyRatePaise: paise.optional(),
        isActive: z.boolean().optional(),
        tariff: tariffInputSchema.optional(),
      })
      .strict(),
  },
  'slots.list': { role: 'ATTENDANT', input: z.object({ zoneId: id }).strict() },
  'slots.create': {
    role: 'SUPERVISOR',
    input: z
      .object({ zoneId: id, slotNumbers: z.array(text(20).pipe(z.string().min(1))).min(1).max(1000) })
      .strict(),
  },
  'vehicles.search': { role: 'ATTENDANT', input: z.object({ q: text(32).pipe(z.string().min(1)) }).strict() },

  'operators.list': { role: 'SUPERVISOR', input: empty },
  'operators.unlock': {
    role: 'SUPERVISOR',
    input: z.object({ operatorId: id, reason: text(200).pipe(z.string().min(3, 'Give a reason (at least 3 characters)')) }).strict(),
  },
  'operators.create': {
    role: 'ADMIN',
    input: z.object({ username, name: text(100).pipe(z.string().min(1)), role, pin }).strict(),
  },
  'operators.update': {
    role: 'ADMIN',
    input: z
      .object({
        operatorId: id,
        name: text(100).pipe(z.string().min(1)).optional(),
        role: role.optional(),
        pin: pin.optional(),
        isActive: z.boolean().optional(),
      })
      .strict(),
  },

  'integrity.check': { role: 'SUPERVISOR', input: empty },
  'audit.list': {
    role: 'SUPERVISOR',
    input: z
      .object({
        entityId: id.optional(),
        limit: z.number().int().min(1).max(500).optional(),
        beforeId: z.number().int().min(1).optional(),
      })
      .strict(),
  },
  'audit.verify': { role: 'SUPERVISOR', input: empty },

  // The float as a total (older clients) or counted by note and coin (the core sums it); with both, they must agree.
  'shifts.open': {
    role: 'CASHIER',
    input: z.object({ openingFloatPaise: paise.optional(), floatCounts: denominationCounts.optional() }).strict()
      .refine((v) => v.openingFloatPaise !== undefined || v.floatCounts !== undefined, 'Give the float as a total or by denomination'),
  },
  'shifts.current': { role: 'CASHIER', input: empty },
  'shifts.cashMovement': {
    role: 'CASHIER',
    input: z
      .object({ kind: z.enum(['PAID_IN', 'PAID_OUT']), amountPaise: paise.pipe(z.number().min(1)), reason: text(200).pipe(z.string().min(3, 'Give a reason')) })
      .strict(),
  },
  'shifts.close': {
    role: 'CASHIER',
    // shiftId: a supervisor closing another cashier's drawer; a cashier may only name their own.
    // countedCounts: the blind count by note and coin (the core sums it); countedPaise alone still works.
    input: z.object({ countedPaise: paise.optional(), countedCounts: denominationCounts.optional(), note: text(500).optional(), shiftId: id.optional() }).strict()
      .refine((v) => v.countedPaise !== undefined || v.countedCounts !== undefined, 'Give the count as a total or by denomination'),
  },
  'shifts.approve': {
    role: 'SUPERVISOR',
    input: z.object({ shiftId: id, note: text(500).pipe(z.string().min(3, 'Give a reason')) }).strict(),
  },
  'shifts.list': {
    role: 'SUPERVISOR',
    input: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(), status: z.enum(SHIFT_STATUSES).optional() }).strict(),
  },
  'shifts.report': { role: 'CASHIER', input: z.object({ shiftId: id }).strict() },
  'settings.get': { role: 'ATTENDANT', input: empty },
  'settings.update': {
    role: 'SUPERVISOR',
    input: z
      .object({
        facilityName: text(100).pipe(z.string().min(1)).optional(),
        timeZone: z.string().max(64).optional(),
        shiftTolerancePaise: paise.optional(),
        lostTicketSupervisorAbovePaise: paise.optional(),
        plateExitMaxPaise: paise.optional(),
        laneRole: z.enum(LANE_ROLES).optional(),
        // First-run setup: the central server, applied at the next start. '' clears
        // (standalone kiosk); several URLs comma-separated (instances to fail over between).
        // kioskSecret is write-only: kept in the secret store, never returned.
        serverUrl: z.string().trim().max(1000).optional(),
        kioskId: z.string().trim().max(100).optional(),
        kioskSecret: z.string().max(500).optional(),
      })
      .strict(),
  },
  'reports.daily': { role: 'SUPERVISOR', input: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date as YYYY-MM-DD') }).strict() },
  'reports.export': {
    role: 'SUPERVISOR',
    input: z.object({
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date as YYYY-MM-DD'),
      format: z.enum(['csv', 'pdf']),
      // 'validations': the reports.validations report from `date` to `to` (default: the one day).
      kind: z.enum(['daily', 'validations']).optional(),
      to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date as YYYY-MM-DD').optional(),
    }).strict(),
  },

  // Operations: backups, staged restore, diagnostics bundle. See docs/operations.md.
  'backups.list': { role: 'SUPERVISOR', input: empty },
  'backups.create': { role: 'SUPERVISOR', input: empty },
  'backups.restore': { role: 'ADMIN', input: z.object({ fileName: z.string().regex(/^[A-Za-z0-9._-]{1,120}\.db$/, 'A backup file name from backups.list') }).strict() },
  'system.diagnostics': { role: 'SUPERVISOR', input: empty },

  // Sync: connectivity state, open conflicts, supervisor resolution (audited). See docs/sync.md.
  'sync.status': { role: 'ATTENDANT', input: empty },
  'sync.conflicts': { role: 'SUPERVISOR', input: empty },
  'sync.resolveConflict': {
    role: 'SUPERVISOR',
    input: z
      .object({ sessionId: id, resolution: z.enum(['ACCEPT', 'REFUNDED']), reason: text(500).pipe(z.string().min(3, 'Give a reason')) })
      .strict(),
  },

  // The lane (docs/lane.md): barrier, loops, manual opening, vend exceptions, occupancy.
  'lane.status': { role: 'ATTENDANT', input: empty },
  'lane.manualOpen': {
    // Any operator at the kiosk may ask; the supervisor's own username + PIN authorise it (checked in the core).
    role: 'ATTENDANT',
    input: z
      .object({
        supervisorUsername: username,
        supervisorPin: z.string().max(64),
        reasonCode: z.string().trim().min(2).max(40),
        reasonText: text(500).optional(),
        snapshot: z.string().max(SNAPSHOT_MAX_CHARS, 'The camera still is too large').optional(),
      })
      .strict(),
  },
  'lane.exceptions': {
    role: 'SUPERVISOR',
    input: z.union([
      z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date as YYYY-MM-DD') }).strict(),
      z.object({ shiftId: id }).strict(),
    ]),
  },
  'lane.manualOpenings': {
    role: 'SUPERVISOR',
    input: z.union([
      z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date as YYYY-MM-DD') }).strict(),
      z.object({ shiftId: id }).strict(),
    ]),
  },
  'lane.snapshot': { role: 'SUPERVISOR', input: z.object({ openingId: id }).strict() },
  'lane.getSettings': { role: 'ADMIN', input: empty },
  'lane.updateConfig': { role: 'ADMIN', input: laneConfigPatchSchema },
  'lane.saveDevices': { role: 'ADMIN', input: z.object({ devices: laneDeviceSettingsSchema }).strict() },
  'lane.testBarrier': { role: 'ADMIN', input: empty },
  'lane.readInputs': { role: 'ADMIN', input: empty },
  // The lane's receipt printer (docs/printing.md): status and queue, settings, reprints, test page.
  'print.status': { role: 'ATTENDANT', input: empty },
  'print.jobs': { role: 'ATTENDANT', input: z.object({ sessionId: id }).strict() },
  'print.settings': { role: 'SUPERVISOR', input: empty },
  'print.configure': { role: 'ADMIN', input: printerSettingsSchema },
  'print.reprint': { role: 'ATTENDANT', input: z.object({ sessionId: id, kind: z.enum(['TICKET', 'RECEIPT']) }).strict() },
  'print.zReport': { role: 'CASHIER', input: z.object({ shiftId: id }).strict() },
  'print.test': { role: 'SUPERVISOR', input: empty },
  'tax.settings': { role: 'SUPERVISOR', input: empty },
  'tax.configure': { role: 'ADMIN', input: taxSettingsInputSchema },
  'invoices.request': { role: 'CASHIER', input: z.object({ sessionId: id, buyer: buyerSchema }).strict() },
  'invoices.forSession': { role: 'ATTENDANT', input: z.object({ sessionId: id }).strict() },
  'invoices.creditNote': { role: 'SUPERVISOR', input: creditNoteInput },
  'invoices.consolidate': { role: 'SUPERVISOR', input: consolidateInput },
  'invoices.register': { role: 'SUPERVISOR', input: invoiceRegisterInput },
  /** The session's e-receipt link by SMS, sent by the central server (docs/invoices.md). */
  'invoices.sendSms': { role: 'CASHIER', input: z.object({ sessionId: id, mobile: z.string().trim().min(1).max(32) }).strict() },
  /** `facility: true`: every gate's documents, from the central server; otherwise this gate's. */
  'reports.gstr1': { role: 'SUPERVISOR', input: invoiceRegisterInput.extend({ facility: z.boolean().optional() }) },
  // Merchants, validation programs, validations (docs/validations.md).
  ...VALIDATION_API,
  // Season passes and anti-passback (docs/passes.md).
  ...PASS_API,
  ...PASS_UPI_API,
  ...VALIDATION_REPORT_API,

  'dev.setClock': { role: null, input: z.object({ now: isoTime }).strict() },
} as const satisfies Record<string, { role: Role | null; input: z.ZodType }>;

export type ApiMethod = keyof typeof API;
export type ApiInput<M extends ApiMethod> = z.input<(typeof API)[M]['input']>;
export type ApiParsedInput<M extends ApiMethod> = z.output<(typeof API)[M]['input']>;

export interface LoginResult {
  token: string;
  operator: { id: string; username: string; name: string; role: Role };
  expiresAt: string;
}

export interface ApiResults extends ValidationApiResults, PassApiResults, PassUpiApiResults, ValidationReportApiResults {
  'system.health': Health & { needsSetup: boolean };
  'auth.login': LoginResult;
  'auth.logout': { ok: true };
  'auth.me': LoginResult['operator'];
  'auth.tiles': { operators: { username: string; name: string }[] };
  'auth.setup': LoginResult;
  'gate.book': Session;
  'gate.issueTicket': Session;
  'gate.scanEntry': Session;
  'gate.quoteExit': Quote;
  'gate.completeExit': Session;
  'gate.cancelQuote': Session;
  'gate.payCash': { session: Session; payment: Payment; changePaise: number };
  'gate.startOnlinePayment': Payment;
  'gate.lostTicket': Quote;
  'gate.findByPlate': PlateCandidates;
  'gate.quoteByPlate': Quote;
  'lane.plateRead': PlateReadResult;
  'payments.refund': { payment: Payment; refundedPaise: number };
  'payments.get': Payment;
  'payments.cancel': Payment;
  'payments.flagged': FlaggedPaymentList;
  'payments.resolveFlagged': ResolvedPayment;
  'sessions.get': Session & { payments: Payment[] };
  'sessions.list': { items: Session[]; nextCursor: string | null };
  'sessions.refundCheck': { eligible: boolean; refundPaise: number; reason: string };
  'sessions.cancel': { session: Session; refundPaise: number };
  'sessions.timeline': AuditEntry[];
  'zones.list': Zone[];
  'zones.create': Zone;
  'zones.update': Zone;
  'slots.list': Slot[];
  'slots.create': Slot[];
  'vehicles.search': Vehicle[];
  'operators.list': Operator[];
  'operators.create': Operator;
  'operators.update': Operator;
  'operators.unlock': Operator;
  'integrity.check': { ok: boolean; findings: IntegrityFinding[] };
  'audit.list': AuditEntry[];
  'audit.verify': { ok: boolean; checked: number; brokenAt: number | null; message: string };
  'shifts.open': Shift;
  'shifts.current': Shift | null;
  'shifts.cashMovement': { shift: Shift; movement: CashMovement };
  'shifts.close': { shift: Shift };
  'shifts.approve': { shift: Shift };
  'shifts.list': Shift[];
  'shifts.report': { shift: Shift; movements: CashMovement[]; text: string };
  'settings.get': FacilitySettings;
  'print.status': PrinterStatusView;
  'print.jobs': PrintJob[];
  'print.settings': PrinterSettings;
  'print.configure': PrinterSettings;
  'print.reprint': PrintJob;
  'print.zReport': PrintJob;
  'print.test': PrintJob;
  'tax.settings': TaxSettings;
  'tax.configure': TaxSettings;
  'invoices.request': { ok: true };
  'invoices.forSession': { invoice: TaxDocument | null; creditNotes: TaxDocument[] };
  'invoices.creditNote': TaxDocument;
  'invoices.consolidate': TaxDocument[];
  'invoices.register': TaxDocument[];
  'invoices.sendSms': { sent: true; url: string };
  'reports.gstr1': { fileName: string; mimeType: string; csv: string };
  'settings.update': FacilitySettings;
  'reports.daily': DailyReport;
  'reports.export': { fileName: string; mimeType: string; base64: string };
  'backups.list': BackupList;
  'backups.create': BackupFileInfo & { verified: boolean; sessions: number };
  'backups.restore': { staged: true; fileName: string; stagedAt: string; message: string };
  'system.diagnostics': { fileName: string; mimeType: string; base64: string };
  'sync.status': SyncStatus;
  'sync.conflicts': SyncConflict[];
  'sync.resolveConflict': { session: Session };
  'lane.status': LaneStatus;
  'lane.manualOpen': LaneOpening;
  'lane.exceptions': VendException[];
  'lane.manualOpenings': LaneOpening[];
  'lane.snapshot': { openingId: string; dataUrl: string };
  'lane.getSettings': LaneSettingsView;
  'lane.updateConfig': LaneSettingsView;
  'lane.saveDevices': LaneSettingsView;
  'lane.testBarrier': LaneTestResult;
  'lane.readInputs': LaneTestResult & { loops: { arming: boolean; safety: boolean; barrierUp: boolean | null } | null };
  'dev.setClock': { now: string };
}

/** Connectivity state of the kiosk's sync with the central server. */
export interface SyncStatus {
  /** False for a standalone kiosk (no --server). */
  enabled: boolean;
  online: boolean;
  syncing: boolean;
  pendingEvents: number;
  oldestPendingAgeSeconds: number | null;
  /** Events the server refused (kept for review, never block the rest). */
  parkedEvents: number;
  /** Pulled changes that could not be applied here yet (retried after each pull). */
  skippedChanges: number;
  lastSyncAt: string | null;
  /** Server clock minus this kiosk's clock, last measured; null before the first sync. */
  clockOffsetMs: number | null;
  clockSkewAlert: boolean;
  cursor: number;
  lastError: string | null;
  /** The server refused this kiosk's protocol version (Health.syncProblem); null when it did not. */
  protocolProblem?: 'KIOSK_TOO_OLD' | 'SERVER_TOO_OLD' | null;
}

/** A session flagged CONFLICT by sync (double exit, slot clash, cancellation racing entry). */
export interface SyncConflict {
  session: Session;
  /** DOUBLE_EXIT, SLOT_CLASH, VEHICLE_CLASH, CANCEL_RACED_ENTRY (comma-separated when several). */
  reason: string | null;
  /** Payments flagged for refund (a second charge at another gate). */
  refundDue: Payment[];
}

/** An online payment flagged for a supervisor: paid after its attempt ended, or not matching what was asked. */
export interface FlaggedPayment {
  payment: Payment;
  /** Why it is flagged (e.g. LATE_PAYMENT, AMOUNT_MISMATCH, or this kiosk's own note). */
  reviewReason: string;
  late: boolean;
  vehicleNumber: string | null;
  /** Taken at a gate (kiosk) or a parker's booking pre-payment (parker). */
  source: 'kiosk' | 'parker';
  /** Captured by the gateway: accept / refund apply. */
  resolvable: boolean;
  /** Flagged here but not (or no longer) on the central server, or the server was not reachable. */
  localOnly: boolean;
  /** The car behind it, when its session is known at this kiosk: still inside? paid some other way too? */
  car?: FlaggedPaymentCar | null;
}

export interface FlaggedPaymentCar {
  sessionId: string;
  sessionStatus: string;
  /** The car has not left (booked, parked or at the exit). */
  inside: boolean;
  exitAt: string | null;
  /** The session's other successful payments (e.g. the cash taken when UPI looked stuck). */
  otherPayments: { id: string; method: 'CASH' | 'ONLINE'; status: string; amountPaise: number }[];
}

export interface FlaggedPaymentList {
  items: FlaggedPayment[];
  /** False: the list is this kiosk's own view only, and decisions need the server. */
  serverReachable: boolean;
}

export interface ResolvedPayment {
  action: 'accept' | 'refund';
  payment: Payment;
  /** Paise returned to the payer by the gateway (0 for accept). */
  refundedPaise: number;
  /** The same decision had already been taken (a repeated request). */
  repeated: boolean;
}

export type BackupKind = 'scheduled' | 'manual' | 'pre-restore';

export interface BackupFileInfo {
  fileName: string;
  kind: BackupKind;
  bytes: number;
  createdAt: string;
}

export interface BackupList {
  items: BackupFileInfo[];
  /** Minutes between scheduled backups; null when this kiosk runs no schedule. */
  intervalMinutes: number | null;
  keep: number;
  lastBackupAt: string | null;
  lastError: string | null;
  /** A restore staged by backups.restore, applied when the kiosk next starts. */
  pendingRestore: { fileName: string; stagedAt: string } | null;
}

export { LANE_ROLES, type LaneRole };

export interface FacilitySettings {
  facilityName: string;
  timeZone: string;
  shiftTolerancePaise: number;
  /** A lost-ticket exit charging more than this needs a supervisor's PIN (at exactly this amount it does not). */
  lostTicketSupervisorAbovePaise: number;
  /** A plate-only exit is quoted at once up to this fee; above it the ticket (or a lost-ticket exit) is needed. */
  plateExitMaxPaise: number;
  /** What this kiosk's lane is for: where an operator lands after logging in (entry, exit, or both). */
  laneRole: LaneRole;
  /** Central server URL saved by the first-run setup (used by `serve` at the next start); null = standalone. */
  serverUrl?: string | null;
  /** This kiosk's id on the central server; null when not enrolled. */
  kioskId?: string | null;
  /** True when a kiosk secret is saved in the secret store (the secret itself is never returned). */
  kioskSecretSaved?: boolean;
}

export type ApiResult<M extends ApiMethod> = M extends keyof ApiResults ? ApiResults[M] : never;

/** Events the core pushes to every screen (Electron: IPC; browser mode: server-sent events). */
export type KioskEvent =
  | { type: 'session.changed'; sessionId: string; status: string }
  | { type: 'payment.changed'; paymentId: string; sessionId: string; status: string }
  | { type: 'gate.open'; sessionId: string; reason: 'PAID' | 'ZERO_DUE' }
  | { type: 'health'; online: boolean; pendingEvents: number; lastSyncAt: string | null }
  | { type: 'sync.status'; status: SyncStatus }
  | { type: 'device'; health: DeviceHealth }
  /** The lane changed (barrier moved, opening waiting, devices up/down): screens re-read lane.status. */
  | { type: 'lane'; barrier: 'UP' | 'DOWN'; commandPending: 'UP' | 'DOWN' | null; ready: boolean; pending: number; opening: 'ENTRY_ACCEPTED' | 'EXIT_ALLOWED' | 'MANUAL' | null };
