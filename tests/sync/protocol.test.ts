/**
 * The sync wire contract (src-shared/contracts/sync.ts) at its boundaries: a push recorded from
 * protocol 1 (tests/sync/fixtures, recorded at fddad6c before the contract existed: every event
 * type pushed then) and one recorded from protocol 2 (full-row session events, recorded at
 * 7cd6643: two gates, cash exits, a quote cancelled at one gate and paid at the other, a cancelled
 * booking) are accepted by this server; a malformed, unknown or too-new event is parked
 * with its reason and never blocks the queue; a protocol outside the server's window is refused
 * with PROTOCOL_TOO_OLD / PROTOCOL_TOO_NEW and a refused kiosk shows it in its health; the
 * outbox writes only what the schemas declare.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  sessionSnapSchema, SYNC_EVENT_TYPES, SYNC_PROTOCOL_VERSION, syncChangeSchema, type PushBody, type WireEvent,
} from '../../src-shared/contracts/sync.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import { SyncService } from '../../src-server/sync/service.js';
import { call, memoryServer, openKiosk, serverSessions, tempDir, TestClock, type TestKiosk } from './harness.js';

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as unknown;
const V1_PUSHES = fixture('push-v1.json') as { kiosk: string; body: PushBody }[];
const V1_CHANGES = fixture('pull-v1.json') as { entityType: string; data: unknown }[];
const V2_PUSHES = fixture('push-v2.json') as { kiosk: string; body: PushBody }[];

describe('sync protocol: what a push in protocol 1 looks like', () => {
  it('has no protocol version and every event type it holds has a schema', () => {
    expect(V1_PUSHES.every((p) => p.body.protocolVersion === undefined)).toBe(true);
    const types = [...new Set(V1_PUSHES.flatMap((p) => p.body.events.map((e) => e.type)))].sort();
    expect(types.length).toBeGreaterThanOrEqual(24);
    expect(types.filter((t) => !(SYNC_EVENT_TYPES as string[]).includes(t))).toEqual([]);
  });

  it('every change entry a protocol-1 server sends parses with the pull schema', () => {
    expect(new Set(V1_CHANGES.map((c) => c.entityType))).toEqual(new Set(['session', 'zone', 'operator', 'ticketKey', 'paymentResult']));
    for (const c of V1_CHANGES) expect(syncChangeSchema.safeParse(c.data).success, c.entityType).toBe(true);
  });
});

describe('sync protocol: server', () => {
  let clock: TestClock;
  let server: Awaited<ReturnType<typeof memoryServer>>;
  beforeEach(async () => {
    clock = new TestClock(Date.UTC(2026, 0, 15, 12, 0, 0));
    server = await memoryServer(clock.now);
  });
  afterEach(() => server.close());

  it('accepts the recorded protocol-1 pushes as they are: every event applied, sessions folded', async () => {
    for (const p of V1_PUSHES) {
      const res = await server.service.push(p.kiosk, JSON.parse(JSON.stringify(p.body)) as PushBody);
      expect(res.results.filter((r) => r.outcome !== 'APPLIED'), JSON.stringify(res.results.filter((r) => r.outcome !== 'APPLIED'))).toEqual([]);
    }
    const sessions = await serverSessions(server.service);
    const byPlate = new Map(sessions.map((s) => [s.vehicle, s]));
    expect(byPlate.get('KA01RC0001')).toMatchObject({ status: 'COMPLETED', paid: 8000, conflict: 0 });
    expect(byPlate.get('KA01RC0003')).toMatchObject({ status: 'CANCELLED' });
    expect(byPlate.get('KA01RC0005')).toMatchObject({ status: 'COMPLETED', conflict: 0 }); // double exit, resolved REFUNDED
    expect(byPlate.get('KA01RC0005')!.payments.some((p) => p.includes(':REFUNDED:'))).toBe(true);
    const counts = await server.service.counts();
    expect(counts.events).toBe(V1_PUSHES.reduce((n, p) => n + p.body.events.length, 0));
  });

  it('accepts the recorded protocol-2 pushes (full-row session events) as they are: every event applied, sessions folded', async () => {
    expect(V2_PUSHES.every((p) => p.body.protocolVersion === 2)).toBe(true);
    expect(V2_PUSHES.flatMap((p) => p.body.events).filter((e) => e.type.startsWith('session.')).every((e) => e.schemaVersion === 2 && !('base' in (e.payload as object)))).toBe(true);
    for (const p of V2_PUSHES) {
      const res = await server.service.push(p.kiosk, JSON.parse(JSON.stringify(p.body)) as PushBody);
      expect(res.results.filter((r) => r.outcome !== 'APPLIED'), JSON.stringify(res.results.filter((r) => r.outcome !== 'APPLIED'))).toEqual([]);
    }
    const byPlate = new Map((await serverSessions(server.service)).map((s) => [s.vehicle, s]));
    expect(byPlate.get('KA02RC0001')).toMatchObject({ status: 'COMPLETED', paid: 12000, conflict: 0 });
    expect(byPlate.get('KA02RC0002')).toMatchObject({ status: 'COMPLETED', paid: 12000, conflict: 0 }); // quote cancelled at gate-a, paid at gate-b
    expect(byPlate.get('KA02RC0003')).toMatchObject({ status: 'CANCELLED' });
    expect(byPlate.get('KA02RC0004')).toMatchObject({ status: 'COMPLETED', paid: 12000 });
  });

  it('a gate on this protocol pulls what the protocol-1 pushes produced and mirrors it', async () => {
    for (const p of V1_PUSHES) await server.service.push(p.kiosk, p.body);
    const tmp = tempDir();
    const k = await openKiosk(tmp.dir, 'fresh-gate', clock, () => server.service, false);
    try {
      await k.worker.syncNow();
      expect(k.worker.status()).toMatchObject({ skippedChanges: 0, parkedEvents: 0 });
      const zones = await call<{ name: string }[]>(k, 'zones.list', {}, 'attendant');
      expect(zones.map((z) => z.name)).toEqual(['A', 'B']);
    } finally {
      await k.kiosk.close();
      tmp.cleanup();
    }
  });

  function goodEvent(seq: number): WireEvent {
    const e = V1_PUSHES.flatMap((p) => p.body.events).find((x) => x.type === 'session.ticketIssued')!;
    return { ...JSON.parse(JSON.stringify(e)) as WireEvent, seq, id: `good-${seq}` };
  }

  it('parks a malformed, an unknown and a too-new event with their reasons; the rest of the batch applies', async () => {
    const malformed = { ...goodEvent(1), id: 'bad-1', payload: { session: { id: 'x' } } };
    const unknown = { ...goodEvent(2), id: 'bad-2', type: 'lane.opened', entityId: null, payload: { lane: 1 } };
    const tooNew = { ...goodEvent(3), id: 'bad-3', schemaVersion: SYNC_PROTOCOL_VERSION + 1 };
    const wrongEntity = { ...goodEvent(4), id: 'bad-4', entityId: 'someone-else' };
    const res = await server.service.push('gate-x', { protocolVersion: SYNC_PROTOCOL_VERSION, events: [malformed, unknown, tooNew, wrongEntity, goodEvent(5)] });
    expect(res.results.map((r) => [r.id, r.outcome, r.reason])).toEqual([
      ['bad-1', 'REJECTED', 'MALFORMED'], ['bad-2', 'REJECTED', 'UNKNOWN_TYPE'], ['bad-3', 'REJECTED', 'SCHEMA_TOO_NEW'],
      ['bad-4', 'REJECTED', 'MALFORMED'], ['good-5', 'APPLIED', undefined],
    ]);
    expect(res.results[0]!.error).toMatch(/^MALFORMED: session\.ticketIssued session\./);
    expect(res.lastSeq).toBe(5);
    const stored = await server.db.selectFrom('sync_events' as never).select(['id', 'outcome', 'error'] as never).orderBy('seq' as never).execute() as { id: string; outcome: string; error: string | null }[];
    expect(stored.map((r) => r.outcome)).toEqual(['PARKED', 'PARKED', 'PARKED', 'PARKED', 'APPLIED']);
    expect(stored[1]!.error).toBe('UNKNOWN_TYPE: lane.opened');
    expect((await server.service.sessions()).map((s) => s.session.id)).toEqual([goodEvent(5).entityId]);
  });

  it('refuses a protocol newer than its own and one older than it accepts, with the reason', async () => {
    const refused = async (service: SyncService, v: number | undefined) => {
      const err = await service.push('gate-x', { ...(v === undefined ? {} : { protocolVersion: v }), events: [goodEvent(1)] }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      return (err as AppError).details as { reason: string };
    };
    expect(await refused(server.service, SYNC_PROTOCOL_VERSION + 1)).toMatchObject({ reason: 'PROTOCOL_TOO_NEW', serverVersion: SYNC_PROTOCOL_VERSION });
    const newer = new SyncService({ db: server.db, now: clock.now, protocol: { current: SYNC_PROTOCOL_VERSION + 2, oldest: SYNC_PROTOCOL_VERSION + 1 } });
    expect(await refused(newer, SYNC_PROTOCOL_VERSION)).toMatchObject({ reason: 'PROTOCOL_TOO_OLD', oldestAccepted: SYNC_PROTOCOL_VERSION + 1 });
    expect(await refused(newer, undefined)).toMatchObject({ reason: 'PROTOCOL_TOO_OLD' }); // no version = protocol 1
    // Boundaries: the previous version and the current one are accepted.
    const prev = await server.service.push('gate-y', { events: [goodEvent(1)] });
    expect(prev.results[0]!.outcome).toBe('APPLIED');
    const cur = await server.service.push('gate-y', { protocolVersion: SYNC_PROTOCOL_VERSION, events: [{ ...goodEvent(2), id: 'g2' }] });
    expect(cur.results[0]!.outcome).not.toBe('REJECTED');
  });
});

describe('sync protocol: kiosk', () => {
  let clock: TestClock;
  let server: Awaited<ReturnType<typeof memoryServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let k: TestKiosk;
  beforeEach(async () => {
    clock = new TestClock();
    server = await memoryServer(clock.now);
    tmp = tempDir();
  });
  afterEach(async () => {
    await k?.kiosk.close();
    await server.close();
    tmp.cleanup();
  });

  it('a kiosk the server finds too old says so in sync.status and system.health, and it clears once the server accepts it', async () => {
    const newer = new SyncService({ db: server.db, now: clock.now, protocol: { current: SYNC_PROTOCOL_VERSION + 1, oldest: SYNC_PROTOCOL_VERSION + 1 } });
    let current: SyncService = newer;
    k = await openKiosk(tmp.dir, 'gate-old', clock, () => current, true);
    await expect(k.worker.syncNow()).rejects.toThrow(/Update this kiosk/);
    expect(k.worker.status()).toMatchObject({ protocolProblem: 'KIOSK_TOO_OLD', pendingEvents: k.worker.status().pendingEvents });
    expect(k.worker.status().pendingEvents).toBeGreaterThan(0); // nothing lost, nothing parked
    expect(k.worker.status().parkedEvents).toBe(0);
    const health = await k.kiosk.call('system.health', {});
    expect(health.ok && health.data.syncProblem).toBe('KIOSK_TOO_OLD');
    current = server.service;
    await k.worker.syncNow();
    expect(k.worker.status()).toMatchObject({ protocolProblem: null, pendingEvents: 0, parkedEvents: 0 });
    const after = await k.kiosk.call('system.health', {});
    expect(after.ok && after.data.syncProblem).toBeNull();
  });

  it('a server older than the kiosk: SERVER_TOO_OLD', async () => {
    const older = new SyncService({ db: server.db, now: clock.now, protocol: { current: SYNC_PROTOCOL_VERSION - 1, oldest: SYNC_PROTOCOL_VERSION - 1 } });
    k = await openKiosk(tmp.dir, 'gate-new', clock, () => older, true);
    await expect(k.worker.syncNow()).rejects.toThrow(/Update the central server/);
    expect(k.worker.status().protocolProblem).toBe('SERVER_TOO_OLD');
  });

  it('the outbox writes the schema\'s fields only, with the protocol version; a payload that does not match fails and writes nothing', async () => {
    k = await openKiosk(tmp.dir, 'gate-a', clock, () => server.service, true);
    await call(k, 'gate.issueTicket', { vehicleNumber: 'KA01PR0001' }, 'attendant');
    const db = k.kiosk.ctx.store.sqlite;
    const row = db.prepare(`SELECT payload, schema_version FROM outbox WHERE type = 'session.ticketIssued'`).get() as { payload: string; schema_version: number };
    expect(row.schema_version).toBe(SYNC_PROTOCOL_VERSION);
    const payload = JSON.parse(row.payload) as { session: Record<string, unknown> };
    expect(Object.keys(payload).sort()).toEqual(['operatorId', 'payment', 'session']);
    expect(Object.keys(payload.session).every((c) => c in sessionSnapSchema.shape)).toBe(true);
    const before = (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
    expect(() => k.kiosk.ctx.store.q.tx(() => k.kiosk.ctx.outbox.append('session.entered', 'x', { session: { id: 'x' }, payment: null, operatorId: null })))
      .toThrow(/session\.entered payload does not match its sync schema/);
    expect((db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n).toBe(before);
  });

  it('a pulled change of a kind this kiosk does not know is skipped with its reason; the cursor moves on', async () => {
    k = await openKiosk(tmp.dir, 'gate-a', clock, () => server.service, true);
    await k.worker.syncNow();
    await server.service.recordServerChange('laneState', 'lane-1', { kind: 'laneState', lane: 1, open: true });
    await server.service.recordServerChange('zone', 'z-bad', { kind: 'zone', zone: { id: 'z-bad' }, slots: [] });
    const cursor = k.worker.status().cursor;
    await k.worker.syncNow();
    expect(k.worker.status().cursor).toBe(cursor + 2);
    const skipped = k.kiosk.ctx.store.sqlite.prepare('SELECT entity_type, entity_id, error FROM sync_skipped ORDER BY seq').all();
    expect(skipped).toEqual([
      { entity_type: 'laneState', entity_id: 'lane-1', error: 'UNKNOWN_KIND: laneState' },
      { entity_type: 'zone', entity_id: 'z-bad', error: expect.stringMatching(/^MALFORMED: zone\.name/) },
    ]);
  });
});

