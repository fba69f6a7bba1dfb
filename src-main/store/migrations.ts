/** The ordered list of kiosk migrations, bundled statically (no directory scanning at run time). */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from '../../migrations/kiosk/0001_initial.js';

export const KIOSK_MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
};

export const kioskMigrationProvider: MigrationProvider = {
  getMigrations: async () => KIOSK_MIGRATIONS,
};
