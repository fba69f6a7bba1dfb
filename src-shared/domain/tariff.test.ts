import { describe, expect, it } from 'vitest';
import {
  computeAmountDue,
  computeFee,
  DEFAULT_TARIFF_OPTIONS,
  durationSeconds,
  makeTariff,
  tariffProblems,
  type Tariff,
} from './tariff.js';

const T0 = 1_700_000_000_000;
const RATE = 4000;
const base: Tariff = { hourlyRatePaise: RATE, ...DEFAULT_TARIFF_OPTIONS };
const H = 3600;
const at = (seconds: number, extraMs = 0) => T0 + seconds * 1000 + extraMs;

describe('defaults', () => {
  it('DEFAULT_TARIFF_OPTIONS', () => {
    expect(DEFAULT_TARIFF_OPTIONS).toEqual({ graceMinutes: 5, dailyCapPaise: null, lostTicketFeePaise: null, exitGraceMinutes: 15 });
  });
  it('makeTariff fills defaults and keeps overrides', () => {
    expect(makeTariff(2000)).toEqual({ hourlyRatePaise: 2000, graceMinutes: 5, dailyCapPaise: null, lostTicketFeePaise: null, exitGraceMinutes: 15 });
    expect(makeTariff(2000, { dailyCapPaise: 9000 })).toEqual({ hourlyRatePaise: 2000, graceMinutes: 5, dailyCapPaise: 9000, lostTicketFeePaise: null, exitGraceMinutes: 15 });
  });
});

describe('durationSeconds', () => {
  it.each([
    [0, 0],
    [999, 0],
    [1000, 1],
    [1999, 1],
    [300_999, 300],
    [301_000, 301],
    [-1, 0],
    [-5000, 0],
  ])('%d ms -> %d s', (ms, s) => {
    expect(durationSeconds(T0, T0 + ms)).toBe(s);
  });
  it('rejects non-finite times', () => {
    expect(() => durationSeconds(NaN, T0)).toThrow(RangeError);
    expect(() => durationSeconds(T0, Infinity)).toThrow(RangeError);
  });
});

describe('computeFee, default tariff (grace 5 min, 4000/h)', () => {
  it.each([
    // [label, seconds, extra ms, billable hours, fee]
    ['0 s', 0, 0, 0, 0],
    ['3 min', 180, 0, 0, 0],
    ['4:59', 299, 0, 0, 0],
    ['5:00', 300, 0, 0, 0],
    ['5:00.999 (ms dropped)', 300, 999, 0, 0],
    ['5:01', 301, 0, 1, 4000],
    ['59:59', 3599, 0, 1, 4000],
    ['1:00:00', H, 0, 1, 4000],
    ['1:00:00.999', H, 999, 1, 4000],
    ['1:00:01', H + 1, 0, 2, 8000],
    ['1:30:00', H + 1800, 0, 2, 8000],
    ['2:00:00', 2 * H, 0, 2, 8000],
    ['2:10:00', 2 * H + 600, 0, 3, 12000],
    ['24:00:00 (no cap)', 24 * H, 0, 24, 96000],
    ['24:00:01 (no cap)', 24 * H + 1, 0, 25, 100000],
    ['exit before entry', -600, 0, 0, 0],
  ])('%s', (_label, s, ms, hours, fee) => {
    expect(computeFee(base, T0, at(s, ms))).toEqual({ durationSeconds: Math.max(0, s), billableHours: hours, feePaise: fee });
  });
});

describe('computeFee, grace settings', () => {
  it.each([
    [0, 0, 0, 0],
    [0, 1, 1, 4000],
    [0, 3600, 1, 4000],
    [10, 600, 0, 0],
    [10, 601, 1, 4000],
    [60, 3600, 0, 0],
    [60, 3601, 2, 8000],
  ])('grace %d min, %d s -> %d h, %d paise', (grace, s, hours, fee) => {
    expect(computeFee({ ...base, graceMinutes: grace }, T0, at(s))).toEqual({ durationSeconds: s, billableHours: hours, feePaise: fee });
  });
  it('rate 0 is free but still counts hours', () => {
    expect(computeFee({ ...base, hourlyRatePaise: 0 }, T0, at(2 * H))).toEqual({ durationSeconds: 7200, billableHours: 2, feePaise: 0 });
  });
});

describe('computeFee, daily cap per rolling 24 h', () => {
  const capped = { ...base, dailyCapPaise: 50000 }; // below 24 x 4000 = 96000
  it.each([
    ['5:00 grace still free', 300, 0, 0],
    ['1 h', H, 1, 4000],
    ['12 h (48000 < cap)', 12 * H, 12, 48000],
    ['12:00:01 -> 13 h = 52000, capped', 12 * H + 1, 13, 50000],
    ['13 h capped', 13 * H, 13, 50000],
    ['23:59:59', 24 * H - 1, 24, 50000],
    ['exactly 24 h', 24 * H, 24, 50000],
    ['24 h + 1 s', 24 * H + 1, 25, 54000],
    ['25 h', 25 * H, 25, 54000],
    ['36 h', 36 * H, 36, 98000],
    ['47:59:59', 48 * H - 1, 48, 100000],
    ['exactly 48 h', 48 * H, 48, 100000],
    ['48 h + 1 s', 48 * H + 1, 49, 104000],
  ])('%s', (_label, s, hours, fee) => {
    expect(computeFee(capped, T0, at(s))).toEqual({ durationSeconds: s, billableHours: hours, feePaise: fee });
  });

  it('a cap above 24 x rate changes nothing', () => {
    const high = { ...base, dailyCapPaise: 200000 };
    for (const s of [301, H, 24 * H, 24 * H + 1, 48 * H, 50 * H + 7]) {
      expect(computeFee(high, T0, at(s))).toEqual(computeFee(base, T0, at(s)));
    }
  });

  it('a cap exactly 24 x rate changes nothing', () => {
    const exact = { ...base, dailyCapPaise: 96000 };
    expect(computeFee(exact, T0, at(24 * H)).feePaise).toBe(96000);
    expect(computeFee(exact, T0, at(24 * H + 1)).feePaise).toBe(100000);
  });

  it('cap 0 makes everything free', () => {
    expect(computeFee({ ...base, dailyCapPaise: 0 }, T0, at(30 * H))).toEqual({ durationSeconds: 30 * H, billableHours: 30, feePaise: 0 });
  });

  it('capped fee never exceeds the uncapped fee and never decreases with time', () => {
    let prev = 0;
    for (let s = 0; s <= 73 * H; s += 457) {
      const c = computeFee(capped, T0, at(s)).feePaise;
      expect(c).toBeLessThanOrEqual(computeFee(base, T0, at(s)).feePaise);
      expect(c).toBeGreaterThanOrEqual(prev);
      prev = c;
    }
  });
});

describe('tariff validation', () => {
  it.each([
    [{ hourlyRatePaise: -1 }],
    [{ hourlyRatePaise: 1.5 }],
    [{ hourlyRatePaise: NaN }],
    [{ graceMinutes: -1 }],
    [{ graceMinutes: 0.5 }],
    [{ graceMinutes: 100000 }],
    [{ dailyCapPaise: -5 }],
    [{ lostTicketFeePaise: 2.5 }],
    [{ exitGraceMinutes: -1 }],
  ] as Partial<Tariff>[][])('%o is rejected', (patch) => {
    const t = { ...base, ...patch };
    expect(tariffProblems(t)).toHaveLength(1);
    expect(() => computeFee(t, T0, at(H))).toThrow(RangeError);
  });
  it('valid tariff has no problems', () => {
    expect(tariffProblems({ ...base, dailyCapPaise: 0, lostTicketFeePaise: 0, graceMinutes: 0, exitGraceMinutes: 0 })).toEqual([]);
  });
  it('overflowing fee throws instead of losing precision', () => {
    expect(() => computeFee({ ...base, hourlyRatePaise: Number.MAX_SAFE_INTEGER }, T0, at(2 * H))).toThrow(RangeError);
  });
});

describe('computeAmountDue', () => {
  const due = (o: Partial<Parameters<typeof computeAmountDue>[0]>) =>
    computeAmountDue({ tariff: base, entryAtMs: T0, nowMs: at(2 * H), paidPaise: 0, lastPaidAtMs: null, lostTicket: false, ...o });

  it('nothing paid', () => {
    expect(due({})).toEqual({ durationSeconds: 7200, billableHours: 2, feePaise: 8000, lostTicketFeePaise: 0, amountDuePaise: 8000 });
  });
  it('inside the stay grace', () => {
    expect(due({ nowMs: at(300) })).toEqual({ durationSeconds: 300, billableHours: 0, feePaise: 0, lostTicketFeePaise: 0, amountDuePaise: 0 });
  });
  it('partly paid, outside exit grace', () => {
    expect(due({ paidPaise: 3000, lastPaidAtMs: at(10) }).amountDuePaise).toBe(5000);
  });
  it('overpaid never goes negative', () => {
    expect(due({ paidPaise: 9000, lastPaidAtMs: at(10) }).amountDuePaise).toBe(0);
  });

  describe('exit grace after payment (15 min)', () => {
    // Paid 4000 for the first hour at exactly 1:00:00.
    const paid = { paidPaise: 4000, lastPaidAtMs: at(H) };
    it.each([
      ['at payment', H, 0, 0],
      ['14:59 after', H + 899, 0, 0],
      ['exactly 15:00 after', H + 900, 0, 0],
      ['15:00.999 after (ms dropped)', H + 900, 999, 0],
      ['15:01 after -> owes the 2nd hour', H + 901, 0, 4000],
      ['2:30 -> owes 3 h - 1 h paid', 2 * H + 1800, 0, 8000],
    ])('%s', (_label, s, ms, amount) => {
      const r = due({ ...paid, nowMs: at(s, ms) });
      expect(r.amountDuePaise).toBe(amount);
    });
    it('fee fields still report the full stay inside the grace', () => {
      expect(due({ ...paid, nowMs: at(H + 900) })).toEqual({ durationSeconds: 4500, billableHours: 2, feePaise: 8000, lostTicketFeePaise: 0, amountDuePaise: 0 });
    });
    it('past the grace but still within the paid hour owes nothing', () => {
      expect(due({ paidPaise: 4000, lastPaidAtMs: at(600), nowMs: at(1800) }).amountDuePaise).toBe(0);
    });
    it('no grace when nothing was paid, even with a payment time', () => {
      expect(due({ paidPaise: 0, lastPaidAtMs: at(2 * H), nowMs: at(2 * H) }).amountDuePaise).toBe(8000);
    });
    it('no grace without a payment time', () => {
      expect(due({ paidPaise: 4000, lastPaidAtMs: null, nowMs: at(H + 1) }).amountDuePaise).toBe(4000);
    });
    it('exit grace 0: only the paid second itself', () => {
      const t = { ...base, exitGraceMinutes: 0 };
      expect(due({ tariff: t, paidPaise: 4000, lastPaidAtMs: at(H + 1), nowMs: at(H + 1) }).amountDuePaise).toBe(0);
      expect(due({ tariff: t, paidPaise: 4000, lastPaidAtMs: at(H + 1), nowMs: at(H + 2) }).amountDuePaise).toBe(4000);
    });
    it('custom exit grace 30 min', () => {
      const t = { ...base, exitGraceMinutes: 30 };
      expect(due({ tariff: t, ...paid, nowMs: at(H + 1800) }).amountDuePaise).toBe(0);
      expect(due({ tariff: t, ...paid, nowMs: at(H + 1801) }).amountDuePaise).toBe(4000);
    });
  });

  describe('lost ticket', () => {
    const lost = { ...base, lostTicketFeePaise: 20000 };
    it('adds the lost-ticket fee', () => {
      expect(due({ tariff: lost, lostTicket: true })).toEqual({ durationSeconds: 7200, billableHours: 2, feePaise: 8000, lostTicketFeePaise: 20000, amountDuePaise: 28000 });
    });
    it('not lost -> no surcharge', () => {
      expect(due({ tariff: lost, lostTicket: false })).toEqual({ durationSeconds: 7200, billableHours: 2, feePaise: 8000, lostTicketFeePaise: 0, amountDuePaise: 8000 });
    });
    it('lost within the stay grace still pays the surcharge', () => {
      expect(due({ tariff: lost, lostTicket: true, nowMs: at(120) }).amountDuePaise).toBe(20000);
    });
    it('no configured surcharge -> 0', () => {
      expect(due({ lostTicket: true })).toEqual({ durationSeconds: 7200, billableHours: 2, feePaise: 8000, lostTicketFeePaise: 0, amountDuePaise: 8000 });
    });
    it('with the daily cap, surcharge is on top of the cap', () => {
      const t = { ...lost, dailyCapPaise: 50000 };
      expect(due({ tariff: t, lostTicket: true, nowMs: at(30 * H) }).amountDuePaise).toBe(50000 + 24000 + 20000);
    });
    it('partial payment is subtracted from fee + surcharge', () => {
      expect(due({ tariff: lost, lostTicket: true, paidPaise: 8000, lastPaidAtMs: at(0) }).amountDuePaise).toBe(20000);
    });
  });

  it('rejects a bad paidPaise', () => {
    expect(() => due({ paidPaise: -1 })).toThrow(RangeError);
    expect(() => due({ paidPaise: 0.5 })).toThrow(RangeError);
  });
});
