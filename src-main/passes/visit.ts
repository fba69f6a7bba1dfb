/**
 * A pass visit inside the exit flow: where its tariff starts (the split of the stay) and the
 * exit movement when the session completes, however it completes (free, cash or UPI).
 */
import { splitStay } from '../../src-shared/domain/season-pass.js';
import { newId } from '../core/ids.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { getSettings } from '../services/settings.js';
import type { SessionRow } from '../store/schema.js';
import { recordMovement, toPass } from './records.js';

function passOfSession(ctx: ServiceContext, sessionId: string) {
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('pass_movements').innerJoin('season_passes', 'season_passes.id', 'pass_movements.pass_id')
    .selectAll('season_passes').where('pass_movements.session_id', '=', sessionId).where('pass_movements.direction', '=', 'ENTRY'));
}

/**
 * For a pass visit: the instant the tariff starts (now when the pass still covers the whole
 * stay: nothing is billed); null for a visit without a pass.
 */
export function passBilledFrom(ctx: ServiceContext, session: SessionRow, nowMs: number): number | null {
  if (session.entry_at === null) return null;
  const row = passOfSession(ctx, session.id);
  if (!row) return null;
  const split = splitStay(toPass(row), session.zone_id, session.entry_at, Math.max(nowMs, session.entry_at), getSettings(ctx).timeZone);
  return split.billedFromMs ?? Math.max(nowMs, session.entry_at);
}

/**
 * When a pass visit completes: its exit movement (once). Inside the completing transaction.
 * True when the session was a pass visit (the lane then names the pass as the exit's basis).
 */
export function recordPassExit(ctx: ServiceContext, actor: Actor | null, sessionId: string): boolean {
  const { q, db } = ctx.store;
  const row = passOfSession(ctx, sessionId);
  if (!row) return false;
  if (q.first(db.selectFrom('pass_movements').select('id').where('session_id', '=', sessionId).where('direction', '=', 'EXIT'))) return true;
  recordMovement(ctx, actor, { id: newId(ctx.clock), pass_id: row.id, direction: 'EXIT', session_id: sessionId, flag: null, operator_id: actor?.operatorId ?? null, kiosk_id: ctx.kioskId, at: ctx.clock.now() });
  return true;
}
