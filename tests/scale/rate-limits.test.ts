/**
 * Parker API budgets shared by the instances: three servers (in process, one PostgreSQL database)
 * with REDIS_URL count one budget, so N requests spread round-robin over them are limited as if
 * they went to one; without Redis each instance counts its own (the same requests pass three
 * times the budget: the reason for the shared store). The wrong-password budget of log-in too.
 * Keys under a prefix of this run, removed after.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ParkGateServer } from '../../src-server/app.js';
import { loadConfig } from '../../src-server/config.js';
import { createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';
import { serverEnv } from '../server/helpers/env.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const BUDGET = 12;
const REQUESTS = 30;
const FAILURES = 3;

/** Wrong passwords for one email, round-robin over the instances: the status codes. */
async function wrongPasswords(servers: ParkGateServer[], email: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await servers[i % servers.length]!.app.inject({
      method: 'POST', url: '/parker/v1/login', headers: { 'content-type': 'application/json' }, remoteAddress: `198.51.100.${i + 1}`,
      payload: JSON.stringify({ email, password: 'not-the-password-1' }),
    });
    out.push(res.statusCode);
  }
  return out;
}

describe('rate limits across three instances', () => {
  let database: TestDatabase;
  const prefix = `h20a-test-${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await redis.connect(); // Redis unreachable: the test fails, as it must
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await database.drop();
  });

  async function three(extra: Record<string, string>): Promise<ParkGateServer[]> {
    const config = loadConfig(serverEnv({ databaseUrl: database.url, gateway: 'sim', simUrl: 'http://127.0.0.1:9', extra: { RATE_LIMIT_PER_IP: String(BUDGET), PARKER_LOGIN_FAILURES_PER_ACCOUNT: String(FAILURES), ...extra } }));
    const out: ParkGateServer[] = [];
    for (let i = 0; i < 3; i++) out.push(await buildServer({ config: { ...config, instanceId: `rl${i}` } }));
    return out;
  }

  async function spread(servers: ParkGateServer[]): Promise<number[]> {
    const statuses: number[] = [];
    for (let n = 0; n < REQUESTS; n++) {
      const res = await servers[n % servers.length]!.app.inject({ method: 'GET', url: '/parker/v1/zones', remoteAddress: '203.0.113.7' });
      statuses.push(res.statusCode);
    }
    return statuses;
  }

  it(`with Redis: ${REQUESTS} requests over three instances pass the per-IP budget (${BUDGET}) once, in total`, async () => {
    const servers = await three({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    try {
      const statuses = await spread(servers);
      expect(statuses.filter((s) => s === 200)).toHaveLength(BUDGET);
      expect(statuses.filter((s) => s === 429)).toHaveLength(REQUESTS - BUDGET);
      expect(statuses.slice(0, BUDGET).every((s) => s === 200)).toBe(true);
      expect((await redis.keys(`${prefix}rl:*`)).length).toBeGreaterThan(0);
      // Wrong passwords for one email from three instances count as one budget: the next one waits.
      expect(await wrongPasswords(servers, 'shared@parkgate.example', FAILURES + 2)).toEqual([401, 401, 401, 429, 429]);
    } finally {
      for (const s of servers) await s.close();
    }
  });

  it('without Redis: each instance counts its own budget (in memory)', async () => {
    const servers = await three({});
    try {
      const statuses = await spread(servers);
      expect(statuses.filter((s) => s === 200)).toHaveLength(Math.min(REQUESTS, 3 * BUDGET));
      expect(await wrongPasswords(servers, 'apart@parkgate.example', FAILURES + 2)).toEqual([401, 401, 401, 401, 401]);
    } finally {
      for (const s of servers) await s.close();
    }
  });
});
