/**
 * Cancels of online payments waiting to reach the central server. Frozen once landed.
 * "Take cash instead" ends the attempt on the kiosk at once (the cashier is not kept waiting for
 * the network); the server must hear of it too, so that it closes the QR and flags any money
 * that still arrives. The cancel is stored here in the same transaction as the local change and
 * sent until the server answers (sent_at); it survives restarts and long outages.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE payment_cancels (
    payment_id TEXT PRIMARY KEY REFERENCES payments(id),
    requested_at INTEGER NOT NULL,
    operator_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at INTEGER
  ) STRICT`,
  `CREATE INDEX payment_cancels_unsent ON payment_cancels(requested_at) WHERE sent_at IS NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
