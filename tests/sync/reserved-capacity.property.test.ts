/**
 * Model-based property test of reserved spaces across offline gates: 2-3 real kiosk cores and the
 * server's SyncService, a small zone where a season pass holds spaces, random walk-in tickets, pass
 * cars, free exits (within the grace period) and passes out, at random gates while gates drop off
 * the network and come back. At every entry the gate's decision is checked against the rule applied
 * to what that gate knew (its sessions and the pass's cars there): nothing refused that it should
 * have admitted, nothing admitted that it should have refused. While a gate's view of the zone is
 * the whole truth, a walk-in it admits never takes a held space. After healing every gate sees the
 * same cars in the zone (same sessions, same overflow marks) and the same held spaces.
 *
 * RESERVED_PROPERTY_RUNS (default 3) sets the number of runs; a campaign uses >= 200.
 * RESERVED_PROPERTY_SEED replays a failure (the seed is printed on every failure).
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKiosk } from '../../src-main/kiosk.js';
import type { PassSaleResult } from '../../src-shared/contracts/passes.js';
import { heal, memoryServer, tempDir, TestClock, type TestKiosk } from './harness.js';
import { openPassGates } from './pass-gates.js';

const RUNS = Number(process.env.RESERVED_PROPERTY_RUNS ?? 3);
const SEED = process.env.RESERVED_PROPERTY_SEED ? Number(process.env.RESERVED_PROPERTY_SEED) : undefined;

type Op =
  | { t: 'walkIn'; g: number }
  | { t: 'passCar'; g: number; car: number }
  | { t: 'exit'; g: number; pick: number }
  | { t: 'passOut'; g: number }
  | { t: 'net'; g: number; online: boolean }
  | { t: 'sync'; g: number }
  | { t: 'advance'; ms: number };

const opArb = (n: number): fc.Arbitrary<Op> => {
  const g = fc.nat({ max: n - 1 });
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ t: fc.constant('walkIn' as const), g }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('passCar' as const), g, car: fc.nat({ max: 2 }) }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('exit' as const), g, pick: fc.nat({ max: 100 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('passOut' as const), g }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('net' as const), g, online: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('sync' as const), g }) },
    // Small steps: every stay stays inside the grace period, so every exit is free.
    { weight: 1, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1000, max: 8000 }) }) },
  );
};
const scenarioArb = fc.integer({ min: 2, max: 3 }).chain((n) =>
  fc.record({ n: fc.constant(n), spaces: fc.integer({ min: 1, max: 2 }), ops: fc.array(opArb(n), { minLength: 10, maxLength: 30 }) }));

/** The reserved-spaces rule written out again for the model (one pass holds `spaces`; `passInside` of its cars are in). */
function admits(capacity: number, occupied: number, spaces: number, passInside: number, passCar: boolean): boolean {
  const free = Math.max(0, capacity - occupied);
  const heldFree = Math.min(free, Math.max(0, spaces - passInside));
  if (passCar && passInside < spaces) return free > 0;
  return free - heldFree > 0;
}

describe('reserved spaces across offline gates (property, sync model)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let template: string;
  let runNo = 0;
  const stats = { runs: 0, entries: 0, refusedOnlyReserved: 0, refusedFull: 0, overflow: 0 };

  beforeAll(async () => {
    tmp = tempDir('pg-reserved-prop-');
    template = join(tmp.dir, 'template.db');
    const k = await createKiosk({ dbPath: template, kioskId: 'g0', seedDemo: true, clock: new TestClock() });
    await k.close();
  });
  afterAll(() => {
    if (process.env.RESERVED_PROPERTY_STATS) console.log('reserved property', stats);
    tmp.cleanup();
  });

  it(`${RUNS} random runs: each gate admits by what it knew; after healing every gate agrees on the zone`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ n, spaces, ops }) => {
        const run = ++runNo;
        const clock = new TestClock();
        const server = await memoryServer(clock.now);
        const unexpected: string[] = [];
        const kiosks: TestKiosk[] = [];
        try {
          const { api } = await openPassGates({ dir: tmp.dir, template, run, n, clock, service: server.service, unexpected, kiosks });

          // The smallest zone, and a SOFT pass (anti-passback never refuses) for 3 cars holding `spaces` of it.
          const sql0 = kiosks[0]!.kiosk.ctx.store.sqlite;
          const zone = sql0.prepare(`SELECT z.id, (SELECT COUNT(*) FROM slots s WHERE s.zone_id = z.id) AS capacity FROM zones z WHERE z.is_active = 1 ORDER BY capacity, z.name LIMIT 1`).get() as { id: string; capacity: number };
          expect((await api(0, 'shifts.open', { openingFloatPaise: 0 }, 'cashier')).ok).toBe(true);
          const plates = ['KA01RS0001', 'KA01RS0002', 'KA01RS0003'];
          const sale = await api(0, 'passes.sell', { kind: 'MONTHLY', holderName: 'Tenant Ltd', plates, zones: [zone.id], antiPassback: 'SOFT', maxCars: 3, reserved: [{ zoneId: zone.id, spaces }], pricePaise: 100000, tenderedPaise: 100000 }, 'cashier');
          if (!sale.ok) throw new Error(`sell: ${sale.error.code} ${sale.error.message}`);
          const pass = sale.data as PassSaleResult;
          await heal(kiosks, 2);

          /** Gate g's view of the zone: the open sessions there (overflow cars hold no space), and which are the pass's. */
          const view = (g: number) => kiosks[g]!.kiosk.ctx.store.sqlite.prepare(
            `SELECT s.id, s.overflow, s.origin_kiosk_id AS origin, v.vehicle_number AS plate,
                    EXISTS (SELECT 1 FROM pass_movements m WHERE m.session_id = s.id AND m.direction = 'ENTRY' AND m.pass_id = ?) AS isPass
               FROM sessions s JOIN vehicles v ON v.id = s.vehicle_id
              WHERE s.zone_id = ? AND s.status IN ('BOOKED', 'PARKED', 'EXITING') ORDER BY s.id`).all(pass.pass.id, zone.id) as { id: string; overflow: number; origin: string; plate: string; isPass: number }[];
          const load = (rows: ReturnType<typeof view>) => ({ occupied: rows.filter((r) => r.overflow === 0).length, passInside: rows.filter((r) => r.overflow === 0 && r.isPass === 1).length });
          /** The truth: every car a gate let in and no gate has let out (each gate knows its own cars for sure). */
          const truth = () => {
            const out = new Map<string, { isPass: number }>();
            for (const [g, k] of kiosks.entries()) {
              for (const r of view(g)) if (r.origin === k.name) out.set(r.id, { isPass: r.isPass });
            }
            // A car let out at another gate is gone.
            for (const k of kiosks) {
              const gone = k.kiosk.ctx.store.sqlite.prepare(`SELECT id FROM sessions WHERE zone_id = ? AND status = 'COMPLETED'`).all(zone.id) as { id: string }[];
              for (const x of gone) out.delete(x.id);
            }
            return out;
          };
          let walk = 0;

          for (const op of ops) {
            if (op.t === 'net') { kiosks[op.g]!.transport.online = op.online; continue; }
            if (op.t === 'sync') { await kiosks[op.g]!.worker.syncNow().catch(() => undefined); continue; }
            if (op.t === 'advance') { clock.advance(op.ms); continue; }
            const seen = view(op.g);
            if (op.t === 'exit') {
              const walkIns = seen.filter((r) => r.isPass === 0);
              const car = walkIns[op.pick % Math.max(1, walkIns.length)];
              if (!car) continue;
              const r = await api(op.g, 'gate.completeExit', { sessionId: car.id });
              expect(r.ok ? 'OK' : `${r.error.code} ${r.error.message}`, 'a free exit of a car this gate knows is inside').toBe('OK');
              continue;
            }
            if (op.t === 'passOut') {
              if (!seen.some((r) => r.isPass === 1)) continue;
              const r = await api(op.g, 'passes.exit', { code: pass.code });
              expect(r.ok ? 'OK' : `${r.error.code} ${r.error.message}`, 'a pass car this gate knows is inside leaves').toBe('OK');
              continue;
            }
            const passCar = op.t === 'passCar';
            const plate = passCar ? plates[op.car]! : `KA02WK${String(++walk).padStart(4, '0')}`;
            if (passCar && seen.some((r) => r.plate === plate)) continue; // that car is already in
            const { occupied, passInside } = load(seen);
            const expected = admits(zone.capacity, occupied, spaces, passInside, passCar);
            const before = truth();
            const truthFull = seen.every((r) => r.overflow === 0) && before.size === seen.length && seen.every((r) => before.has(r.id));
            const r = passCar
              ? await api(op.g, 'passes.enter', { code: pass.code, vehicleNumber: plate, zoneId: zone.id })
              : await api(op.g, 'gate.issueTicket', { vehicleNumber: plate, zoneId: zone.id });
            stats.entries++;
            const why = `${op.t} at g${op.g}: capacity ${zone.capacity}, known occupied ${occupied}, pass cars in ${passInside} of ${spaces} held`;
            expect(r.ok, why).toBe(expected);
            if (!r.ok) {
              expect(r.error.code, why).toBe('NO_SLOT_AVAILABLE');
              const reason = (r.error.details as { reason?: string } | undefined)?.reason;
              if (reason === 'ONLY_RESERVED_LEFT') stats.refusedOnlyReserved++;
              else stats.refusedFull++;
            } else if (!passCar && truthFull) {
              // The gate saw everything: the walk-in left every held space free.
              const after = truth();
              const inPass = [...after.values()].filter((x) => x.isPass === 1).length;
              expect(after.size + Math.max(0, spaces - inPass), `${why}: a held space taken with nothing unseen`).toBeLessThanOrEqual(zone.capacity);
            }
          }

          await heal(kiosks, 4);
          const views = kiosks.map((_, g) => view(g).map((r) => ({ id: r.id, overflow: r.overflow, isPass: r.isPass })));
          for (const [g, v] of views.entries()) expect(v, `gate g${g} sees the same cars in the zone`).toEqual(views[0]);
          // Each slot of the zone holds one car at most. (A car a slot clash moved keeps its zone even
          // when the free slot it got is in another zone, src-main/services/apply-remote.ts evict():
          // the zone's count can then exceed its slots, so that count is not checked here.)
          const held = sql0.prepare(`SELECT COUNT(*) AS n FROM sessions s JOIN slots sl ON sl.id = s.slot_id
            WHERE sl.zone_id = ? AND s.status IN ('BOOKED', 'PARKED', 'EXITING') AND s.overflow = 0`).get(zone.id) as { n: number };
          expect(held.n).toBeLessThanOrEqual(zone.capacity);
          stats.overflow += views[0]!.filter((r) => r.overflow === 1).length;
          expect(unexpected).toEqual([]);
          stats.runs++;
        } finally {
          for (const k of kiosks) await k.kiosk.close();
          await server.close();
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});
