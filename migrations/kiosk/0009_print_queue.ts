/**
 * The lane printer's durable queue and the exit receipts' number series. Frozen once landed.
 * A print job is written in the same transaction as the change that asks for it (a ticket issued,
 * a car out after paying, a shift closed), so a crash can never lose one; `status` walks
 * QUEUED -> SENDING -> DONE (or FAILED when the document cannot be built), and a job found SENDING
 * at start-up was interrupted mid-send: it is sent again marked as a copy (docs/printing.md).
 * Receipt numbers: one gap-free series per kiosk, given inside the exit's transaction.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE print_jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('TICKET', 'RECEIPT', 'Z_REPORT', 'TEST')),
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
  `CREATE INDEX print_jobs_waiting ON print_jobs(created_at) WHERE status IN ('QUEUED', 'SENDING')`,
  `CREATE INDEX print_jobs_entity ON print_jobs(entity_id, kind)`,
  `CREATE TABLE receipt_numbers (
    session_id TEXT PRIMARY KEY,
    payment_id TEXT,
    kiosk_id TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq > 0),
    number TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    UNIQUE (kiosk_id, seq)
  ) STRICT`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
