/**
 * What the cashier recorded for an exit without a readable ticket: how the car's session was
 * found (the plate matched one open session, or the cashier picked it), what proved the car (RC,
 * licence, photo ID), the reason, and the supervisor who authorised it above the limit.
 * One row per session (a repeated lost-ticket quote replaces it). Frozen once landed.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE lost_ticket_exits (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id),
    basis TEXT NOT NULL CHECK (basis IN ('PLATE_MATCH', 'PICKED')),
    typed_plate TEXT NOT NULL,
    proof TEXT NOT NULL CHECK (proof IN ('RC', 'DRIVING_LICENCE', 'PHOTO_ID', 'OTHER')),
    proof_note TEXT,
    reason TEXT NOT NULL,
    amount_due_paise INTEGER NOT NULL CHECK (amount_due_paise >= 0),
    operator_id TEXT NOT NULL,
    supervisor_id TEXT,
    recorded_at INTEGER NOT NULL
  ) STRICT`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
