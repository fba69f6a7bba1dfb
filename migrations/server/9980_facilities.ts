/**
 * Facilities (docs/server.md "Facilities"): one server serves many car parks. A facility has an
 * id, a name and an IANA time zone (its business day). Kiosks, zones, bookings, payments and every
 * sync table carry the facility they belong to; the change log is read per facility.
 *
 * A database of one car park upgrades into one facility, `main`, holding every existing row. Its
 * name and time zone are the last ones the gates pushed in `settings.updated` (else "Facility 1",
 * Asia/Kolkata). Zone names become unique per facility instead of server-wide: PostgreSQL drops
 * the column constraint; SQLite cannot drop a column's UNIQUE, so the zones table is rebuilt from
 * its own stored definition without it (foreign keys off for the copy, as SQLite prescribes).
 * Portable (SQLite and PostgreSQL). Frozen once landed.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export const DEFAULT_FACILITY_ID = 'main';
const FACILITY_TABLES = ['kiosks', 'zones', 'bookings', 'payments', 'sync_kiosks', 'sync_events', 'sync_changes', 'sync_sessions', 'sync_entities'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function lastSettings(db: Kysely<any>): Promise<{ name: string; timeZone: string }> {
  const row = await db.selectFrom('sync_events').select('payload').where('type', '=', 'settings.updated').where('outcome', '=', 'APPLIED')
    .orderBy('hlc', 'desc').limit(1).executeTakeFirst() as { payload: string } | undefined;
  let name = 'Facility 1';
  let timeZone = 'Asia/Kolkata';
  if (row) {
    try {
      const s = (JSON.parse(row.payload) as { settings?: { facilityName?: unknown; timeZone?: unknown } }).settings ?? {};
      if (typeof s.facilityName === 'string' && s.facilityName.trim() && s.facilityName.length <= 100) name = s.facilityName.trim();
      if (typeof s.timeZone === 'string' && validTimeZone(s.timeZone)) timeZone = s.timeZone;
    } catch {
      // An unreadable payload keeps the defaults.
    }
  }
  return { name, timeZone };
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const pgsql = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('facilities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  const { name, timeZone } = await lastSettings(db);
  const first = await db.selectFrom('kiosks').select((eb) => eb.fn.min('created_at').as('t')).executeTakeFirst() as { t: number | string | null } | undefined;
  const at = first?.t != null ? Number(first.t) : 0;
  await db.insertInto('facilities').values({ id: DEFAULT_FACILITY_ID, name, time_zone: timeZone, created_at: at, updated_at: at }).execute();

  if (pgsql) {
    await sql`alter table zones drop constraint if exists zones_name_key`.execute(db);
  } else {
    await rebuildSqliteZonesWithoutNameUnique(db);
  }
  for (const t of FACILITY_TABLES) {
    await db.schema.alterTable(t).addColumn('facility_id', 'text', (c) => c.notNull().defaultTo(DEFAULT_FACILITY_ID)).execute();
  }
  await db.schema.createIndex('zones_facility_name_uq').on('zones').columns(['facility_id', 'name']).unique().execute();
  await db.schema.createIndex('kiosks_facility_idx').on('kiosks').columns(['facility_id', 'created_at']).execute();
  await db.schema.createIndex('sync_changes_facility_seq_idx').on('sync_changes').columns(['facility_id', 'seq']).execute();
  await db.schema.createIndex('sync_kiosks_facility_idx').on('sync_kiosks').columns(['facility_id', 'cursor']).execute();
  await db.schema.createIndex('sync_sessions_facility_open_idx').on('sync_sessions').columns(['facility_id', 'is_open']).execute();
  await db.schema.createIndex('sync_entities_facility_idx').on('sync_entities').columns(['facility_id', 'entity_type']).execute();
  await db.schema.createIndex('payments_facility_completed_idx').on('payments').columns(['facility_id', 'completed_at']).execute();
  await db.schema.createIndex('bookings_facility_idx').on('bookings').columns(['facility_id', 'booked_at']).execute();
}

/** SQLite: the zones table again from its stored definition, minus the server-wide UNIQUE on name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function rebuildSqliteZonesWithoutNameUnique(db: Kysely<any>): Promise<void> {
  const def = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'zones'`.execute(db);
  const create = def.rows[0]?.sql ?? '';
  const unique = /("name"\s+text\s+not\s+null)\s+unique/i;
  if (!unique.test(create)) throw new Error('9980_facilities: zones.name is not declared "not null unique" as expected');
  const rebuilt = create.replace(unique, '$1').replace(/^create table\s+"?zones"?/i, 'create table "zones_9980"');
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'zones' and sql is not null`.execute(db);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql.raw(rebuilt).execute(db);
    await sql`insert into zones_9980 select * from zones`.execute(db);
    await sql`drop table zones`.execute(db);
    await sql`alter table zones_9980 rename to zones`.execute(db);
    for (const ix of indexes.rows) await sql.raw(ix.sql).execute(db);
    const broken = await sql`pragma foreign_key_check`.execute(db);
    if (broken.rows.length > 0) throw new Error('9980_facilities: foreign keys broken by the zones rebuild');
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const ix of ['bookings_facility_idx', 'payments_facility_completed_idx', 'sync_entities_facility_idx', 'sync_sessions_facility_open_idx',
    'sync_kiosks_facility_idx', 'sync_changes_facility_seq_idx', 'kiosks_facility_idx', 'zones_facility_name_uq']) {
    await db.schema.dropIndex(ix).execute();
  }
  for (const t of FACILITY_TABLES) await db.schema.alterTable(t).dropColumn('facility_id').execute();
  await db.schema.dropTable('facilities').execute();
}
