/**
 * Kiosk sync tables (issue 5). Frozen once landed.
 * - sync_state: the pull cursor (moved in the same transaction as the changes it covers),
 *   last successful sync, measured clock offset.
 * - sync_ticket_keys: other gates' ticket-verification keys, AES-256-GCM encrypted with a key
 *   derived from this kiosk's own secret file (never plain text in the database).
 * - sync_skipped: pulled changes this kiosk could not apply (kept for a supervisor, retried).
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    cursor INTEGER NOT NULL,
    last_sync_at INTEGER,
    clock_offset_ms INTEGER,
    key_published TEXT
  ) STRICT`,
  `INSERT INTO sync_state (id, cursor) VALUES (1, 0)`,
  `CREATE TABLE sync_ticket_keys (
    key_id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    secret_enc TEXT NOT NULL,
    received_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE sync_skipped (
    seq INTEGER PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    data TEXT NOT NULL,
    error TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
