/**
 * E-receipts: the server finds a tax document by its token among the synced `invoice.issued`
 * events (payload `{ document: TaxDocument }`, stored like every kiosk event). An expression
 * index makes that lookup one index probe; partial, so it covers only those events.
 * SQLite and PostgreSQL spell the JSON path differently. Frozen once landed.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`CREATE INDEX sync_events_e_receipt_token ON sync_events (((payload::jsonb) -> 'document' ->> 'token')) WHERE type = 'invoice.issued'`.execute(db);
  } else {
    await sql`CREATE INDEX sync_events_e_receipt_token ON sync_events (json_extract(payload, '$.document.token')) WHERE type = 'invoice.issued'`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX sync_events_e_receipt_token`.execute(db);
}
