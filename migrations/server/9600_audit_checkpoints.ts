/**
 * Kiosk audit-chain checkpoints (docs/records.md "Anchoring"): every push that carries a kiosk's
 * audit-chain head (newest entry id + hash) stores it here with the server's receive time.
 * Append-only: the server only inserts, and a trigger refuses UPDATE and DELETE on both backends.
 *   n            per-kiosk ordinal (1, 2, ...): the order the heads were received in
 *   seq, hash    the kiosk's newest audit entry id and its hash
 *   event_seq    the kiosk's last event sequence the server held after that push
 *   new_events   events of that push the server had not seen before (each was written on the
 *                kiosk together with at least one audit entry)
 * Frozen once landed.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('kiosk_id', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('new_events', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_checkpoints_pk', ['kiosk_id', 'n'])
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create function audit_checkpoints_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit checkpoints are append-only'; end $$`.execute(db);
    await sql`create trigger audit_checkpoints_no_change before update or delete on audit_checkpoints
      for each row execute function audit_checkpoints_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_checkpoints_no_update before update on audit_checkpoints
      begin select raise(abort, 'audit checkpoints are append-only'); end`.execute(db);
    await sql`create trigger audit_checkpoints_no_delete before delete on audit_checkpoints
      begin select raise(abort, 'audit checkpoints are append-only'); end`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints').execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`drop function if exists audit_checkpoints_append_only()`.execute(db);
}
