/**
 * Reserved spaces and the server's anti-passback verdicts (docs/passes.md): a pass may hold spaces
 * of zones (`reserved`, JSON `[{ zoneId, spaces }]`, `[]` for none), and the verdicts of the
 * server's fold on pass movements arrive by pull and are kept per movement (`pass_fold_flags`:
 * the cases offline gates could not see), so a gate lists them without the server.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `ALTER TABLE season_passes ADD COLUMN reserved TEXT NOT NULL DEFAULT '[]'`,
  `CREATE TABLE pass_fold_flags (
    movement_id TEXT PRIMARY KEY,
    pass_id TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('ENTRY', 'EXIT')),
    status TEXT NOT NULL CHECK (status IN ('OK', 'FLAGGED')),
    flag TEXT CHECK (flag IS NULL OR flag IN ('ALREADY_IN', 'NOT_IN')),
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE INDEX pass_fold_flags_status ON pass_fold_flags(status, pass_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
