/**
 * How many e-receipt SMS a document may still get (SMS_PER_DOCUMENT, src-server/invoices/sms-route.ts).
 * A send first takes one from the document's budget and gives it back when the provider did not
 * take the message, so concurrent requests cannot overshoot. In memory by default (SQLite, one
 * instance); with REDIS_URL one budget in Redis for all the instances, under
 * `<REDIS_KEY_PREFIX>sms:<document id>` (expires SMS_BUDGET_TTL_MS after the first send). Redis
 * unreachable: the instance falls back to its own in-memory budget (each instance then limits on
 * its own, never unlimited).
 */
import type { Redis } from 'ioredis';

/** How long a document's shared count is kept. */
export const SMS_BUDGET_TTL_MS = 30 * 24 * 3600_000;

export interface SmsBudget {
  readonly kind: 'memory' | 'redis';
  /** Takes one send for `documentId`: false when `max` were already taken. */
  take(documentId: string): Promise<boolean>;
  /** Gives back one send taken for `documentId` (the send failed). */
  giveBack(documentId: string): Promise<void>;
}

export function memorySmsBudget(max: number): SmsBudget {
  const sent = new Map<string, number>();
  return {
    kind: 'memory',
    async take(id) {
      const n = sent.get(id) ?? 0;
      if (n >= max) return false;
      sent.set(id, n + 1);
      return true;
    },
    async giveBack(id) {
      const n = sent.get(id) ?? 0;
      if (n <= 1) sent.delete(id);
      else sent.set(id, n - 1);
    },
  };
}

/** INCR, and back down when over the budget, in one step (KEYS[1]; ARGV: max, ttl ms). */
const TAKE = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then redis.call('DECR', KEYS[1]) return 0 end
return 1`;
/** DECR only a key that still exists and is positive (an expired one is not re-created at -1). */
const GIVE_BACK = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 1`;

export function redisSmsBudget(redis: Redis, prefix: string, max: number, opts: { ttlMs?: number; onFallback?: (message: string) => void } = {}): SmsBudget {
  const local = memorySmsBudget(max);
  const key = (id: string) => `${prefix}sms:${id}`;
  /** Documents whose send was taken from the local budget (Redis was away): given back there. */
  const takenLocally = new Map<string, number>();
  return {
    kind: 'redis',
    async take(id) {
      try {
        return Number(await redis.eval(TAKE, 1, key(id), String(max), String(opts.ttlMs ?? SMS_BUDGET_TTL_MS))) === 1;
      } catch (err) {
        opts.onFallback?.((err as Error).message);
        const ok = await local.take(id);
        if (ok) takenLocally.set(id, (takenLocally.get(id) ?? 0) + 1);
        return ok;
      }
    },
    async giveBack(id) {
      const n = takenLocally.get(id) ?? 0;
      if (n > 0) {
        if (n === 1) takenLocally.delete(id);
        else takenLocally.set(id, n - 1);
        await local.giveBack(id);
        return;
      }
      await redis.eval(GIVE_BACK, 1, key(id)).catch(() => undefined);
    },
  };
}
