/**
 * The ordered list of server migrations (explicit imports so tsx, vitest and bundlers all find them).
 *
 * Naming rule: `NNNN_what_it_does.ts`, and every new file takes the NEXT FREE HUNDRED after the
 * highest name here (after 9100_: 9200_, 9300_, ...; parallel branches get their hundred allocated
 * up front; after 9900_ the next free ten: 9910_, 9920_, ...; after 9980_ single numbers, allocated
 * per branch: 9981_, 9982_, ...). Kysely applies migrations in name order and refuses to run when a file sorts before
 * one a database has already applied ("corrupted migrations"), so a file named e.g. 0002_* would
 * stop every existing server from starting. A landed migration is frozen: change the schema with a
 * new file. tests/migrations/server-migrations.test.ts upgrades a database of the previous version
 * holding rows for each migration: add a case for a new one.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m9000 from './9000_sync.js';
import * as m9100 from './9100_booking_sync.js';
import * as m9200 from './9200_payment_cancel.js';
import * as m9300 from './9300_kiosk_nonces.js';
import * as m9600 from './9600_audit_checkpoints.js';
import * as m9800 from './9800_e_receipt_tokens.js';
import * as m9920 from './9920_invoice_series.js';
import * as m9950 from './9950_validation_redemptions.js';
import * as m9960 from './9960_pass_movements.js';
import * as m9980 from './9980_facilities.js';
import * as m9981 from './9981_zones_once.js';

export const SERVER_MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '9000_sync': m9000,
  '9100_booking_sync': m9100,
  '9200_payment_cancel': m9200,
  '9300_kiosk_nonces': m9300,
  '9600_audit_checkpoints': m9600,
  '9800_e_receipt_tokens': m9800,
  '9920_invoice_series': m9920,
  '9950_validation_redemptions': m9950,
  '9960_pass_movements': m9960,
  '9980_facilities': m9980,
  '9981_zones_once': m9981,
};
