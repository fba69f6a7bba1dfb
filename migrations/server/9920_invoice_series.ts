/**
 * Invoice series prefixes, facility-wide: each gate numbers its GST documents offline under its
 * own prefix, so two gates with one prefix would issue the same invoice numbers. A gate claims
 * its prefix here when its tax settings are saved; the primary key refuses a second gate. A
 * claim is kept when the gate moves to another prefix (its documents keep the old one).
 * Frozen once landed.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('invoice_series')
    .addColumn('prefix', 'text', (c) => c.primaryKey())
    .addColumn('kiosk_id', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invoice_series').execute();
}
