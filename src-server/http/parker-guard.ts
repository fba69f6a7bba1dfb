/**
 * Parker request guard, ONE per server for every parker route group (accounts, zones, bookings):
 * a request budget per client IP and, once signed in, per parker ACCOUNT (all of a parker's tokens
 * share it), both @fastify/rate-limit limiters; plus wrong-password budgets per account and per IP
 * for log-in (login-failures.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ServerContext } from '../context.js';
import { authenticateParker } from '../parkers/accounts.js';
import { memoryFailures, redisFailures } from '../scale/shared-failures.js';

export interface ParkerGuard {
  /** Per-IP limit only (register, login, zone list). */
  anonymous(req: FastifyRequest): Promise<void>;
  /** Per-IP limit, then token check, then the parker account's limit; returns the parker id. */
  signedIn(req: FastifyRequest): Promise<string>;
  /** Runs a log-in attempt inside the wrong-password budgets of this email and this IP. */
  login<T>(req: FastifyRequest, email: string, attempt: () => Promise<T>): Promise<T>;
}

const guards = new WeakMap<ServerContext, ParkerGuard>();

/** The server's one guard (built on first use; every route group gets the same budgets). */
export function createParkerGuard(app: FastifyInstance, ctx: ServerContext): ParkerGuard {
  const have = guards.get(ctx);
  if (have) return have;
  const guard = buildGuard(app, ctx);
  guards.set(ctx, guard);
  return guard;
}

function buildGuard(app: FastifyInstance, ctx: ServerContext): ParkerGuard {
  const parkerOf = new WeakMap<FastifyRequest, string>();
  const byIp = app.createRateLimit({ max: ctx.config.rateLimitPerIpPerMinute, timeWindow: 60_000, keyGenerator: (req) => `ip:${req.ip}` });
  const byParker = app.createRateLimit({
    max: ctx.config.rateLimitPerParkerPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => `parker:${parkerOf.get(req) ?? ''}`,
  });
  // Shared by the instances when the request limits are (REDIS_URL), else this instance's own.
  const budget = (name: string, max: number) => (ctx.redis ? redisFailures(ctx.redis, ctx.config.redisKeyPrefix, name, max) : memoryFailures(max));
  const failedByAccount = budget('account', ctx.config.loginFailuresPerAccount);
  const failedByIp = budget('ip', ctx.config.loginFailuresPerIp);
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
      parkerOf.set(req, parkerId);
      await limit(byParker, req);
      return parkerId;
    },
    async login(req, email, attempt) {
      const now = ctx.clock.now();
      const account = `acct:${email}`;
      const ip = `ip:${req.ip}`;
      const wait = Math.max((await failedByAccount.blockedFor(account, now)) ?? 0, (await failedByIp.blockedFor(ip, now)) ?? 0);
      if (wait > 0) {
        throw new AppError('RATE_LIMITED', `Too many wrong passwords. Try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? 's' : ''}.`, { retryAfterSeconds: wait });
      }
      try {
        const result = await attempt();
        await failedByAccount.clear(account); // the IP's count stays: an attacker's own account must not reset it
        return result;
      } catch (err) {
        if (err instanceof AppError && err.code === 'UNAUTHENTICATED') {
          await failedByAccount.fail(account, now);
          await failedByIp.fail(ip, now);
        }
        throw err;
      }
    },
  };
}
