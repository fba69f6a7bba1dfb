/**
 * The e-receipt SMS budget (SMS_PER_DOCUMENT per document) held as one by two server instances
 * (in process, one PostgreSQL database) sharing Redis: requests for one document spread over
 * both, in turn and all at once, send exactly the budget; a failed send gives its turn back.
 * Without Redis each instance counts its own (the same requests send twice the budget: the
 * reason for the shared store). Keys under a prefix of this run, removed after.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ParkGateServer } from '../../src-server/app.js';
import { loadConfig } from '../../src-server/config.js';
import { SMS_PER_DOCUMENT } from '../../src-server/invoices/sms-route.js';
import { addKiosk } from '../../src-server/kiosks/enrolment.js';
import type { SyncDatabase } from '../../src-server/sync/schema.js';
import { startSmsSim } from '../../src-server/sim/sms-sim.js';
import { systemClock } from '../../src-server/util/clock.js';
import { kioskSigningKey, signKioskRequest } from '../../src-shared/protocol/kiosk-signing.js';
import { createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';
import { serverEnv } from '../server/helpers/env.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const AUTH_KEY = 'sms-limit-test-key';
const PATH = '/kiosk/v1/e-receipts/sms';

describe('e-receipt SMS budget across two instances', () => {
  let database: TestDatabase;
  let sms: Awaited<ReturnType<typeof startSmsSim>>;
  const prefix = `h20-test-${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  let kiosk: { id: string; secret: string };

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    sms = await startSmsSim({ authKey: AUTH_KEY });
    await redis.connect(); // Redis unreachable: the test fails, as it must
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await sms.close();
    await database.drop();
  });

  async function two(extra: Record<string, string>): Promise<ParkGateServer[]> {
    const config = loadConfig(serverEnv({
      databaseUrl: database.url, gateway: 'sim', simUrl: 'http://127.0.0.1:9',
      extra: { SMS_API_BASE: sms.url, SMS_AUTH_KEY: AUTH_KEY, SMS_TEMPLATE_ID: 'ereceipt-1', PUBLIC_BASE_URL: 'http://127.0.0.1:9', ...extra },
    }));
    const out: ParkGateServer[] = [];
    for (let i = 0; i < 2; i++) out.push(await buildServer({ config: { ...config, instanceId: `sms${i}` } }));
    kiosk ??= await addKiosk(out[0]!.ctx.db, systemClock, 'SMS gate');
    return out;
  }

  /** A synced invoice of the kiosk (the `invoice.issued` event the e-receipt route reads); its token. */
  async function invoice(server: ParkGateServer): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const id = `doc-${randomBytes(6).toString('hex')}`;
    const document = { id, token, kioskId: kiosk.id, number: `G01I/2627/${id.slice(-6)}` };
    await (server.ctx.db as unknown as Kysely<SyncDatabase>).insertInto('sync_events').values({
      facility_id: 'main', id: `ev-${id}`, kiosk_id: kiosk.id, seq: Number.parseInt(id.slice(-6), 16), hlc: `0-${id}`, type: 'invoice.issued', entity_id: id,
      payload: JSON.stringify({ document }), schema_version: 1, outcome: 'applied', error: null, received_at: Date.now(),
    }).execute();
    return token;
  }

  async function send(server: ParkGateServer, token: string): Promise<{ status: number; reason?: string }> {
    const body = JSON.stringify({ token, mobile: '9876543210' });
    const headers = { 'x-kiosk-id': kiosk.id, 'content-type': 'application/json', ...signKioskRequest(kioskSigningKey(kiosk.secret), 'POST', PATH, Date.now(), body) };
    const res = await server.app.inject({ method: 'POST', url: PATH, headers, payload: body });
    return { status: res.statusCode, reason: (res.json() as { error?: { details?: { reason?: string } } }).error?.details?.reason };
  }

  it(`with Redis: one budget (${SMS_PER_DOCUMENT}) for both, in turn and concurrently; a failed send gives its turn back`, async () => {
    const servers = await two({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    try {
      // In turn over the two instances.
      const token = await invoice(servers[0]!);
      const before = sms.sent.length;
      const turns: number[] = [];
      for (let i = 0; i < SMS_PER_DOCUMENT + 3; i++) turns.push((await send(servers[i % 2]!, token)).status);
      expect(turns).toEqual([...Array<number>(SMS_PER_DOCUMENT).fill(200), 429, 429, 429]);
      expect(sms.sent.length - before).toBe(SMS_PER_DOCUMENT);
      expect(await send(servers[1]!, token)).toEqual({ status: 429, reason: 'SMS_LIMIT' });
      expect((await redis.keys(`${prefix}sms:*`)).length).toBe(1);

      // All at once on both instances: still exactly the budget.
      const burst = await invoice(servers[0]!);
      const sentBefore = sms.sent.length;
      const all = await Promise.all(Array.from({ length: 10 }, (_, i) => send(servers[i % 2]!, burst)));
      expect(all.filter((r) => r.status === 200)).toHaveLength(SMS_PER_DOCUMENT);
      expect(all.filter((r) => r.status === 429)).toHaveLength(10 - SMS_PER_DOCUMENT);
      expect(sms.sent.length - sentBefore).toBe(SMS_PER_DOCUMENT);

      // A send the provider refused does not use up the document's budget.
      const refused = await invoice(servers[0]!);
      await fetch(`${sms.url}/_sim/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'reject' }) });
      expect((await send(servers[0]!, refused)).reason).toBe('SMS_REJECTED');
      await fetch(`${sms.url}/_sim/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'normal' }) });
      const after: number[] = [];
      for (let i = 0; i < SMS_PER_DOCUMENT + 1; i++) after.push((await send(servers[(i + 1) % 2]!, refused)).status);
      expect(after).toEqual([...Array<number>(SMS_PER_DOCUMENT).fill(200), 429]);
    } finally {
      for (const s of servers) await s.close();
    }
  });

  it('without Redis: each instance its own budget (twice the sends), the single-instance default', async () => {
    const servers = await two({});
    try {
      const token = await invoice(servers[0]!);
      const before = sms.sent.length;
      const statuses: number[] = [];
      for (let i = 0; i < 2 * SMS_PER_DOCUMENT + 2; i++) statuses.push((await send(servers[i % 2]!, token)).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(2 * SMS_PER_DOCUMENT);
      expect(sms.sent.length - before).toBe(2 * SMS_PER_DOCUMENT);
    } finally {
      for (const s of servers) await s.close();
    }
  });
});
