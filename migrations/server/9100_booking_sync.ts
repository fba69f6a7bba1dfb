/**
 * Parker bookings reach the gates through sync (issue 5, docs/sync.md "Parker bookings").
 * A booking is also a synced session (same id). Once the car has entered (or the gates ended the
 * session some other way), the booking no longer holds its slot at the server: the open session
 * does. So the slot-hold index now ignores released bookings. Columns:
 *   released_at     when the server-side hold ended (the gates took over the slot)
 *   session_status  the gates' canonical status last seen for this booking
 *   cancel_seq      change-log seq of the published cancellation (refund settles after every gate acknowledged it)
 *   refund_state    HELD (waiting for the gates) | RELEASED (sent to the gateway) | WITHHELD (the entry stood)
 *   review_reason   why a supervisor should look at this booking
 * Portable (SQLite and PostgreSQL). Frozen once landed.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bookings').addColumn('released_at', 'bigint').execute();
  await db.schema.alterTable('bookings').addColumn('session_status', 'text').execute();
  await db.schema.alterTable('bookings').addColumn('cancel_seq', 'bigint').execute();
  await db.schema.alterTable('bookings').addColumn('refund_state', 'text').execute();
  await db.schema.alterTable('bookings').addColumn('review_reason', 'text').execute();
  await db.schema.dropIndex('bookings_slot_held_uq').execute();
  await sql`create unique index bookings_slot_held_uq2 on bookings (slot_id) where status = 'BOOKED' and released_at is null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('bookings_slot_held_uq2').execute();
  await sql`create unique index bookings_slot_held_uq on bookings (slot_id) where status = 'BOOKED'`.execute(db);
  for (const c of ['review_reason', 'refund_state', 'cancel_seq', 'session_status', 'released_at']) {
    await db.schema.alterTable('bookings').dropColumn(c).execute();
  }
}
