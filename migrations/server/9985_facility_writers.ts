/**
 * Writers of different facilities no longer wait for each other (src-server/sync/write-batch.ts):
 * `sync_facility_heads` holds one row per facility, its writer lock and its server HLC (seeded
 * with the server-wide one, so no facility's clock goes back). On PostgreSQL server-event
 * numbers come from the sequence `sync_server_seq` (started after the counter's), taken without
 * a lock; the change-log counter `sync_counter.seq` stays the one server-wide position, locked
 * only for the last statements of a transaction. SQLite keeps its single writer and its counter.
 * Portable. Frozen once landed.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sync_facility_heads')
    .addColumn('facility_id', 'text', (c) => c.primaryKey())
    .addColumn('hlc', 'text', (c) => c.notNull())
    .execute();
  const counter = await db.selectFrom('sync_counter').select(['server_seq', 'hlc']).where('id', '=', 1).executeTakeFirst() as { server_seq: number | string; hlc: string } | undefined;
  const facilities = await db.selectFrom('facilities').select('id').execute() as { id: string }[];
  if (facilities.length) await db.insertInto('sync_facility_heads').values(facilities.map((f) => ({ facility_id: f.id, hlc: counter?.hlc ?? '' }))).execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const start = Number(counter?.server_seq ?? 0) + 1;
    await sql.raw(`CREATE SEQUENCE sync_server_seq START WITH ${start} MINVALUE 1`).execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // The counter takes up numbering where the sequence left off, and the latest facility HLC.
    await sql`UPDATE sync_counter SET server_seq = GREATEST(server_seq, (SELECT last_value FROM sync_server_seq)) WHERE id = 1`.execute(db);
    await sql`UPDATE sync_counter SET hlc = COALESCE((SELECT MAX(hlc) FROM sync_facility_heads), hlc) WHERE id = 1`.execute(db);
    await sql.raw('DROP SEQUENCE IF EXISTS sync_server_seq').execute(db);
  }
  await db.schema.dropTable('sync_facility_heads').execute();
}
