import { describe, expect, it } from 'vitest';
import { decideZoneEntry, generalFreeSpaces, heldFreeSpaces, reservationProblems, type ZoneLoad } from './reserved-capacity.js';

const load = (occupied: number, reservations: ZoneLoad['reservations'], capacity = 10): ZoneLoad => ({ capacity, occupied, reservations });
const P = (passId: string, spaces: number, inside: number) => ({ passId, spaces, inside });

describe('reserved capacity', () => {
  it.each([
    // occupied, reservations, entrant, expected
    ['no reservations, last free space: a walk-in enters', 9, [], null, 'GENERAL'],
    ['no reservations, full: refused', 10, [], null, 'FULL'],
    ['last general space (8 taken, 1 held): a walk-in enters', 8, [P('p', 1, 0)], null, 'GENERAL'],
    ['only the reserved space left: a walk-in is refused', 9, [P('p', 1, 0)], null, 'ONLY_RESERVED_LEFT'],
    ['only the reserved space left: the pass car enters on it', 9, [P('p', 1, 0)], 'p', 'RESERVED'],
    ['only the reserved space left: another pass (no reservation) is refused', 9, [P('p', 1, 0)], 'q', 'ONLY_RESERVED_LEFT'],
    ['full: even a pass within its reservation is refused (no space at all)', 10, [P('p', 1, 0)], 'p', 'FULL'],
    ['reservation used up: the pass car needs a general space like a walk-in', 9, [P('p', 1, 1)], 'p', 'GENERAL'],
    ['reservation used up and the zone full', 10, [P('p', 1, 1)], 'p', 'FULL'],
    ['two passes hold the last two spaces: a walk-in is refused', 8, [P('p', 1, 0), P('q', 1, 0)], null, 'ONLY_RESERVED_LEFT'],
    ['two passes hold the last two spaces: each pass enters', 8, [P('p', 1, 0), P('q', 1, 0)], 'q', 'RESERVED'],
    // Company pass: 5 cars at once, 3 spaces held.
    ['company pass, 2 of 3 held spaces in use, zone otherwise full: car 3 enters', 9, [P('co', 3, 2)], 'co', 'RESERVED'],
    ['company pass, 3 of 3 held spaces in use, one general space: car 4 enters on it', 9, [P('co', 3, 3)], 'co', 'GENERAL'],
    ['company pass at its max cars (5 in), zone full: refused by capacity', 10, [P('co', 3, 5)], 'co', 'FULL'],
    ['company pass over its held spaces does not hold more than it reserved', 8, [P('co', 3, 5)], null, 'GENERAL'],
  ] as const)('%s', (_name, occupied, reservations, entrant, expected) => {
    const d = decideZoneEntry(load(occupied, reservations), entrant);
    expect(d.admit ? d.uses : d.reason).toBe(expected);
  });

  it('held and general free spaces never go below zero', () => {
    expect(heldFreeSpaces(load(0, [P('p', 3, 5)]))).toBe(0);
    expect(generalFreeSpaces(load(9, [P('p', 3, 0)]))).toBe(0);
    expect(generalFreeSpaces(load(5, [P('p', 3, 1)]))).toBe(3);
    const refused = decideZoneEntry(load(9, [P('p', 3, 0)]), null);
    expect(refused).toEqual({ admit: false, reason: 'ONLY_RESERVED_LEFT', free: 1, heldFree: 1 });
  });

  it('a reservation is checked against its pass', () => {
    expect(reservationProblems({ zones: [], maxCars: 3 }, [{ zoneId: 'A', spaces: 3 }])).toEqual([]);
    expect(reservationProblems({ zones: ['A'], maxCars: 2 }, [{ zoneId: 'B', spaces: 3 }, { zoneId: 'B', spaces: 0 }])).toEqual([
      'a pass cannot hold more spaces than its max cars', 'reserved spaces must be in a zone of the pass',
      'reserved spaces must be at least 1', 'reserved spaces must be in a zone of the pass', 'one reservation per zone',
    ]);
  });
});
