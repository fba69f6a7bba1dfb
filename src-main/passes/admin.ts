/** Listing passes, the expiry reminder list, and a supervisor's reset of one pass or all to neutral (audited). */
import type { PassApiResults, PassView } from '../../src-shared/contracts/passes.js';
import { daysLeft } from '../../src-shared/domain/season-pass.js';
import { newId } from '../core/ids.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { passRow, passView, presenceOf, recordMovement } from './records.js';

export const REMINDER_DAYS = 7;

export function listPasses(ctx: ServiceContext, includeExpired: boolean): PassView[] {
  const { q, db } = ctx.store;
  let query = db.selectFrom('season_passes').selectAll().orderBy('holder_name').orderBy('id');
  if (!includeExpired) query = query.where('valid_until', '>', ctx.clock.now());
  return q.all(query).map((r) => passView(ctx, r));
}

/** Passes that end within `days` (default 7) from now and have not ended, soonest first. */
export function expiringPasses(ctx: ServiceContext, days = REMINDER_DAYS): PassApiResults['passes.expiring'] {
  const { q, db } = ctx.store;
  const now = ctx.clock.now();
  const rows = q.all(db.selectFrom('season_passes').selectAll().where('valid_until', '>', now).where('valid_until', '<=', now + days * 86_400_000).orderBy('valid_until'));
  return rows.map((r) => ({ ...passView(ctx, r), daysLeft: daysLeft({ validUntilMs: r.valid_until }, now) }));
}

export function resetPasses(ctx: ServiceContext, actor: Actor, input: { passId?: string | undefined; all?: true | undefined; reason?: string | undefined }): { reset: number } {
  const { q, db } = ctx.store;
  return q.tx(() => {
    const rows = input.passId !== undefined ? [passRow(ctx, input.passId)] : q.all(db.selectFrom('season_passes').selectAll().where('valid_until', '>', ctx.clock.now()));
    for (const r of rows) {
      const before = presenceOf(ctx, r);
      recordMovement(ctx, actor, { id: newId(ctx.clock), pass_id: r.id, direction: 'RESET', session_id: null, flag: null, operator_id: actor.operatorId, kiosk_id: ctx.kioskId, at: ctx.clock.now() }, {
        scope: input.passId !== undefined ? 'ONE' : 'ALL', insideBefore: before.inside, reason: input.reason ?? null,
      });
    }
    return { reset: rows.length };
  });
}
