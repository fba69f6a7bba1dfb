/**
 * The lost-ticket fee a paid exit charged, kept with its receipt number and its tax document:
 * the receipt (and a reprint years later) and the invoice (printed, e-receipt) show it as its own
 * line even after the zone's tariff changes. NULL: the ticket was not lost. Frozen once landed.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`ALTER TABLE receipt_numbers ADD COLUMN lost_ticket_fee_paise INTEGER CHECK (lost_ticket_fee_paise IS NULL OR lost_ticket_fee_paise >= 0)`).execute(db);
  await sql.raw(`ALTER TABLE tax_documents ADD COLUMN lost_ticket_fee_paise INTEGER CHECK (lost_ticket_fee_paise IS NULL OR lost_ticket_fee_paise >= 0)`).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
