/**
 * The Fastify side of kiosk authentication: a route's request -> the signed kiosk's id (or
 * UNAUTHENTICATED). The request's log lines from then on (the completion line too) carry the
 * kiosk and its facility.
 */
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { SecretBox } from '../db/secret-box.js';
import { authenticateKioskIdentity, type KioskIdentity } from './authenticate.js';

const facilityOfRequest = new WeakMap<FastifyRequest, string>();

/** The facility of the kiosk that signed this request ('' before or without kiosk authentication): the metrics label. */
export function requestFacility(req: FastifyRequest): string {
  return facilityOfRequest.get(req) ?? '';
}

export function kioskAuthenticator(ctx: Pick<ServerContext, 'db' | 'clock' | 'config'>): (req: FastifyRequest) => Promise<string> {
  const identify = kioskIdentityAuthenticator(ctx);
  return async (req) => (await identify(req)).kioskId;
}

export function kioskIdentityAuthenticator(ctx: Pick<ServerContext, 'db' | 'clock' | 'config'>): (req: FastifyRequest) => Promise<KioskIdentity> {
  const box = new SecretBox(ctx.config.secretsKey);
  const window = {
    pastSeconds: ctx.config.kioskAuthWindowSeconds,
    futureSeconds: ctx.config.kioskAuthFutureSeconds,
    openKey: (stored: string) => box.open('kiosk-signing-key', stored),
  };
  return async (req) => {
    const who = await authenticateKioskIdentity(ctx.db, ctx.clock, window, {
      method: req.method,
      path: req.url,
      headers: req.headers,
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    facilityOfRequest.set(req, who.facilityId);
    // The request's own child logger (the reply logs through the same one).
    (req.log as { setBindings?: (b: Record<string, string>) => void }).setBindings?.({ kioskId: who.kioskId, facilityId: who.facilityId });
    return who;
  };
}
