/**
 * Season passes print on the lane printer: print_jobs accepts the kind PASS (its entity is the
 * pass). SQLite cannot change a CHECK constraint, so the table is rebuilt with its rows and
 * indexes kept as they were.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE print_jobs_new (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('TICKET', 'RECEIPT', 'Z_REPORT', 'TEST', 'PASS')),
    entity_id TEXT,
    copy INTEGER NOT NULL DEFAULT 0 CHECK (copy >= 0),
    status TEXT NOT NULL CHECK (status IN ('QUEUED', 'SENDING', 'DONE', 'FAILED')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    requested_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    printed_at INTEGER
  ) STRICT`,
  `INSERT INTO print_jobs_new (id, kind, entity_id, copy, status, attempts, last_error, requested_by, created_at, updated_at, printed_at)
    SELECT id, kind, entity_id, copy, status, attempts, last_error, requested_by, created_at, updated_at, printed_at FROM print_jobs`,
  `DROP TABLE print_jobs`,
  `ALTER TABLE print_jobs_new RENAME TO print_jobs`,
  `CREATE INDEX print_jobs_waiting ON print_jobs(created_at) WHERE status IN ('QUEUED', 'SENDING')`,
  `CREATE INDEX print_jobs_entity ON print_jobs(entity_id, kind)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
