/**
 * Cancelled and extra captures on online payments. Portable (SQLite and PostgreSQL). Frozen once landed.
 *   payments.cancelled_at       when the kiosk gave up on this attempt ("Take cash instead"); money
 *                               that still arrives is flagged PAID_AFTER_CANCEL for a supervisor
 *   payments.parent_payment_id  set on the row that records a second, different capture of an
 *                               already-paid QR / order (flagged SECOND_CAPTURE; refund or accept)
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('cancelled_at', 'bigint').execute();
  await db.schema.alterTable('payments').addColumn('parent_payment_id', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('parent_payment_id').execute();
  await db.schema.alterTable('payments').dropColumn('cancelled_at').execute();
}
