/**
 * Supervisor view of sync conflicts (sync.conflicts / sync.resolveConflict). Resolving writes a
 * `session.conflictResolved` event (audited, in the outbox): the server's fold clears the flag
 * for every conflict older than the resolution (by HLC) on every gate; with resolution REFUNDED
 * the payment flagged REFUND_DUE (a second charge at another gate) becomes REFUNDED.
 */
import type { SyncConflict } from '../../src-shared/contracts/api.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { sessionRowById, sessionView } from '../services/session-records.js';
import { sessionQuery, toPayment, toSession } from '../services/views.js';

export function listConflicts(ctx: ServiceContext): SyncConflict[] {
  const { q, db } = ctx.store;
  const rows = q.all(sessionQuery(ctx.store).select('sessions.conflict_reason').where('sessions.conflict', '=', 1).orderBy('sessions.updated_at', 'desc').limit(500));
  return rows.map((r) => ({
    session: toSession(r),
    reason: r.conflict_reason,
    refundDue: q.all(db.selectFrom('payments').selectAll().where('session_id', '=', r.id).where('review_reason', 'like', 'REFUND_DUE%')).map(toPayment),
  }));
}

export function resolveConflict(
  ctx: ServiceContext, actor: Actor, input: { sessionId: string; resolution: 'ACCEPT' | 'REFUNDED'; reason: string },
): { session: ReturnType<typeof sessionView> } {
  const { q, db } = ctx.store;
  q.tx(() => {
    const row = sessionRowById(ctx, input.sessionId);
    if (row.conflict !== 1) throw new AppError('CONFLICT', 'This session has no open conflict.');
    const now = ctx.clock.now();
    const due = q.all(db.selectFrom('payments').select('id').where('session_id', '=', row.id).where('review_reason', 'like', 'REFUND_DUE%').where('status', '=', 'SUCCESS'));
    if (input.resolution === 'REFUNDED' && due.length === 0) throw new AppError('CONFLICT', 'No payment of this session is waiting for a refund.');
    if (input.resolution === 'REFUNDED') {
      q.run(db.updateTable('payments').set({ status: 'REFUNDED', review_reason: `REFUNDED: ${input.reason}`, updated_at: now })
        .where('id', 'in', due.map((d) => d.id)));
    }
    q.run(db.updateTable('sessions').set({ conflict: 0, conflict_reason: null, updated_at: now }).where('id', '=', row.id));
    const details = {
      resolution: input.resolution, reason: input.reason, conflict: row.conflict_reason, refundedPayments: input.resolution === 'REFUNDED' ? due.map((d) => d.id) : [],
    };
    // Not recordSessionChange: the resolution itself must travel in the event (the fold reads it).
    ctx.audit.append({ operatorId: actor.operatorId, action: 'session.conflictResolved', entityType: 'session', entityId: row.id, details });
    const session = q.first(db.selectFrom('sessions').selectAll().where('id', '=', row.id));
    ctx.outbox.append('session.conflictResolved', row.id, { session, payment: null, operatorId: actor.operatorId, ...details });
    queueMicrotask(() => ctx.emit({ type: 'session.changed', sessionId: row.id, status: row.status }));
  });
  return { session: sessionView(ctx, input.sessionId) };
}
