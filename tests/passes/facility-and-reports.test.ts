/**
 * Season passes across facilities and the pass reports: a pass of another facility is refused at
 * the gate (typed, nothing applied) and by the server (its movements and changes parked as
 * FOREIGN_FACILITY, nothing stored); the server's movements carry their facility; the flags list
 * shows a gate's own SOFT flags and the server fold's flags for what offline gates could not see,
 * even offline; the movements and revenue-forgone reports.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flaggedPassMovements } from '../../src-server/passes/replicate.js';
import type { SyncDatabase } from '../../src-server/sync/schema.js';
import type { SyncService } from '../../src-server/sync/service.js';
import { setFacilityId } from '../../src-main/validations/facility.js';
import type { Zone } from '../../src-shared/contracts/entities.js';
import type { PassApiResults, PassSaleResult } from '../../src-shared/contracts/passes.js';
import { SYNC_PROTOCOL_VERSION, type WireEvent } from '../../src-shared/contracts/sync.js';
import { call, heal, TestClock, token, type TestKiosk } from '../sync/harness.js';
import { closeTwoGates, openTwoGates, type TwoGates } from './two-gates-fixture.js';

const HOUR = 3600_000;
const DAY = '2025-01-06'; // the harness clock: Monday 2025-01-06 13:30 IST

describe('passes: facilities and reports', () => {
  let clock: TestClock;
  let server: { service: SyncService; db: Kysely<unknown>; close(): Promise<void> };
  let a: TestKiosk;
  let b: TestKiosk;
  let zone: Zone;
  const sdb = () => server.db as unknown as Kysely<SyncDatabase>;

  let g: TwoGates;

  beforeEach(async () => {
    g = await openTwoGates('pg-passfac-');
    ({ clock, server, a, b } = g);
    zone = g.zones[0]!;
  });

  afterEach(() => closeTwoGates(g));

  const sell = (k: TestKiosk, extra: Record<string, unknown> = {}) =>
    call<PassSaleResult>(k, 'passes.sell', { kind: 'MONTHLY', holderName: 'R. Rao', plates: ['TS09AB1234', 'TS09AB5678'], zones: [zone.id], pricePaise: 150000, tenderedPaise: 150000, ...extra }, 'cashier');
  const outcome = async (k: TestKiosk, method: string, input: unknown, user = 'attendant') => {
    const r = await k.kiosk.call(method, input, await token(k, user));
    return r.ok ? 'OK' : `${r.error.code}:${String((r.error.details as { reason?: string } | undefined)?.reason)}`;
  };

  it('a pass of another facility is refused at the gate: typed, no session, no movement', async () => {
    const sold = await sell(a);
    await heal([a, b]);
    setFacilityId(b.kiosk.ctx, 'another-mall');
    const count = (t: string) => (b.kiosk.ctx.store.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    const before = [count('sessions'), count('pass_movements')];
    expect(await outcome(b, 'passes.enter', { code: sold.code, vehicleNumber: 'TS09AB1234' })).toBe('TICKET_INVALID:WRONG_FACILITY');
    expect(await outcome(b, 'passes.exit', { code: sold.code })).toBe('TICKET_INVALID:WRONG_FACILITY');
    expect([count('sessions'), count('pass_movements')]).toEqual(before);
  });

  it("the server refuses another facility's kiosk writing on a pass (FOREIGN_FACILITY, nothing stored); movements carry their facility", async () => {
    const sold = await sell(a);
    await call(a, 'passes.enter', { code: sold.code, vehicleNumber: 'TS09AB1234' }, 'attendant');
    await heal([a, b]);
    const stored = await sdb().selectFrom('pass_movements').selectAll().execute();
    expect(stored.map((m) => [m.pass_id, m.direction, (m as { facility_id?: string }).facility_id])).toEqual([[sold.pass.id, 'ENTRY', 'main']]);

    const raw = server.db as unknown as Kysely<{ facilities: Record<string, unknown>; kiosks: Record<string, unknown> }>;
    await raw.insertInto('facilities').values({ id: 'f2', name: 'Second mall', time_zone: 'Asia/Kolkata', created_at: 0, updated_at: 0 }).execute();
    await raw.insertInto('kiosks').values({ id: 'gate-c', name: 'C', signing_key: 'x', created_at: 0, facility_id: 'f2' }).execute();
    const events = await sdb().selectFrom('sync_events').selectAll().where('kiosk_id', '=', 'gate-a').where('type', 'in', ['seasonPass.upserted', 'pass.movement', 'pass.sold']).orderBy('seq').execute();
    expect(events.map((e) => e.type).sort()).toEqual(['pass.movement', 'pass.sold', 'seasonPass.upserted']);
    const copies: WireEvent[] = events.map((e, i) => {
      const payload = JSON.parse(e.payload) as Record<string, Record<string, unknown>>;
      const re = (o: Record<string, unknown>) => ({ ...o, id: o.id === sold.pass.id ? o.id : `c-${String(o.id)}`, kiosk_id: 'gate-c' });
      const p = e.type === 'pass.movement' ? { movement: re(payload.movement!) } : e.type === 'pass.sold' ? { sale: re(payload.sale!) } : payload;
      const entityId = e.type === 'seasonPass.upserted' ? sold.pass.id : `c-${String(e.entity_id)}`;
      return { id: `c-${e.id}`, seq: i + 1, hlc: e.hlc, type: e.type, entityId, payload: p, schemaVersion: SYNC_PROTOCOL_VERSION, createdAt: clock.now() };
    });
    const res = await server.service.push('gate-c', { protocolVersion: SYNC_PROTOCOL_VERSION, events: copies });
    expect(res.results.map((r) => [r.outcome, r.reason])).toEqual(copies.map(() => ['REJECTED', 'FOREIGN_FACILITY']));
    expect(await sdb().selectFrom('pass_movements').select('movement_id').execute()).toHaveLength(1);
    const pass = await sdb().selectFrom('sync_entities').select(['facility_id', 'data']).where('entity_type', '=', 'seasonPass').where('entity_id', '=', sold.pass.id).executeTakeFirstOrThrow();
    expect(pass.facility_id).toBe('main');
    expect(await flaggedPassMovements({ db: sdb() }, 'f2')).toEqual([]);
  });

  it('flags: a SOFT flag of the gate and the server fold flag of two offline gates, listed at every gate even offline', async () => {
    const hard = await sell(a);
    const soft = await sell(a, { holderName: 'Soft Ltd', antiPassback: 'SOFT', plates: ['TS09SF0001', 'TS09SF0002'] });
    await heal([a, b]);
    a.transport.online = false;
    b.transport.online = false;
    await call(a, 'passes.enter', { code: hard.code, vehicleNumber: 'TS09AB1234' }, 'attendant');
    clock.advance(60_000);
    await call(b, 'passes.enter', { code: hard.code, vehicleNumber: 'TS09AB5678' }, 'attendant');
    await call(a, 'passes.enter', { code: soft.code, vehicleNumber: 'TS09SF0001' }, 'attendant');
    const flagged = await call<PassApiResults['passes.enter']>(a, 'passes.enter', { code: soft.code, vehicleNumber: 'TS09SF0002' }, 'attendant');
    expect(flagged.flagged).toBe('ALREADY_IN');
    a.transport.online = true;
    b.transport.online = true;
    await heal([a, b]);
    a.transport.online = false;
    for (const k of [a, b]) {
      const flags = await call<PassApiResults['passes.flags']>(k, 'passes.flags', {}, 'supervisor');
      expect(flags.map((f) => [f.holderName, f.kioskId, f.direction, f.gateFlag, f.serverFlag]).sort(), k.name).toEqual([
        ['R. Rao', 'gate-b', 'ENTRY', null, 'ALREADY_IN'],
        ['Soft Ltd', 'gate-a', 'ENTRY', 'ALREADY_IN', 'ALREADY_IN'],
      ]);
    }
    expect(await outcome(a, 'passes.flags', {}, 'cashier')).toBe('FORBIDDEN:undefined');
  });

  it('movements and revenue forgone for a day', async () => {
    const sold = await sell(a, { plates: ['TS09AB1234'] });
    await call(a, 'passes.enter', { code: sold.code }, 'attendant');
    clock.advance(3 * HOUR);
    await call(a, 'passes.exit', { code: sold.code }, 'attendant');
    const moves = await call<PassApiResults['passes.movements']>(a, 'passes.movements', { date: DAY }, 'supervisor');
    expect([moves.entries, moves.exits, moves.resets, moves.items.map((i) => [i.direction, i.vehicleNumber])]).toEqual([1, 1, 0, [['ENTRY', 'TS09AB1234'], ['EXIT', 'TS09AB1234']]]);
    // The same stay as a walk-in: what the pass holder did not pay.
    clock.advance(-3 * HOUR);
    const plain = await call<{ code: string }>(a, 'gate.issueTicket', { vehicleNumber: 'KA01XY0001', zoneId: zone.id }, 'attendant');
    clock.advance(3 * HOUR);
    const fee = (await call<{ amountDuePaise: number }>(a, 'gate.quoteExit', { code: plain.code }, 'cashier')).amountDuePaise;
    expect(fee).toBeGreaterThan(0);
    const forgone = await call<PassApiResults['passes.forgone']>(a, 'passes.forgone', { date: DAY }, 'supervisor');
    expect([forgone.visits, forgone.forgonePaise, forgone.items[0]?.fullFeePaise, forgone.items[0]?.billedPaise]).toEqual([1, fee, fee, 0]);
    expect((await call<PassApiResults['passes.forgone']>(a, 'passes.forgone', { date: '2025-01-05' }, 'supervisor')).visits).toBe(0);
  });
});
