/** Operator accounts (ADMIN only). The last active admin cannot be removed or demoted. */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Operator } from '../../src-shared/contracts/entities.js';
import type { Role } from '../../src-shared/contracts/roles.js';
import { newId } from '../core/ids.js';
import { hashPin } from '../core/pin-hash.js';
import type { OperatorRow } from '../store/schema.js';
import type { Actor, ServiceContext } from './context.js';

/** `now` adds the PIN-lock state (operators.list); without it the lock is left out. */
export function toOperator(r: OperatorRow, now?: number): Operator {
  const base: Operator = { id: r.id, username: r.username, name: r.name, role: r.role as Role, isActive: r.is_active === 1 };
  if (now === undefined) return base;
  const needsUnlock = r.needs_unlock === 1;
  const timed = r.locked_until !== null && r.locked_until > now;
  return {
    ...base,
    locked: needsUnlock || timed,
    lockedUntil: timed && !needsUnlock ? new Date(r.locked_until!).toISOString() : null,
    needsUnlock,
    failedAttempts: r.failed_attempts,
  };
}

function recordOperatorChange(ctx: ServiceContext, actor: Actor | null, action: 'operator.created' | 'operator.updated', id: string, details: Record<string, unknown>): void {
  const { q, db } = ctx.store;
  ctx.audit.append({ operatorId: actor?.operatorId ?? null, action, entityType: 'operator', entityId: id, details });
  // Other gates need the hashed PIN so an operator can log in anywhere in the facility.
  const row = q.first(db.selectFrom('operators').select(['id', 'username', 'name', 'role', 'pin_hash', 'is_active']).where('id', '=', id));
  ctx.outbox.append(action, id, { operator: row });
}

export function listOperators(ctx: ServiceContext): Operator[] {
  const { q, db } = ctx.store;
  const now = ctx.clock.now();
  return q.all(db.selectFrom('operators').selectAll().orderBy('username')).map((r) => toOperator(r, now));
}

/** Names for the login tiles: active operators only, by name; nothing that helps guess a PIN. */
export function loginTiles(ctx: ServiceContext): { operators: { username: string; name: string }[] } {
  const { q, db } = ctx.store;
  const rows = q.all(db.selectFrom('operators').select(['username', 'name']).where('is_active', '=', 1).orderBy('name').orderBy('username').limit(60));
  return { operators: rows.map((r) => ({ username: r.username, name: r.name })) };
}

export function operatorCount(ctx: ServiceContext): number {
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('operators').select((eb) => eb.fn.countAll<number>().as('n')))?.n ?? 0;
}

export function createOperator(
  ctx: ServiceContext, actor: Actor | null, input: { username: string; name: string; role: Role; pin: string },
): Operator {
  const { q, db } = ctx.store;
  const pinHash = hashPin(input.pin); // slow on purpose: done before the write lock is taken
  const id = q.tx(() => {
    const clash = q.first(db.selectFrom('operators').select('id').where('username', '=', input.username));
    if (clash) throw new AppError('CONFLICT', `The username ${input.username} is taken.`);
    // Failures counted while the name was unknown do not follow it into a new account.
    q.run(db.deleteFrom('login_throttle').where('username', '=', input.username));
    const now = ctx.clock.now();
    const operatorId = newId(ctx.clock);
    q.run(db.insertInto('operators').values({
      id: operatorId, username: input.username, name: input.name, role: input.role, pin_hash: pinHash,
      locked_until: null, created_at: now, updated_at: now,
    }));
    recordOperatorChange(ctx, actor, 'operator.created', operatorId, { username: input.username, role: input.role });
    return operatorId;
  });
  return toOperator(q.first(db.selectFrom('operators').selectAll().where('id', '=', id))!);
}

export function updateOperator(
  ctx: ServiceContext, actor: Actor,
  input: { operatorId: string; name?: string | undefined; role?: Role | undefined; pin?: string | undefined; isActive?: boolean | undefined },
): Operator {
  const { q, db } = ctx.store;
  const pinHash = input.pin ? hashPin(input.pin) : undefined;
  q.tx(() => {
    const op = q.first(db.selectFrom('operators').selectAll().where('id', '=', input.operatorId));
    if (!op) throw new AppError('NOT_FOUND', 'No such operator.');
    const losesAdmin = op.role === 'ADMIN' && op.is_active === 1 && ((input.role && input.role !== 'ADMIN') || input.isActive === false);
    if (losesAdmin) {
      const admins = q.first(db.selectFrom('operators').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'ADMIN').where('is_active', '=', 1))?.n ?? 0;
      if (admins <= 1) throw new AppError('CONFLICT', 'This is the last active admin. Create another admin first.');
    }
    q.run(db.updateTable('operators').set({
      name: input.name ?? op.name,
      role: input.role ?? op.role,
      pin_hash: pinHash ?? op.pin_hash,
      is_active: input.isActive === undefined ? op.is_active : input.isActive ? 1 : 0,
      failed_attempts: pinHash ? 0 : op.failed_attempts,
      locked_until: pinHash ? null : op.locked_until,
      lockouts: pinHash ? 0 : op.lockouts,
      needs_unlock: pinHash ? 0 : op.needs_unlock,
      updated_at: ctx.clock.now(),
    }).where('id', '=', op.id));
    if (input.isActive === false || input.role || pinHash) {
      q.run(db.deleteFrom('auth_tokens').where('operator_id', '=', op.id));
    }
    const { pin: _pin, ...safe } = input;
    recordOperatorChange(ctx, actor, 'operator.updated', op.id, { ...safe, pinChanged: Boolean(pinHash) });
  });
  return toOperator(q.first(db.selectFrom('operators').selectAll().where('id', '=', input.operatorId))!);
}

/**
 * Clears a PIN lock (timed or "until a supervisor unlocks") with a reason, audited. A supervisor
 * may unlock anyone but an admin (an admin account can change every setting, so only another admin
 * vouches for it) and never themselves; an admin may unlock anyone but themselves.
 */
export function unlockOperator(ctx: ServiceContext, actor: Actor, input: { operatorId: string; reason: string }): Operator {
  const { q, db } = ctx.store;
  const now = ctx.clock.now();
  q.tx(() => {
    const op = q.first(db.selectFrom('operators').selectAll().where('id', '=', input.operatorId));
    if (!op) throw new AppError('NOT_FOUND', 'No such operator.');
    if (op.id === actor.operatorId) throw new AppError('FORBIDDEN', 'Another supervisor must unlock your account.');
    if (op.role === 'ADMIN' && actor.role !== 'ADMIN') throw new AppError('FORBIDDEN', 'Only an admin can unlock an admin.');
    const locked = op.needs_unlock === 1 || (op.locked_until !== null && op.locked_until > now);
    if (!locked) throw new AppError('CONFLICT', `${op.name} is not locked.`);
    q.run(db.updateTable('operators').set({ failed_attempts: 0, lockouts: 0, locked_until: null, needs_unlock: 0, updated_at: now }).where('id', '=', op.id));
    ctx.audit.append({
      operatorId: actor.operatorId, action: 'operator.unlocked', entityType: 'operator', entityId: op.id,
      details: { reason: input.reason, lockouts: op.lockouts, untilSupervisor: op.needs_unlock === 1, lockedUntil: op.locked_until },
    });
  });
  return toOperator(q.first(db.selectFrom('operators').selectAll().where('id', '=', input.operatorId))!, now);
}
