/**
 * Slot overflow (issue 5). Frozen once landed.
 * Two offline gates can give the last free slot of a full car park to two cars. The server keeps
 * the earlier session in the slot; when no slot is free anywhere, the later one is marked
 * `overflow = 1`: it stays open (the car is inside, it is billed and can exit) but holds no slot
 * (it is never `slots.current_session_id`), keeps its slot id only as where it was sent, and is
 * flagged SLOT_CLASH for a supervisor. The one-open-session-per-slot index now covers only
 * sessions that hold their slot.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `ALTER TABLE sessions ADD COLUMN overflow INTEGER NOT NULL DEFAULT 0 CHECK (overflow IN (0, 1))`,
  `DROP INDEX sessions_open_slot`,
  `CREATE UNIQUE INDEX sessions_open_slot ON sessions(slot_id) WHERE status IN ('BOOKED','PARKED','EXITING') AND overflow = 0`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
