/**
 * Wiring for src-server/app.ts (one line there):
 *   ctx.sync = await registerSync(app, ctx);      // or: await registerSync(app, ctx);
 * The sync tables come from migrations/server/9000_sync.ts (add it to migrations/server/index.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { authenticateKiosk } from '../kiosks/authenticate.js';
import { syncRoutes } from './plugin.js';
import { SyncService } from './service.js';

export { SyncService } from './service.js';
export { syncRoutes } from './plugin.js';

export function kioskAuthenticator(ctx: ServerContext): (req: FastifyRequest) => Promise<string> {
  return (req) =>
    authenticateKiosk(ctx.db, ctx.clock, ctx.config.kioskAuthWindowSeconds, {
      method: req.method,
      path: req.url,
      headers: req.headers,
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
}

export async function registerSync(app: FastifyInstance, ctx: ServerContext): Promise<SyncService> {
  const service = new SyncService({ db: ctx.db, now: () => ctx.clock.now() });
  await app.register(syncRoutes, { service, authenticate: kioskAuthenticator(ctx) });
  return service;
}
