/**
 * Wrong-password budgets (src-server/http/login-failures.ts) shared by the instances through
 * Redis: one counter per key under `<REDIS_KEY_PREFIX>lf:<budget>:<key>`, created with the
 * window as its expiry on the first failure (a fixed window, as in memory). The window runs on
 * Redis's clock, not the injected one. Redis unreachable: a log-in is not blocked for it (the
 * failure is not counted), as the request limits skip it.
 */
import type { Redis } from 'ioredis';
import { FailureBudget, LOGIN_FAILURE_WINDOW_MS } from '../http/login-failures.js';

export interface FailureCounter {
  /** Seconds until `key` may try again, or null when it may now. */
  blockedFor(key: string, now: number): Promise<number | null>;
  fail(key: string, now: number): Promise<void>;
  clear(key: string): Promise<void>;
}

export function memoryFailures(max: number): FailureCounter {
  const b = new FailureBudget(max);
  return {
    blockedFor: async (key, now) => b.blockedFor(key, now),
    fail: async (key, now) => b.fail(key, now),
    clear: async (key) => b.clear(key),
  };
}

export function redisFailures(redis: Redis, prefix: string, name: string, max: number, windowMs = LOGIN_FAILURE_WINDOW_MS): FailureCounter {
  const k = (key: string) => `${prefix}lf:${name}:${key}`;
  return {
    async blockedFor(key) {
      try {
        const [[, count], [, ttl]] = (await redis.multi().get(k(key)).pttl(k(key)).exec()) as [[unknown, string | null], [unknown, number]];
        return Number(count ?? 0) >= max && ttl > 0 ? Math.ceil(ttl / 1000) : null;
      } catch {
        return null;
      }
    },
    async fail(key) {
      try {
        await redis.multi().set(k(key), '0', 'PX', windowMs, 'NX').incr(k(key)).exec();
      } catch {
        /* not counted while Redis is away */
      }
    },
    async clear(key) {
      await redis.del(k(key)).catch(() => undefined);
    },
  };
}
