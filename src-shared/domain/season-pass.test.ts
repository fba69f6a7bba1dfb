import { describe, expect, it } from 'vitest';
import { decideMovement, NEUTRAL_PRESENCE, passCovers, passHoldsPlate, passPlates, passProblems, periodValidity, splitStay, type SeasonPass } from './season-pass.js';

const TZ = 'Asia/Kolkata';
const MIN = 60_000;
// 2026-03-02 is a Monday; IST midnight = 18:30 UTC the day before.
const MAR2 = Date.UTC(2026, 2, 1, 18, 30);

function pass(over: Partial<SeasonPass> = {}): SeasonPass {
  return {
    id: 'p1', kind: 'MONTHLY', plates: ['MH12AB1234'], cardId: null, zones: ['z1'], hours: null, maxCars: 1, antiPassback: 'HARD',
    ...periodValidity('MONTHLY', '2026-03-02', TZ), ...over,
  };
}

describe('validity', () => {
  it('monthly: from local midnight of the first day to local midnight a month on (exclusive)', () => {
    const p = pass();
    expect(p.validFromMs).toBe(MAR2);
    expect(p.validUntilMs).toBe(Date.UTC(2026, 3, 1, 18, 30));
    expect(passCovers(p, 'z1', p.validFromMs - 1000, TZ)).toBe(false); // last second before
    expect(passCovers(p, 'z1', p.validFromMs, TZ)).toBe(true); // first second
    expect(passCovers(p, 'z1', p.validUntilMs - 1000, TZ)).toBe(true); // last second (Apr 1 23:59:59 IST)
    expect(passCovers(p, 'z1', p.validUntilMs, TZ)).toBe(false);
  });
  it('quarterly and a day the end month lacks', () => {
    expect(periodValidity('QUARTERLY', '2026-11-15', TZ).validUntilMs).toBe(Date.UTC(2027, 1, 14, 18, 30));
    expect(periodValidity('MONTHLY', '2026-01-31', TZ).validUntilMs).toBe(Date.UTC(2026, 1, 28, 18, 30)); // through Feb 28, ends Mar 1 00:00 IST
    expect(() => periodValidity('MONTHLY', '2026-1-31', TZ)).toThrow(RangeError);
  });
  it('zones: [] = every zone, else only the listed ones', () => {
    expect(passCovers(pass(), 'z2', MAR2, TZ)).toBe(false);
    expect(passCovers(pass({ zones: [] }), 'z2', MAR2, TZ)).toBe(true);
  });
});

describe('hours and days (facility time zone)', () => {
  const office = pass({ hours: { days: [1, 2, 3, 4, 5], startMinute: 8 * 60, endMinute: 20 * 60 } });
  it('first and last second of the window, weekend excluded', () => {
    expect(passCovers(office, 'z1', MAR2 + 8 * 60 * MIN - 1000, TZ)).toBe(false);
    expect(passCovers(office, 'z1', MAR2 + 8 * 60 * MIN, TZ)).toBe(true);
    expect(passCovers(office, 'z1', MAR2 + 20 * 60 * MIN - 1000, TZ)).toBe(true);
    expect(passCovers(office, 'z1', MAR2 + 20 * 60 * MIN, TZ)).toBe(false);
    const saturday = MAR2 + 5 * 24 * 60 * MIN + 10 * 60 * MIN;
    expect(passCovers(office, 'z1', saturday, TZ)).toBe(false);
  });
  it('a window over midnight belongs to the day it starts', () => {
    const night = pass({ hours: { days: [5], startMinute: 22 * 60, endMinute: 6 * 60 } }); // Friday night
    const fri = MAR2 + 4 * 24 * 60 * MIN;
    expect(passCovers(night, 'z1', fri + 22 * 60 * MIN, TZ)).toBe(true);
    expect(passCovers(night, 'z1', fri + 30 * 60 * MIN - 1000, TZ)).toBe(true); // Sat 05:59:59
    expect(passCovers(night, 'z1', fri + 30 * 60 * MIN, TZ)).toBe(false);
    expect(passCovers(night, 'z1', fri + 5 * 60 * MIN, TZ)).toBe(false); // Fri 05:00 belongs to Thursday's night
  });
  it('splits a stay: covered until the hours end, the tariff from that moment', () => {
    const entry = MAR2 + 18 * 60 * MIN + 30_000;
    expect(splitStay(office, 'z1', entry, MAR2 + 19 * 60 * MIN, TZ)).toEqual({ coveredMs: 60 * MIN - 30_000, billedFromMs: null });
    expect(splitStay(office, 'z1', entry, MAR2 + 20 * 60 * MIN - 1000, TZ)).toEqual({ coveredMs: 120 * MIN - 31_000, billedFromMs: null });
    expect(splitStay(office, 'z1', entry, MAR2 + 20 * 60 * MIN, TZ)).toEqual({ coveredMs: 120 * MIN - 30_000, billedFromMs: MAR2 + 20 * 60 * MIN });
    // Overnight: covered again next morning, but the meter runs from 20:00.
    expect(splitStay(office, 'z1', entry, MAR2 + 33 * 60 * MIN, TZ).billedFromMs).toBe(MAR2 + 20 * 60 * MIN);
    // Entered outside the hours: all billed.
    expect(splitStay(office, 'z1', MAR2 + 7 * 60 * MIN, MAR2 + 9 * 60 * MIN, TZ)).toEqual({ coveredMs: 0, billedFromMs: MAR2 + 7 * 60 * MIN });
  });
  it('splits at the end of validity (last second covered)', () => {
    const p = pass();
    const entry = p.validUntilMs - 60 * MIN;
    expect(splitStay(p, 'z1', entry, p.validUntilMs - 1000, TZ).billedFromMs).toBeNull();
    expect(splitStay(p, 'z1', entry, p.validUntilMs + 2 * 60 * MIN, TZ)).toEqual({ coveredMs: 60 * MIN, billedFromMs: p.validUntilMs });
  });
});

describe('plates and definition', () => {
  it('plates are normalised and matched in any form', () => {
    expect(passPlates(['mh 12-ab 1234', 'MH12AB1234', ' '])).toEqual(['MH12AB1234']);
    expect(passHoldsPlate(pass(), 'mh12 ab-1234')).toBe(true);
    expect(passHoldsPlate(pass(), 'MH12AB1235')).toBe(false);
  });
  it('problems', () => {
    expect(passProblems(pass())).toEqual([]);
    expect(passProblems(pass({ validUntilMs: MAR2 }))).toContain('validity must end after it starts');
    expect(passProblems(pass({ plates: [], cardId: null }))).toContain('a pass needs a plate or a card');
    expect(passProblems(pass({ maxCars: 0 }))).toContain('maxCars must be 1-1000');
    expect(passProblems(pass({ hours: { days: [7], startMinute: 0, endMinute: 60 } }))).toContain('days must be 0-6, at least one');
  });
});

describe('anti-passback', () => {
  const IN = { inside: 1, neutral: false };
  const OUT = { inside: 0, neutral: false };
  it('entry while in: HARD refuses, SOFT allows and flags', () => {
    expect(decideMovement('HARD', 1, IN, 'ENTRY')).toEqual({ allow: false, reason: 'ALREADY_IN' });
    expect(decideMovement('SOFT', 1, IN, 'ENTRY')).toEqual({ allow: true, flagged: true, reason: 'ALREADY_IN', next: IN });
    expect(decideMovement('HARD', 1, OUT, 'ENTRY')).toEqual({ allow: true, flagged: false, next: IN });
  });
  it('exit while out likewise', () => {
    expect(decideMovement('HARD', 1, OUT, 'EXIT')).toEqual({ allow: false, reason: 'NOT_IN' });
    expect(decideMovement('SOFT', 1, OUT, 'EXIT')).toEqual({ allow: true, flagged: true, reason: 'NOT_IN', next: OUT });
    expect(decideMovement('HARD', 1, IN, 'EXIT')).toEqual({ allow: true, flagged: false, next: OUT });
  });
  it('a company pass admits up to maxCars at once (boundary)', () => {
    expect(decideMovement('HARD', 3, { inside: 2, neutral: false }, 'ENTRY')).toEqual({ allow: true, flagged: false, next: { inside: 3, neutral: false } });
    expect(decideMovement('HARD', 3, { inside: 3, neutral: false }, 'ENTRY')).toEqual({ allow: false, reason: 'ALREADY_IN' });
  });
  it('neutral trusts the next movement either way', () => {
    expect(decideMovement('HARD', 1, NEUTRAL_PRESENCE, 'ENTRY')).toEqual({ allow: true, flagged: false, next: IN });
    expect(decideMovement('HARD', 1, NEUTRAL_PRESENCE, 'EXIT')).toEqual({ allow: true, flagged: false, next: OUT });
  });
});
