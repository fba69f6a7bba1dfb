/** Operational endpoints: /health (database reachable), /metrics (Prometheus text), /openapi.json. */
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { SyncDatabase } from '../sync/schema.js';
import type { ServerContext } from '../context.js';
import { checkMetricsToken } from '../http/metrics-auth.js';

export const SERVER_VERSION = '0.1.0';

export function registerOpsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  ctx.routes.add({ method: 'GET', url: '/health', summary: 'Liveness + database reachability', tag: 'ops', auth: 'none' });
  app.get('/health', async (_req, reply) => {
    try {
      await sql`select 1`.execute(ctx.db);
      return { ok: true, data: { status: 'ok', db: ctx.dbKind, version: SERVER_VERSION, gateway: ctx.config.paymentGateway, now: new Date(ctx.clock.now()).toISOString() } };
    } catch {
      return reply.status(503).send({ ok: false, error: { code: 'OFFLINE', message: 'Database unreachable.' } });
    }
  });

  ctx.routes.add({ method: 'GET', url: '/metrics', summary: 'Prometheus metrics (Authorization: Bearer $METRICS_TOKEN)', tag: 'ops', auth: 'metrics-token' });
  app.get('/metrics', async (req, reply) => {
    checkMetricsToken(ctx.config.metricsToken, req.headers.authorization);
    reply.type('text/plain; version=0.0.4');
    return ctx.metrics.render();
  });

  ctx.routes.add({ method: 'GET', url: '/openapi.json', summary: 'This description', tag: 'ops', auth: 'none' });
  app.get('/openapi.json', async () => ctx.routes.openApi(SERVER_VERSION));
}

/** Payments by state (and flagged for review) per facility, and each facility's sync state, read at scrape time. */
export function registerPaymentGauges(ctx: ServerContext): void {
  ctx.metrics.gauge('parkgate_payments', 'Payments by state and facility', async () => {
    const rows = await ctx.db.selectFrom('payments').select(['status', 'facility_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['status', 'facility_id']).execute();
    return rows.map((r) => ({ labels: { status: r.status, facility: r.facility_id }, value: Number(r.n) }));
  });
  ctx.metrics.gauge('parkgate_payments_needing_review', 'Payments flagged for a supervisor (late, amount or reference mismatch) per facility', async () => {
    const rows = await ctx.db.selectFrom('payments').select(['facility_id', (eb) => eb.fn.countAll<number>().as('n')]).where('review_reason', 'is not', null)
      .groupBy('facility_id').execute();
    return rows.map((r) => ({ labels: { facility: r.facility_id }, value: Number(r.n) }));
  });
  const sdb = ctx.db as unknown as Kysely<SyncDatabase>;
  ctx.metrics.gauge('parkgate_open_sessions', 'Open synced sessions (cars in, bookings at the gates) per facility', async () => {
    const rows = await sdb.selectFrom('sync_sessions').select(['facility_id', (eb) => eb.fn.countAll<number>().as('n')]).where('is_open', '=', 1).groupBy('facility_id').execute();
    return rows.map((r) => ({ labels: { facility: r.facility_id }, value: Number(r.n) }));
  });
  ctx.metrics.gauge('parkgate_sync_kiosk_lag', 'Change-log entries of its facility the furthest-behind kiosk has not pulled yet (by server sequence), per facility', async () => {
    const heads = await sdb.selectFrom('sync_changes').select(['facility_id', (eb) => eb.fn.max('seq').as('head')]).groupBy('facility_id').execute();
    const cursors = await sdb.selectFrom('sync_kiosks').select(['facility_id', (eb) => eb.fn.min('cursor').as('cursor')]).groupBy('facility_id').execute();
    return heads.map((h) => {
      const c = cursors.find((x) => x.facility_id === h.facility_id);
      return { labels: { facility: h.facility_id }, value: c ? Math.max(0, Number(h.head) - Number(c.cursor)) : 0 };
    });
  });
}
