/** Verifies a signed kiosk request (src-shared/protocol/kiosk-signing.ts); any failure is UNAUTHENTICATED and changes nothing. */
import type { Kysely } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ServerDatabase } from '../db/schema.js';
import type { Clock } from '../util/clock.js';
import { safeEqual } from '../util/hash.js';
import { kioskSignature } from '../../src-shared/protocol/kiosk-signing.js';

export interface SignedRequest {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Uint8Array;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export async function authenticateKiosk(db: Kysely<ServerDatabase>, clock: Clock, windowSeconds: number, req: SignedRequest): Promise<string> {
  const kioskId = one(req.headers['x-kiosk-id']);
  const timestamp = one(req.headers['x-kiosk-timestamp']);
  const signature = one(req.headers['x-kiosk-signature']);
  if (!kioskId || !timestamp || !signature || kioskId.length > 64 || !/^\d{1,16}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) {
    throw new AppError('UNAUTHENTICATED', 'Kiosk credentials missing or malformed.');
  }
  if (Math.abs(clock.now() - Number(timestamp)) > windowSeconds * 1000) {
    // The kiosk re-measures its clock offset and retries on this reason (src-main/online/signed-client.ts).
    throw new AppError('UNAUTHENTICATED', 'Kiosk clock is too far from the server clock.', { reason: 'CLOCK_SKEW' });
  }
  const kiosk = await db.selectFrom('kiosks').select(['signing_key', 'revoked_at']).where('id', '=', kioskId).executeTakeFirst();
  if (!kiosk || kiosk.revoked_at !== null) throw new AppError('UNAUTHENTICATED', 'Kiosk is not enrolled or was revoked.');
  const expected = kioskSignature(kiosk.signing_key, req.method, req.path, timestamp, req.rawBody);
  if (!safeEqual(expected, signature)) throw new AppError('UNAUTHENTICATED', 'Kiosk signature does not match.');
  return kioskId;
}
