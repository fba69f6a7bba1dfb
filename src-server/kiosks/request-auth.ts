/** The Fastify side of kiosk authentication: a route's request -> the signed kiosk's id (or UNAUTHENTICATED). */
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { SecretBox } from '../db/secret-box.js';
import { authenticateKiosk } from './authenticate.js';

export function kioskAuthenticator(ctx: Pick<ServerContext, 'db' | 'clock' | 'config'>): (req: FastifyRequest) => Promise<string> {
  const box = new SecretBox(ctx.config.secretsKey);
  const window = {
    pastSeconds: ctx.config.kioskAuthWindowSeconds,
    futureSeconds: ctx.config.kioskAuthFutureSeconds,
    openKey: (stored: string) => box.open('kiosk-signing-key', stored),
  };
  return async (req) => {
    const kioskId = await authenticateKiosk(ctx.db, ctx.clock, window, {
      method: req.method,
      path: req.url,
      headers: req.headers,
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    // The rest of this request's log lines (its completion line too) name the kiosk.
    req.log = req.log.child({ kioskId });
    return kioskId;
  };
}
