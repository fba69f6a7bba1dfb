/**
 * The sync wire protocol between a kiosk and the central server: every event a kiosk pushes,
 * every change entry the server sends back on pull, the push/pull bodies and the structured
 * reasons of a refusal. The kiosk builds its outbox payloads with these schemas and the server
 * validates every pushed event with the same ones (docs/sync.md "Wire protocol").
 *
 * Adding an event type: one entry in SYNC_EVENT_PAYLOADS below (its payload schema) plus its
 * handler in the server's EVENT_HANDLERS (src-server/sync/event-handlers.ts), which the compiler
 * requires for every type. Adding a change kind: one entry in the `syncChangeSchema` union plus
 * its handler in the kiosk's CHANGE_HANDLERS (src-main/sync/apply-changes.ts).
 * Only add fields compatibly (optional); anything else is a new SYNC_PROTOCOL_VERSION.
 */
import { z } from 'zod';
import { auditCheckpointSchema, auditHeadSchema } from './audit-anchor.js';
import { GATEWAY_NAMES, PAYMENT_METHODS, PAYMENT_STATUSES, SESSION_STATUSES } from './entities.js';
import { taxDocumentSchema } from './invoices.js';
import { LANE_EVENT_PAYLOADS } from './lane-events.js';
import { ROLES } from './roles.js';
import { movementSnapSchema, PASS_EVENT_PAYLOADS, passSnapSchema } from './passes.js';
import { ledgerSnapSchema, merchantSnapSchema, programSnapSchema, VALIDATION_EVENT_PAYLOADS, validationSnapSchema } from './validations.js';

/**
 * Version of this protocol, sent as `protocolVersion` in every push and pull. History:
 * - 1: event payloads were the kiosk's raw table rows (whatever columns the kiosk's schema had),
 *   event types free strings, no version in the push body, a parked event's reason only as
 *   text, a refused request timestamp only recognisable by its message.
 * - 2: payloads are built from the schemas below (undeclared columns are not sent); the push
 *   body and the pull query carry the version; REJECTED results carry a `reason` code; every
 *   refusal carries `details.reason` (SyncRefusal). Version-1 events are a superset of
 *   version-2 ones, so the same schemas read both (the extra columns are dropped).
 * - 3: a session or payment event after the first one of its session at a kiosk may carry only
 *   what changed (sessionDeltaPayload: `base` = the id of an earlier event of the same session
 *   from the same kiosk, the changed session fields, the payment's changed fields when the base
 *   event carried the same payment); the server resolves it against the base's stored payload and
 *   stores the full rows, so the fold is unchanged. Full-row events (versions 1 and 2, and every
 *   first event of a session at a kiosk) read as before.
 * Rule: a server accepts pushes of its own version and every older one whose events its schemas
 * still read (OLDEST_ACCEPTED: 1, since versions 1-3 differ only by what the schemas accept); an
 * older kiosk is refused with PROTOCOL_TOO_OLD (the kiosk shows "update this kiosk"), a newer
 * one with PROTOCOL_TOO_NEW (the kiosk shows "update the central server").
 */
export const SYNC_PROTOCOL_VERSION = 3;
export const OLDEST_ACCEPTED_PROTOCOL_VERSION = 1;

/** Why the server refused a request or parked an event (`details.reason` / result `reason`). */
export const SYNC_REASONS = [
  'SEQ_GAP', // events are missing before this batch: resend from details.expectedSeq
  'SEQ_REUSED', // a different event for a sequence number the server already has
  'CLOCK_SKEW', // the request's signature timestamp is outside the server's window
  'UNKNOWN_TYPE', // an event type this server does not know (parked)
  'SCHEMA_TOO_NEW', // an event written by a newer protocol than this server's (parked)
  'MALFORMED', // an event whose payload does not match its schema (parked)
  'BAD_HLC', // an event whose hybrid logical clock cannot be read (parked)
  'FOREIGN_FACILITY', // an event about a session, zone or operator of another facility than the kiosk's (parked)
  'PROTOCOL_TOO_OLD', // the kiosk speaks a protocol older than the server accepts
  'PROTOCOL_TOO_NEW', // the kiosk speaks a protocol newer than the server's
] as const;
export type SyncReason = (typeof SYNC_REASONS)[number];

/** `error.details` of a refused push or pull (the server's error envelope). */
export const syncRefusalSchema = z.looseObject({
  reason: z.enum(SYNC_REASONS),
  expectedSeq: z.number().int().optional(),
  seq: z.number().int().optional(),
  serverVersion: z.number().int().optional(),
  oldestAccepted: z.number().int().optional(),
});
export type SyncRefusal = z.infer<typeof syncRefusalSchema>;

/** What a kiosk shows when the server and it cannot talk sync (null: nothing wrong). */
export type SyncProtocolProblem = 'KIOSK_TOO_OLD' | 'SERVER_TOO_OLD';

// ------------------------------------------------------------------ row snapshots

const int = z.number().int();
const paise = z.number().int();
const ms = z.number();
const flag = z.union([z.literal(0), z.literal(1)]);
const id = z.string().min(1).max(64);

/** A session as every gate stores it (the kiosk's `sessions` row). */
export const sessionSnapSchema = z.object({
  id,
  code: z.string().min(1).max(512),
  /** Gate-local vehicle row id: the push attaches that vehicle (`WireEvent.vehicle`); other gates match by number. */
  vehicle_id: z.string().max(64).optional(),
  zone_id: id,
  slot_id: z.string().max(64),
  status: z.enum(SESSION_STATUSES),
  booked_at: ms.nullable(),
  entry_at: ms.nullable(),
  exit_at: ms.nullable(),
  quote_amount_paise: paise.nullable(),
  quoted_at: ms.nullable(),
  quote_valid_until: ms.nullable(),
  amount_due_paise: paise.nullable(),
  amount_paid_paise: paise,
  last_paid_at: ms.nullable(),
  lost_ticket: flag,
  conflict: flag,
  conflict_reason: z.string().nullable(),
  origin_kiosk_id: z.string().min(1).max(64),
  created_by: z.string().nullable(),
  created_at: ms,
  updated_at: ms,
  /** 1: open but holding no slot (slot clash with no free slot anywhere). Set by the server's fold only. */
  overflow: flag.optional(),
});
export type SessionSnap = z.infer<typeof sessionSnapSchema>;

export const paymentSnapSchema = z.object({
  id,
  session_id: id,
  method: z.enum(PAYMENT_METHODS),
  status: z.enum(PAYMENT_STATUSES),
  amount_paise: paise,
  tendered_paise: paise.nullable(),
  change_paise: paise.nullable(),
  gateway: z.enum(GATEWAY_NAMES).nullable(),
  gateway_ref: z.string().nullable(),
  upi_uri: z.string().nullable(),
  idempotency_key: z.string().nullable(),
  operator_id: z.string().nullable(),
  late: flag,
  review_reason: z.string().nullable(),
  created_at: ms,
  expires_at: ms.nullable(),
  completed_at: ms.nullable(),
  updated_at: ms,
});
export type PaymentSnap = z.infer<typeof paymentSnapSchema>;

export const vehicleSnapSchema = z.object({ vehicle_number: z.string().min(1).max(64), owner_name: z.string().max(200).nullable() });
export type VehicleSnap = z.infer<typeof vehicleSnapSchema>;

export const zoneSnapSchema = z.object({
  id,
  name: z.string().min(1).max(100),
  position: int,
  hourly_rate_paise: paise,
  is_active: flag,
  grace_minutes: int,
  daily_cap_paise: paise.nullable(),
  lost_ticket_fee_paise: paise.nullable(),
  exit_grace_minutes: int,
  created_at: ms,
  updated_at: ms,
});
export type ZoneSnap = z.infer<typeof zoneSnapSchema>;

export const slotSnapSchema = z.object({ id, slot_number: z.string().min(1).max(40), position: int });
export type SlotSnap = z.infer<typeof slotSnapSchema>;

/** An operator as other gates need it (the hashed PIN lets them log in anywhere in the facility). */
export const operatorSnapSchema = z.object({
  id,
  username: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  role: z.enum(ROLES),
  pin_hash: z.string().min(1).max(512),
  is_active: flag,
});
export type OperatorSnap = z.infer<typeof operatorSnapSchema>;

export const shiftSnapSchema = z.object({
  id,
  operator_id: id,
  kiosk_id: z.string().min(1).max(64),
  status: z.string().min(1).max(32),
  opened_at: ms,
  closed_at: ms.nullable(),
  opening_float_paise: paise,
  counted_paise: paise.nullable(),
  expected_paise: paise.nullable(),
  difference_paise: paise.nullable(),
  tolerance_paise: paise,
  note: z.string().nullable(),
  closed_by: z.string().nullable(),
  approved_by: z.string().nullable(),
  approved_at: ms.nullable(),
  approval_note: z.string().nullable(),
  created_at: ms,
  updated_at: ms,
});
export type ShiftSnap = z.infer<typeof shiftSnapSchema>;

// ------------------------------------------------------------------ event payloads (kiosk -> server)

/** A session change (gate entry/exit, booking, payments): the session and, when one changed, the payment. */
export const sessionChangePayload = z.object({
  session: sessionSnapSchema,
  payment: paymentSnapSchema.nullable(),
  operatorId: z.string().nullable(),
});
export type SessionChangePayload = z.infer<typeof sessionChangePayload>;

/** A session's changed fields (protocol 3): any subset of the snapshot, always with the id. */
export const sessionDeltaSchema = sessionSnapSchema.partial().required({ id: true });
/** A payment's changed fields against the base event's payment of the same id, or the whole payment. */
export const paymentDeltaSchema = paymentSnapSchema.partial().required({ id: true });

/**
 * A session change as what changed (protocol 3): applied to the session and payment that the
 * `base` event (an earlier event of this session from the same kiosk) resolved to. `payment`
 * null: no payment changed in this event (as in the full form).
 */
export const sessionDeltaPayload = z.object({
  base: id,
  session: sessionDeltaSchema,
  payment: paymentDeltaSchema.nullable(),
  operatorId: z.string().nullable(),
});
export type SessionDeltaPayload = z.infer<typeof sessionDeltaPayload>;

/** What a session or payment event carries: the full rows, or (protocol 3) what changed. */
export const sessionEventPayload = z.union([sessionChangePayload, sessionDeltaPayload]);
export type SessionEventPayload = z.infer<typeof sessionEventPayload>;

/** A supervisor's resolution of a sync conflict (the fold clears every conflict older than it). */
export const conflictResolvedPayload = sessionChangePayload.extend({
  resolution: z.enum(['ACCEPT', 'REFUNDED']),
  reason: z.string().max(500),
  conflict: z.string().nullable(),
  refundedPayments: z.array(id),
});

export const zoneChangePayload = z.object({ zone: zoneSnapSchema, slots: z.array(slotSnapSchema) });
export type ZoneChangePayload = z.infer<typeof zoneChangePayload>;

export const operatorChangePayload = z.object({ operator: operatorSnapSchema });

/** Pieces per note/coin code (contracts/cash-count.ts); a newer kiosk's new code passes through. */
const denominationCountsSnap = z.record(z.string().min(1).max(8), z.number().int().min(0));

/** Cash-shift records: stored on the server for reports, not replicated to other gates. */
export const shiftChangePayload = z.object({
  shift: shiftSnapSchema,
  details: z.record(z.string(), z.unknown()),
  operatorId: z.string().nullable(),
  /** The drawer by denomination (optional: kiosks before it send none, and old events stay valid). */
  denominations: z.object({ float: denominationCountsSnap.optional(), counted: denominationCountsSnap.optional() }).optional(),
});

/** Kiosk settings after a change (stored on the server, not replicated); new settings pass through. */
export const settingsChangePayload = z.object({
  settings: z.looseObject({ facilityName: z.string().optional(), timeZone: z.string().optional() }),
  operatorId: z.string().nullable(),
});

/**
 * Every event type a kiosk pushes, with its payload schema. The server folds `session.*` and
 * `payment.*` into the session's canonical state, replicates zones and operators, and stores
 * shifts and settings (src-server/sync/event-handlers.ts).
 */
export const SYNC_EVENT_PAYLOADS = {
  'session.booked': sessionEventPayload,
  'session.ticketIssued': sessionEventPayload,
  'session.entered': sessionEventPayload,
  'session.quoted': sessionEventPayload,
  'session.lostTicket': sessionEventPayload,
  /** A quote dropped at the exit ("not this car"): the session is PARKED again, without a quote. */
  'session.quoteCancelled': sessionEventPayload,
  'session.completed': sessionEventPayload,
  'session.cancelled': sessionEventPayload,
  'session.expired': sessionEventPayload,
  'session.adopted': sessionEventPayload,
  'session.conflictResolved': conflictResolvedPayload,
  'payment.started': sessionEventPayload,
  'payment.success': sessionEventPayload,
  'payment.lateSuccess': sessionEventPayload,
  'payment.failed': sessionEventPayload,
  'payment.expired': sessionEventPayload,
  'payment.refunded': sessionEventPayload,
  'payment.cancelled': sessionEventPayload,
  'payment.pending': sessionEventPayload,
  'payment.review': sessionEventPayload,
  /** A supervisor's decision on a flagged payment (accept / refund). */
  'payment.reviewResolved': sessionEventPayload,
  'zone.created': zoneChangePayload,
  'zone.updated': zoneChangePayload,
  'slots.created': zoneChangePayload,
  'operator.created': operatorChangePayload,
  'operator.updated': operatorChangePayload,
  'shift.opened': shiftChangePayload,
  'shift.paidIn': shiftChangePayload,
  'shift.paidOut': shiftChangePayload,
  'shift.cashRefund': shiftChangePayload,
  'shift.closed': shiftChangePayload,
  'shift.approved': shiftChangePayload,
  'settings.updated': settingsChangePayload,
  /** The lane's manual openings, ended openings and vend exceptions (src-shared/contracts/lane-events.ts). */
  ...LANE_EVENT_PAYLOADS,
  /** A tax invoice, receipt or credit note (docs/invoices.md); the server serves its e-receipt. */
  'invoice.issued': z.object({ document: taxDocumentSchema }),
  /** Merchants, validation programs, validations and prepaid ledger entries (docs/validations.md). */
  ...VALIDATION_EVENT_PAYLOADS,
  /** Season passes, their movements and sales (docs/passes.md). */
  ...PASS_EVENT_PAYLOADS,
} as const satisfies Record<string, z.ZodType>;

export type SyncEventType = keyof typeof SYNC_EVENT_PAYLOADS;
export type SyncEventPayload<T extends SyncEventType> = z.input<(typeof SYNC_EVENT_PAYLOADS)[T]>;
export const SYNC_EVENT_TYPES = Object.keys(SYNC_EVENT_PAYLOADS) as SyncEventType[];

/** Session-event types (folded into the session's canonical state). */
export type SessionEventType = { [T in SyncEventType]: (typeof SYNC_EVENT_PAYLOADS)[T] extends typeof sessionEventPayload ? T : never }[SyncEventType];

export function isSyncEventType(type: string): type is SyncEventType {
  return Object.hasOwn(SYNC_EVENT_PAYLOADS, type);
}

/** `{ type, payload }` of every known event, discriminated on `type`. */
export const syncEventSchema = z.discriminatedUnion(
  'type',
  SYNC_EVENT_TYPES.map((type) => z.object({ type: z.literal(type), payload: SYNC_EVENT_PAYLOADS[type] })) as unknown as [
    z.ZodObject<{ type: z.ZodLiteral<SyncEventType>; payload: z.ZodType }>,
    ...z.ZodObject<{ type: z.ZodLiteral<SyncEventType>; payload: z.ZodType }>[],
  ],
);
export type SyncEvent = { [T in SyncEventType]: { type: T; payload: z.output<(typeof SYNC_EVENT_PAYLOADS)[T]> } }[SyncEventType];

// ------------------------------------------------------------------ push

/**
 * One outbox event on the wire. `type` stays a string here: an event of a type this server does
 * not know must be parked with UNKNOWN_TYPE, not refuse the whole batch.
 */
export const wireEventSchema = z.object({
  id: z.string().min(1).max(64),
  seq: z.number().int().min(1),
  hlc: z.string().min(1).max(100),
  type: z.string().min(1).max(64),
  entityId: z.string().max(64).nullable(),
  payload: z.unknown(),
  /** The protocol version the event was written with (events keep theirs while they wait). */
  schemaVersion: z.number().int().min(1),
  createdAt: z.number(),
  /** The session's vehicle, attached at push time (vehicles are gate-local rows). */
  vehicle: vehicleSnapSchema.nullable().optional(),
});
export type WireEvent = z.infer<typeof wireEventSchema>;

/**
 * A wire event as a database row stores it, the same on both sides: the kiosk's outbox and the
 * server's sync_events (the payload as its JSON text). Each table adds its own bookkeeping columns.
 */
export interface StoredEventColumns {
  id: string;
  kiosk_id: string;
  seq: number;
  hlc: string;
  type: string;
  entity_id: string | null;
  payload: string;
  schema_version: number;
}

export const ticketKeyPublishSchema = z.object({ keyId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), secret: z.string().min(16).max(200) });

/** POST /sync/v1/push. Loose: fields added later by newer kiosks pass through to the handlers. */
export const pushBodySchema = z.looseObject({
  /** Absent: protocol version 1. */
  protocolVersion: z.number().int().min(1).optional(),
  events: z.array(wireEventSchema).max(2000),
  /** The kiosk's own ticket-verification key, on its first push (other gates verify its tickets offline). */
  ticketKeys: z.array(ticketKeyPublishSchema).max(10).optional(),
  clientTime: z.number().optional(),
  /** The kiosk's audit-chain head, anchored by the server (docs/records.md). */
  auditHead: auditHeadSchema.optional(),
});
export type PushBody = z.infer<typeof pushBodySchema>;

export const pushOutcomeSchema = z.enum(['APPLIED', 'DUPLICATE', 'REJECTED']);
export type PushOutcome = z.infer<typeof pushOutcomeSchema>;

export const pushResultSchema = z.object({
  results: z.array(z.object({
    id: z.string(),
    seq: z.number(),
    outcome: pushOutcomeSchema,
    /** REJECTED: why, for a person (kept with the parked event). */
    error: z.string().optional(),
    /** REJECTED: why, for a program (protocol 2; a version-1 server sends only `error`). */
    reason: z.enum(SYNC_REASONS).optional(),
  })),
  lastSeq: z.number(),
  serverTime: z.number(),
  protocolVersion: z.number().int().optional(),
  /** The audit checkpoint the server stored for this push's head. */
  auditCheckpoint: auditCheckpointSchema.optional(),
});
export type PushResult = z.infer<typeof pushResultSchema>;

// ------------------------------------------------------------------ pull

export const pullQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  wait: z.coerce.number().int().min(0).max(30_000).default(0),
  v: z.coerce.number().int().min(1).optional(),
});

export const foldConflictSchema = z.object({
  kind: z.enum(['DOUBLE_EXIT', 'CANCEL_RACED_ENTRY', 'SLOT_CLASH', 'VEHICLE_CLASH']),
  hlc: z.string(),
  detail: z.string(),
});
export type FoldConflict = z.infer<typeof foldConflictSchema>;

export const conflictResolutionSchema = z.object({ hlc: z.string(), resolution: z.string(), reason: z.string(), operatorId: z.string().nullable() });

/** The canonical state of one session: the server's fold of every event of it. */
export const canonicalSessionSchema = z.object({
  session: sessionSnapSchema,
  vehicle: vehicleSnapSchema,
  payments: z.array(paymentSnapSchema),
  creationHlc: z.string(),
  conflicts: z.array(foldConflictSchema),
  resolutions: z.array(conflictResolutionSchema),
});
export type CanonicalSession = z.infer<typeof canonicalSessionSchema>;

/** A kiosk payment as the server's kiosk API shows it (also the body of a `paymentResult` change). */
export const kioskPaymentViewSchema = z.object({
  paymentId: z.string(),
  sessionId: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  amountPaise: z.number().int(),
  gateway: z.enum(['razorpay', 'phonepe', 'sim']),
  gatewayRef: z.string().nullable(),
  upiUri: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  completedAt: z.string().nullable(),
  late: z.boolean(),
  needsReview: z.boolean(),
  reviewReason: z.string().nullable(),
});
export type KioskPaymentView = z.infer<typeof kioskPaymentViewSchema>;

/** The `data` of a pulled change entry, discriminated on `kind`. */
export const syncChangeSchema = z.discriminatedUnion('kind', [
  canonicalSessionSchema.extend({ kind: z.literal('session') }),
  zoneChangePayload.extend({ kind: z.literal('zone') }),
  operatorChangePayload.extend({ kind: z.literal('operator') }),
  z.object({ kind: z.literal('ticketKey'), keyId: z.string(), kioskId: z.string(), secret: z.string() }),
  /** An online payment result for the kiosk that asked (other kiosks ignore it). */
  z.object({ kind: z.literal('paymentResult'), kioskId: z.string().nullable(), payment: kioskPaymentViewSchema }),
  z.object({ kind: z.literal('merchant'), merchant: merchantSnapSchema }),
  z.object({ kind: z.literal('validationProgram'), program: programSnapSchema }),
  /** A prepaid merchant's top-up or draw at any gate (insert-only by id): every gate's balance is the sum. */
  z.object({ kind: z.literal('merchantLedger'), entry: ledgerSnapSchema }),
  /** A validation put on a session at any gate (applied or settled): every gate prices, refuses a used code and reports with it. */
  z.object({ kind: z.literal('validation'), validation: validationSnapSchema }),
  /** A season pass as last written (any gate). */
  z.object({ kind: z.literal('seasonPass'), pass: passSnapSchema }),
  /** An entry, exit or reset on a pass at any gate: every gate's anti-passback presence is the replay of them. */
  z.object({ kind: z.literal('passMovement'), movement: movementSnapSchema }),
  /** The server fold's verdict on a pass movement when it changes (FLAGGED: anti-passback an offline gate could not see). */
  z.object({
    kind: z.literal('passFlag'), movementId: z.string(), passId: z.string(), kioskId: z.string(), direction: z.enum(['ENTRY', 'EXIT']),
    status: z.enum(['OK', 'FLAGGED']), flag: z.enum(['ALREADY_IN', 'NOT_IN']).nullable(),
  }),
]);
export type SyncChange = z.infer<typeof syncChangeSchema>;
export type SyncChangeKind = SyncChange['kind'];

/** One change-log entry as pulled; `data` is checked per entry (an unknown kind is skipped, not fatal). */
export const changeEntrySchema = z.object({
  seq: z.number(),
  entityType: z.string(),
  entityId: z.string(),
  originKioskId: z.string().nullable(),
  data: z.unknown(),
});
export type ChangeEntry = z.infer<typeof changeEntrySchema>;

export const pullResultSchema = z.object({
  changes: z.array(changeEntrySchema),
  cursor: z.number(),
  hasMore: z.boolean(),
  serverTime: z.number(),
  protocolVersion: z.number().int().optional(),
  /** The facility the server has the kiosk in (its enrolment); the kiosk signs and checks codes with it. Absent from older servers. */
  facilityId: z.string().min(1).max(64).optional(),
});
export type PullResult = z.infer<typeof pullResultSchema>;
