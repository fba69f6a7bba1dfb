/** Everything a route needs, built once in app.ts (the server's composition root). */
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import type { DbKind } from './db/connect.js';
import type { ServerDatabase } from './db/schema.js';
import type { Metrics } from './http/metrics.js';
import type { RouteTable } from './http/route-table.js';
import type { PaymentDeps } from './payments/create.js';
import type { GatewayRegistry } from './payments/registry.js';
import type { Reconciler } from './payments/reconciler.js';
import type { ChangeWaker } from './scale/change-waker.js';
import type { JobLeader } from './scale/leader.js';
import type { ServerSyncEvents } from './sync/server-events.js';
import type { Clock } from './util/clock.js';

export interface ServerContext {
  config: ServerConfig;
  db: Kysely<ServerDatabase>;
  dbKind: DbKind;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  gateways: GatewayRegistry;
  payments: PaymentDeps;
  reconciler: Reconciler;
  routes: RouteTable;
  /** Bookings and payment results to the gates; set in app.ts before any route is registered. */
  syncEvents?: ServerSyncEvents;
  /** Wakes long-polling pulls on change-log appends (across instances on PostgreSQL). */
  waker: ChangeWaker;
  /** Redis shared by the instances (REDIS_URL): rate limits and wrong-password budgets; absent: in memory. */
  redis?: Redis;
  /** Whether this instance runs the periodic jobs; set by startPeriodicJobs (src-server/scale/jobs.ts). */
  leader?: JobLeader;
}
