/**
 * Escalating PIN lockouts. Frozen once landed.
 * `operators.lockouts` counts the lockouts since the operator's last good log-in (5 min, then
 * 30 min, then locked until a supervisor unlocks: `needs_unlock = 1`). `login_throttle` holds the
 * same counters for usernames that are NOT operators here, so a stranger probing names sees the
 * same answers (tries left, lock) for a real and an invented name.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `ALTER TABLE operators ADD COLUMN lockouts INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE operators ADD COLUMN needs_unlock INTEGER NOT NULL DEFAULT 0 CHECK (needs_unlock IN (0, 1))`,
  `CREATE TABLE login_throttle (
    username TEXT PRIMARY KEY,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    lockouts INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    needs_unlock INTEGER NOT NULL DEFAULT 0 CHECK (needs_unlock IN (0, 1)),
    updated_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE INDEX login_throttle_updated ON login_throttle(updated_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
