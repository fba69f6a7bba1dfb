/** Pass rows as domain and API values, a pass's presence (the replay of its movements), and the one way changes are recorded. */
import { sql } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PassView } from '../../src-shared/contracts/passes.js';
import { decideMovement, NEUTRAL_PRESENCE, type PassPresence, type SeasonPass } from '../../src-shared/domain/season-pass.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { iso } from '../services/views.js';
import type { PassMovementRow, SeasonPassRow } from '../store/schema-passes.js';

export function toPass(r: SeasonPassRow): SeasonPass {
  return {
    id: r.id, kind: r.kind, plates: JSON.parse(r.plates) as string[], cardId: r.card_id, zones: JSON.parse(r.zones) as string[],
    hours: r.hours ? (JSON.parse(r.hours) as SeasonPass['hours']) : null, validFromMs: r.valid_from, validUntilMs: r.valid_until,
    maxCars: r.max_cars, antiPassback: r.anti_passback,
  };
}

export function passRow(ctx: ServiceContext, passId: string): SeasonPassRow {
  const { q, db } = ctx.store;
  const r = q.first(db.selectFrom('season_passes').selectAll().where('id', '=', passId));
  if (!r) throw new AppError('NOT_FOUND', 'This pass is not known at this gate yet. Call a supervisor.', { reason: 'UNKNOWN_PASS' });
  return r;
}

/**
 * Presence as this gate knows it: the movements of every gate since the pass's last reset, in
 * time order (same millisecond: as stored here), each applied as it happened (a movement another gate let through counts even when
 * this gate would have refused it).
 */
export function presenceOf(ctx: ServiceContext, pass: SeasonPassRow): PassPresence {
  const { q, db } = ctx.store;
  // Same-millisecond movements in the order this gate stored them (ids of one millisecond are random).
  const moves = q.all(db.selectFrom('pass_movements').selectAll().where('pass_id', '=', pass.id).orderBy('at').orderBy(sql`rowid`));
  return replay(moves, pass.max_cars);
}

export function replay(moves: readonly Pick<PassMovementRow, 'direction'>[], maxCars: number): PassPresence {
  let p: PassPresence = NEUTRAL_PRESENCE;
  for (const m of moves) {
    if (m.direction === 'RESET') { p = NEUTRAL_PRESENCE; continue; }
    const d = decideMovement('SOFT', maxCars, p, m.direction);
    if (d.allow) p = d.next;
  }
  return p;
}

export function passView(ctx: ServiceContext, r: SeasonPassRow): PassView {
  const p = toPass(r);
  const presence = presenceOf(ctx, r);
  return {
    id: r.id, kind: r.kind, holderName: r.holder_name, plates: [...p.plates], cardId: r.card_id, zones: [...p.zones], hours: p.hours,
    validFrom: iso(r.valid_from)!, validUntil: iso(r.valid_until)!, maxCars: r.max_cars, antiPassback: r.anti_passback, pricePaise: r.price_paise,
    reserved: JSON.parse(r.reserved) as PassView['reserved'], inside: presence.inside, neutral: presence.neutral,
  };
}

export function recordPass(ctx: ServiceContext, actor: Actor | null, action: string, passId: string, details: Record<string, unknown>): void {
  ctx.audit.append({ operatorId: actor?.operatorId ?? null, action, entityType: 'seasonPass', entityId: passId, details });
  ctx.outbox.append('seasonPass.upserted', passId, { pass: passRow(ctx, passId) });
}

export function recordMovement(ctx: ServiceContext, actor: Actor | null, m: PassMovementRow, details: Record<string, unknown> = {}): void {
  ctx.store.q.run(ctx.store.db.insertInto('pass_movements').values(m));
  const action = m.direction === 'ENTRY' ? 'pass.entered' : m.direction === 'EXIT' ? 'pass.exited' : 'pass.reset';
  ctx.audit.append({ operatorId: actor?.operatorId ?? null, action, entityType: 'seasonPass', entityId: m.pass_id, details: { movementId: m.id, sessionId: m.session_id, flag: m.flag, ...details } });
  ctx.outbox.append('pass.movement', m.id, { movement: m });
}
