/**
 * Request ids (nonces) of signed kiosk requests, each kept until its request would be refused as
 * too old anyway (its timestamp + the auth window), so a captured request cannot be replayed, also
 * across a restart or another server instance on the same database. Frozen once landed.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kiosk_nonces')
    .addColumn('kiosk_id', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('kiosk_nonces_pk', ['kiosk_id', 'nonce'])
    .execute();
  await db.schema.createIndex('kiosk_nonces_expires_idx').on('kiosk_nonces').column('expires_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('kiosk_nonces').execute();
}
