/**
 * The server's composition root: `buildServer(opts)` wires config, database (migrated), clock,
 * logger, gateways, payment services, reconciler and routes into one Fastify instance.
 * main.ts, the tests and the bench all build it the same way.
 */
import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import type { ServerContext } from './context.js';
import type { ServerDb } from './db/connect.js';
import { openServerDb } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { sealStoredSecrets } from './db/seal-secrets.js';
import { SecretBox } from './db/secret-box.js';
import { errorHandler } from './http/envelope.js';
import { Metrics } from './http/metrics.js';
import { RouteTable } from './http/route-table.js';
import { createLogger } from './logger.js';
import type { GatewayName, PaymentGateway } from './payments/gateway.js';
import { Reconciler } from './payments/reconciler.js';
import { buildGatewayRegistry } from './payments/registry.js';
import { registerBookingRoutes } from './routes/bookings.js';
import { registerKioskFlaggedRoutes } from './routes/kiosk-flagged.js';
import { registerKioskAuditRoutes } from './routes/kiosk-audit.js';
import { registerKioskRoutes } from './routes/kiosk-payments.js';
import { registerHeadOfficeRoutes } from './routes/head-office.js';
import { registerMerchantRoutes } from './routes/merchants.js';
import { requestFacility } from './kiosks/request-auth.js';
import { registerOpsRoutes, registerPaymentGauges } from './routes/ops.js';
import { registerParkerRoutes } from './routes/parkers.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { seedZonesFromSpec } from './zones/seed.js';
import { LocalWaker, PgWaker, type ChangeWaker } from './scale/change-waker.js';
import { registerScaleMetrics } from './scale/metrics.js';
import { rateLimitStore } from './scale/rate-store.js';
import { createSyncService, registerSyncRoutes } from './sync/index.js';
import { registerEReceiptRoutes } from './invoices/routes.js';
import { registerGstr1Route } from './invoices/gstr1-route.js';
import { registerInvoiceSeriesRoute } from './invoices/series-route.js';
import { registerEReceiptSmsRoute } from './invoices/sms-route.js';
import { documentByToken } from './invoices/store.js';
import { ServerSyncEvents } from './sync/server-events.js';
import type { Clock } from './util/clock.js';
import { systemClock } from './util/clock.js';

export interface BuildServerOptions {
  config: ServerConfig;
  /** An open database; by default one is opened from config.databaseUrl (and closed with the app). */
  db?: ServerDb;
  clock?: Clock;
  logger?: Logger;
  /** Change-log wake-ups (tests); by default LISTEN/NOTIFY on PostgreSQL, in-process on SQLite. */
  waker?: ChangeWaker;
  /** Replace a gateway adapter (tests); real adapters are built from config otherwise. */
  gateways?: Partial<Record<GatewayName, PaymentGateway>>;
}

export interface ParkGateServer {
  app: FastifyInstance;
  ctx: ServerContext;
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildServer(opts: BuildServerOptions): Promise<ParkGateServer> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const log = (opts.logger ?? createLogger(config.logLevel)).child({ instance: config.instanceId });
  const ownsDb = !opts.db;
  const sdb = opts.db ?? openServerDb(config.databaseUrl, { poolSize: config.databasePoolSize });
  await migrateToLatest(sdb.db);
  // Secrets stored before encryption at rest are sealed now (needs SECRETS_KEY; a wrong key stops here).
  const sealed = await sealStoredSecrets(sdb.db, new SecretBox(config.secretsKey));
  if (config.seedZones) await seedZonesFromSpec(sdb.db, clock, config.seedZones);

  if (sealed.kioskKeys + sealed.ticketSecrets > 0) log.info(sealed, 'encrypted secrets stored in plain text');
  if (config.secretsKeySource === 'dev-default') {
    log.warn('SECRETS_KEY is not set: secrets in the database are encrypted with the public development key (set SECRETS_KEY; NODE_ENV=production requires it)');
  }
  const metrics = new Metrics();
  const waker = opts.waker ?? (await wakerFor(config, sdb.kind, log, metrics));
  if (sdb.kind === 'sqlite') {
    log.info({ db: 'sqlite', instances: 'one' }, 'SQLite: embedded single-instance database; run ONE server instance on it (several instances need PostgreSQL)');
  } else {
    log.info({ db: 'postgres', wake: waker.kind }, 'PostgreSQL: any number of instances on this database; long-polls woken across instances by LISTEN/NOTIFY');
  }
  const rateStore = await rateLimitStore(config, log);
  const gateways = buildGatewayRegistry(config, opts.gateways);
  const payments = { db: sdb.db, clock, gateways, metrics, log, ttlSeconds: config.paymentTtlSeconds };
  const ctx: ServerContext = {
    config,
    db: sdb.db,
    dbKind: sdb.kind,
    clock,
    log,
    metrics,
    gateways,
    payments,
    reconciler: new Reconciler(payments),
    routes: new RouteTable(),
    waker,
    ...(rateStore.options.redis ? { redis: rateStore.options.redis } : {}),
  };

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    // Behind a load balancer (deploy/haproxy.cfg) the client's address comes from X-Forwarded-For, from that proxy only.
    trustProxy: config.trustProxy ?? false,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
    },
  });
  // Routes get the raw bytes: signatures are verified before anything is parsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (req.url.startsWith('/webhooks/') && err.statusCode === 413) {
      metrics.webhookFailures.inc({ gateway: req.url.split('/')[2]?.split('?')[0] ?? 'unknown', reason: 'too_large' });
    }
    errorHandler(err, req, reply);
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.status(404).send({ ok: false, error: { code: 'NOT_FOUND', message: 'No such endpoint.' } });
  });
  app.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
    // The server clock in ms (Date has whole seconds): a kiosk refused for its clock corrects by it.
    void reply.header('x-server-time', String(clock.now()));
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpRequests.inc({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode), facility: requestFacility(req) });
  });

  // Sync and its listeners exist before any route: bookings publish to the gates and payment
  // changes reach the kiosk that asked from the first request on.
  const sync = createSyncService(ctx);
  ctx.syncEvents = new ServerSyncEvents(sync, sdb.db, clock, log);
  ctx.payments.onPaymentChange = ctx.syncEvents.notifyPayment;

  await app.register(rateLimit, { global: false, ...rateStore.options });
  registerScaleMetrics(ctx, sync);
  registerPaymentGauges(ctx);
  registerOpsRoutes(app, ctx);
  registerKioskRoutes(app, ctx);
  registerKioskFlaggedRoutes(app, ctx);
  registerKioskAuditRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerHeadOfficeRoutes(app, ctx);
  registerMerchantRoutes(app, ctx);
  await app.register(async (scope) => {
    registerParkerRoutes(scope, ctx);
    registerBookingRoutes(scope, ctx);
  });
  await registerSyncRoutes(app, ctx, sync);
  // Tax invoices' e-receipts (docs/invoices.md): public, the token is the secret.
  ctx.routes.add({ method: 'GET', url: '/r/:token', summary: 'E-receipt of a tax document (page; .pdf for the PDF)', tag: 'invoices', auth: 'none' });
  registerEReceiptRoutes(app, documentByToken(ctx.db as never, ctx.dbKind));
  registerEReceiptSmsRoute(app, ctx, documentByToken(ctx.db as never, ctx.dbKind));
  registerInvoiceSeriesRoute(app, ctx);
  registerGstr1Route(app, ctx);
  await app.ready();

  return {
    app,
    ctx,
    async close() {
      ctx.reconciler.stop();
      await app.close();
      await ctx.syncEvents?.drain();
      if (!opts.waker) await waker.close();
      await rateStore.close();
      if (ownsDb) await sdb.close();
    },
  };
}

async function wakerFor(config: ServerConfig, kind: 'sqlite' | 'postgres', log: Logger, metrics: Metrics): Promise<ChangeWaker> {
  if (kind === 'sqlite') return new LocalWaker();
  const waker = new PgWaker({
    url: config.databaseUrl,
    fallbackMs: config.pullFallbackMs,
    onError: (message) => log.warn({ err: message }, 'change-log notifications'),
    onCount: (what) => metrics.changeNotifications.inc({ event: what }),
  });
  await waker.start();
  return waker;
}
