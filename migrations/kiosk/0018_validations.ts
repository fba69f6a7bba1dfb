/**
 * Merchants, their validation programs, their prepaid ledger (rows replicate to every gate), and the validations applied to
 * sessions (docs/validations.md). A merchant's balance is the sum of its ledger rows. One
 * validation per program per visit; a scanned code's id is unique (single use at this gate; the
 * server's fold catches a code used at two offline gates).
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE merchants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    prepaid INTEGER NOT NULL CHECK (prepaid IN (0, 1)),
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE UNIQUE INDEX merchants_name ON merchants(lower(name))`,
  `CREATE TABLE validation_programs (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('TIME_OFF', 'AMOUNT_OFF', 'PERCENT_OFF', 'FULL_EXEMPTION')),
    minutes_off INTEGER,
    amount_off_paise INTEGER,
    percent_off INTEGER,
    cap_paise INTEGER,
    reason_code TEXT NOT NULL,
    bill_rule TEXT NOT NULL CHECK (bill_rule IN ('NONE', 'MIN_AMOUNT', 'EXCEEDS_FEE')),
    min_bill_paise INTEGER,
    stay_over_minutes INTEGER,
    stay_up_to_minutes INTEGER,
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE INDEX validation_programs_merchant ON validation_programs(merchant_id)`,
  `CREATE TABLE session_validations (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    program_id TEXT NOT NULL REFERENCES validation_programs(id),
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    source TEXT NOT NULL CHECK (source IN ('CODE', 'MANUAL')),
    code_id TEXT UNIQUE,
    bill_paise INTEGER CHECK (bill_paise IS NULL OR bill_paise >= 0),
    discount_paise INTEGER NOT NULL DEFAULT 0 CHECK (discount_paise >= 0),
    fee_before_paise INTEGER NOT NULL DEFAULT 0,
    settled INTEGER NOT NULL DEFAULT 0 CHECK (settled IN (0, 1)),
    operator_id TEXT,
    kiosk_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (session_id, program_id)
  ) STRICT`,
  `CREATE INDEX session_validations_created ON session_validations(created_at)`,
  `CREATE TABLE merchant_ledger (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    kind TEXT NOT NULL CHECK (kind IN ('TOPUP', 'DRAW')),
    amount_paise INTEGER NOT NULL,
    -- A draw's validation: possibly of another gate (ledger rows replicate, validations do not).
    validation_id TEXT,
    operator_id TEXT,
    kiosk_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    CHECK ((kind = 'TOPUP') = (amount_paise > 0)),
    CHECK ((kind = 'DRAW') = (validation_id IS NOT NULL))
  ) STRICT`,
  `CREATE INDEX merchant_ledger_merchant ON merchant_ledger(merchant_id, at)`,
  `CREATE UNIQUE INDEX merchant_ledger_draw ON merchant_ledger(validation_id) WHERE validation_id IS NOT NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
