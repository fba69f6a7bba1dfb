/**
 * Property of the reserved-spaces rule across two gates (src-shared/domain/reserved-capacity.ts):
 * each gate decides from its own view of who is inside (its own movements plus what the last sync
 * brought). Online (views always merged) a walk-in never takes a space a pass holds and a pass car
 * within its reservation is refused only when the zone is full. Offline the overshoot of the held
 * spaces after merging is at most the movements the other gate made since the last sync (what
 * this gate could not see), never more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideZoneEntry, heldFreeSpaces, type ZoneLoad } from '../../src-shared/domain/reserved-capacity.js';

type Car = { id: number; pass: boolean };
const opArb = fc.record({ gate: fc.nat({ max: 1 }), kind: fc.constantFrom('walkIn' as const, 'passCar' as const, 'exit' as const, 'sync' as const), pick: fc.nat({ max: 100 }) });

function loadOf(inside: readonly Car[], capacity: number, spaces: number): ZoneLoad {
  return { capacity, occupied: inside.length, reservations: [{ passId: 'p', spaces, inside: inside.filter((c) => c.pass).length }] };
}

function run(ops: { gate: number; kind: 'walkIn' | 'passCar' | 'exit' | 'sync'; pick: number }[], capacity: number, spaces: number, online: boolean) {
  let next = 1;
  // Global truth and each gate's view (a car admitted or gone at a gate is in that view at once).
  let truth: Car[] = [];
  const views: Car[][] = [[], []];
  // Movements (entries, exits) at each gate since the last sync: what the other gate cannot see.
  const unseen = [0, 0];
  for (const op of ops) {
    if (op.kind === 'sync' || online) {
      views[0] = [...truth];
      views[1] = [...truth];
      unseen[0] = 0;
      unseen[1] = 0;
      if (op.kind === 'sync') continue;
    }
    const view = views[op.gate]!;
    if (op.kind === 'exit') {
      if (view.length === 0) continue;
      const car = view[op.pick % view.length]!;
      views[op.gate] = view.filter((c) => c.id !== car.id);
      truth = truth.filter((c) => c.id !== car.id);
      unseen[op.gate]!++;
      continue;
    }
    const pass = op.kind === 'passCar';
    const d = decideZoneEntry(loadOf(view, capacity, spaces), pass ? 'p' : null);
    const withinReservation = pass && view.filter((c) => c.pass).length < spaces;
    if (online && !d.admit && withinReservation) expect(view.length, 'a pass car within its reservation is refused only when full').toBe(capacity);
    if (!d.admit) continue;
    const car = { id: next++, pass };
    views[op.gate] = [...view, car];
    truth = [...truth, car];
    unseen[op.gate]!++;
    const overshoot = truth.length + heldFreeSpaces(loadOf(truth, capacity, spaces)) - capacity;
    if (!pass) expect(overshoot, 'walk-ins took held spaces only as far as the other gate could not see').toBeLessThanOrEqual(online ? 0 : unseen[1 - op.gate]!);
  }
}

describe('reserved spaces across two gates', () => {
  it('online: walk-ins never take a held space; offline: the overshoot is bounded by what the gates could not see', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), (ops, capacity, spaces, online) => {
      run(ops, capacity, Math.min(spaces, capacity), online);
    }), { numRuns: 300 });
  });
});
