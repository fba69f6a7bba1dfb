/**
 * Model-based property test of anti-passback across offline gates: 2-3 real kiosk cores (temp
 * SQLite files, in process) and the server's SyncService, random season pass entries and exits at
 * random gates while gates drop off the network and come back (network partitions, with sync
 * cycles in between). At every scan the gate's decision is checked against what that gate knew
 * (the movements stored there, in its order): a HARD pass is refused only for a second entry with
 * all its cars in (or an exit with none in) as far as that gate could see, and admitted otherwise;
 * a SOFT pass is never refused for anti-passback and its flag is exactly the one that gate could
 * see. After healing: the server holds every movement once, and its fold's verdicts equal an
 * independent replay of all movements in HLC order (so every HARD violation an offline gate could
 * not see is FLAGGED, once), and every gate lists the same flags.
 *
 * PASSBACK_PROPERTY_RUNS (default 3) sets the number of runs; a campaign uses >= 200.
 * PASSBACK_PROPERTY_SEED replays a failure (the seed is printed on every failure).
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { createKiosk } from '../../src-main/kiosk.js';
import { compareHlc, decodeHlc } from '../../src-shared/domain/hlc.js';
import type { PassApiResults, PassSaleResult } from '../../src-shared/contracts/passes.js';
import { heal, memoryServer, tempDir, TestClock, type TestKiosk } from './harness.js';
import { openPassGates } from './pass-gates.js';

const RUNS = Number(process.env.PASSBACK_PROPERTY_RUNS ?? 3);
const SEED = process.env.PASSBACK_PROPERTY_SEED ? Number(process.env.PASSBACK_PROPERTY_SEED) : undefined;

type Mode = 'HARD' | 'SOFT';
type Op =
  | { t: 'enter'; g: number; p: number; car: number }
  | { t: 'exit'; g: number; p: number }
  | { t: 'net'; g: number; online: boolean }
  | { t: 'sync'; g: number }
  | { t: 'advance'; ms: number };

const opArb = (n: number): fc.Arbitrary<Op> => {
  const g = fc.nat({ max: n - 1 });
  const p = fc.nat({ max: 1 });
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ t: fc.constant('enter' as const), g, p, car: fc.nat({ max: 1 }) }) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('exit' as const), g, p }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('net' as const), g, online: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('sync' as const), g }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1000, max: 20 * 60_000 }) }) },
  );
};
const passArb = fc.record({ mode: fc.constantFrom<Mode>('HARD', 'SOFT'), maxCars: fc.integer({ min: 1, max: 2 }) });
const scenarioArb = fc.integer({ min: 2, max: 3 }).chain((n) =>
  fc.record({ n: fc.constant(n), passes: fc.tuple(passArb, passArb), ops: fc.array(opArb(n), { minLength: 8, maxLength: 30 }) }));

interface Presence { inside: number; neutral: boolean }
type Flag = 'ALREADY_IN' | 'NOT_IN';

/** The anti-passback rule written out again for the model: a violation is an entry with all cars in or an exit with none in; from neutral anything is trusted. */
function step(p: Presence, direction: 'ENTRY' | 'EXIT' | 'RESET', maxCars: number): { next: Presence; violation: Flag | null } {
  if (direction === 'RESET') return { next: { inside: 0, neutral: true }, violation: null };
  if (direction === 'ENTRY') {
    const violation = !p.neutral && p.inside >= maxCars ? 'ALREADY_IN' : null;
    return { next: { inside: p.neutral ? 1 : Math.min(p.inside + 1, maxCars), neutral: false }, violation };
  }
  const violation = !p.neutral && p.inside === 0 ? 'NOT_IN' : null;
  return { next: { inside: Math.max(p.inside - 1, 0), neutral: false }, violation };
}

describe('anti-passback across offline gates (property, sync model)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let template: string;
  let runNo = 0;
  /** What the runs exercised (printed with PASSBACK_PROPERTY_STATS=1, to see that a campaign reaches the cases). */
  const stats = { runs: 0, movements: 0, refusals: 0, softFlags: 0, foldFlags: 0, hardFoldFlags: 0 };

  beforeAll(async () => {
    tmp = tempDir('pg-passback-prop-');
    template = join(tmp.dir, 'template.db');
    // One seeded gate reused by copying: seeding hashes PINs, slow on purpose.
    const k = await createKiosk({ dbPath: template, kioskId: 'g0', seedDemo: true, clock: new TestClock() });
    await k.close();
  });
  afterAll(() => {
    if (process.env.PASSBACK_PROPERTY_STATS) console.log('passback property', stats);
    tmp.cleanup();
  });

  it(`${RUNS} random runs: each gate decides from what it knew; after healing the fold flags exactly what it could not see, the same at every gate`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ n, passes: rules, ops }) => {
        const run = ++runNo;
        const clock = new TestClock();
        const server = await memoryServer(clock.now);
        const unexpected: string[] = [];
        const kiosks: TestKiosk[] = [];
        try {
          const { api } = await openPassGates({ dir: tmp.dir, template, run, n, clock, service: server.service, unexpected, kiosks });

          // Two passes sold at the first gate, learned everywhere before the run starts.
          const open = await api(0, 'shifts.open', { openingFloatPaise: 0 }, 'cashier');
          expect(open.ok).toBe(true);
          const sold: { code: string; id: string; plates: string[]; mode: Mode; maxCars: number }[] = [];
          for (const [p, rule] of rules.entries()) {
            const plates = Array.from({ length: rule.maxCars }, (_, c) => `KA0${c + 1}P${'AB'[p]}0001`);
            const r = await api(0, 'passes.sell', { kind: 'MONTHLY', holderName: `Holder ${p}`, plates, zones: [], antiPassback: rule.mode, maxCars: rule.maxCars, pricePaise: 100000, tenderedPaise: 100000 }, 'cashier');
            if (!r.ok) throw new Error(`sell: ${r.error.code} ${r.error.message}`);
            const s = r.data as PassSaleResult;
            sold.push({ code: s.code, id: s.pass.id, plates, mode: rule.mode, maxCars: rule.maxCars });
          }
          await heal(kiosks, 2);

          /** What gate g knows of pass p: its movements as stored there, replayed in the gate's order. */
          const knownPresence = (g: number, p: number): Presence => {
            const rows = kiosks[g]!.kiosk.ctx.store.sqlite.prepare(`SELECT direction FROM pass_movements WHERE pass_id = ? ORDER BY at, rowid`).all(sold[p]!.id) as { direction: 'ENTRY' | 'EXIT' | 'RESET' }[];
            return rows.reduce<Presence>((pr, m) => step(pr, m.direction, sold[p]!.maxCars).next, { inside: 0, neutral: true });
          };
          const knowsOpenVisit = (g: number, p: number): boolean => !!kiosks[g]!.kiosk.ctx.store.sqlite.prepare(
            `SELECT 1 FROM pass_movements m JOIN sessions s ON s.id = m.session_id
              WHERE m.pass_id = ? AND m.direction = 'ENTRY' AND s.status IN ('PARKED', 'EXITING')`).get(sold[p]!.id);
          const reasonOf = (r: { ok: false; error: { code: string; details?: unknown } }) => `${r.error.code}:${String((r.error.details as { reason?: string } | undefined)?.reason)}`;

          for (const op of ops) {
            if (op.t === 'net') { kiosks[op.g]!.transport.online = op.online; continue; }
            if (op.t === 'sync') { await kiosks[op.g]!.worker.syncNow().catch(() => undefined); continue; }
            if (op.t === 'advance') { clock.advance(op.ms); continue; }
            const pass = sold[op.p]!;
            const before = knownPresence(op.g, op.p);
            if (op.t === 'enter') {
              const { violation } = step(before, 'ENTRY', pass.maxCars);
              const r = await api(op.g, 'passes.enter', { code: pass.code, vehicleNumber: pass.plates[op.car % pass.maxCars] });
              const why = `entry of ${pass.mode} pass ${op.p} at g${op.g}, known ${JSON.stringify(before)}`;
              if (!r.ok && reasonOf(r) === 'CONFLICT:ANTI_PASSBACK') stats.refusals++;
              if (r.ok && (r.data as PassApiResults['passes.enter']).flagged) stats.softFlags++;
              if (pass.mode === 'HARD' && violation) {
                expect(r.ok ? 'OK' : reasonOf(r), why).toBe('CONFLICT:ANTI_PASSBACK');
              } else if (r.ok) {
                expect((r.data as PassApiResults['passes.enter']).flagged, why).toBe(pass.mode === 'SOFT' ? violation : null);
              } else {
                // Admissible for anti-passback; refused only by another rule (the same car already parked).
                expect(reasonOf(r), why).not.toBe('CONFLICT:ANTI_PASSBACK');
              }
            } else {
              const open = knowsOpenVisit(op.g, op.p);
              const { violation } = step(before, 'EXIT', pass.maxCars);
              const r = await api(op.g, 'passes.exit', { code: pass.code });
              if (!r.ok && reasonOf(r) === 'CONFLICT:ANTI_PASSBACK') stats.refusals++;
              if (r.ok && (r.data as PassApiResults['passes.exit']).flagged) stats.softFlags++;
              const why = `exit of ${pass.mode} pass ${op.p} at g${op.g}, known ${JSON.stringify(before)}, open visit known ${open}`;
              if (open) {
                expect(r.ok ? 'OK' : reasonOf(r), why).toBe('OK');
                expect(r.ok ? (r.data as PassApiResults['passes.exit']).session?.status : null, why).toBe('COMPLETED');
              } else if (pass.mode === 'HARD' && violation) {
                expect(r.ok ? 'OK' : reasonOf(r), why).toBe('CONFLICT:ANTI_PASSBACK');
              } else {
                expect(r.ok ? 'OK' : reasonOf(r), why).toBe('OK');
                expect(r.ok ? (r.data as PassApiResults['passes.exit']).flagged : 'refused', why).toBe(pass.mode === 'SOFT' ? violation : null);
              }
            }
          }

          await heal(kiosks, 4);

          // Every movement as its gate recorded it, with the HLC of its event.
          const truth = kiosks.flatMap((k) => k.kiosk.ctx.store.sqlite.prepare(
            `SELECT m.id AS movementId, m.pass_id AS passId, m.direction, m.flag AS localFlag, o.id AS eventId, o.hlc
               FROM pass_movements m JOIN outbox o ON o.type = 'pass.movement' AND o.entity_id = m.id
              WHERE m.kiosk_id = ?`).all(k.name) as { movementId: string; passId: string; direction: 'ENTRY' | 'EXIT' | 'RESET'; localFlag: Flag | null; eventId: string; hlc: string }[]);
          const sdb = server.db as unknown as Kysely<{ pass_movements: { event_id: string; movement_id: string; status: string; flag: string | null } }>;
          const stored = await sdb.selectFrom('pass_movements').select(['event_id', 'movement_id', 'status', 'flag']).execute();
          expect(stored.map((s) => s.movement_id).sort(), 'the server holds every movement, once').toEqual(truth.map((t) => t.movementId).sort());

          // The independent replay: all movements of a pass in HLC order (ties by event id).
          const expected = new Map<string, Flag>();
          for (const pass of sold) {
            const moves = truth.filter((t) => t.passId === pass.id).sort((a, b) => {
              const c = compareHlc(decodeHlc(a.hlc)!, decodeHlc(b.hlc)!);
              return c !== 0 ? c : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
            });
            let pr: Presence = { inside: 0, neutral: true };
            for (const m of moves) {
              const s = step(pr, m.direction, pass.maxCars);
              pr = s.next;
              if (s.violation) expected.set(m.movementId, s.violation);
              // A HARD pass is never let through flagged at a gate: what the fold flags there, no gate could see.
              if (pass.mode === 'HARD') expect(m.localFlag).toBeNull();
            }
          }
          const serverFlags = new Map(stored.filter((s) => s.status === 'FLAGGED').map((s) => [s.movement_id, s.flag]));
          expect(serverFlags, 'the fold flags exactly the violations in HLC order').toEqual(expected);
          for (const k of kiosks) {
            const flags = k.kiosk.ctx.store.sqlite.prepare(`SELECT movement_id, flag FROM pass_fold_flags WHERE status = 'FLAGGED'`).all() as { movement_id: string; flag: Flag }[];
            expect(new Map(flags.map((f) => [f.movement_id, f.flag])), `the flags at ${k.name}`).toEqual(expected);
          }
          expect(unexpected).toEqual([]);
          stats.runs++;
          stats.movements += truth.length;
          stats.foldFlags += expected.size;
          stats.hardFoldFlags += truth.filter((t) => expected.has(t.movementId) && sold.find((x) => x.id === t.passId)!.mode === 'HARD').length;
        } finally {
          for (const k of kiosks) await k.kiosk.close();
          await server.close();
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});
