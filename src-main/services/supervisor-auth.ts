/**
 * A supervisor's username + PIN typed at the kiosk to authorise one action (a manual opening, a
 * lost-ticket exit above the limit, a refund), whoever is logged in. Wrong PINs count towards the
 * same lockout as logging in (pin-lockout.ts); an unknown name costs the same time as a known one.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import { roleAtLeast, type Role } from '../../src-shared/contracts/roles.js';
import { DUMMY_PIN_HASH, verifyPin } from '../core/pin-hash.js';
import type { ServiceContext } from './context.js';
import { afterWrongPin, failureDetails, isLocked, type LockState } from './pin-lockout.js';

export interface SupervisorCheck {
  /** Audit action of a refused PIN (e.g. `lane.manualOpenRefused`). */
  refusedAction: string;
  /** English message of a wrong name or PIN (what stays unchanged, e.g. "The barrier stays closed."). */
  wrongMessage: string;
  /** English message when the PIN is right but the operator is no supervisor. */
  roleMessage: string;
}

export function verifySupervisor(ctx: ServiceContext, username: string, pin: string, check: SupervisorCheck): { id: string; username: string } {
  const { q, db } = ctx.store;
  const op = q.first(db.selectFrom('operators').selectAll().where('username', '=', username.trim().toLowerCase()));
  const now = ctx.clock.now();
  const wrong = () => AppError.keyed('FORBIDDEN', 'supervisor.wrongPin', {}, check.wrongMessage);
  if (!op) {
    verifyPin(pin, DUMMY_PIN_HASH); // same time as a known name
    throw wrong();
  }
  const pinOk = verifyPin(pin, op.pin_hash);
  const refused = q.tx((): LockState | null => {
    const fresh = q.first(db.selectFrom('operators').selectAll().where('id', '=', op.id))!;
    const state: LockState = { failedAttempts: fresh.failed_attempts, lockouts: fresh.lockouts, lockedUntil: fresh.locked_until, needsUnlock: fresh.needs_unlock === 1 };
    if (isLocked(state, now)) return state;
    if (pinOk) return null;
    const after = afterWrongPin(state, now);
    q.run(db.updateTable('operators').set({
      failed_attempts: after.failedAttempts, lockouts: after.lockouts, locked_until: after.lockedUntil, needs_unlock: after.needsUnlock ? 1 : 0, updated_at: now,
    }).where('id', '=', op.id));
    ctx.audit.append({ operatorId: op.id, action: check.refusedAction, entityType: 'operator', entityId: op.id, details: { failed: after.failedAttempts, lockouts: after.lockouts } });
    return after;
  });
  if (refused) {
    if (isLocked(refused, now)) {
      throw AppError.keyed('RATE_LIMITED', 'supervisor.locked', {}, 'Too many wrong PINs for this supervisor. Try again later.', failureDetails(refused, now));
    }
    throw wrong();
  }
  if (op.is_active !== 1 || !roleAtLeast(op.role as Role, 'SUPERVISOR')) {
    throw AppError.keyed('FORBIDDEN', 'supervisor.notSupervisor', {}, check.roleMessage);
  }
  return { id: op.id, username: op.username };
}
