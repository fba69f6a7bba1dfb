/** The ordered list of server migrations (explicit imports so tsx, vitest and bundlers all find them). */
import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m9000 from './9000_sync.js';

export const SERVER_MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '9000_sync': m9000,
};
