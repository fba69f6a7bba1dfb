/** sync.status for the API: the worker's status, or what a standalone kiosk can say (its pending events). */
import { sql } from 'kysely';
import type { SyncStatus } from '../../src-shared/contracts/api.js';
import type { ServiceContext } from '../services/context.js';

export function syncStatus(ctx: ServiceContext): SyncStatus {
  if (ctx.sync) return ctx.sync.status();
  const { q, db } = ctx.store;
  const pending = q.first(db.selectFrom('outbox').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('t')]).where('status', '=', sql.lit<'PENDING'>('PENDING')));
  const t = pending?.t ?? null;
  return {
    enabled: false, online: false, syncing: false, pendingEvents: pending?.n ?? 0,
    oldestPendingAgeSeconds: t === null ? null : Math.max(0, Math.floor((ctx.clock.now() - t) / 1000)),
    parkedEvents: 0, skippedChanges: 0, lastSyncAt: null, clockOffsetMs: null, clockSkewAlert: false, cursor: 0, lastError: null,
    protocolProblem: null,
  };
}
