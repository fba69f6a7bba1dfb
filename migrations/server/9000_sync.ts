/**
 * Sync tables (issue 5): the pushed-event store, per-kiosk sequence and cursor, the one ordered
 * change log, canonical sessions (the fold's output), replicated entities (zones, operators,
 * ticket keys). Conflicts live in the folded session
 * (a session's conflicts are a function of its events). Portable: only types and constraints that SQLite and PostgreSQL
 * both accept. Numbered 9000 so it sorts after every other server migration. Frozen once landed.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Single-row counter: the change-log sequence. Every writing sync transaction updates this row
  // first, which on PostgreSQL takes a row lock until commit, so change-log sequence numbers are
  // assigned in commit order and a reader never sees seq n+1 before seq n.
  await db.schema
    .createTable('sync_counter')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('server_seq', 'bigint', (c) => c.notNull())
    .addColumn('hlc', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('sync_counter').values({ id: 1, seq: 0, server_seq: 0, hlc: '' }).execute();

  await db.schema
    .createTable('sync_kiosks')
    .addColumn('kiosk_id', 'text', (c) => c.primaryKey())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('cursor', 'bigint', (c) => c.notNull())
    .addColumn('last_push_at', 'bigint')
    .addColumn('last_pull_at', 'bigint')
    .addColumn('clock_offset_ms', 'bigint')
    .execute();

  await db.schema
    .createTable('sync_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kiosk_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hlc', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('schema_version', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull()) // APPLIED | PARKED
    .addColumn('error', 'text')
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('sync_events_kiosk_seq_uq', ['kiosk_id', 'seq'])
    .execute();
  await db.schema.createIndex('sync_events_entity_idx').on('sync_events').columns(['entity_id', 'outcome']).execute();

  await db.schema
    .createTable('sync_changes')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('origin_kiosk_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sync_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('zone_id', 'text', (c) => c.notNull())
    .addColumn('slot_id', 'text', (c) => c.notNull())
    .addColumn('vehicle_number', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('is_open', 'integer', (c) => c.notNull())
    .addColumn('creation_hlc', 'text', (c) => c.notNull())
    .addColumn('conflict', 'integer', (c) => c.notNull())
    .addColumn('amount_paid_paise', 'bigint', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sync_sessions_open_slot_idx').on('sync_sessions').columns(['slot_id', 'is_open']).execute();
  await db.schema.createIndex('sync_sessions_open_vehicle_idx').on('sync_sessions').columns(['vehicle_number', 'is_open']).execute();

  // Zones (with their slots), operators (hashed PINs) and ticket-verification keys: last writer
  // (by HLC) wins per entity.
  await db.schema
    .createTable('sync_entities')
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('natural_key', 'text')
    .addColumn('hlc', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_entities_pk', ['entity_type', 'entity_id'])
    .execute();
  await db.schema.createIndex('sync_entities_natural_idx').on('sync_entities').columns(['entity_type', 'natural_key']).execute();

}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['sync_entities', 'sync_sessions', 'sync_changes', 'sync_events', 'sync_kiosks', 'sync_counter']) {
    await db.schema.dropTable(t).execute();
  }
}
