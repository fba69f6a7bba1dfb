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
import { Batcher } from '../util/batcher.js';

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

interface KioskKeyRow { signing_key: string; revoked_at: number | null; facility_id: string }

/**
 * Per database: the kiosk rows and the nonce inserts of requests arriving together, each as one
 * statement (the pulls an append woke come back at once: one lookup and one commit for all of
 * them instead of one each). A nonce twice in one batch is spent by the first only.
 */
interface AuthBatchers {
  kiosks: Batcher<string, KioskKeyRow | null>;
  nonces: Batcher<string, boolean>;
  expires: Map<string, number>;
}
const batchers = new WeakMap<object, AuthBatchers>();
const NONCE_SEP = '\u0000';

function batchersOf(db: Kysely<ServerDatabase>): AuthBatchers {
  let b = batchers.get(db);
  if (b) return b;
  const expires = new Map<string, number>();
  b = {
    expires,
    kiosks: new Batcher(async (ids) => {
      const rows = await db.selectFrom('kiosks').select(['id', 'signing_key', 'revoked_at', 'facility_id']).where('id', 'in', ids).execute();
      return new Map(rows.map((r) => [r.id, { signing_key: r.signing_key, revoked_at: r.revoked_at, facility_id: r.facility_id }]));
    }, null),
    nonces: new Batcher(async (keys) => {
      const values = keys.map((k) => {
        const [kiosk_id, nonce] = k.split(NONCE_SEP) as [string, string];
        const expires_at = expires.get(k)!;
        expires.delete(k);
        return { kiosk_id, nonce, expires_at };
      });
      const fresh = await db.insertInto('kiosk_nonces').values(values)
        .onConflict((oc) => oc.columns(['kiosk_id', 'nonce']).doNothing())
        .returning(['kiosk_id', 'nonce'])
        .execute();
      return new Map(fresh.map((r) => [`${r.kiosk_id}${NONCE_SEP}${r.nonce}`, true]));
    }, false),
  };
  batchers.set(db, b);
  return b;
}

/** Spends `nonce` for `kioskId`: false when it was already spent (or is being spent by a request in this batch). */
async function spendNonce(db: Kysely<ServerDatabase>, kioskId: string, nonce: string, expiresAt: number): Promise<boolean> {
  const b = batchersOf(db);
  const key = `${kioskId}${NONCE_SEP}${nonce}`;
  if (b.expires.has(key)) return false; // the same request id twice in one batch: the first spends it
  b.expires.set(key, expiresAt);
  return b.nonces.get(key);
}

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
  const kiosk = await batchersOf(db).kiosks.get(kioskId);
  if (!kiosk || kiosk.revoked_at !== null) throw new AppError('UNAUTHENTICATED', 'Kiosk is not enrolled or was revoked.');
  const key = w.openKey ? w.openKey(kiosk.signing_key) : kiosk.signing_key;
  const expected = kioskSignatureWithNonce(key, req.method, req.path, timestamp, nonce, req.rawBody);
  if (!safeEqual(expected, signature)) throw new AppError('UNAUTHENTICATED', 'Kiosk signature does not match.');
  // Only a correctly signed request spends its nonce (a stranger cannot use up a kiosk's ids).
  const fresh = await spendNonce(db, kioskId, nonce, ts + w.pastSeconds * 1000);
  if (!fresh) throw new AppError('UNAUTHENTICATED', 'This kiosk request was already received (replayed request id).', { reason: 'REPLAY' });
  if (now - (lastPrune.get(db) ?? 0) > PRUNE_EVERY_MS) {
    lastPrune.set(db, now);
    await db.deleteFrom('kiosk_nonces').where('expires_at', '<', now).execute();
  }
  return { kioskId, facilityId: kiosk.facility_id };
}
