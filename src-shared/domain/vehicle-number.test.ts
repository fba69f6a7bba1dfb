import { describe, expect, it } from 'vitest';
import { vehicleNumberSchema } from '../contracts/api.js';
import { normaliseVehicleNumber, vehicleSearchText } from './vehicle-number.js';

describe('normaliseVehicleNumber', () => {
  it.each([
    ['mh 12-ab 1234', 'MH12AB1234'],
    ['  ka01\tmx-0001 ', 'KA01MX0001'],
    ['dl\u00a03c\u2009az-1', 'DL3CAZ1'], // no-break and thin spaces are spaces too
    ['', ''],
    [' - ', ''],
    ['mh.12', 'MH.12'], // only spaces and hyphens are separators; anything else is for the schema to refuse
  ])('%j -> %j', (raw, stored) => {
    expect(normaliseVehicleNumber(raw)).toBe(stored);
  });
});

describe('vehicleSearchText', () => {
  it.each([
    ['%', ''],
    ['_', ''],
    ['%%__', ''],
    ['mh%12', 'MH12'],
    ['mh 12_ab', 'MH12AB'],
    ['mh.12', 'MH12'],
    ['12', '12'],
  ])('%j -> %j', (raw, search) => {
    expect(vehicleSearchText(raw)).toBe(search);
  });
});

describe('vehicleNumberSchema (entry) uses the same rule', () => {
  it('accepts 3 and 15 characters after normalising, refuses 2 and 16', () => {
    expect(vehicleNumberSchema.parse('a-b c')).toBe('ABC');
    expect(vehicleNumberSchema.parse('mh12 ab 1234 5678 9')).toBe('MH12AB123456789');
    expect(vehicleNumberSchema.safeParse('a b').success).toBe(false);
    expect(vehicleNumberSchema.safeParse('MH12AB1234567890').success).toBe(false);
  });

  it('refuses what the normaliser keeps but a number cannot hold', () => {
    expect(vehicleNumberSchema.safeParse('mh.12ab').success).toBe(false);
    expect(vehicleNumberSchema.safeParse('MH12%').success).toBe(false);
  });
});
