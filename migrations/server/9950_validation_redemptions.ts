/**
 * One row per use of a merchant validation code pushed by any gate (docs/validations.md): the
 * fold marks the earliest use (by HLC, then event id) of each code CANONICAL and every other use
 * DUPLICATE, whatever order the gates' pushes arrive in. Frozen once landed.
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('validation_redemptions')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('validation_id', 'text', (c) => c.notNull())
    .addColumn('code_id', 'text', (c) => c.notNull())
    .addColumn('kiosk_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('program_id', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('hlc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('CANONICAL', 'DUPLICATE')`))
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('validation_redemptions_code').on('validation_redemptions').column('code_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('validation_redemptions').execute();
}
