/**
 * Season passes (docs/passes.md): the passes (replicated to every gate), their cash sales at this
 * gate, and every movement on a pass (entry, exit, reset) of any gate. A pass's anti-passback
 * presence is the replay of its movements since its last reset, so a movement pulled from another
 * gate updates it by being stored.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE season_passes (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('MONTHLY', 'QUARTERLY', 'CUSTOM')),
    holder_name TEXT NOT NULL,
    plates TEXT NOT NULL,
    card_id TEXT,
    zones TEXT NOT NULL,
    hours TEXT,
    valid_from INTEGER NOT NULL,
    valid_until INTEGER NOT NULL CHECK (valid_until > valid_from),
    max_cars INTEGER NOT NULL CHECK (max_cars >= 1),
    anti_passback TEXT NOT NULL CHECK (anti_passback IN ('HARD', 'SOFT')),
    price_paise INTEGER NOT NULL CHECK (price_paise >= 0),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE UNIQUE INDEX season_passes_card ON season_passes(card_id) WHERE card_id IS NOT NULL`,
  `CREATE INDEX season_passes_until ON season_passes(valid_until)`,
  `CREATE TABLE pass_sales (
    id TEXT PRIMARY KEY,
    pass_id TEXT NOT NULL REFERENCES season_passes(id),
    kind TEXT NOT NULL CHECK (kind IN ('SALE', 'RENEWAL')),
    method TEXT NOT NULL CHECK (method IN ('CASH')),
    amount_paise INTEGER NOT NULL CHECK (amount_paise >= 0),
    shift_id TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    kiosk_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE INDEX pass_sales_shift ON pass_sales(shift_id)`,
  `CREATE TABLE pass_movements (
    id TEXT PRIMARY KEY,
    pass_id TEXT NOT NULL REFERENCES season_passes(id),
    direction TEXT NOT NULL CHECK (direction IN ('ENTRY', 'EXIT', 'RESET')),
    session_id TEXT,
    flag TEXT CHECK (flag IS NULL OR flag IN ('ALREADY_IN', 'NOT_IN')),
    operator_id TEXT,
    kiosk_id TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT`,
  `CREATE INDEX pass_movements_pass ON pass_movements(pass_id, at)`,
  `CREATE UNIQUE INDEX pass_movements_session ON pass_movements(session_id, direction) WHERE session_id IS NOT NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
