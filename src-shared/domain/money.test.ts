import { describe, expect, it } from 'vitest';
import { formatInr, isPaise, paiseToRupeesString } from './money.js';

describe('paiseToRupeesString', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [10, '0.10'],
    [99, '0.99'],
    [100, '1.00'],
    [4000, '40.00'],
    [123456, '1234.56'],
    [-50, '-0.50'],
    [-1, '-0.01'],
    [-100, '-1.00'],
    [-0, '0.00'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
    [-Number.MAX_SAFE_INTEGER, '-90071992547409.91'],
  ])('%d paise -> %s', (paise, text) => {
    expect(paiseToRupeesString(paise)).toBe(text);
  });

  it.each([1.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 1])('rejects %d', (n) => {
    expect(() => paiseToRupeesString(n)).toThrow(RangeError);
  });
});

describe('formatInr', () => {
  it.each([
    [12000000, '₹1,20,000.00'],
    [0, '₹0.00'],
    [5, '₹0.05'],
    [4000, '₹40.00'],
    [100000, '₹1,000.00'],
    [123456789, '₹12,34,567.89'],
    [-50, '-₹0.50'],
    [1005, '₹10.05'],
  ])('%d -> %s', (paise, text) => {
    expect(formatInr(paise)).toBe(text);
  });

  it('rejects non-integers', () => {
    expect(() => formatInr(0.5)).toThrow(RangeError);
  });
});

describe('isPaise', () => {
  it.each([
    [0, true],
    [1, true],
    [Number.MAX_SAFE_INTEGER, true],
    [-1, false],
    [1.5, false],
    [NaN, false],
    [Infinity, false],
    [Number.MAX_SAFE_INTEGER + 1, false],
    ['100', false],
    [null, false],
    [undefined, false],
    [100n, false],
  ] as [unknown, boolean][])('%s -> %s', (n, ok) => {
    expect(isPaise(n)).toBe(ok);
  });
});
