/**
 * Where the request budgets of @fastify/rate-limit live: in Redis when REDIS_URL is set, so
 * every instance counts against one budget (keys `<REDIS_KEY_PREFIX>rl:<limiter key>`), else in
 * this process's memory (one instance, or each instance its own budget), said once at start-up.
 * Redis unreachable: requests are not held up or refused for it (skipOnError); it is logged.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config.js';

export interface RateStore {
  /** Extra options for `app.register(rateLimit, …)`. */
  options: { redis?: Redis; nameSpace?: string; skipOnError?: boolean };
  kind: 'redis' | 'memory';
  close(): Promise<void>;
}

export async function rateLimitStore(config: Pick<ServerConfig, 'redisUrl' | 'redisKeyPrefix'>, log: Pick<Logger, 'info' | 'warn'>): Promise<RateStore> {
  if (!config.redisUrl) {
    log.info({ rateLimitStore: 'memory' }, 'rate limits in memory: each instance counts its own budget (set REDIS_URL to share them across instances)');
    return { options: {}, kind: 'memory', close: async () => undefined };
  }
  // No offline queue: while Redis is away a limiter call fails at once (and is skipped) instead of waiting.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, lazyConnect: true });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ err: err.message }, 'Redis for rate limits unreachable: requests pass unlimited until it is back');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info({}, 'Redis for rate limits reachable again');
    down = false;
  });
  await redis.connect().catch(() => undefined); // logged by the error handler; it keeps reconnecting
  log.info({ rateLimitStore: 'redis', keyPrefix: config.redisKeyPrefix }, 'rate limits in Redis: one budget across all instances');
  return {
    options: { redis, nameSpace: `${config.redisKeyPrefix}rl:`, skipOnError: true },
    kind: 'redis',
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
