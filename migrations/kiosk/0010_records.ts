/**
 * Tamper-evident, bounded records. Frozen once landed.
 * - meta 'audit_keyed_from': the first audit entry chained with the audit key (HMAC-SHA256);
 *   earlier entries (today's unkeyed chain on an upgraded database) keep their SHA-256 links.
 *   The key file records the same boundary (src-main/core/secrets.ts), which is the one trusted.
 * - audit_anchor: the newest audit-chain head the central server acknowledged (one row, signed
 *   with the audit key so it cannot be lowered without the key).
 * - audit_pruned: where the local chain now starts after archived entries were pruned; each row
 *   is signed with the audit key, so a forged row cannot license deleting entries.
 * - audit_no_delete is re-created to allow deleting only entries at or below a pruned checkpoint.
 * - records_state: counters the integrity checks need once rows are pruned (outbox events
 *   deleted, so the sequence-gap check still holds) and the last maintenance run.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `INSERT OR IGNORE INTO meta (key, value) SELECT 'audit_keyed_from', CAST(COALESCE(MAX(id), 0) + 1 AS TEXT) FROM audit_log`,
  `CREATE TABLE audit_anchor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    acked_at INTEGER NOT NULL,
    sig TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE audit_pruned (
    through_id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    at INTEGER NOT NULL,
    segment TEXT NOT NULL,
    sig TEXT NOT NULL
  ) STRICT`,
  `CREATE TRIGGER audit_pruned_no_update BEFORE UPDATE ON audit_pruned BEGIN SELECT RAISE(ABORT, 'pruned checkpoints are append-only'); END`,
  `CREATE TRIGGER audit_pruned_no_delete BEFORE DELETE ON audit_pruned BEGIN SELECT RAISE(ABORT, 'pruned checkpoints are append-only'); END`,
  `DROP TRIGGER audit_no_delete`,
  `CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
     WHEN OLD.id > COALESCE((SELECT MAX(through_id) FROM audit_pruned), 0)
     BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
  `CREATE TABLE records_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    outbox_pruned INTEGER NOT NULL DEFAULT 0,
    sessions_pruned INTEGER NOT NULL DEFAULT 0,
    last_run_at INTEGER
  ) STRICT`,
  `INSERT INTO records_state (id) VALUES (1)`,
  `CREATE INDEX outbox_acked_at ON outbox(acked_at) WHERE status = 'ACKED'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
