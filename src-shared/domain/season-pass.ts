/**
 * Season passes (docs/passes.md): what a pass covers, how a stay splits into a covered part and a
 * tariff-billed part, and the anti-passback decision. Pure: time is passed in as epoch ms and the
 * facility time zone by name.
 *
 * Validity is half-open: [validFromMs, validUntilMs). A monthly pass sold on the 5th runs from the
 * local midnight of the 5th to the local midnight of the same day next month, so its last covered
 * second is 23:59:59 of the day before. Hours are minutes of the local day, [startMinute, endMinute);
 * a window whose end is not after its start runs over midnight (22:00-06:00), and the day of week
 * is that of the window's start.
 */
import { normaliseVehicleNumber } from './vehicle-number.js';

export const PASS_KINDS = ['MONTHLY', 'QUARTERLY', 'CUSTOM'] as const;
export type PassKind = (typeof PASS_KINDS)[number];
export const ANTI_PASSBACK_MODES = ['HARD', 'SOFT'] as const;
export type AntiPassbackMode = (typeof ANTI_PASSBACK_MODES)[number];

export interface PassHours {
  /** 0 = Sunday ... 6 = Saturday, local to the facility. */
  days: readonly number[];
  startMinute: number;
  endMinute: number;
}

export interface SeasonPass {
  id: string;
  kind: PassKind;
  /** Normalised plates the pass is for (a company pass lists several); [] = any car with the card. */
  plates: readonly string[];
  cardId: string | null;
  /** Zone ids; [] = every zone. */
  zones: readonly string[];
  /** null = every day, all day. */
  hours: PassHours | null;
  validFromMs: number;
  validUntilMs: number;
  /** Most cars of this pass parked at once (1 for a personal pass). */
  maxCars: number;
  antiPassback: AntiPassbackMode;
}

const MINUTES_PER_DAY = 24 * 60;
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local calendar parts of an instant in a time zone. */
export function localParts(atMs: number, timeZone: string): { year: number; month: number; day: number; weekday: number; minuteOfDay: number; second: number } {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(atMs))) parts[p.type] = p.value;
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), weekday: WEEKDAYS[parts.weekday!] ?? 0,
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute), second: Number(parts.second),
  };
}

/** The instant of a local wall-clock time (y-m-d 00:00 + minutes) in a time zone (zones without DST gaps resolve exactly). */
export function localMidnightMs(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  // Two corrections settle the zone offset (it can change between the guess and the answer).
  let t = guess;
  for (let i = 0; i < 2; i++) {
    const p = localParts(t, timeZone);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day) + p.minuteOfDay * 60_000 + p.second * 1000;
    t += guess - asUtc;
  }
  return t;
}

/** The validity of a monthly or quarterly pass starting on a local day: [that midnight, the same day 1 or 3 months on). */
export function periodValidity(kind: 'MONTHLY' | 'QUARTERLY', startDay: string, timeZone: string): { validFromMs: number; validUntilMs: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(startDay);
  if (!m) throw new RangeError('startDay must be YYYY-MM-DD');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const months = kind === 'MONTHLY' ? 1 : 3;
  const endMonthIndex = mo - 1 + months;
  const endYear = y + Math.floor(endMonthIndex / 12);
  const endMonth = (endMonthIndex % 12) + 1;
  const lastDay = new Date(Date.UTC(endYear, endMonth, 0)).getUTCDate();
  // Sold on a day the end month lacks (Jan 31 + 1 month): valid through the end month's last day.
  const until = d <= lastDay ? Date.UTC(endYear, endMonth - 1, d) : Date.UTC(endYear, endMonth, 1);
  const u = new Date(until);
  return { validFromMs: localMidnightMs(y, mo, d, timeZone), validUntilMs: localMidnightMs(u.getUTCFullYear(), u.getUTCMonth() + 1, u.getUTCDate(), timeZone) };
}

function inWindow(h: PassHours, weekday: number, minuteOfDay: number): boolean {
  if (h.endMinute > h.startMinute) return h.days.includes(weekday) && minuteOfDay >= h.startMinute && minuteOfDay < h.endMinute;
  // Over midnight: the evening part belongs to today, the morning part to the day before.
  if (minuteOfDay >= h.startMinute) return h.days.includes(weekday);
  return minuteOfDay < h.endMinute && h.days.includes((weekday + 6) % 7);
}

/** Problems with a pass definition; [] when valid. */
export function passProblems(p: SeasonPass): string[] {
  const out: string[] = [];
  if (!Number.isSafeInteger(p.validFromMs) || !Number.isSafeInteger(p.validUntilMs) || p.validUntilMs <= p.validFromMs) out.push('validity must end after it starts');
  if (!Number.isSafeInteger(p.maxCars) || p.maxCars < 1 || p.maxCars > 1000) out.push('maxCars must be 1-1000');
  if (p.plates.length === 0 && !p.cardId) out.push('a pass needs a plate or a card');
  if (p.plates.length > p.maxCars * 10) out.push('too many plates');
  if (p.hours) {
    const h = p.hours;
    if (h.days.length === 0 || h.days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) out.push('days must be 0-6, at least one');
    for (const m of [h.startMinute, h.endMinute]) if (!Number.isInteger(m) || m < 0 || m > MINUTES_PER_DAY) out.push('hours must be minutes 0-1440');
    if (h.startMinute === h.endMinute) out.push('hours must not be empty');
  }
  return out;
}

/** The stored form of a pass's plates (normalised, deduplicated). */
export function passPlates(raw: readonly string[]): string[] {
  return [...new Set(raw.map(normaliseVehicleNumber).filter((p) => p.length > 0))];
}

/** True when the pass holds this plate (typed in any form). */
export function passHoldsPlate(p: SeasonPass, plate: string): boolean {
  return p.plates.includes(normaliseVehicleNumber(plate));
}

/** True when the pass covers parking in this zone at this instant (validity, zone, day and hours). */
export function passCovers(p: SeasonPass, zoneId: string, atMs: number, timeZone: string): boolean {
  if (atMs < p.validFromMs || atMs >= p.validUntilMs) return false;
  if (p.zones.length > 0 && !p.zones.includes(zoneId)) return false;
  if (!p.hours) return true;
  const l = localParts(atMs, timeZone);
  return inWindow(p.hours, l.weekday, l.minuteOfDay);
}

export interface StaySplit {
  /** The covered part from entry (0 when the pass does not cover the entry). */
  coveredMs: number;
  /** The instant the tariff starts (the first uncovered moment); null when the whole stay is covered. */
  billedFromMs: number | null;
}

/**
 * Splits a stay: covered from entry until the first moment the pass stops covering it, then the
 * tariff from that moment to exit (a pass that covers again later does not stop the meter: the
 * car overstayed its hours). Hours change on local minute boundaries, validity at validUntilMs.
 */
export function splitStay(p: SeasonPass, zoneId: string, entryMs: number, exitMs: number, timeZone: string): StaySplit {
  if (exitMs < entryMs) throw new RangeError('exit before entry');
  if (!passCovers(p, zoneId, entryMs, timeZone)) return { coveredMs: 0, billedFromMs: entryMs };
  const end = Math.min(exitMs, p.validUntilMs);
  let t = Math.floor(entryMs / 60_000) * 60_000 + 60_000;
  while (t <= end) {
    if (t === p.validUntilMs || !passCovers(p, zoneId, t, timeZone)) break;
    t += 60_000;
  }
  const stop = Math.min(t, p.validUntilMs);
  if (stop > exitMs) return { coveredMs: exitMs - entryMs, billedFromMs: null };
  return { coveredMs: stop - entryMs, billedFromMs: stop };
}

// ------------------------------------------------------------------ anti-passback

/** A pass's presence: how many of its cars are inside; neutral after a supervisor reset (the next movement is trusted). */
export interface PassPresence { inside: number; neutral: boolean }
export const NEUTRAL_PRESENCE: PassPresence = Object.freeze({ inside: 0, neutral: true });

export type MovementDecision =
  | { allow: true; flagged: false; next: PassPresence }
  | { allow: true; flagged: true; reason: 'ALREADY_IN' | 'NOT_IN'; next: PassPresence }
  | { allow: false; reason: 'ALREADY_IN' | 'NOT_IN' };

/**
 * An entry while all the pass's cars are in (maxCars reached), or an exit while none is: HARD
 * refuses, SOFT lets the car through and flags it. From neutral any movement is trusted.
 */
export function decideMovement(mode: AntiPassbackMode, maxCars: number, presence: PassPresence, direction: 'ENTRY' | 'EXIT'): MovementDecision {
  if (direction === 'ENTRY') {
    const next = { inside: presence.neutral ? 1 : Math.min(presence.inside + 1, maxCars), neutral: false };
    if (presence.neutral || presence.inside < maxCars) return { allow: true, flagged: false, next: { inside: presence.neutral ? 1 : presence.inside + 1, neutral: false } };
    return mode === 'HARD' ? { allow: false, reason: 'ALREADY_IN' } : { allow: true, flagged: true, reason: 'ALREADY_IN', next };
  }
  const next = { inside: Math.max(presence.inside - 1, 0), neutral: false };
  if (presence.neutral || presence.inside > 0) return { allow: true, flagged: false, next };
  return mode === 'HARD' ? { allow: false, reason: 'NOT_IN' } : { allow: true, flagged: true, reason: 'NOT_IN', next };
}

/** Days (whole, rounded up) until a pass ends; for the expiry reminder list. */
export function daysLeft(p: Pick<SeasonPass, 'validUntilMs'>, nowMs: number): number {
  return Math.ceil((p.validUntilMs - nowMs) / 86_400_000);
}
