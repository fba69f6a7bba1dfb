/**
 * A kiosk acts only inside its facility: a request naming a session (or booking) of another
 * facility is refused with FORBIDDEN, `details.reason = 'FOREIGN_FACILITY'`, and changes nothing.
 * A session the server has not seen yet (a walk-in still offline) is the kiosk's own.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ServerDatabase } from '../db/schema.js';
import type { SyncDatabase } from '../sync/schema.js';

export function foreignFacility(what: string): AppError {
  return new AppError('FORBIDDEN', `This ${what} belongs to another facility than this kiosk's.`, { reason: 'FOREIGN_FACILITY' });
}

export async function assertOwnSession(db: Kysely<ServerDatabase>, sessionId: string, facilityId: string): Promise<void> {
  const sdb = db as unknown as Kysely<ServerDatabase & SyncDatabase>;
  const session = await sdb.selectFrom('sync_sessions').select('facility_id').where('id', '=', sessionId).executeTakeFirst();
  if (session && session.facility_id !== facilityId) throw foreignFacility('session');
  const booking = await sdb.selectFrom('bookings').select('facility_id').where('id', '=', sessionId).executeTakeFirst();
  if (booking && booking.facility_id !== facilityId) throw foreignFacility('booking');
}
