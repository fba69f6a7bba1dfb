/**
 * Managing facilities: `server:cli -- facility ...` and `kiosk add --facility` as real processes,
 * and the head-office API (ADMIN_TOKEN): create, list, rename, time zone, refusals that change
 * nothing, and per-facility occupancy and takings of a day in each facility's own time zone
 * (boundaries: the last second of the local day and the first of the next).
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignedClient } from '../../src-main/online/signed-client.js';
import { buildServer } from '../../src-server/app.js';
import { loadConfig } from '../../src-server/config.js';
import { createFacility } from '../../src-server/facilities/facilities.js';
import { addKiosk } from '../../src-server/kiosks/enrolment.js';
import { createLogger } from '../../src-server/logger.js';
import type { Kysely } from 'kysely';
import type { ServerDatabase } from '../../src-server/db/schema.js';
import type { SyncDatabase } from '../../src-server/sync/schema.js';
import { BACKENDS, createTestDatabase } from './helpers/databases.js';
import { serverEnv } from './helpers/env.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { runScript } from './helpers/processes.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

describe('server:cli facilities (real processes, SQLite)', () => {
  it('adds, lists, renames and re-zones facilities; a kiosk must name its facility once there are two', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const env = serverEnv({ databaseUrl: database.url, gateway: 'razorpay', simUrl: 'http://127.0.0.1:9' });
      const cli = (...args: string[]) => runScript('server:cli', args, env);
      const first = await cli('kiosk', 'add', 'Gate 1');
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/facility:\s+main/);
      expect((await cli('facility', 'add', 'Airport', 'P2', '--time-zone', 'Asia/Dubai', '--id', 'f2')).out).toMatch(/^f2\tAirport P2\tAsia\/Dubai$/m);
      const twice = await cli('facility', 'add', 'Airport', 'P2');
      expect(twice.code).toBe(1);
      expect(twice.out).toMatch(/CONFLICT/);
      const unnamed = await cli('kiosk', 'add', 'Gate 2');
      expect(unnamed.code).toBe(1);
      expect(unnamed.out).toMatch(/VALIDATION_FAILED: .*name one/);
      const enrolled = await cli('kiosk', 'add', 'Gate 2', '--facility', 'f2');
      expect(enrolled.out).toMatch(/facility:\s+f2/);
      expect((await cli('kiosk', 'add', 'Gate 3', '--facility', 'nowhere')).out).toMatch(/NOT_FOUND/);
      expect((await cli('facility', 'time-zone', 'f2', 'Mars/Olympus')).out).toMatch(/VALIDATION_FAILED: Unknown time zone/);
      expect((await cli('facility', 'rename', 'f2', 'Airport', 'Level', '2')).out).toMatch(/^f2\tAirport Level 2\tAsia\/Dubai$/m);
      expect((await cli('zone', 'add', 'A', '4000', '3', '--facility', 'f2')).code).toBe(0);
      expect((await cli('zone', 'add', 'A', '4000', '3', '--facility', 'main')).code).toBe(0); // same name, other facility
      const list = await cli('facility', 'list');
      expect(list.out.trim().split('\n')).toEqual([expect.stringMatching(/^main\tFacility 1\tAsia\/Kolkata$/), 'f2\tAirport Level 2\tAsia/Dubai']);
      const kiosks = await cli('kiosk', 'list');
      expect(kiosks.out).toMatch(/\tmain\tGate 1\t/);
      expect(kiosks.out).toMatch(/\tf2\tGate 2\t/);
      expect((await cli('zone', 'list', '--facility', 'f2')).out.trim().split('\n')).toHaveLength(1);
    } finally {
      await database.drop();
    }
  }, 120_000);
});

describe.each(BACKENDS)('head-office API (%s)', (backend) => {
  let h: Harness;
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, token: string | null = ADMIN_TOKEN) => {
    const res = await fetch(`${h.serverUrl}${path}`, {
      method, ...(body === undefined ? {} : { body: JSON.stringify(body) }), headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: (await res.json()) as { ok: boolean; data?: unknown; error?: { code: string } } };
  };

  beforeEach(async () => {
    h = await startHarness(backend, 'sim', { ADMIN_TOKEN });
  }, 60_000);
  afterEach(async () => h.close());

  it('refuses without the token (401) and creates, renames and re-zones facilities; bad input changes nothing', async () => {
    expect((await call('GET', '/admin/v1/facilities', undefined, null)).status).toBe(401);
    expect((await call('GET', '/admin/v1/facilities', undefined, 'wrong-token-wrong-token-wrong')).status).toBe(401);
    const made = await call('POST', '/admin/v1/facilities', { id: 'mall', name: 'Mall Parking', timeZone: 'Europe/London' });
    expect(made.body.data).toMatchObject({ id: 'mall', name: 'Mall Parking', timeZone: 'Europe/London' });
    expect((await call('POST', '/admin/v1/facilities', { name: 'mall parking' })).body.error?.code).toBe('CONFLICT');
    expect((await call('POST', '/admin/v1/facilities', { name: 'X', timeZone: 'Nowhere/Land' })).body.error?.code).toBe('VALIDATION_FAILED');
    expect((await call('POST', '/admin/v1/facilities', { name: 'X', id: 'Bad Id' })).body.error?.code).toBe('VALIDATION_FAILED');
    expect((await call('POST', '/admin/v1/facilities', { name: 'x'.repeat(101) })).body.error?.code).toBe('VALIDATION_FAILED');
    expect((await call('POST', '/admin/v1/facilities/mall', { timeZone: 'Nowhere/Land' })).body.error?.code).toBe('VALIDATION_FAILED');
    expect((await call('POST', '/admin/v1/facilities/mall', {})).body.error?.code).toBe('VALIDATION_FAILED');
    expect((await call('POST', '/admin/v1/facilities/nope', { name: 'Y' })).body.error?.code).toBe('NOT_FOUND');
    const renamed = await call('POST', '/admin/v1/facilities/mall', { name: 'Mall P1', timeZone: 'Asia/Kolkata' });
    expect(renamed.body.data).toMatchObject({ id: 'mall', name: 'Mall P1', timeZone: 'Asia/Kolkata' });
    const list = (await call('GET', '/admin/v1/facilities')).body.data as { id: string; name: string }[];
    expect(list.map((f) => [f.id, f.name])).toEqual([['main', 'Facility 1'], ['mall', 'Mall P1']]);
  });

  it('lists occupancy and the day\'s takings per facility, the day in each facility\'s time zone', async () => {
    await call('POST', '/admin/v1/facilities', { id: 'utc', name: 'UTC Park', timeZone: 'UTC' });
    const db = h.server.ctx.db as unknown as Kysely<ServerDatabase & SyncDatabase>;
    // 2026-01-15 18:29:59.999 UTC is 23:59:59.999 in Kolkata (the Kolkata day 2026-01-15); 18:30 UTC is the next Kolkata day.
    const lastIst = Date.UTC(2026, 0, 15, 18, 29, 59, 999);
    const firstNextIst = lastIst + 1;
    const pay = (id: string, method: 'CASH' | 'ONLINE', paise: number, at: number, extra: Record<string, unknown> = {}) => ({
      id, method, status: 'SUCCESS', amount_paise: paise, completed_at: at, late: 0, review_reason: null, ...extra,
    });
    const session = (id: string, facility: string, open: number, payments: unknown[]) => ({
      id, facility_id: facility, zone_id: 'z', slot_id: `slot-${id}`, vehicle_number: `KA01${id}`, status: open ? 'PARKED' : 'COMPLETED', is_open: open,
      creation_hlc: 'h', conflict: 0, amount_paid_paise: 0, data: JSON.stringify({ payments }), updated_at: Date.UTC(2026, 0, 16, 1),
    });
    await db.insertInto('sync_sessions').values([
      session('s1', 'main', 0, [pay('p1', 'CASH', 5000, lastIst), pay('p2', 'ONLINE', 3000, firstNextIst)]),
      session('s2', 'main', 1, [pay('p3', 'ONLINE', 7000, lastIst - 3_600_000, { late: 1, review_reason: 'LATE_PAYMENT' }), pay('p4', 'CASH', 1000, lastIst, { status: 'REFUNDED' })]),
      session('s3', 'utc', 1, [pay('p5', 'CASH', 2000, lastIst), pay('p6', 'CASH', 4000, firstNextIst)]),
    ]).execute();
    // A published zone of 4 slots in main and one of 2 in utc, both named A (names are unique per facility only).
    await db.insertInto('zones').values([
      { id: 'zm', facility_id: 'main', name: 'A', hourly_rate_paise: 4000, is_active: 1, created_at: 0, hlc: 'h' },
      { id: 'zu', facility_id: 'utc', name: 'A', hourly_rate_paise: 4000, is_active: 1, created_at: 0, hlc: 'h' },
    ]).execute();
    await db.insertInto('slots').values([...[1, 2, 3, 4].map((i) => ({ id: `zm-${i}`, zone_id: 'zm', slot_number: `A-${i}`, position: i })),
      ...[1, 2].map((i) => ({ id: `zu-${i}`, zone_id: 'zu', slot_number: `A-${i}`, position: i }))]).execute();

    const overview = async (date?: string) =>
      (await call('GET', `/admin/v1/overview${date ? `?date=${date}` : ''}`)).body.data as { facility: { id: string }; day: { date: string }; occupancy: unknown; revenue: unknown }[];
    const day15 = await overview('2026-01-15');
    expect(day15.map((o) => [o.facility.id, o.occupancy, o.revenue])).toEqual([
      ['main', { occupied: 1, totalSlots: 4, free: 3 }, { totalPaise: 5000, cashPaise: 5000, onlinePaise: 0, payments: 1, refundedPaise: 1000 }],
      ['utc', { occupied: 1, totalSlots: 2, free: 1 }, { totalPaise: 6000, cashPaise: 6000, onlinePaise: 0, payments: 2, refundedPaise: 0 }],
    ]);
    const day16 = await overview('2026-01-16');
    expect(day16.map((o) => [o.facility.id, (o.revenue as { totalPaise: number }).totalPaise])).toEqual([['main', 3000], ['utc', 0]]);
    // Without a date: today in each facility's zone (the server clock is 2026-01-15 10:00 UTC).
    expect((await overview()).map((o) => o.day.date)).toEqual(['2026-01-15', '2026-01-15']);
    expect((await call('GET', '/admin/v1/overview?date=2026-02-30')).body.error?.code).toBe('VALIDATION_FAILED');
    expect((await call('GET', '/admin/v1/overview?date=yesterday')).body.error?.code).toBe('VALIDATION_FAILED');
  });
});

describe('head-office API without ADMIN_TOKEN', () => {
  it('is closed (403)', async () => {
    const h = await startHarness('sqlite', 'sim');
    try {
      const res = await fetch(`${h.serverUrl}/admin/v1/facilities`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.status).toBe(403);
    } finally {
      await h.close();
    }
  });
});

describe('structured logs name the facility and the kiosk', () => {
  it('every log line of a signed kiosk request after authentication, the completion line included, carries kioskId and facilityId', async () => {
    const database = await createTestDatabase('sqlite');
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>); done(); } });
    const config = loadConfig(serverEnv({ databaseUrl: database.url, gateway: 'sim', simUrl: 'http://127.0.0.1:9', extra: { LOG_LEVEL: 'info' } }));
    const server = await buildServer({ config, logger: createLogger('info', sink) });
    try {
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      await createFacility(server.ctx.db, server.ctx.clock, { id: 'f2', name: 'Airport', timeZone: 'Asia/Kolkata' });
      const kiosk = await addKiosk(server.ctx.db, server.ctx.clock, 'Airport gate', undefined, 'f2');
      const url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
      const client = new SignedClient({ baseUrl: url, kioskId: kiosk.id, kioskSecret: kiosk.secret, now: () => Date.now() });
      expect(await client.request('GET', '/kiosk/v1/ping', undefined, { timeoutMs: 10_000 })).toMatchObject({ kioskId: kiosk.id, facilityId: 'f2' });
      const completed = lines.find((l) => l.msg === 'request completed' && typeof l.res === 'object');
      expect(completed).toMatchObject({ kioskId: kiosk.id, facilityId: 'f2' });
    } finally {
      await server.close();
      await database.drop();
    }
  });
});
