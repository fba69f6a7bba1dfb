/**
 * A cash shift's drawer by denomination: the float counted at sign-on (FLOAT) and the blind count
 * at close (COUNT), one row per note or coin. The shift's opening_float_paise / counted_paise stay
 * the totals (computed by the core from these rows); a shift opened with a total alone has none.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE shift_denominations (
    shift_id TEXT NOT NULL REFERENCES shifts(id),
    stage TEXT NOT NULL CHECK (stage IN ('FLOAT', 'COUNT')),
    denomination TEXT NOT NULL CHECK (denomination IN ('N500', 'N200', 'N100', 'N50', 'N20', 'N10', 'C20', 'C10', 'C5', 'C2', 'C1')),
    value_paise INTEGER NOT NULL CHECK (value_paise > 0),
    count INTEGER NOT NULL CHECK (count BETWEEN 0 AND 99999),
    PRIMARY KEY (shift_id, stage, denomination)
  ) STRICT`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
