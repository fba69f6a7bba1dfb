/**
 * Verifies a signed kiosk request (src-shared/protocol/kiosk-signing.ts); any failure is
 * UNAUTHENTICATED and changes nothing. The request's timestamp must lie within the past window
 * (KIOSK_AUTH_WINDOW_SECONDS) and at most KIOSK_AUTH_FUTURE_SECONDS ahead; its nonce must be new
 * for this kiosk within that time (kiosk_nonces, in the database so a restart or a second server
 * instance does not forget it).
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ServerDatabase } from '../db/schema.js';
import type { Clock } from '../util/clock.js';
import { safeEqual } from '../util/hash.js';
import { KIOSK_NONCE_PATTERN, kioskSignatureWithNonce } from '../../src-shared/protocol/kiosk-signing.js';

export interface SignedRequest {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Uint8Array;
}

export interface KioskAuthWindow {
  /** How old a request may be. */
  pastSeconds: number;
  /** How far ahead of the server clock a request may be dated. */
  futureSeconds: number;
  /** Turns the stored signing key into the key itself (secrets at rest, src-server/util/secret-box.ts). */
  openKey?: (stored: string) => string;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Expired nonces are deleted at most this often per database (one DELETE on an indexed column). */
const PRUNE_EVERY_MS = 30_000;
const lastPrune = new WeakMap<object, number>();

/** The signed kiosk and the facility it is enrolled in. */
export interface KioskIdentity {
  kioskId: string;
  facilityId: string;
}

export async function authenticateKiosk(db: Kysely<ServerDatabase>, clock: Clock, window: number | KioskAuthWindow, req: SignedRequest): Promise<string> {
  return (await authenticateKioskIdentity(db, clock, window, req)).kioskId;
}

export async function authenticateKioskIdentity(db: Kysely<ServerDatabase>, clock: Clock, window: number | KioskAuthWindow, req: SignedRequest): Promise<KioskIdentity> {
  const w: KioskAuthWindow = typeof window === 'number' ? { pastSeconds: window, futureSeconds: 30 } : window;
  const kioskId = one(req.headers['x-kiosk-id']);
  const timestamp = one(req.headers['x-kiosk-timestamp']);
  const signature = one(req.headers['x-kiosk-signature']);
  const nonce = one(req.headers['x-kiosk-nonce']);
  if (!kioskId || !timestamp || !signature || kioskId.length > 64 || !/^\d{1,16}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) {
    throw new AppError('UNAUTHENTICATED', 'Kiosk credentials missing or malformed.');
  }
  if (!nonce || !KIOSK_NONCE_PATTERN.test(nonce)) {
    throw new AppError('UNAUTHENTICATED', 'Kiosk request id (x-kiosk-nonce) missing or malformed.', { reason: 'NONCE_REQUIRED' });
  }
  const now = clock.now();
  const ts = Number(timestamp);
  if (now - ts > w.pastSeconds * 1000 || ts - now > w.futureSeconds * 1000) {
    // The kiosk re-measures its clock offset and retries on this reason (src-main/online/signed-client.ts).
    throw new AppError('UNAUTHENTICATED', 'Kiosk clock is too far from the server clock.', { reason: 'CLOCK_SKEW' });
  }
  const kiosk = await db.selectFrom('kiosks').select(['signing_key', 'revoked_at', 'facility_id']).where('id', '=', kioskId).executeTakeFirst();
  if (!kiosk || kiosk.revoked_at !== null) throw new AppError('UNAUTHENTICATED', 'Kiosk is not enrolled or was revoked.');
  const key = w.openKey ? w.openKey(kiosk.signing_key) : kiosk.signing_key;
  const expected = kioskSignatureWithNonce(key, req.method, req.path, timestamp, nonce, req.rawBody);
  if (!safeEqual(expected, signature)) throw new AppError('UNAUTHENTICATED', 'Kiosk signature does not match.');
  // Only a correctly signed request spends its nonce (a stranger cannot use up a kiosk's ids).
  const fresh = await db.insertInto('kiosk_nonces')
    .values({ kiosk_id: kioskId, nonce, expires_at: ts + w.pastSeconds * 1000 })
    .onConflict((oc) => oc.columns(['kiosk_id', 'nonce']).doNothing())
    .returning('nonce')
    .executeTakeFirst();
  if (!fresh) throw new AppError('UNAUTHENTICATED', 'This kiosk request was already received (replayed request id).', { reason: 'REPLAY' });
  if (now - (lastPrune.get(db) ?? 0) > PRUNE_EVERY_MS) {
    lastPrune.set(db, now);
    await db.deleteFrom('kiosk_nonces').where('expires_at', '<', now).execute();
  }
  return { kioskId, facilityId: kiosk.facility_id };
}
