/** Kiosk schema v1. Frozen once landed: change the schema with a new migration file. */
import { type Kysely, sql } from 'kysely';

const SESSION_STATUS = `'BOOKED','PARKED','EXITING','COMPLETED','CANCELLED','EXPIRED'`;
const PAYMENT_STATUS = `'PENDING','SUCCESS','FAILED','EXPIRED','REFUNDED'`;
const ROLE = `'ATTENDANT','CASHIER','SUPERVISOR','ADMIN'`;

const STATEMENTS = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT`,
  `CREATE TABLE zones (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    position INTEGER NOT NULL,
    hourly_rate_paise INTEGER NOT NULL CHECK (hourly_rate_paise >= 0),
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    grace_minutes INTEGER NOT NULL CHECK (grace_minutes >= 0),
    daily_cap_paise INTEGER CHECK (daily_cap_paise IS NULL OR daily_cap_paise >= 0),
    lost_ticket_fee_paise INTEGER CHECK (lost_ticket_fee_paise IS NULL OR lost_ticket_fee_paise >= 0),
    exit_grace_minutes INTEGER NOT NULL CHECK (exit_grace_minutes >= 0),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE slots (
    id TEXT PRIMARY KEY,
    zone_id TEXT NOT NULL REFERENCES zones(id),
    slot_number TEXT NOT NULL,
    position INTEGER NOT NULL,
    current_session_id TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    UNIQUE (zone_id, slot_number)
  ) STRICT`,
  `CREATE INDEX slots_zone_position ON slots(zone_id, position)`,
  `CREATE TABLE vehicles (
    id TEXT PRIMARY KEY,
    vehicle_number TEXT NOT NULL UNIQUE,
    owner_name TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    vehicle_id TEXT NOT NULL REFERENCES vehicles(id),
    zone_id TEXT NOT NULL REFERENCES zones(id),
    slot_id TEXT NOT NULL REFERENCES slots(id),
    status TEXT NOT NULL CHECK (status IN (${SESSION_STATUS})),
    booked_at INTEGER,
    entry_at INTEGER,
    exit_at INTEGER,
    quote_amount_paise INTEGER,
    quoted_at INTEGER,
    quote_valid_until INTEGER,
    amount_due_paise INTEGER,
    amount_paid_paise INTEGER NOT NULL DEFAULT 0 CHECK (amount_paid_paise >= 0),
    last_paid_at INTEGER,
    lost_ticket INTEGER NOT NULL DEFAULT 0 CHECK (lost_ticket IN (0, 1)),
    conflict INTEGER NOT NULL DEFAULT 0 CHECK (conflict IN (0, 1)),
    conflict_reason TEXT,
    origin_kiosk_id TEXT NOT NULL,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE UNIQUE INDEX sessions_open_slot ON sessions(slot_id) WHERE status IN ('BOOKED','PARKED','EXITING')`,
  `CREATE UNIQUE INDEX sessions_open_vehicle ON sessions(vehicle_id) WHERE status IN ('BOOKED','PARKED','EXITING')`,
  `CREATE INDEX sessions_created ON sessions(created_at, id)`,
  `CREATE INDEX sessions_status_created ON sessions(status, created_at)`,
  `CREATE INDEX sessions_entry ON sessions(entry_at)`,
  `CREATE INDEX sessions_exit ON sessions(exit_at)`,
  `CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    method TEXT NOT NULL CHECK (method IN ('CASH','ONLINE')),
    status TEXT NOT NULL CHECK (status IN (${PAYMENT_STATUS})),
    amount_paise INTEGER NOT NULL CHECK (amount_paise >= 0),
    tendered_paise INTEGER,
    change_paise INTEGER,
    gateway TEXT,
    gateway_ref TEXT UNIQUE,
    upi_uri TEXT,
    idempotency_key TEXT UNIQUE,
    operator_id TEXT,
    late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    review_reason TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    completed_at INTEGER,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE INDEX payments_session ON payments(session_id)`,
  `CREATE INDEX payments_created ON payments(created_at)`,
  `CREATE TABLE operators (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN (${ROLE})),
    pin_hash TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE auth_tokens (
    token_hash TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES operators(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    operator_id TEXT,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX audit_entity ON audit_log(entity_id)`,
  `CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
  `CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
  `CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hlc TEXT NOT NULL,
    type TEXT NOT NULL,
    entity_id TEXT,
    payload TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','ACKED','PARKED')),
    acked_at INTEGER,
    error TEXT,
    UNIQUE (kiosk_id, seq)
  ) STRICT`,
  `CREATE INDEX outbox_pending ON outbox(seq) WHERE status = 'PENDING'`,
  `CREATE TRIGGER outbox_immutable BEFORE UPDATE OF id, kiosk_id, seq, hlc, type, entity_id, payload, schema_version ON outbox
     BEGIN SELECT RAISE(ABORT, 'outbox events are immutable'); END`,
  `CREATE TRIGGER outbox_no_delete_unacked BEFORE DELETE ON outbox WHEN OLD.status <> 'ACKED'
     BEGIN SELECT RAISE(ABORT, 'an unacknowledged event cannot be deleted'); END`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
