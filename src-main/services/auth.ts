/** Operator log-in with username + PIN, opaque expiring tokens, lockout after repeated failures. */
import type { LoginResult } from '../../src-shared/contracts/api.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Role } from '../../src-shared/contracts/roles.js';
import { newToken, sha256Hex } from '../core/ids.js';
import { verifyPin } from '../core/pin-hash.js';
import type { Actor, ServiceContext } from './context.js';
import { createOperator, operatorCount } from './operators.js';

export const MAX_FAILED_PINS = 5;
export const LOCKOUT_MS = 5 * 60 * 1000;
export const TOKEN_TTL_MS = 12 * 60 * 60 * 1000;

const WRONG = 'Wrong username or PIN.';

function issueToken(ctx: ServiceContext, operatorId: string): { token: string; expiresAt: number } {
  const { q, db } = ctx.store;
  const token = newToken();
  const now = ctx.clock.now();
  const expiresAt = now + TOKEN_TTL_MS;
  q.run(db.deleteFrom('auth_tokens').where('expires_at', '<', now));
  q.run(db.insertInto('auth_tokens').values({ token_hash: sha256Hex(token), operator_id: operatorId, created_at: now, expires_at: expiresAt }));
  return { token, expiresAt };
}

export function login(ctx: ServiceContext, username: string, pin: string): LoginResult {
  const { q, db } = ctx.store;
  const op = q.first(db.selectFrom('operators').selectAll().where('username', '=', username));
  const now = ctx.clock.now();
  if (op && op.locked_until !== null && op.locked_until > now) {
    const minutes = Math.ceil((op.locked_until - now) / 60000);
    throw new AppError('RATE_LIMITED', `Too many wrong PINs. Try again in ${minutes} minute${minutes === 1 ? '' : 's'} or ask a supervisor.`, {
      lockedUntil: new Date(op.locked_until).toISOString(),
    });
  }
  const pinOk = op ? verifyPin(pin, op.pin_hash) : false;
  if (!op) throw new AppError('UNAUTHENTICATED', WRONG);
  // The failed-attempt count must commit, so the transaction returns the outcome instead of throwing.
  const outcome = q.tx((): LoginResult | 'wrong' | 'inactive' => {
    if (!pinOk) {
      const failed = op.failed_attempts + 1;
      const locked = failed >= MAX_FAILED_PINS;
      q.run(db.updateTable('operators').set({
        failed_attempts: locked ? 0 : failed,
        locked_until: locked ? now + LOCKOUT_MS : null,
        updated_at: now,
      }).where('id', '=', op.id));
      ctx.audit.append({ operatorId: op.id, action: locked ? 'auth.locked' : 'auth.failed', entityType: 'operator', entityId: op.id, details: { failed } });
      return 'wrong';
    }
    if (op.is_active !== 1) return 'inactive';
    q.run(db.updateTable('operators').set({ failed_attempts: 0, locked_until: null }).where('id', '=', op.id));
    const { token, expiresAt } = issueToken(ctx, op.id);
    ctx.audit.append({ operatorId: op.id, action: 'auth.login', entityType: 'operator', entityId: op.id });
    return {
      token,
      expiresAt: new Date(expiresAt).toISOString(),
      operator: { id: op.id, username: op.username, name: op.name, role: op.role as Role },
    };
  });
  if (outcome === 'wrong') throw new AppError('UNAUTHENTICATED', WRONG);
  if (outcome === 'inactive') throw new AppError('FORBIDDEN', 'This account is disabled. Ask an admin.');
  return outcome;
}

/** Resolves a bearer token to the operator behind it, or throws UNAUTHENTICATED. */
export function authenticate(ctx: ServiceContext, token: string | null | undefined): Actor {
  if (!token || token.length > 200) throw new AppError('UNAUTHENTICATED');
  const { q, db } = ctx.store;
  const row = q.first(
    db.selectFrom('auth_tokens').innerJoin('operators', 'operators.id', 'auth_tokens.operator_id')
      .select(['operators.id', 'operators.username', 'operators.name', 'operators.role', 'operators.is_active', 'auth_tokens.expires_at'])
      .where('auth_tokens.token_hash', '=', sha256Hex(token)),
  );
  if (!row || row.is_active !== 1 || row.expires_at <= ctx.clock.now()) {
    throw new AppError('UNAUTHENTICATED', 'Your log-in has expired. Please log in again.');
  }
  return { operatorId: row.id, username: row.username, name: row.name, role: row.role as Role };
}

export function logout(ctx: ServiceContext, token: string): void {
  const { q, db } = ctx.store;
  q.run(db.deleteFrom('auth_tokens').where('token_hash', '=', sha256Hex(token)));
}

/** First-run setup: creates the first admin, only while no operator exists. */
export function setupFirstAdmin(ctx: ServiceContext, input: { username: string; name: string; pin: string }): LoginResult {
  if (operatorCount(ctx) > 0) throw new AppError('FORBIDDEN', 'This kiosk is already set up. Log in instead.');
  createOperator(ctx, null, { ...input, role: 'ADMIN' });
  return login(ctx, input.username, input.pin);
}
