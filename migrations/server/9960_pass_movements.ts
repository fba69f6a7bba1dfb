/**
 * One row per movement on a season pass (entry, exit, reset) pushed by any gate (docs/passes.md):
 * the anti-passback fold replays each pass's movements in HLC order (then event id) and marks the
 * ones the pass's rule would have refused or flagged FLAGGED, whatever order the pushes arrive in.
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('pass_movements')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('movement_id', 'text', (c) => c.notNull())
    .addColumn('pass_id', 'text', (c) => c.notNull())
    .addColumn('kiosk_id', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('ENTRY', 'EXIT', 'RESET')`))
    .addColumn('session_id', 'text')
    .addColumn('hlc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('OK', 'FLAGGED')`))
    .addColumn('flag', 'text', (c) => c.check(sql`flag is null or flag in ('ALREADY_IN', 'NOT_IN')`))
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pass_movements_pass').on('pass_movements').columns(['pass_id', 'hlc']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('pass_movements').execute();
}
