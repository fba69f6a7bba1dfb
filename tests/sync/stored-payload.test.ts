/**
 * The stored payload text (src-server/sync/stored-payload.ts) is exactly what the merged object
 * `{ ...payload, vehicle }` serialises to, for any JSON payload the wire can carry.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { storedPayloadJson } from '../../src-server/sync/stored-payload.js';

const literal = (payload: unknown, vehicle: { vehicle_number: string; owner_name: string | null } | null | undefined) =>
  JSON.stringify({ ...(payload as object), ...(vehicle ? { vehicle } : {}) });
const vehicle = fc.option(fc.record({ vehicle_number: fc.string({ minLength: 1 }), owner_name: fc.option(fc.string()) }), { nil: undefined });

describe('storedPayloadJson', () => {
  it('equals the merged object for edge cases', () => {
    const v = { vehicle_number: 'KA01"AB', owner_name: null };
    for (const p of [{}, { a: 1 }, { vehicle: { vehicle_number: 'OLD', owner_name: 'x' }, a: 1 }, { 1: 'x', b: 2 }, [], [1, 2], null, 'text', 7, { session: null }]) {
      expect(storedPayloadJson(p, v)).toBe(literal(p, v));
      expect(storedPayloadJson(p, null)).toBe(literal(p, null));
      expect(storedPayloadJson(p, undefined)).toBe(literal(p, undefined));
    }
    expect(JSON.parse(storedPayloadJson({ a: 1 }, v))).toEqual({ a: 1, vehicle: v });
  });

  it('equals the merged object for random JSON payloads', () => {
    fc.assert(fc.property(fc.jsonValue(), vehicle, (json, v) => {
      const payload = JSON.parse(JSON.stringify(json)) as unknown; // as the wire delivers it
      expect(storedPayloadJson(payload, v)).toBe(literal(payload, v));
    }), { numRuns: 500 });
  });
});
