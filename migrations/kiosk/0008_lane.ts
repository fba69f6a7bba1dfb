/**
 * The lane (DESIGN.md §5b). Frozen once landed.
 * - lane_openings: every barrier opening the core asked for, with its cause (entry accepted, exit
 *   allowed with its basis, manual with a supervisor, a reason and the camera's still frame). A row
 *   is written in the same transaction as the cause, so an opening asked for while the barrier's
 *   device is down survives a restart until it is carried out (OPEN -> CLOSED) or EXPIRED.
 * - lane_passes: every car the loops counted through the lane, matched to an opening or not.
 * - lane_exceptions: vend exceptions for a supervisor (a second car on one opening, a car with no
 *   opening, an opening no car used, the barrier held up), each with the shift that was open.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE lane_openings (
    id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    cause TEXT NOT NULL CHECK (cause IN ('ENTRY_ACCEPTED','EXIT_ALLOWED','MANUAL')),
    basis TEXT CHECK (basis IS NULL OR basis IN ('PAID','ZERO_DUE','PASS','VALIDATION')),
    session_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('PENDING','OPEN','CLOSED','EXPIRED')),
    requested_at INTEGER NOT NULL,
    raised_at INTEGER,
    closed_at INTEGER,
    close_reason TEXT,
    cars INTEGER NOT NULL DEFAULT 0,
    operator_id TEXT,
    shift_id TEXT,
    supervisor_id TEXT,
    reason_code TEXT,
    reason_text TEXT,
    snapshot TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE INDEX lane_openings_requested ON lane_openings(requested_at)`,
  `CREATE INDEX lane_openings_live ON lane_openings(status) WHERE status IN ('PENDING','OPEN')`,
  `CREATE INDEX lane_openings_shift ON lane_openings(shift_id) WHERE shift_id IS NOT NULL`,
  `CREATE TABLE lane_passes (
    id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    entered_at INTEGER NOT NULL,
    opening_id TEXT,
    match TEXT NOT NULL CHECK (match IN ('MATCHED','TAILGATE','NO_OPENING'))
  ) STRICT`,
  `CREATE INDEX lane_passes_at ON lane_passes(at)`,
  `CREATE TABLE lane_exceptions (
    id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('TAILGATE','PASS_WITHOUT_OPENING','OPENING_WITHOUT_CAR','BARRIER_HELD_UP')),
    at INTEGER NOT NULL,
    opening_id TEXT,
    pass_id TEXT,
    shift_id TEXT,
    detail TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX lane_exceptions_at ON lane_exceptions(at)`,
  `CREATE INDEX lane_exceptions_shift ON lane_exceptions(shift_id) WHERE shift_id IS NOT NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
