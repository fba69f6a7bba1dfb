/**
 * Manual opening: a supervisor's username + PIN (checked here, whoever is logged in at the
 * kiosk), a reason code from the lane's list (free text required for OTHER) and the kiosk
 * camera's still frame. Recorded as an opening with cause MANUAL, audited as `gate.manualOpen`
 * (the daily report lists those), synced as `lane.manualOpened`, linked to the open cash shift
 * (the Z report lists it).
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import { OTHER_REASON, type LaneOpening } from '../../src-shared/contracts/lane.js';
import { roleAtLeast, type Role } from '../../src-shared/contracts/roles.js';
import { newId } from '../core/ids.js';
import { DUMMY_PIN_HASH, verifyPin } from '../core/pin-hash.js';
import { afterWrongPin, failureDetails, isLocked, type LockState } from '../services/pin-lockout.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { openingRow, openingSnapshot, toOpenings } from './openings.js';

export interface ManualOpenInput {
  supervisorUsername: string;
  supervisorPin: string;
  reasonCode: string;
  reasonText?: string | undefined;
  snapshot?: string | undefined;
}

const JPEG_DATA_URL = /^data:image\/jpeg;base64,([A-Za-z0-9+/]+={0,2})$/;

/** A JPEG data URL whose bytes really start like a JPEG (FF D8 FF); anything else is refused, not stored. */
export function checkSnapshot(snapshot: string): void {
  const m = JPEG_DATA_URL.exec(snapshot);
  const bytes = m ? Buffer.from(m[1]!.slice(0, 8), 'base64') : null;
  if (!bytes || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) {
    throw new AppError('VALIDATION_FAILED', 'The camera still must be a JPEG image (data:image/jpeg;base64,...).');
  }
}

const WRONG = 'Wrong supervisor username or PIN. The barrier stays closed.';

/** Checks the supervisor's credentials; wrong PINs count towards the same lockout as logging in (pin-lockout.ts). */
function verifySupervisor(ctx: ServiceContext, username: string, pin: string): { id: string; username: string } {
  const { q, db } = ctx.store;
  const op = q.first(db.selectFrom('operators').selectAll().where('username', '=', username.trim().toLowerCase()));
  const now = ctx.clock.now();
  if (!op) {
    verifyPin(pin, DUMMY_PIN_HASH); // same time as a known name
    throw new AppError('FORBIDDEN', WRONG);
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
    ctx.audit.append({ operatorId: op.id, action: 'lane.manualOpenRefused', entityType: 'operator', entityId: op.id, details: { failed: after.failedAttempts, lockouts: after.lockouts } });
    return after;
  });
  if (refused) {
    if (isLocked(refused, now)) throw new AppError('RATE_LIMITED', 'Too many wrong PINs for this supervisor. Try again later.', failureDetails(refused, now));
    throw new AppError('FORBIDDEN', WRONG);
  }
  if (op.is_active !== 1 || !roleAtLeast(op.role as Role, 'SUPERVISOR')) {
    throw new AppError('FORBIDDEN', 'A manual opening needs a supervisor (or admin) PIN.');
  }
  return { id: op.id, username: op.username };
}

export function manualOpen(ctx: ServiceContext, actor: Actor, input: ManualOpenInput): LaneOpening {
  if (!ctx.lane.configured()) throw new AppError('CONFLICT', 'No barrier is configured at this lane. An admin sets it up under Admin > Lane devices.');
  const config = ctx.lane.currentConfig();
  const code = input.reasonCode.trim().toUpperCase();
  if (!config.manualReasons.includes(code)) {
    throw new AppError('VALIDATION_FAILED', `Pick a reason from the list (${config.manualReasons.join(', ')}).`, { allowed: config.manualReasons });
  }
  const text = input.reasonText?.trim() || null;
  if (code === OTHER_REASON && (!text || text.length < 3)) throw new AppError('VALIDATION_FAILED', 'For "Other", write the reason (3 characters or more).');
  if (input.snapshot) checkSnapshot(input.snapshot);
  const supervisor = verifySupervisor(ctx, input.supervisorUsername, input.supervisorPin);
  const openingId = ctx.store.q.tx(() => {
    const id = newId(ctx.clock);
    ctx.lane.manualOpeningGiven({
      cause: { kind: 'MANUAL', openingId: id },
      operatorId: actor.operatorId,
      manual: { supervisorId: supervisor.id, reasonCode: code, reasonText: text, snapshot: input.snapshot ?? null },
    });
    ctx.audit.append({
      operatorId: actor.operatorId, action: 'gate.manualOpen', entityType: 'lane', entityId: id,
      details: { reason: text ? `${code}: ${text}` : code, reasonCode: code, reasonText: text, supervisor: supervisor.username, snapshot: Boolean(input.snapshot) },
    });
    const row = openingRow(ctx, id)!;
    ctx.outbox.append('lane.manualOpened', id, { opening: openingSnapshot(row), snapshot: row.snapshot });
    return id;
  });
  return toOpenings(ctx, [openingRow(ctx, openingId)!])[0]!;
}

/** The still frame of an opening, for a supervisor's review. */
export function openingSnapshotImage(ctx: ServiceContext, openingId: string): { openingId: string; dataUrl: string } {
  const row = openingRow(ctx, openingId);
  if (!row) throw new AppError('NOT_FOUND', 'No such opening.');
  if (!row.snapshot) throw new AppError('NOT_FOUND', 'This opening has no camera still.');
  return { openingId, dataUrl: row.snapshot };
}
