/**
 * The facility a gate belongs to (meta `facility_id`): a gate that was never told its facility now
 * counts as the server's default facility ('main') rather than 'default', and an enrolled gate
 * takes its facility from the server at every pull. A database that already signed codes under
 * the old unassigned name (season passes sold, validation programs set up) keeps 'default' pinned,
 * so the passes and validation codes it printed still scan until the server assigns a facility.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`INSERT INTO meta (key, value)
    SELECT 'facility_id', 'default'
    WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'facility_id')
      AND (EXISTS (SELECT 1 FROM season_passes) OR EXISTS (SELECT 1 FROM validation_programs))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
