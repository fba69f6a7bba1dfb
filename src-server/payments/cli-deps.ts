/**
 * Payment services for `server:cli` (outside the running server): the gateways come from the
 * same environment as the server's (a refund needs the payment's gateway configured; an accept
 * needs none), and payment changes are appended to the sync change log so the kiosks and gates
 * learn of them on their next pull, as when the server itself decides.
 */
import type { Kysely } from 'kysely';
import { loadConfig } from '../config.js';
import type { ServerDatabase } from '../db/schema.js';
import { Metrics } from '../http/metrics.js';
import { createLogger } from '../logger.js';
import { parseDatabaseUrl } from '../db/connect.js';
import { PgWaker } from '../scale/change-waker.js';
import { SyncService } from '../sync/service.js';
import { ServerSyncEvents } from '../sync/server-events.js';
import type { Clock } from '../util/clock.js';
import type { PaymentDeps } from './create.js';
import { buildGatewayRegistry, type GatewayRegistry } from './registry.js';

const NO_GATEWAY: GatewayRegistry = {
  get active(): never {
    throw new Error('no payment gateway is configured (PAYMENT_GATEWAY and its secrets)');
  },
  get: () => null,
};

export function cliPaymentDeps(db: Kysely<ServerDatabase>, clock: Clock, env: Record<string, string | undefined> = process.env): { deps: PaymentDeps; drain(): Promise<void> } {
  let gateways = NO_GATEWAY;
  let ttlSeconds = 300;
  try {
    const config = loadConfig(env);
    gateways = buildGatewayRegistry(config);
    ttlSeconds = config.paymentTtlSeconds;
  } catch {
    // No usable gateway settings: accept still works; a refund answers that the gateway is not configured.
  }
  const log = createLogger(env.LOG_LEVEL ?? 'warn');
  // On PostgreSQL the change-log appends are announced (NOTIFY) like the server's: waiting pulls wake at once.
  const url = env.DATABASE_URL ?? '';
  const waker = url && parseDatabaseUrl(url).kind === 'postgres' ? new PgWaker({ url }) : undefined;
  const events = new ServerSyncEvents(new SyncService({ db, now: () => clock.now(), ...(waker ? { waker } : {}) }), db, clock, log);
  const deps: PaymentDeps = { db, clock, gateways, metrics: new Metrics(), log, ttlSeconds, onPaymentChange: events.notifyPayment };
  return { deps, drain: async () => {
    await events.drain();
    await waker?.close();
  } };
}
