/**
 * Kiosk schema v2: cash shifts, cash movements, facility settings, the payment -> shift link,
 * and the indexes the daily report needs on a large database (DESIGN.md §4, issue 6).
 * Frozen once landed: change the schema with a new migration file.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT
  ) STRICT`,
  `CREATE TABLE shifts (
    id TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES operators(id),
    kiosk_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('OPEN','CLOSED','NEEDS_APPROVAL','APPROVED')),
    opened_at INTEGER NOT NULL,
    closed_at INTEGER,
    opening_float_paise INTEGER NOT NULL CHECK (opening_float_paise >= 0),
    counted_paise INTEGER CHECK (counted_paise IS NULL OR counted_paise >= 0),
    expected_paise INTEGER,
    difference_paise INTEGER,
    tolerance_paise INTEGER NOT NULL CHECK (tolerance_paise >= 0),
    note TEXT,
    closed_by TEXT REFERENCES operators(id),
    approved_by TEXT REFERENCES operators(id),
    approved_at INTEGER,
    approval_note TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((status = 'OPEN') = (closed_at IS NULL))
  ) STRICT`,
  // One open drawer per cashier, enforced by the database as well as by the service.
  `CREATE UNIQUE INDEX shifts_one_open ON shifts(operator_id) WHERE status = 'OPEN'`,
  `CREATE INDEX shifts_opened ON shifts(opened_at)`,
  `CREATE INDEX shifts_closed ON shifts(closed_at)`,
  `CREATE TABLE cash_movements (
    id TEXT PRIMARY KEY,
    shift_id TEXT NOT NULL REFERENCES shifts(id),
    kind TEXT NOT NULL CHECK (kind IN ('PAID_IN','PAID_OUT','REFUND')),
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    reason TEXT NOT NULL,
    payment_id TEXT REFERENCES payments(id),
    operator_id TEXT NOT NULL REFERENCES operators(id),
    at INTEGER NOT NULL
  ) STRICT`,
  `CREATE INDEX cash_movements_shift ON cash_movements(shift_id, at)`,
  `ALTER TABLE payments ADD COLUMN shift_id TEXT REFERENCES shifts(id)`,
  `CREATE INDEX payments_shift ON payments(shift_id) WHERE shift_id IS NOT NULL`,
  // Daily report: payments by completion time, refunds by refund time, bookings by booking time.
  // Covering: the report reads the day's payments from the index alone.
  `CREATE INDEX payments_completed ON payments(completed_at, status, method, amount_paise, late, operator_id, session_id)`,
  `CREATE INDEX payments_refunded ON payments(updated_at) WHERE status = 'REFUNDED'`,
  `CREATE INDEX sessions_booked ON sessions(booked_at)`,
  // Entry with exit: "inside at some moment of the day" is decided in the index, before the row is read.
  `CREATE INDEX sessions_entry_exit ON sessions(entry_at, exit_at)`,
  // Cars inside at the start of a day that entered more than a day earlier: stays over 24 h and
  // cars still inside. The report's query repeats this WHERE text so SQLite can use the index.
  `CREATE INDEX sessions_long_stay ON sessions(entry_at)
     WHERE exit_at IS NULL OR exit_at - entry_at > 86400000`,
  // Exceptions (cancellations, manual gate opens) by action and time.
  `CREATE INDEX audit_action_at ON audit_log(action, at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
