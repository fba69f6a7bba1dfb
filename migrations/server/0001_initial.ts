/** Server schema v1: kiosks, payments (+ history, gateway events, refunds), parkers, zones, bookings. Frozen. */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kiosks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('signing_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('kiosk_id', 'text', (c) => c.references('kiosks.id'))
    .addColumn('booking_id', 'text')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('amount_paise', 'integer', (c) => c.notNull().check(sql`amount_paise > 0`))
    .addColumn('gateway', 'text', (c) => c.notNull())
    .addColumn('merchant_ref', 'text', (c) => c.notNull().unique())
    .addColumn('gateway_ref', 'text')
    .addColumn('gateway_payment_id', 'text')
    .addColumn('upi_uri', 'text')
    .addColumn('vehicle_number', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('PENDING','SUCCESS','FAILED','EXPIRED','REFUNDED')`),
    )
    .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('review_reason', 'text')
    .addColumn('paid_amount_paise', 'integer')
    .addColumn('refunded_paise', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('next_poll_at', 'bigint')
    .addColumn('poll_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('payments_owner_idem_uq', ['owner', 'idempotency_key'])
    .addUniqueConstraint('payments_gateway_ref_uq', ['gateway', 'gateway_ref'])
    .execute();
  await db.schema.createIndex('payments_poll_idx').on('payments').columns(['status', 'next_poll_at']).execute();
  await db.schema.createIndex('payments_session_idx').on('payments').column('session_id').execute();

  await db.schema
    .createTable('payment_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payment_history_payment_idx').on('payment_history').column('payment_id').execute();

  await db.schema
    .createTable('gateway_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('gateway', 'text', (c) => c.notNull())
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('gateway_events_key_uq', ['gateway', 'event_key'])
    .execute();

  await db.schema
    .createTable('refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('amount_paise', 'integer', (c) => c.notNull().check(sql`amount_paise > 0`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('gateway_refund_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('parkers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('parker_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('parker_id', 'text', (c) => c.notNull().references('parkers.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('zones')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('hourly_rate_paise', 'integer', (c) => c.notNull().check(sql`hourly_rate_paise >= 0`))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('slots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('zone_id', 'text', (c) => c.notNull().references('zones.id'))
    .addColumn('slot_number', 'text', (c) => c.notNull())
    .addUniqueConstraint('slots_zone_number_uq', ['zone_id', 'slot_number'])
    .execute();

  await db.schema
    .createTable('bookings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parker_id', 'text', (c) => c.notNull().references('parkers.id'))
    .addColumn('zone_id', 'text', (c) => c.notNull().references('zones.id'))
    .addColumn('slot_id', 'text', (c) => c.notNull().references('slots.id'))
    .addColumn('vehicle_number', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('BOOKED','CANCELLED')`))
    .addColumn('booked_at', 'bigint', (c) => c.notNull())
    .addColumn('cancelled_at', 'bigint')
    .addColumn('payment_id', 'text')
    .addColumn('prepay_paise', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refund_paise', 'integer')
    .execute();
  // A slot is held by at most one live booking: enforced by the database, not by a check in code.
  await db.schema
    .createIndex('bookings_slot_held_uq')
    .on('bookings')
    .column('slot_id')
    .unique()
    .where(sql.ref('status'), '=', 'BOOKED')
    .execute();
  await db.schema.createIndex('bookings_parker_idx').on('bookings').columns(['parker_id', 'booked_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['bookings', 'slots', 'zones', 'parker_tokens', 'parkers', 'refunds', 'gateway_events', 'payment_history', 'payments', 'kiosks']) {
    await db.schema.dropTable(t).execute();
  }
}
