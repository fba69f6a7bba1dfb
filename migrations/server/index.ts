/** The ordered list of server migrations (explicit imports so tsx, vitest and bundlers all find them). */
import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m9000 from './9000_sync.js';
import * as m9100 from './9100_booking_sync.js'; // [sync] parker bookings reach the gates
import * as m9200 from './9200_payment_cancel.js';
import * as m9300 from './9300_kiosk_nonces.js';
import * as m9600 from './9600_audit_checkpoints.js';
import * as m9800 from './9800_e_receipt_tokens.js';

export const SERVER_MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '9000_sync': m9000,
  '9100_booking_sync': m9100, // [sync]
  '9200_payment_cancel': m9200,
  '9300_kiosk_nonces': m9300,
  '9600_audit_checkpoints': m9600,
  '9800_e_receipt_tokens': m9800,
};
