/** Parker accounts and opaque bearer tokens (only sha256 of a token is stored). */
import type { Kysely } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ServerDatabase } from '../db/schema.js';
import type { Clock } from '../util/clock.js';
import { sha256Hex } from '../util/hash.js';
import { randomToken, uuidv7 } from '../util/ids.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.js';

export interface ParkerSession {
  token: string;
  expiresAt: string;
  parker: { id: string; email: string };
}

export interface AccountDeps {
  db: Kysely<ServerDatabase>;
  clock: Clock;
  tokenTtlHours: number;
}

async function issueToken(deps: AccountDeps, parker: { id: string; email: string }): Promise<ParkerSession> {
  const token = randomToken(32);
  const now = deps.clock.now();
  const expiresAt = now + deps.tokenTtlHours * 3600_000;
  await deps.db.insertInto('parker_tokens').values({ token_hash: sha256Hex(token), parker_id: parker.id, created_at: now, expires_at: expiresAt, revoked_at: null }).execute();
  return { token, expiresAt: new Date(expiresAt).toISOString(), parker };
}

export async function registerParker(deps: AccountDeps, email: string, password: string): Promise<ParkerSession> {
  const hash = await hashPassword(password);
  const id = uuidv7(deps.clock);
  const inserted = await deps.db
    .insertInto('parkers')
    .values({ id, email, password_hash: hash, created_at: deps.clock.now() })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) throw new AppError('CONFLICT', 'An account with this email already exists. Log in instead.');
  return issueToken(deps, { id, email });
}

export async function loginParker(deps: AccountDeps, email: string, password: string): Promise<ParkerSession> {
  const row = await deps.db.selectFrom('parkers').select(['id', 'email', 'password_hash']).where('email', '=', email).executeTakeFirst();
  const valid = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !valid) throw new AppError('UNAUTHENTICATED', 'Email or password is wrong.');
  return issueToken(deps, { id: row.id, email: row.email });
}

export async function authenticateParker(deps: AccountDeps, authorization: string | undefined): Promise<string> {
  const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization ?? '');
  if (!m) throw new AppError('UNAUTHENTICATED');
  const row = await deps.db
    .selectFrom('parker_tokens')
    .select(['parker_id', 'expires_at', 'revoked_at'])
    .where('token_hash', '=', sha256Hex(m[1]!))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || row.expires_at <= deps.clock.now()) throw new AppError('UNAUTHENTICATED');
  return row.parker_id;
}

export async function logoutParker(deps: AccountDeps, authorization: string | undefined): Promise<void> {
  const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization ?? '');
  if (!m) return;
  await deps.db.updateTable('parker_tokens').set({ revoked_at: deps.clock.now() }).where('token_hash', '=', sha256Hex(m[1]!)).where('revoked_at', 'is', null).execute();
}
