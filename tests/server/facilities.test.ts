/**
 * Facility isolation on the real server over signed HTTP (SQLite and PostgreSQL): facility `main`
 * (the harness kiosk K1) and facility `f2` (kiosk X2, which pushes a real kiosk's recorded events:
 * zones, operators, sessions, payments). K1 never pulls f2's changes, its long-poll is not woken by
 * them, its events and requests naming f2's sessions, zones, operators and payments are refused with
 * typed errors and change nothing there; parker bookings name their facility.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { CentralServerError, SignedClient } from '../../src-main/online/signed-client.js';
import { HttpSyncTransport } from '../../src-main/sync/transport.js';
import { SYNC_PROTOCOL_VERSION, type PullResult, type PushBody, type WireEvent } from '../../src-shared/contracts/sync.js';
import { createFacility } from '../../src-server/facilities/facilities.js';
import { addKiosk } from '../../src-server/kiosks/enrolment.js';
import { wakeEvent } from '../../src-server/sync/pull.js';
import type { ServerDatabase } from '../../src-server/db/schema.js';
import type { SyncDatabase } from '../../src-server/sync/schema.js';
import { BACKENDS } from './helpers/databases.js';
import { newKey, startHarness, type Harness } from './helpers/harness.js';

const V1_PUSHES = JSON.parse(readFileSync(join(__dirname, '..', 'sync', 'fixtures', 'push-v1.json'), 'utf8')) as { kiosk: string; body: PushBody }[];

/** The recorded kiosks' events as one kiosk's stream (sequence renumbered from 1), with their ticket keys. */
function recordedStream(): { events: WireEvent[]; ticketKeys: NonNullable<PushBody['ticketKeys']> } {
  let seq = 0;
  const events = V1_PUSHES.flatMap((p) => p.body.events).map((e) => ({ ...e, seq: ++seq }));
  return { events, ticketKeys: V1_PUSHES.flatMap((p) => p.body.ticketKeys ?? []) };
}

describe.each(BACKENDS)('facility isolation (%s)', (backend) => {
  let h: Harness;
  let k1: HttpSyncTransport;
  let k1Http: SignedClient;
  let x2: HttpSyncTransport;
  let db: Kysely<ServerDatabase & SyncDatabase>;

  beforeEach(async () => {
    h = await startHarness(backend, 'sim', { LOG_LEVEL: 'error' });
    db = h.server.ctx.db as unknown as Kysely<ServerDatabase & SyncDatabase>;
    await createFacility(h.server.ctx.db, h.clock, { id: 'f2', name: 'Airport P2', timeZone: 'Asia/Kolkata' });
    const x2Kiosk = await addKiosk(h.server.ctx.db, h.clock, 'Airport gate', undefined, 'f2');
    const signed = (id: string, secret: string) => new SignedClient({ baseUrl: h.serverUrl, kioskId: id, kioskSecret: secret, now: () => h.clock.now() });
    k1Http = signed(h.kiosk.id, h.kiosk.secret);
    k1 = new HttpSyncTransport(k1Http);
    x2 = new HttpSyncTransport(signed(x2Kiosk.id, x2Kiosk.secret));
    const { events, ticketKeys } = recordedStream();
    const res = await x2.push({ protocolVersion: SYNC_PROTOCOL_VERSION, events, ticketKeys, clientTime: h.clock.now() });
    expect(res.results.filter((r) => r.outcome !== 'APPLIED')).toEqual([]);
  }, 60_000);
  afterEach(async () => h.close());

  const f2Sessions = () => db.selectFrom('sync_sessions').select(['id', 'data']).where('facility_id', '=', 'f2').orderBy('id').execute();

  it('a kiosk pulls only its facility: f2 got its zones, operators, sessions; main got nothing of them', async () => {
    const mine = await x2.pull(0, 1000, 0);
    const kinds = new Set(mine.changes.map((c) => c.entityType));
    expect([...kinds].sort()).toEqual(['operator', 'session', 'ticketKey', 'zone']);
    const other = await k1.pull(0, 1000, 0);
    expect(other.changes).toEqual([]);
    expect(other.hasMore).toBe(false);
    const f2Ids = new Set(mine.changes.map((c) => c.entityId));
    expect(f2Ids.size).toBeGreaterThan(10);
  });

  it("a burst in f2 neither feeds nor wakes main's long-poll: it returns main's one change, in one page", async () => {
    const cursor = (await k1.pull(0, 1000, 0)).cursor;
    // Wake-ups of main's long-polls, counted where the server sends them (before each push answers).
    let mainWakes = 0;
    const unsubscribe = h.server.ctx.waker.subscribe(wakeEvent('main'), () => mainWakes++);
    // main's long-poll, asked again when its wait runs out with nothing (as the kiosk's worker does):
    // a burst slowed by a loaded machine may outlast one wait.
    let settled = false;
    const longPoll = async (): Promise<PullResult> => {
      const r = await k1.pull(cursor, 1000, 30_000);
      return r.changes.length === 0 && r.cursor === cursor ? longPoll() : r;
    };
    const waiting = longPoll().finally(() => (settled = true));
    // The burst: 300 new f2 sessions in 30 pushes while main's pull waits.
    const template = recordedStream().events.find((e) => e.type === 'session.ticketIssued')!;
    let seq = recordedStream().events.length;
    for (let batch = 0; batch < 30; batch++) {
      const events: WireEvent[] = [];
      for (let i = 0; i < 10; i++) {
        const n = batch * 10 + i;
        const id = `019bc119-0200-7000-8000-${String(n).padStart(12, '0')}`;
        const p = template.payload as { session: Record<string, unknown> };
        events.push({
          ...template, id: `019bc119-0300-7000-8000-${String(n).padStart(12, '0')}`, seq: ++seq, entityId: id,
          hlc: `001768471300000-${String(n).padStart(6, '0')}-${template.hlc.split('-').slice(2).join('-')}`,
          payload: { ...p, session: { ...p.session, id } },
          vehicle: { vehicle_number: `KA02BU${String(n).padStart(4, '0')}`, owner_name: null },
        });
      }
      await x2.push({ protocolVersion: SYNC_PROTOCOL_VERSION, events });
    }
    const f2Changes = await db.selectFrom('sync_changes').select((eb) => eb.fn.countAll().as('n')).where('facility_id', '=', 'f2').executeTakeFirstOrThrow();
    expect(Number(f2Changes.n)).toBeGreaterThan(300);
    // Still waiting: main's pull was not woken and has not returned. One change for main wakes it.
    expect(mainWakes).toBe(0);
    expect(settled).toBe(false);
    await h.server.ctx.syncEvents!.sync.recordServerChange('laneState', 'main-lane-1', { kind: 'laneState', lane: 1 }, null, 'main');
    const woke = await waiting;
    unsubscribe();
    expect(mainWakes).toBeGreaterThan(0);
    expect(woke.changes.map((c) => c.entityId)).toEqual(['main-lane-1']);
    expect(woke.hasMore).toBe(false);
  }, 180_000);

  it("main's kiosk pushing f2's sessions, zones and operators is refused (FOREIGN_FACILITY) and f2 is unchanged", async () => {
    const before = await f2Sessions();
    const { events } = recordedStream();
    const res = await k1.push({ protocolVersion: SYNC_PROTOCOL_VERSION, events });
    const replicated = events.filter((e) => /^(session|payment|zone|slots|operator)\./.test(e.type));
    for (const e of replicated) {
      const r = res.results.find((x) => x.id === e.id)!;
      expect(r, e.type).toMatchObject({ outcome: 'REJECTED', reason: 'FOREIGN_FACILITY' });
    }
    expect(await f2Sessions()).toEqual(before);
    const operators = await db.selectFrom('sync_entities').select(['facility_id']).where('entity_type', '=', 'operator').execute();
    expect(new Set(operators.map((z) => z.facility_id))).toEqual(new Set(['f2']));
    const zones = await db.selectFrom('zones').select(['facility_id']).where('hlc', 'is not', null).execute();
    expect(zones.length).toBeGreaterThan(0);
    expect(new Set(zones.map((z) => z.facility_id))).toEqual(new Set(['f2']));
    expect((await k1.pull(0, 1000, 0)).changes).toEqual([]);
  });

  it("a new session of main placed in f2's zone is refused; one in no known zone of f2 is main's own", async () => {
    const template = recordedStream().events.find((e) => e.type === 'session.ticketIssued')!;
    const p = template.payload as { session: Record<string, unknown> };
    const id = '019bc119-0400-7000-8000-000000000001';
    const res = await k1.push({
      protocolVersion: SYNC_PROTOCOL_VERSION,
      events: [{ ...template, id: '019bc119-0400-7000-8000-0000000000e1', seq: 1, entityId: id, payload: { ...p, session: { ...p.session, id } } }],
    });
    expect(res.results[0]).toMatchObject({ outcome: 'REJECTED', reason: 'FOREIGN_FACILITY' });
    expect(await db.selectFrom('sync_sessions').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });

  it("main's kiosk cannot take a payment for an f2 session (403 FOREIGN_FACILITY), nor see or decide f2's flagged payments", async () => {
    const [f2Session] = await f2Sessions();
    const err = await k1Http.request('POST', '/kiosk/v1/payments', { sessionId: f2Session!.id, amountPaise: 4000, idempotencyKey: newKey() }, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CentralServerError);
    expect(err).toMatchObject({ status: 403, code: 'FORBIDDEN', details: { reason: 'FOREIGN_FACILITY' } });
    expect(await db.selectFrom('payments').select('id').where('session_id', '=', f2Session!.id).execute()).toEqual([]);

    // An f2 payment flagged for a supervisor (its own kiosk took it; the flag is set as a late capture would).
    const x2Kiosk = await db.selectFrom('kiosks').select(['id']).where('facility_id', '=', 'f2').executeTakeFirstOrThrow();
    const paid = await h.server.ctx.db.insertInto('payments').values({
      id: 'pay-f2', owner: `kiosk:${x2Kiosk.id}`, facility_id: 'f2', kiosk_id: x2Kiosk.id, booking_id: null, session_id: f2Session!.id, idempotency_key: 'k-f2-1',
      amount_paise: 4000, gateway: 'sim', merchant_ref: 'PGF2', gateway_ref: 'sim_f2', gateway_payment_id: 'g1', upi_uri: null, vehicle_number: null,
      status: 'SUCCESS', late: 1, review_reason: 'LATE_PAYMENT', paid_amount_paise: 4000, refunded_paise: 0, created_at: h.clock.now(), expires_at: h.clock.now(),
      completed_at: h.clock.now(), closed_at: null, next_poll_at: null, poll_count: 0, updated_at: h.clock.now(), cancelled_at: null, parent_payment_id: null,
    }).returning('id').executeTakeFirstOrThrow();
    expect(await k1Http.request('GET', '/kiosk/v1/payments/flagged', undefined, { timeoutMs: 10_000 })).toEqual([]);
    const refused = await k1Http.request('POST', `/kiosk/v1/payments/${paid.id}/resolve`, { action: 'accept', reason: 'not mine to accept' }, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await db.selectFrom('payments').select('review_reason').where('id', '=', paid.id).executeTakeFirstOrThrow()).toEqual({ review_reason: 'LATE_PAYMENT' });
  });

  it('parker bookings name the facility: required with two facilities, a zone of another facility is not found there', async () => {
    const reg = await fetch(`${h.serverUrl}/parker/v1/register`, { method: 'POST', body: JSON.stringify({ email: `p${backend}@example.com`, password: 'correct horse' }) });
    const token = ((await reg.json()) as { data: { token: string } }).data.token;
    const book = async (body: Record<string, unknown>) => {
      const r = await fetch(`${h.serverUrl}/parker/v1/bookings`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as { ok: boolean; data?: Record<string, unknown>; error?: { code: string } } };
    };
    const facilities = (await (await fetch(`${h.serverUrl}/parker/v1/facilities`)).json()) as { data: { id: string }[] };
    expect(facilities.data.map((f) => f.id)).toEqual(['main', 'f2']);
    expect((await book({ vehicleNumber: 'KA05PK0001' })).body.error?.code).toBe('VALIDATION_FAILED');
    const zones = (await (await fetch(`${h.serverUrl}/parker/v1/zones?facilityId=f2`)).json()) as { data: { id: string; facilityId: string }[] };
    expect(zones.data.length).toBeGreaterThan(0);
    expect(new Set(zones.data.map((z) => z.facilityId))).toEqual(new Set(['f2']));
    expect((await book({ vehicleNumber: 'KA05PK0001', facilityId: 'main', zoneId: zones.data[0]!.id })).body.error?.code).toBe('NOT_FOUND');
    expect((await book({ vehicleNumber: 'KA05PK0001', facilityId: 'nowhere' })).body.error?.code).toBe('NOT_FOUND');
    const ok = await book({ vehicleNumber: 'KA05PK0001', facilityId: 'f2', zoneId: zones.data[0]!.id });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ facilityId: 'f2', facilityName: 'Airport P2' });
    // Published to f2's gates only.
    expect((await x2.pull(0, 1000, 0)).changes.some((c) => c.entityId === ok.body.data!.id)).toBe(true);
    expect((await k1.pull(0, 1000, 0)).changes.some((c) => c.entityId === ok.body.data!.id)).toBe(false);
  });
});
