/**
 * Merchants' API credentials (docs/validations.md "Pre-validation by a merchant"): an admin issues
 * one for a merchant the facility's gates have published; the token `pgm.<id>.<secret>` is shown
 * once and only the SHA-256 of its secret is kept. A revoked credential is refused from then on.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { MerchantSnap } from '../../src-shared/contracts/validations.js';
import type { ServerDatabase } from '../db/schema.js';
import { resolveFacility } from '../facilities/facilities.js';
import type { SyncDatabase } from '../sync/schema.js';
import type { Clock } from '../util/clock.js';
import { safeEqual, sha256Hex } from '../util/hash.js';
import { randomToken, uuidv7 } from '../util/ids.js';

type Db = Kysely<ServerDatabase & SyncDatabase>;
/** The server's database as routes and the CLI hold it (the sync tables are in it too). */
type AnyDb = Kysely<ServerDatabase> | Db | Kysely<SyncDatabase>;
const full = (db: AnyDb): Db => db as unknown as Db;

const TOKEN_RE = /^pgm\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export interface MerchantCredentialView {
  id: string;
  facilityId: string;
  merchantId: string;
  merchantName: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The credential a request proved (the merchant it acts for, in its facility). */
export interface MerchantIdentity { credentialId: string; facilityId: string; merchantId: string }

/** A merchant as the facility's gates published it (sync_entities), or null. */
export async function publishedMerchant(anyDb: AnyDb, facilityId: string, merchantId: string): Promise<MerchantSnap | null> {
  const row = await full(anyDb).selectFrom('sync_entities').select('data').where('entity_type', '=', 'merchant').where('entity_id', '=', merchantId)
    .where('facility_id', '=', facilityId).executeTakeFirst();
  return row ? (JSON.parse(row.data) as MerchantSnap) : null;
}

/** The merchants the facility's gates published, by name. */
export async function publishedMerchants(anyDb: AnyDb, facilityId: string): Promise<MerchantSnap[]> {
  const rows = await full(anyDb).selectFrom('sync_entities').select('data').where('entity_type', '=', 'merchant').where('facility_id', '=', facilityId).execute();
  return rows.map((r) => JSON.parse(r.data) as MerchantSnap).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function issueMerchantCredential(
  anyDb: AnyDb, clock: Clock, input: { merchantId: string; label: string; facilityId?: string | undefined },
): Promise<{ credential: MerchantCredentialView; token: string }> {
  const db = full(anyDb);
  const facility = await resolveFacility(anyDb as Kysely<ServerDatabase>, input.facilityId);
  const merchant = await publishedMerchant(db, facility.id, input.merchantId);
  if (!merchant) {
    throw new AppError('NOT_FOUND', 'No such merchant in this facility: create it at a gate (merchants.create) and let the gate sync first.', { reason: 'UNKNOWN_MERCHANT' });
  }
  const label = input.label.trim();
  if (!/^[\p{L}\p{N} ._#:-]{1,64}$/u.test(label)) throw new AppError('VALIDATION_FAILED', 'Label: 1-64 letters, digits, space . _ # : -', { field: 'label' });
  const id = uuidv7(clock);
  const secret = randomToken(32);
  const now = clock.now();
  await db.insertInto('merchant_credentials').values({
    id, facility_id: facility.id, merchant_id: merchant.id, label, token_hash: sha256Hex(secret), created_at: now, revoked_at: null, last_used_at: null,
  }).execute();
  return { credential: (await listMerchantCredentials(db, { id }))[0]!, token: `pgm.${id}.${secret}` };
}

/** Returns false when there is no such unrevoked credential. */
export async function revokeMerchantCredential(anyDb: AnyDb, clock: Clock, id: string): Promise<boolean> {
  const res = await full(anyDb).updateTable('merchant_credentials').set({ revoked_at: clock.now() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function listMerchantCredentials(anyDb: AnyDb, filter: { facilityId?: string | undefined; id?: string }): Promise<MerchantCredentialView[]> {
  const db = full(anyDb);
  let q = db.selectFrom('merchant_credentials').selectAll().orderBy('created_at').orderBy('id');
  if (filter.facilityId !== undefined) q = q.where('facility_id', '=', filter.facilityId);
  if (filter.id !== undefined) q = q.where('id', '=', filter.id);
  const rows = await q.execute();
  const out: MerchantCredentialView[] = [];
  const iso = (v: number | string | null) => (v === null ? null : new Date(Number(v)).toISOString());
  for (const r of rows) {
    const m = await publishedMerchant(db, r.facility_id, r.merchant_id);
    out.push({
      id: r.id, facilityId: r.facility_id, merchantId: r.merchant_id, merchantName: m?.name ?? '', label: r.label,
      createdAt: iso(r.created_at)!, revokedAt: iso(r.revoked_at), lastUsedAt: iso(r.last_used_at),
    });
  }
  return out;
}

/** `Authorization: Bearer pgm.<id>.<secret>` -> the credential; UNAUTHENTICATED for anything else (one message: no oracle). */
export async function authenticateMerchant(anyDb: AnyDb, clock: Clock, authorization: string | undefined): Promise<MerchantIdentity> {
  const db = full(anyDb);
  const refuse = () => new AppError('UNAUTHENTICATED', 'A merchant call needs Authorization: Bearer <merchant token> (issued by the facility admin).');
  const token = /^Bearer (\S{1,200})$/.exec(authorization ?? '')?.[1];
  const m = token ? TOKEN_RE.exec(token) : null;
  if (!m) throw refuse();
  const row = await db.selectFrom('merchant_credentials').selectAll().where('id', '=', m[1]!).executeTakeFirst();
  if (!row || row.revoked_at !== null || !safeEqual(sha256Hex(m[2]!), row.token_hash)) throw refuse();
  await db.updateTable('merchant_credentials').set({ last_used_at: clock.now() }).where('id', '=', row.id).execute();
  return { credentialId: row.id, facilityId: row.facility_id, merchantId: row.merchant_id };
}
