/**
 * Property of the server's anti-passback fold: the statuses of a pass's movements do not depend on
 * the order they arrive in (gates push whenever they are back online), and with entries only, from
 * neutral, exactly the entries beyond the pass's max cars are flagged (the cases offline gates
 * could not see).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHlc } from '../../src-shared/domain/hlc.js';
import { foldMovements } from '../../src-server/passes/replicate.js';

const T = 1_736_150_400_000;
const moveArb = fc.record({ wall: fc.nat({ max: 50 }), kiosk: fc.constantFrom('gate-a', 'gate-b', 'gate-c'), direction: fc.constantFrom('ENTRY' as const, 'EXIT' as const, 'RESET' as const) });

function events(moves: { wall: number; kiosk: string; direction: 'ENTRY' | 'EXIT' | 'RESET' }[]) {
  return moves.map((m, i) => ({ event_id: `e${String(i).padStart(3, '0')}`, hlc: encodeHlc({ wallMs: T + m.wall * 1000, counter: 0, node: m.kiosk }), direction: m.direction }));
}

describe('pass movement fold', () => {
  it('is independent of arrival order', () => {
    fc.assert(fc.property(fc.array(moveArb, { maxLength: 20 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom('HARD' as const, 'SOFT' as const), fc.nat(),
      (moves, maxCars, antiPassback, seed) => {
        const ev = events(moves);
        const shuffled = [...ev].sort((a, b) => ((a.event_id.charCodeAt(3) * 31 + seed) % 17) - ((b.event_id.charCodeAt(3) * 31 + seed) % 17));
        expect(foldMovements(shuffled, { antiPassback, maxCars })).toEqual(foldMovements(ev, { antiPassback, maxCars }));
      }), { numRuns: 200 });
  });

  it('entries only: exactly those beyond max cars are flagged, the earliest by HLC kept', () => {
    fc.assert(fc.property(fc.array(moveArb.map((m) => ({ ...m, direction: 'ENTRY' as const })), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 3 }),
      (moves, maxCars) => {
        const ev = events(moves);
        const folded = foldMovements(ev, { antiPassback: 'HARD', maxCars });
        const flagged = [...folded.values()].filter((f) => f.status === 'FLAGGED');
        expect(flagged.length).toBe(Math.max(0, ev.length - maxCars));
        expect(flagged.every((f) => f.flag === 'ALREADY_IN')).toBe(true);
      }), { numRuns: 200 });
  });
});
