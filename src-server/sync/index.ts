/**
 * Wiring for src-server/app.ts (one line there):
 *   ctx.sync = await registerSync(app, ctx);      // or: await registerSync(app, ctx);
 * The sync tables come from migrations/server/9000_sync.ts (add it to migrations/server/index.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { SecretBox } from '../db/secret-box.js';
import { kioskAuthenticator } from '../kiosks/request-auth.js';
import { syncRoutes } from './plugin.js';
import { recordCheckpoint } from '../audit/checkpoints.js';
import { SyncService } from './service.js';

export { SyncService } from './service.js';
export { syncRoutes } from './plugin.js';

export async function registerSync(app: FastifyInstance, ctx: ServerContext): Promise<SyncService> {
  const box = new SecretBox(ctx.config.secretsKey);
  const service = new SyncService({
    db: ctx.db, now: () => ctx.clock.now(),
    ticketSecrets: { seal: (v) => box.seal('ticket-secret', v), open: (v) => box.open('ticket-secret', v) },
    anchor: recordCheckpoint,
  });
  await app.register(syncRoutes, { service, authenticate: kioskAuthenticator(ctx) });
  return service;
}
