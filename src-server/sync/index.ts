/**
 * Sync for the server's composition root (src-server/app.ts): the service is built and its
 * listeners (bookings, payment results) attached before any route is registered; the routes come
 * with the others. The sync tables come from migrations/server/9000_sync.ts.
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

export function createSyncService(ctx: Pick<ServerContext, 'db' | 'clock' | 'config'> & Partial<Pick<ServerContext, 'waker'>>): SyncService {
  const box = new SecretBox(ctx.config.secretsKey);
  return new SyncService({
    db: ctx.db, now: () => ctx.clock.now(),
    ticketSecrets: { seal: (v) => box.seal('ticket-secret', v), open: (v) => box.open('ticket-secret', v) },
    anchor: recordCheckpoint,
    ...(ctx.waker ? { waker: ctx.waker } : {}),
  });
}

export async function registerSyncRoutes(app: FastifyInstance, ctx: ServerContext, service: SyncService): Promise<void> {
  await app.register(syncRoutes, { service, authenticate: kioskAuthenticator(ctx) });
}
