/**
 * Wiring for src-server/app.ts (one line there):
 *   ctx.sync = await registerSync(app, ctx);      // or: await registerSync(app, ctx);
 * The sync tables come from migrations/server/9000_sync.ts (add it to migrations/server/index.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { kioskAuthenticator } from '../kiosks/request-auth.js';
import { syncRoutes } from './plugin.js';
import { recordCheckpoint } from '../audit/checkpoints.js';
import { SyncService } from './service.js';

export { SyncService } from './service.js';
export { syncRoutes } from './plugin.js';

export async function registerSync(app: FastifyInstance, ctx: ServerContext): Promise<SyncService> {
  const service = new SyncService({ db: ctx.db, now: () => ctx.clock.now(), anchor: recordCheckpoint });
  await app.register(syncRoutes, { service, authenticate: kioskAuthenticator(ctx) });
  return service;
}
