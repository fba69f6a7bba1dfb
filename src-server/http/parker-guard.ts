/**
 * Parker request guard: a rate limit per client IP on every parker route, plus (for signed-in
 * routes) a bearer-token check and a rate limit per token (@fastify/rate-limit's limiters).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ServerContext } from '../context.js';
import { authenticateParker } from '../parkers/accounts.js';
import { sha256Hex } from '../util/hash.js';

export interface ParkerGuard {
  /** Per-IP limit only (register, login, zone list). */
  anonymous(req: FastifyRequest): Promise<void>;
  /** Per-IP limit, then token check, then per-token limit; returns the parker id. */
  signedIn(req: FastifyRequest): Promise<string>;
}

export function createParkerGuard(app: FastifyInstance, ctx: ServerContext): ParkerGuard {
  const byIp = app.createRateLimit({ max: ctx.config.rateLimitPerIpPerMinute, timeWindow: 60_000, keyGenerator: (req) => `ip:${req.ip}` });
  const byToken = app.createRateLimit({
    max: ctx.config.rateLimitPerTokenPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => `tok:${sha256Hex(req.headers.authorization ?? '')}`,
  });
  const accounts = { db: ctx.db, clock: ctx.clock, tokenTtlHours: ctx.config.parkerTokenTtlHours };

  const limit = async (check: typeof byIp, req: FastifyRequest) => {
    const r = await check(req);
    if (!r.isAllowed && r.isExceeded) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: r.ttlInSeconds });
  };
  return {
    anonymous: (req) => limit(byIp, req),
    async signedIn(req) {
      await limit(byIp, req);
      const parkerId = await authenticateParker(accounts, req.headers.authorization);
      await limit(byToken, req);
      return parkerId;
    },
  };
}
