/** Kiosk enrolment: a new kiosk gets an id and a secret printed once; only the derived key is stored, encrypted. */
import type { Kysely } from 'kysely';
import type { KioskRow, ServerDatabase } from '../db/schema.js';
import type { Clock } from '../util/clock.js';
import { randomToken, uuidv7 } from '../util/ids.js';
import { kioskSigningKey as deriveSigningKey } from '../../src-shared/protocol/kiosk-signing.js';
import { DEV_SECRETS_KEY, SecretBox } from '../db/secret-box.js';
import { resolveFacility } from '../facilities/facilities.js';

/**
 * `box` seals the signing key at rest; it must be built from the server's SECRETS_KEY (the default,
 * the development key, matches a server started without SECRETS_KEY, as in tests).
 */
export async function addKiosk(
  db: Kysely<ServerDatabase>, clock: Clock, name: string, box: SecretBox = new SecretBox(DEV_SECRETS_KEY), facilityId?: string,
): Promise<{ id: string; secret: string; facilityId: string }> {
  const clean = name.trim();
  if (!/^[\p{L}\p{N} ._-]{1,64}$/u.test(clean)) throw new Error('kiosk name: 1-64 letters, digits, space . _ -');
  // Enrolled into the facility named, or the server's only one (several: naming one is required).
  const facility = await resolveFacility(db, facilityId);
  const id = uuidv7(clock);
  const secret = randomToken(32);
  await db.insertInto('kiosks').values({ id, facility_id: facility.id, name: clean, signing_key: box.seal('kiosk-signing-key', deriveSigningKey(secret)), created_at: clock.now(), revoked_at: null }).execute();
  return { id, secret, facilityId: facility.id };
}

/** Returns false when no such (unrevoked) kiosk exists. */
export async function revokeKiosk(db: Kysely<ServerDatabase>, clock: Clock, id: string): Promise<boolean> {
  const res = await db.updateTable('kiosks').set({ revoked_at: clock.now() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export function listKiosks(db: Kysely<ServerDatabase>): Promise<Array<Pick<KioskRow, 'id' | 'name' | 'facility_id' | 'created_at' | 'revoked_at'>>> {
  return db.selectFrom('kiosks').select(['id', 'name', 'facility_id', 'created_at', 'revoked_at']).orderBy('created_at').execute();
}
