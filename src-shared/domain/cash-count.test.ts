import { describe, expect, it } from 'vitest';
import { DENOMINATIONS, MAX_PIECES } from '../contracts/cash-count.js';
import { CashCountError, checkCounts, countLines, countTotalPaise } from './cash-count.js';

describe('cash count by denomination', () => {
  it('sums count x value in integer paise; a code left out counts 0', () => {
    expect(countTotalPaise({})).toBe(0);
    expect(countTotalPaise({ N500: 2, N200: 1, N100: 3, N50: 1, N20: 1, N10: 1, C20: 1, C10: 2, C5: 1, C2: 3, C1: 4 }))
      .toBe(100_000 + 20_000 + 30_000 + 5_000 + 2_000 + 1_000 + 2_000 + 2_000 + 500 + 600 + 400);
    // The largest drawer stays an exact integer.
    const full = Object.fromEntries(DENOMINATIONS.map((d) => [d.code, MAX_PIECES]));
    expect(countTotalPaise(full)).toBe(MAX_PIECES * DENOMINATIONS.reduce((s, d) => s + d.valuePaise, 0));
    expect(Number.isSafeInteger(countTotalPaise(full))).toBe(true);
  });

  it.each([
    [{ N500: -1 }, 'NEGATIVE'],
    [{ C1: 1.5 }, 'NOT_WHOLE'],
    [{ C2: Number.NaN }, 'NOT_WHOLE'],
    [{ N100: '3' }, 'NOT_WHOLE'],
    [{ N10: Number.POSITIVE_INFINITY }, 'TOO_MANY'],
    [{ N50: MAX_PIECES + 1 }, 'TOO_MANY'],
    [{ N50: 1e300 }, 'TOO_MANY'],
    [{ N2000: 1 }, 'UNKNOWN_DENOMINATION'],
    [{ C50: 0 }, 'UNKNOWN_DENOMINATION'],
  ])('refuses %j (%s)', (counts, problem) => {
    let thrown: unknown = null;
    try {
      checkCounts(counts as Record<string, unknown>);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CashCountError);
    expect((thrown as CashCountError).problem).toBe(problem);
  });

  it('lists every denomination in the standard order, notes then coins', () => {
    const lines = countLines({ N500: 1, C1: 3 });
    expect(lines.map((l) => l.code)).toEqual(['N500', 'N200', 'N100', 'N50', 'N20', 'N10', 'C20', 'C10', 'C5', 'C2', 'C1']);
    expect(lines[0]).toEqual({ code: 'N500', kind: 'NOTE', valuePaise: 50_000, count: 1, totalPaise: 50_000 });
    expect(lines[10]).toEqual({ code: 'C1', kind: 'COIN', valuePaise: 100, count: 3, totalPaise: 300 });
  });
});
