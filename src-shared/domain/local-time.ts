/**
 * Facility-local calendar maths with Intl only (no tz library): the UTC bounds of a local day and
 * of its hours, and local formatting. Works for fixed-offset zones (Asia/Kolkata, UTC) and for
 * zones with DST (a local day then has 23 or 25 hours).
 */

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

export interface LocalParts { year: number; month: number; day: number; hour: number; minute: number; second: number }

export function localParts(epochMs: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second! };
}

/** The zone's offset from UTC at an instant, in ms (Asia/Kolkata: +19 800 000). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (epochMs - (epochMs % 1000 + 1000) % 1000);
}

/** The UTC instant of a local wall-clock time (the earlier one when a DST change makes it ambiguous). */
export function localToUtc(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour);
  let t = guess - zoneOffsetMs(guess, timeZone);
  const second = guess - zoneOffsetMs(t, timeZone);
  if (second !== t) t = Math.min(t, second);
  return t;
}

export function parseDate(date: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`Date must be YYYY-MM-DD, got ${date}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`No such date: ${date}`);
  }
  return { year, month, day };
}

/** [start, end) in UTC epoch ms of the local calendar day `date` in `timeZone`. */
export function dayBounds(date: string, timeZone: string): { start: number; end: number } {
  const { year, month, day } = parseDate(date);
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return {
    start: localToUtc(year, month, day, 0, timeZone),
    end: localToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, timeZone),
  };
}

/** The local hours of a day: start instants and local hour labels (24 on a day without a DST change). */
export function dayHours(date: string, timeZone: string): { hour: number; start: number; end: number }[] {
  const { start, end } = dayBounds(date, timeZone);
  const hours: { hour: number; start: number; end: number }[] = [];
  for (let t = start; t < end; t += 3_600_000) {
    hours.push({ hour: localParts(t, timeZone).hour, start: t, end: Math.min(t + 3_600_000, end) });
  }
  return hours;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-03-01 13:05" in the facility's zone. */
export function formatLocal(epochMs: number | null, timeZone: string): string {
  if (epochMs == null) return '';
  const p = localParts(epochMs, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** "2026-03-01" (local date) of an instant. */
export function localDate(epochMs: number, timeZone: string): string {
  const p = localParts(epochMs, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}
