/** Operational endpoints: /health (database reachable), /metrics (Prometheus text), /openapi.json. */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
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

/** Payments by state (and flagged for review), read at scrape time. */
export function registerPaymentGauges(ctx: ServerContext): void {
  ctx.metrics.gauge('parkgate_payments', 'Payments by state', async () => {
    const rows = await ctx.db.selectFrom('payments').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    return rows.map((r) => ({ labels: { status: r.status }, value: Number(r.n) }));
  });
  ctx.metrics.gauge('parkgate_payments_needing_review', 'Payments flagged for a supervisor (late, amount or reference mismatch)', async () => {
    const row = await ctx.db.selectFrom('payments').select((eb) => eb.fn.countAll<number>().as('n')).where('review_reason', 'is not', null).executeTakeFirst();
    return [{ labels: {}, value: Number(row?.n ?? 0) }];
  });
}
