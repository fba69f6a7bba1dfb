/**
 * Per-instance metrics of a scaled-out server (each instance answers its own /metrics; the
 * `instance` label is the INSTANCE_ID, so a scrape of several instances stays apart): sync push
 * and pull counts, how far the slowest kiosk's cursor is behind the change log, and whether this
 * instance leads the periodic jobs.
 */
import type { ServerContext } from '../context.js';
import type { SyncService } from '../sync/service.js';

export function registerScaleMetrics(ctx: ServerContext, sync: SyncService): void {
  const instance = ctx.config.instanceId;
  const m = ctx.metrics;
  m.gauge('parkgate_instance_info', 'This server instance (value 1) with its database kind and change wake-up', async () => [
    { labels: { instance, db: ctx.dbKind, wake: ctx.waker.kind }, value: 1 },
  ]);
  m.gauge('parkgate_jobs_leader', '1 when this instance runs the reconciler, payment expiry and booking sweep (advisory lock held), else 0', async () => [
    { labels: { instance }, value: ctx.leader?.isLeader() ? 1 : 0 },
  ]);
  m.gauge('parkgate_sync_pushes_total', 'Sync pushes answered by this instance', async () => [{ labels: { instance }, value: sync.stats.pushes }], 'counter');
  m.gauge('parkgate_sync_pulls_total', 'Sync pulls answered by this instance', async () => [{ labels: { instance }, value: sync.stats.pulls }], 'counter');
  m.gauge('parkgate_sync_events_total', 'Pushed events by outcome (this instance)', async () => [
    { labels: { instance, outcome: 'applied' }, value: sync.stats.eventsApplied },
    { labels: { instance, outcome: 'duplicate' }, value: sync.stats.eventsDuplicate },
    { labels: { instance, outcome: 'rejected' }, value: sync.stats.eventsRejected },
  ], 'counter');
  const head = async () => Number((await sync.db.selectFrom('sync_counter').select('seq').where('id', '=', 1).executeTakeFirst())?.seq ?? 0);
  m.gauge('parkgate_changelog_head', 'Last change-log position', async () => [{ labels: {}, value: await head() }]);
  m.gauge('parkgate_changelog_lag', 'Change-log entries the slowest kiosk has not acknowledged yet (head minus its cursor)', async () => {
    const slow = await sync.db.selectFrom('sync_kiosks').select((eb) => eb.fn.min('cursor').as('c')).executeTakeFirst();
    const lag = slow?.c === null || slow?.c === undefined ? 0 : (await head()) - Number(slow.c);
    return [{ labels: {}, value: Math.max(0, lag) }];
  });
}
