/**
 * Season passes paid by UPI (docs/passes.md): pass_sales takes method UPI with the verified
 * payment's id (the table is rebuilt: SQLite cannot change a CHECK), and pass_upi_attempts keeps
 * each UPI attempt until the server's verified result (the pass exists only after SUCCESS).
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE pass_sales_new (
    id TEXT PRIMARY KEY,
    pass_id TEXT NOT NULL REFERENCES season_passes(id),
    kind TEXT NOT NULL CHECK (kind IN ('SALE', 'RENEWAL')),
    method TEXT NOT NULL CHECK (method IN ('CASH', 'UPI')),
    amount_paise INTEGER NOT NULL CHECK (amount_paise >= 0),
    shift_id TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    kiosk_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    payment_id TEXT UNIQUE,
    CHECK ((method = 'UPI') = (payment_id IS NOT NULL))
  ) STRICT`,
  `INSERT INTO pass_sales_new (id, pass_id, kind, method, amount_paise, shift_id, operator_id, valid_from, valid_until, kiosk_id, created_at, payment_id)
    SELECT id, pass_id, kind, method, amount_paise, shift_id, operator_id, valid_from, valid_until, kiosk_id, created_at, NULL FROM pass_sales`,
  `DROP TABLE pass_sales`,
  `ALTER TABLE pass_sales_new RENAME TO pass_sales`,
  `CREATE INDEX pass_sales_shift ON pass_sales(shift_id)`,
  `CREATE TABLE pass_upi_attempts (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('SALE', 'RENEWAL')),
    pass_id TEXT,
    input TEXT NOT NULL,
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    status TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'FAILED', 'EXPIRED')),
    gateway TEXT,
    gateway_ref TEXT,
    upi_uri TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    shift_id TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    sale_id TEXT,
    review_reason TEXT,
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE INDEX pass_upi_attempts_status ON pass_upi_attempts(status)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
