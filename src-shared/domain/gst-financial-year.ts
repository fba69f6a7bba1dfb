/**
 * The Indian financial year (1 April - 31 March) and the invoice day, both in India Standard
 * Time. IST is UTC+05:30 all year (no daylight saving), so a fixed offset is exact: the year
 * 2026-27 starts at 2026-04-01T00:00 IST = 2026-03-31T18:30Z, the instant after midnight ends 31 March.
 */

export const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;

export interface FinancialYear {
  /** The calendar year in which it starts: 2026 for 2026-27. */
  startYear: number;
  /** "2026-27" */
  label: string;
  /** "2627": the four characters an invoice number carries. */
  code: string;
  startMs: number;
  /** exclusive */
  endMs: number;
}

function istParts(ms: number): { year: number; month: number; day: number } {
  const d = new Date(ms + IST_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function financialYearStarting(startYear: number): FinancialYear {
  const yy = (n: number) => String(n % 100).padStart(2, '0');
  return {
    startYear,
    label: `${startYear}-${yy(startYear + 1)}`,
    code: `${yy(startYear)}${yy(startYear + 1)}`,
    startMs: Date.UTC(startYear, 3, 1) - IST_OFFSET_MS,
    endMs: Date.UTC(startYear + 1, 3, 1) - IST_OFFSET_MS,
  };
}

export function financialYearOf(ms: number): FinancialYear {
  const { year, month } = istParts(ms);
  return financialYearStarting(month >= 4 ? year : year - 1);
}

/** The IST calendar day "YYYY-MM-DD" of an instant (an invoice's date). */
export function istDay(ms: number): string {
  const { year, month, day } = istParts(ms);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The IST month "YYYY-MM" of an instant (a GSTR-1 return period). */
export function istMonth(ms: number): string {
  return istDay(ms).slice(0, 7);
}

/** [start, end) in ms of an IST day "YYYY-MM-DD". */
export function istDayRange(day: string): { startMs: number; endMs: number } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const startMs = Date.UTC(y, m - 1, d) - IST_OFFSET_MS;
  return { startMs, endMs: startMs + 24 * 3600 * 1000 };
}

/** [start, end) in ms of an IST month "YYYY-MM". */
export function istMonthRange(month: string): { startMs: number; endMs: number } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { startMs: Date.UTC(y, m - 1, 1) - IST_OFFSET_MS, endMs: Date.UTC(y, m, 1) - IST_OFFSET_MS };
}
