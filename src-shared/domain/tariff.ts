/**
 * Tariff: the fee for a stay (DESIGN.md §3). Integer paise, whole seconds, time passed in as epoch ms.
 */
import type { TariffOptions } from '../contracts/entities.js';
import { isPaise } from './money.js';

export interface Tariff {
  hourlyRatePaise: number;
  /** Stays up to and including this many minutes are free. */
  graceMinutes: number;
  /** Most a car pays for any rolling 24 h from entry; null = no cap. */
  dailyCapPaise: number | null;
  /** Added when a ticket is lost; null = no surcharge. */
  lostTicketFeePaise: number | null;
  /** Minutes a paid car has to leave before it owes more. */
  exitGraceMinutes: number;
}

export const DEFAULT_TARIFF_OPTIONS: Omit<Tariff, 'hourlyRatePaise'> = Object.freeze({
  graceMinutes: 5,
  dailyCapPaise: null,
  lostTicketFeePaise: null,
  exitGraceMinutes: 15,
});

/** Build a full tariff from a zone's rate and (partial) options, defaults filling the gaps. */
export function makeTariff(hourlyRatePaise: number, options?: Partial<TariffOptions> | null): Tariff {
  return { ...DEFAULT_TARIFF_OPTIONS, ...(options ?? {}), hourlyRatePaise };
}

const SECONDS_PER_HOUR = 3600;
const SECONDS_PER_DAY = 86400;
/** Upper bound for grace settings (one week), to keep arithmetic sane. */
const MAX_MINUTES = 7 * 24 * 60;

function isMinutes(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_MINUTES;
}

/** Problems with a tariff, for validation messages; [] when valid. */
export function tariffProblems(t: Tariff): string[] {
  const p: string[] = [];
  if (t === null || typeof t !== 'object') return ['tariff must be an object'];
  if (!isPaise(t.hourlyRatePaise)) p.push('hourlyRatePaise must be a whole number of paise, 0 or more');
  if (!isMinutes(t.graceMinutes)) p.push(`graceMinutes must be a whole number from 0 to ${MAX_MINUTES}`);
  if (t.dailyCapPaise !== null && !isPaise(t.dailyCapPaise)) p.push('dailyCapPaise must be null or a whole number of paise');
  if (t.lostTicketFeePaise !== null && !isPaise(t.lostTicketFeePaise)) p.push('lostTicketFeePaise must be null or a whole number of paise');
  if (!isMinutes(t.exitGraceMinutes)) p.push(`exitGraceMinutes must be a whole number from 0 to ${MAX_MINUTES}`);
  return p;
}

export function isValidTariff(t: Tariff): boolean {
  return tariffProblems(t).length === 0;
}

function assertTariff(t: Tariff): void {
  const p = tariffProblems(t);
  if (p.length > 0) throw new RangeError(`Invalid tariff: ${p.join('; ')}`);
}

function assertTime(ms: number, name: string): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new RangeError(`${name} must be a finite epoch-ms number`);
}

/** Whole seconds from `fromMs` to `toMs` (milliseconds dropped by floor), never negative. */
export function durationSeconds(fromMs: number, toMs: number): number {
  assertTime(fromMs, 'fromMs');
  assertTime(toMs, 'toMs');
  const s = Math.floor((toMs - fromMs) / 1000);
  return s > 0 ? s : 0;
}

function checkedMoney(n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError('Fee is too large to compute safely');
  return n;
}

/**
 * Fee for a stay from `entryAtMs` to `atMs`.
 * - duration <= grace (inclusive) -> 0 paise, 0 billable hours;
 * - else billable hours = max(1, ceil(d / 3600)), fee = hours x rate;
 * - with a daily cap (per rolling 24 h from entry): each full 24 h costs min(cap, 24 x rate), the
 *   remainder costs min(cap, ceil(rem / 3600) x rate) (remainder 0 -> 0).
 * billableHours always reports the uncapped hour count.
 */
export function computeFee(
  t: Tariff,
  entryAtMs: number,
  atMs: number,
): { durationSeconds: number; billableHours: number; feePaise: number } {
  assertTariff(t);
  const d = durationSeconds(entryAtMs, atMs);
  if (d <= t.graceMinutes * 60) return { durationSeconds: d, billableHours: 0, feePaise: 0 };
  const billableHours = Math.max(1, Math.ceil(d / SECONDS_PER_HOUR));
  const rate = t.hourlyRatePaise;
  let feePaise: number;
  if (t.dailyCapPaise === null) {
    feePaise = checkedMoney(billableHours * rate);
  } else {
    const cap = t.dailyCapPaise;
    const fullDays = Math.floor(d / SECONDS_PER_DAY);
    const rem = d % SECONDS_PER_DAY;
    const perDay = Math.min(cap, checkedMoney(24 * rate));
    const remFee = rem === 0 ? 0 : Math.min(cap, checkedMoney(Math.ceil(rem / SECONDS_PER_HOUR) * rate));
    feePaise = checkedMoney(checkedMoney(fullDays * perDay) + remFee);
  }
  return { durationSeconds: d, billableHours, feePaise };
}

/**
 * What is still owed now.
 * total = fee + (lostTicket ? lostTicketFeePaise ?? 0 : 0).
 * A car that has paid something (paidPaise > 0, lastPaidAtMs set) owes 0 while it is inside the exit
 * grace: whole seconds since lastPaidAtMs <= exitGraceMinutes x 60 (inclusive; milliseconds dropped,
 * like every other duration). Otherwise amountDue = max(0, total - paidPaise).
 */
export function computeAmountDue(a: {
  tariff: Tariff;
  entryAtMs: number;
  nowMs: number;
  paidPaise: number;
  lastPaidAtMs: number | null;
  lostTicket: boolean;
}): { durationSeconds: number; billableHours: number; feePaise: number; lostTicketFeePaise: number; amountDuePaise: number } {
  if (!isPaise(a.paidPaise)) throw new RangeError('paidPaise must be a whole number of paise, 0 or more');
  const fee = computeFee(a.tariff, a.entryAtMs, a.nowMs);
  const lostTicketFeePaise = a.lostTicket ? (a.tariff.lostTicketFeePaise ?? 0) : 0;
  const total = checkedMoney(fee.feePaise + lostTicketFeePaise);
  let amountDuePaise: number;
  if (
    a.paidPaise > 0 &&
    a.lastPaidAtMs !== null &&
    durationSeconds(a.lastPaidAtMs, a.nowMs) <= a.tariff.exitGraceMinutes * 60
  ) {
    amountDuePaise = 0;
  } else {
    amountDuePaise = Math.max(0, total - a.paidPaise);
  }
  return { ...fee, lostTicketFeePaise, amountDuePaise };
}
