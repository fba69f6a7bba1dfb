/**
 * Pass movements carry the facility of the gate that pushed them (docs/passes.md "Facilities"):
 * the fold's flags are listed per facility. Existing rows belong to the first facility, `main`
 * (9980_facilities). Portable (SQLite and PostgreSQL).
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pass_movements').addColumn('facility_id', 'text', (c) => c.notNull().defaultTo('main')).execute();
  await db.schema.createIndex('pass_movements_facility_status').on('pass_movements').columns(['facility_id', 'status', 'hlc']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('pass_movements_facility_status').execute();
  await db.schema.alterTable('pass_movements').dropColumn('facility_id').execute();
}
