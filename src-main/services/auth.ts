/** Operator log-in with username + PIN, opaque expiring tokens, escalating lockouts (pin-lockout.ts). */
import type { LoginResult } from '../../src-shared/contracts/api.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Role } from '../../src-shared/contracts/roles.js';
import { newToken, sha256Hex } from '../core/ids.js';
import { DUMMY_PIN_HASH, verifyPin } from '../core/pin-hash.js';
import type { Actor, ServiceContext } from './context.js';
import { createOperator, operatorCount } from './operators.js';
import { afterWrongPin, CLEAR_LOCK, failureDetails, isLocked, MAX_FAILED_PINS, type LockState } from './pin-lockout.js';

export { MAX_FAILED_PINS } from './pin-lockout.js';
export const TOKEN_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * The one answer to a failed log-in, whether the name is unknown, the PIN is wrong or the name is
 * locked: same code, same message; only `details` (tries left, or the lock) differ, and those come
 * from counters kept for unknown names too. A locked operator learns of the lock from `details`
 * even with the right PIN, so a lock is no oracle for guessing the PIN.
 */
export const WRONG_LOGIN = 'Wrong username or PIN.';

function issueToken(ctx: ServiceContext, operatorId: string): { token: string; expiresAt: number } {
  const { q, db } = ctx.store;
  const token = newToken();
  const now = ctx.clock.now();
  const expiresAt = now + TOKEN_TTL_MS;
  q.run(db.deleteFrom('auth_tokens').where('expires_at', '<', now));
  q.run(db.insertInto('auth_tokens').values({ token_hash: sha256Hex(token), operator_id: operatorId, created_at: now, expires_at: expiresAt }));
  return { token, expiresAt };
}

function lockStateOf(r: { failed_attempts: number; lockouts: number; locked_until: number | null; needs_unlock: number }): LockState {
  return { failedAttempts: r.failed_attempts, lockouts: r.lockouts, lockedUntil: r.locked_until, needsUnlock: r.needs_unlock === 1 };
}

const lockColumns = (s: LockState) => ({
  failed_attempts: s.failedAttempts, lockouts: s.lockouts, locked_until: s.lockedUntil, needs_unlock: s.needsUnlock ? 1 : 0,
});

const failed = (s: LockState, now: number) => new AppError('UNAUTHENTICATED', WRONG_LOGIN, failureDetails(s, now));

/** An unknown name: scrypt against a dummy hash (same time), counters in login_throttle (same answers). */
function loginUnknown(ctx: ServiceContext, username: string, pin: string, now: number): never {
  const { q, db } = ctx.store;
  verifyPin(pin, DUMMY_PIN_HASH);
  const next = q.tx(() => {
    const row = q.first(db.selectFrom('login_throttle').selectAll().where('username', '=', username));
    const state = row ? lockStateOf(row) : CLEAR_LOCK;
    if (isLocked(state, now)) return state;
    const after = afterWrongPin(state, now);
    q.run(db.insertInto('login_throttle').values({ username, ...lockColumns(after), updated_at: now })
      .onConflict((oc) => oc.column('username').doUpdateSet({ ...lockColumns(after), updated_at: now })));
    return after;
  });
  throw failed(next, now);
}

export function login(ctx: ServiceContext, username: string, pin: string): LoginResult {
  const { q, db } = ctx.store;
  const op = q.first(db.selectFrom('operators').selectAll().where('username', '=', username));
  const now = ctx.clock.now();
  if (!op) return loginUnknown(ctx, username, pin, now);
  const pinOk = verifyPin(pin, op.pin_hash);
  // The failed-attempt count must commit, so the transaction returns the outcome instead of throwing.
  const outcome = q.tx((): LoginResult | { refused: LockState } | 'inactive' => {
    const fresh = q.first(db.selectFrom('operators').selectAll().where('id', '=', op.id))!;
    const state = lockStateOf(fresh);
    if (isLocked(state, now)) return { refused: state };
    if (!pinOk) {
      const after = afterWrongPin(state, now);
      q.run(db.updateTable('operators').set({ ...lockColumns(after), updated_at: now }).where('id', '=', op.id));
      const lockedNow = after.lockouts > state.lockouts;
      // A lock only a supervisor lifts means someone is guessing: the name's open log-ins (and
      // their event streams) end too. Timed locks leave a working cashier signed in, so a stranger
      // typing wrong PINs cannot throw them out of a busy lane.
      if (after.needsUnlock) q.run(db.deleteFrom('auth_tokens').where('operator_id', '=', op.id));
      ctx.audit.append({
        operatorId: op.id, action: lockedNow ? 'auth.locked' : 'auth.failed', entityType: 'operator', entityId: op.id,
        details: { failed: lockedNow ? MAX_FAILED_PINS : after.failedAttempts, lockouts: after.lockouts, untilSupervisor: after.needsUnlock },
      });
      return { refused: after };
    }
    if (fresh.is_active !== 1) return 'inactive';
    q.run(db.updateTable('operators').set(lockColumns(CLEAR_LOCK)).where('id', '=', op.id));
    const { token, expiresAt } = issueToken(ctx, op.id);
    ctx.audit.append({ operatorId: op.id, action: 'auth.login', entityType: 'operator', entityId: op.id });
    return {
      token,
      expiresAt: new Date(expiresAt).toISOString(),
      operator: { id: op.id, username: op.username, name: op.name, role: op.role as Role },
    };
  });
  if (outcome === 'inactive') throw new AppError('FORBIDDEN', 'This account is disabled. Ask an admin.');
  if ('refused' in outcome) throw failed(outcome.refused, now);
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
