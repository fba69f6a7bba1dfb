/**
 * The rule for a drawer counted by denomination: every count a whole number of pieces from 0 to
 * MAX_PIECES of a known note or coin; the total is the sum of count x value, in integer paise.
 */
import { DENOMINATIONS, MAX_PIECES, type DenominationCode, type DenominationCounts, type DenominationLine } from '../contracts/cash-count.js';

export type CashCountProblem = 'UNKNOWN_DENOMINATION' | 'NEGATIVE' | 'NOT_WHOLE' | 'TOO_MANY';

/** A count that cannot be a drawer's content; `denomination` is the code as given. */
export class CashCountError extends Error {
  constructor(readonly problem: CashCountProblem, readonly denomination: string, readonly count: unknown) {
    super(`${denomination}: ${problem === 'UNKNOWN_DENOMINATION' ? 'not an Indian note or coin'
      : problem === 'NEGATIVE' ? 'a count cannot be negative'
        : problem === 'NOT_WHOLE' ? 'a count must be a whole number of pieces'
          : `more than ${MAX_PIECES} pieces`}`);
    this.name = 'CashCountError';
  }
}

const VALUE = new Map<string, number>(DENOMINATIONS.map((d) => [d.code, d.valuePaise]));

/** Checks every count; throws CashCountError on the first bad one (in the order given). */
export function checkCounts(counts: Readonly<Record<string, unknown>>): DenominationCounts {
  const out: DenominationCounts = {};
  for (const [code, count] of Object.entries(counts)) {
    if (!VALUE.has(code)) throw new CashCountError('UNKNOWN_DENOMINATION', code, count);
    if (typeof count !== 'number' || Number.isNaN(count)) throw new CashCountError('NOT_WHOLE', code, count);
    if (count < 0) throw new CashCountError('NEGATIVE', code, count);
    if (count > MAX_PIECES) throw new CashCountError('TOO_MANY', code, count);
    if (!Number.isInteger(count)) throw new CashCountError('NOT_WHOLE', code, count);
    out[code as DenominationCode] = count;
  }
  return out;
}

/** The drawer's total in paise (checks the counts first). */
export function countTotalPaise(counts: Readonly<Record<string, unknown>>): number {
  const ok = checkCounts(counts);
  let total = 0;
  for (const [code, n] of Object.entries(ok)) total += n * VALUE.get(code)!;
  return total;
}

/** Every denomination as a line (0 for those not given), in the standard order. */
export function countLines(counts: DenominationCounts): DenominationLine[] {
  return DENOMINATIONS.map((d) => {
    const count = counts[d.code] ?? 0;
    return { code: d.code, kind: d.kind, valuePaise: d.valuePaise, count, totalPaise: count * d.valuePaise };
  });
}
