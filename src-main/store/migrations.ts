/** The ordered list of kiosk migrations, bundled statically (no directory scanning at run time). */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from '../../migrations/kiosk/0001_initial.js';
import * as m0002 from '../../migrations/kiosk/0002_shifts_reports.js';
import * as m0003 from '../../migrations/kiosk/0003_sync.js';
import * as m0004 from '../../migrations/kiosk/0004_sync_slot_overflow.js';
import * as m0005 from '../../migrations/kiosk/0005_payment_cancels.js';
import * as m0006 from '../../migrations/kiosk/0006_operator_lockout.js';
import * as m0008 from '../../migrations/kiosk/0008_lane.js';
import * as m0009 from '../../migrations/kiosk/0009_print_queue.js';
import * as m0010 from '../../migrations/kiosk/0010_records.js';
import * as m0011 from '../../migrations/kiosk/0011_tax_documents.js';
import * as m0014 from '../../migrations/kiosk/0014_receipt_lines.js';
import * as m0016 from '../../migrations/kiosk/0016_ticket_numbers.js';
import * as m0017 from '../../migrations/kiosk/0017_lost_ticket_exits.js';
import * as m0018 from '../../migrations/kiosk/0018_validations.js';
import * as m0019 from '../../migrations/kiosk/0019_season_passes.js';
import * as m0020 from '../../migrations/kiosk/0020_shift_denominations.js';
import * as m0021 from '../../migrations/kiosk/0021_pass_upi_sales.js';
import * as m0022 from '../../migrations/kiosk/0022_pass_reserved_spaces.js';
import * as m0026 from '../../migrations/kiosk/0026_pass_print_jobs.js';
import * as m0027 from '../../migrations/kiosk/0027_facility_identity.js';

export const KIOSK_MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_shifts_reports': m0002,
  '0003_sync': m0003,
  '0004_sync_slot_overflow': m0004,
  '0005_payment_cancels': m0005,
  '0006_operator_lockout': m0006,
  '0008_lane': m0008,
  '0009_print_queue': m0009,
  '0010_records': m0010,
  '0011_tax_documents': m0011,
  '0014_receipt_lines': m0014,
  '0016_ticket_numbers': m0016,
  '0017_lost_ticket_exits': m0017,
  '0018_validations': m0018,
  '0019_season_passes': m0019,
  '0020_shift_denominations': m0020,
  '0021_pass_upi_sales': m0021,
  '0022_pass_reserved_spaces': m0022,
  '0026_pass_print_jobs': m0026,
  '0027_facility_identity': m0027,
};

export const kioskMigrationProvider: MigrationProvider = {
  getMigrations: async () => KIOSK_MIGRATIONS,
};
