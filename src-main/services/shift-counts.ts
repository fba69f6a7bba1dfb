/**
 * A shift's drawer by denomination (table shift_denominations): the float at sign-on and the
 * blind count at close. The totals come from the domain rule (src-shared/domain/cash-count.ts);
 * a bad count is refused with a keyed VALIDATION_FAILED before anything is written.
 */
import type { DenominationCounts, DenominationLine } from '../../src-shared/contracts/cash-count.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import { CashCountError, countLines, countTotalPaise } from '../../src-shared/domain/cash-count.js';
import { DENOMINATIONS } from '../../src-shared/contracts/cash-count.js';
import type { ServiceContext } from './context.js';

export type CountStage = 'FLOAT' | 'COUNT';

/**
 * The total of a drawer given as a total, by denomination, or both (they must agree), with the
 * checked counts (null when given as a total only). Throws before any write.
 */
export function drawerTotal(
  totalPaise: number | undefined, counts: Readonly<Record<string, unknown>> | undefined, what: 'float' | 'count',
): { totalPaise: number; counts: DenominationCounts | null } {
  if (counts === undefined) {
    if (totalPaise === undefined) throw AppError.keyed('VALIDATION_FAILED', `cash.${what}Missing`, {}, `Give the ${what} as a total or by denomination.`);
    return { totalPaise, counts: null };
  }
  let sum: number;
  try {
    sum = countTotalPaise(counts);
  } catch (e) {
    if (!(e instanceof CashCountError)) throw e;
    throw AppError.keyed('VALIDATION_FAILED', `cash.${e.problem}`, { denomination: e.denomination, count: typeof e.count === 'number' ? e.count : String(e.count) },
      `Bad count: ${e.message}. Nothing was changed.`, { reason: 'BAD_COUNT', problem: e.problem, denomination: e.denomination });
  }
  if (totalPaise !== undefined && totalPaise !== sum) {
    throw AppError.keyed('VALIDATION_FAILED', 'cash.totalMismatch', { totalPaise, countedPaise: sum },
      `The total (${totalPaise} paise) is not what the notes and coins add up to (${sum} paise). Nothing was changed.`, { reason: 'BAD_COUNT', problem: 'TOTAL_MISMATCH' });
  }
  return { totalPaise: sum, counts: counts as DenominationCounts };
}

const VALUE = new Map<string, number>(DENOMINATIONS.map((d) => [d.code, d.valuePaise]));

/** Stores every denomination of a count (inside the caller's transaction). */
export function saveCounts(ctx: ServiceContext, shiftId: string, stage: CountStage, counts: DenominationCounts): void {
  const { q, db } = ctx.store;
  for (const line of countLines(counts)) {
    q.run(db.insertInto('shift_denominations').values({
      shift_id: shiftId, stage, denomination: line.code, value_paise: VALUE.get(line.code)!, count: line.count,
    }));
  }
}

/** The stored counts of one stage, or null when that stage was given as a total. */
export function loadCounts(ctx: ServiceContext, shiftId: string, stage: CountStage): DenominationCounts | null {
  const { q, db } = ctx.store;
  const rows = q.all(db.selectFrom('shift_denominations').select(['denomination', 'count']).where('shift_id', '=', shiftId).where('stage', '=', stage));
  if (rows.length === 0) return null;
  return Object.fromEntries(rows.map((r) => [r.denomination, r.count])) as DenominationCounts;
}

export function loadLines(ctx: ServiceContext, shiftId: string, stage: CountStage): DenominationLine[] | null {
  const counts = loadCounts(ctx, shiftId, stage);
  return counts ? countLines(counts) : null;
}
