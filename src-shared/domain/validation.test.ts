import { describe, expect, it } from 'vitest';
import { DEFAULT_TARIFF_OPTIONS, type Tariff } from './tariff.js';
import {
  bestProgram, HOSPITAL_PATIENT_PRESET, HYDERABAD_MALL_PRESET, priceVisit, programProblems, type ValidationClaim, type ValidationProgram,
} from './validation.js';

const T0 = 1_700_000_000_000;
const M = 60;
const H = 3600;
const at = (s: number) => T0 + s * 1000;
const RATE = 4000;
const plain: Tariff = { hourlyRatePaise: RATE, ...DEFAULT_TARIFF_OPTIONS };
const capped: Tariff = { ...plain, dailyCapPaise: 20000 };
const withLost: Tariff = { ...plain, lostTicketFeePaise: 10000 };

const program = (p: Partial<ValidationProgram>): ValidationProgram => ({
  id: 'p1', merchantId: 'm1', name: 'test', kind: 'FULL_EXEMPTION', minutesOff: null, amountOffPaise: null, percentOff: null, capPaise: null,
  reasonCode: 'TEST', billRule: 'NONE', minBillPaise: null, stayOverMinutes: null, stayUpToMinutes: null, ...p,
});
const TIME_2H = program({ kind: 'TIME_OFF', minutesOff: 120 });
const AMOUNT_50 = program({ kind: 'AMOUNT_OFF', amountOffPaise: 5000 });
const PERCENT_25 = program({ kind: 'PERCENT_OFF', percentOff: 25 });
const PERCENT_33 = program({ kind: 'PERCENT_OFF', percentOff: 33 });
const FULL = program({ kind: 'FULL_EXEMPTION' });
const claim = (p: ValidationProgram, billPaise: number | null = null, balancePaise: number | null = null): ValidationClaim => ({ program: p, billPaise, balancePaise });

function price(t: Tariff, seconds: number, claims: ValidationClaim[], lostTicket = false, paid = 0, lastPaidAtS: number | null = null) {
  return priceVisit({ tariff: t, entryAtMs: T0, nowMs: at(seconds), paidPaise: paid, lastPaidAtMs: lastPaidAtS === null ? null : at(lastPaidAtS), lostTicket, validations: claims });
}
const brief = (r: ReturnType<typeof price>) => [r.feeBeforeValidationPaise, r.discountPaise, r.lostTicketFeePaise, r.amountDuePaise];

describe('each discount type with grace (5 min, inclusive)', () => {
  it.each([
    // [label, program, stay s, fee before, discount, due]
    ['time off, 5:00 (grace)', TIME_2H, 5 * M, 0, 0, 0],
    ['time off, 5:01', TIME_2H, 5 * M + 1, 4000, 4000, 0],
    ['time off, 2:00:00', TIME_2H, 2 * H, 8000, 8000, 0],
    ['time off, 2:00:01 (remainder 1 s rated, no second grace)', TIME_2H, 2 * H + 1, 12000, 8000, 4000],
    ['time off, 3:00:00', TIME_2H, 3 * H, 12000, 8000, 4000],
    ['time off, 3:00:01', TIME_2H, 3 * H + 1, 16000, 8000, 8000],
    ['amount off, 5:00 (grace)', AMOUNT_50, 5 * M, 0, 0, 0],
    ['amount off, 5:01 (more than the fee)', AMOUNT_50, 5 * M + 1, 4000, 4000, 0],
    ['amount off, 1:00:01', AMOUNT_50, H + 1, 8000, 5000, 3000],
    ['percent 25, 5:00 (grace)', PERCENT_25, 5 * M, 0, 0, 0],
    ['percent 25, 5:01', PERCENT_25, 5 * M + 1, 4000, 1000, 3000],
    ['percent 33 rounds the discount down', PERCENT_33, 5 * M + 1, 4000, 1320, 2680],
    ['percent 33, 3 h: 12000 x 33% = 3960', PERCENT_33, 3 * H, 12000, 3960, 8040],
    ['full, 5:00 (grace)', FULL, 5 * M, 0, 0, 0],
    ['full, 5:01', FULL, 5 * M + 1, 4000, 4000, 0],
    ['full, 10 h', FULL, 10 * H, 40000, 40000, 0],
  ])('%s', (_l, p, s, before, discount, due) => {
    const r = price(plain, s, [claim(p)]);
    expect([r.feeBeforeValidationPaise, r.discountPaise, r.amountDuePaise]).toEqual([before, discount, due]);
    expect(r.feePaise).toBe(before - discount);
    if (before === 0) expect(r.discounts[0]!.ineligible).toBe('NOTHING_DUE');
  });
});

describe('each discount type with the daily cap (20000 per rolling 24 h): discounts apply to the capped fee', () => {
  it.each([
    ['no validation, 5 h (capped)', null, 5 * H, 20000, 0, 20000],
    ['time off 2 h, 5 h: capped 20000 - fee of 3 h 12000', TIME_2H, 5 * H, 20000, 8000, 12000],
    ['time off 2 h, 7 h: remainder 5 h is capped too', TIME_2H, 7 * H, 20000, 0, 20000],
    ['time off 2 h, 24 h: 20000 - remainder 22 h capped 20000', TIME_2H, 24 * H, 20000, 0, 20000],
    ['time off 2 h, 24:00:01: 20000+4000 - (22:00:01 -> 20000)', TIME_2H, 24 * H + 1, 24000, 4000, 20000],
    ['amount off, 24 h', AMOUNT_50, 24 * H, 20000, 5000, 15000],
    ['amount off, 24:00:01', AMOUNT_50, 24 * H + 1, 24000, 5000, 19000],
    ['percent 25, 6 h', PERCENT_25, 6 * H, 20000, 5000, 15000],
    ['percent 25, 48 h', PERCENT_25, 48 * H, 40000, 10000, 30000],
    ['full, 48:00:01', FULL, 48 * H + 1, 44000, 44000, 0],
  ])('%s', (_l, p, s, before, discount, due) => {
    const r = price(capped, s, p ? [claim(p)] : []);
    expect([r.feeBeforeValidationPaise, r.discountPaise, r.amountDuePaise]).toEqual([before, discount, due]);
  });
});

describe('each discount type with a lost ticket (fee 10000): the lost-ticket fee is never discounted', () => {
  it.each([
    ['time off, 5:00', TIME_2H, 5 * M, 0, 0, 10000, 10000],
    ['time off, 3 h', TIME_2H, 3 * H, 12000, 8000, 10000, 14000],
    ['amount off, 5:01', AMOUNT_50, 5 * M + 1, 4000, 4000, 10000, 10000],
    ['amount off, 2 h', AMOUNT_50, 2 * H, 8000, 5000, 10000, 13000],
    ['percent 25, 2 h', PERCENT_25, 2 * H, 8000, 2000, 10000, 16000],
    ['full, 5:01', FULL, 5 * M + 1, 4000, 4000, 10000, 10000],
    ['full, 10 h', FULL, 10 * H, 40000, 40000, 10000, 10000],
  ])('%s', (_l, p, s, before, discount, lost, due) => {
    expect(brief(price(withLost, s, [claim(p)], true))).toEqual([before, discount, lost, due]);
  });
  it('without the lost flag the tariff lost fee is not added', () => {
    expect(brief(price(withLost, 2 * H, [claim(FULL)]))).toEqual([8000, 8000, 0, 0]);
  });
});

describe('all together: grace, daily cap, lost ticket, validation', () => {
  const all: Tariff = { ...capped, lostTicketFeePaise: 10000, graceMinutes: 30 };
  it.each([
    ['30:00 inside grace, lost', PERCENT_25, 30 * M, [0, 0, 10000, 10000]],
    ['30:01, lost', PERCENT_25, 30 * M + 1, [4000, 1000, 10000, 13000]],
    ['25 h capped, lost, amount off', AMOUNT_50, 25 * H, [24000, 5000, 10000, 29000]],
    ['25 h capped, lost, full', FULL, 25 * H, [24000, 24000, 10000, 10000]],
  ] as const)('%s', (_l, p, s, expected) => {
    expect(brief(price(all, s, [claim(p)], true))).toEqual(expected);
  });
});

describe('per-visit cap, prepaid balance, several validations', () => {
  it.each([
    ['cap below the discount', program({ kind: 'FULL_EXEMPTION', capPaise: 6000 }), 3 * H, 6000],
    ['cap equal to the discount', program({ kind: 'FULL_EXEMPTION', capPaise: 12000 }), 3 * H, 12000],
    ['cap above the discount', program({ kind: 'FULL_EXEMPTION', capPaise: 12001 }), 3 * H, 12000],
    ['cap 0 gives nothing', program({ kind: 'FULL_EXEMPTION', capPaise: 0 }), 3 * H, 0],
    ['time off capped', program({ kind: 'TIME_OFF', minutesOff: 120, capPaise: 5000 }), 3 * H, 5000],
  ])('%s', (_l, p, s, discount) => {
    expect(price(plain, s, [claim(p)]).discountPaise).toBe(discount);
  });
  it.each([
    [null, 12000, null],
    [20000, 12000, null],
    [12000, 12000, null],
    [11999, 11999, null],
    [1, 1, null],
    [0, 0, 'NO_BALANCE'],
    [-500, 0, 'NO_BALANCE'],
  ])('prepaid balance %s limits the discount to %d', (balance, discount, why) => {
    const r = price(plain, 3 * H, [claim(FULL, null, balance)]);
    expect(r.discountPaise).toBe(discount);
    expect(r.discounts[0]!.ineligible).toBe(why);
  });
  it('validations apply in order, each on what is left, never beyond the fee', () => {
    const r = price(plain, 3 * H, [claim(AMOUNT_50), claim(PERCENT_25), claim(FULL)]);
    // 12000: 5000 off; 25% of the fee before validation (3000) off; the rest (4000) exempted.
    expect(r.discounts.map((d) => d.discountPaise)).toEqual([5000, 3000, 4000]);
    expect([r.discountPaise, r.amountDuePaise]).toEqual([12000, 0]);
    expect(r.discounts[2]!.ineligible).toBeNull();
    const again = price(plain, 3 * H, [claim(FULL), claim(AMOUNT_50)]);
    expect(again.discounts.map((d) => [d.discountPaise, d.ineligible])).toEqual([[12000, null], [0, 'NOTHING_DUE']]);
  });
  it('paid amount and exit grace after payment come last', () => {
    // Fee 12000, 5000 off, 7000 paid at 3 h: nothing due inside the 15 min exit grace, then the next hour.
    expect(price(plain, 3 * H + 15 * M, [claim(AMOUNT_50)], false, 7000, 3 * H).amountDuePaise).toBe(0);
    expect(price(plain, 3 * H + 15 * M + 1, [claim(AMOUNT_50)], false, 7000, 3 * H).amountDuePaise).toBe(4000);
  });
});

describe('eligibility: bill and stay window', () => {
  const minBill = program({ billRule: 'MIN_AMOUNT', minBillPaise: 50000 });
  const exceeds = program({ billRule: 'EXCEEDS_FEE' });
  const window = program({ stayOverMinutes: 30, stayUpToMinutes: 60 });
  it.each([
    ['min bill, none shown', minBill, H, null, 'BILL_REQUIRED'],
    ['min bill, 0', minBill, H, 0, 'BILL_REQUIRED'],
    ['min bill, 1 paisa short', minBill, H, 49999, 'BILL_TOO_SMALL'],
    ['min bill, exact', minBill, H, 50000, null],
    ['bill above fee: equal is not above', exceeds, H, 4000, 'BILL_NOT_ABOVE_FEE'],
    ['bill above fee: 1 paisa more', exceeds, H, 4001, null],
    ['bill above fee: against the fee before validation, 1:00:01', exceeds, H + 1, 8000, 'BILL_NOT_ABOVE_FEE'],
    ['window, 30:00', window, 30 * M, null, 'STAY_TOO_SHORT'],
    ['window, 30:01', window, 30 * M + 1, null, null],
    ['window, 60:00', window, 60 * M, null, null],
    ['window, 60:01', window, 60 * M + 1, null, 'STAY_TOO_LONG'],
  ])('%s', (_l, p, s, bill, why) => {
    const r = price(plain, s, [claim(p, bill)]);
    expect(r.discounts[0]!.ineligible).toBe(why);
    expect(r.discountPaise).toBe(why ? 0 : r.feeBeforeValidationPaise);
  });
});

describe('presets', () => {
  const mall: Tariff = { ...plain, ...HYDERABAD_MALL_PRESET.tariff };
  const programs = HYDERABAD_MALL_PRESET.programs.map((p, i) => ({ ...p, id: `hyd${i}`, merchantId: 'mall' }));
  const due = (s: number, bill: number | null) => {
    const best = bestProgram(programs, { tariff: mall, entryAtMs: T0, nowMs: at(s), billPaise: bill });
    return price(mall, s, best ? [claim(best.program, bill)] : []).amountDuePaise;
  };
  it.each([
    ['30:00, no bill (grace)', 30 * M, null, 0],
    ['30:01, no bill', 30 * M + 1, null, 4000],
    ['30:01, a bill', 30 * M + 1, 100, 0],
    ['1:00:00, a bill', H, 100, 0],
    ['1:00:01, bill 8000 = fee: pays', H + 1, 8000, 8000],
    ['1:00:01, bill 8001 > fee: free', H + 1, 8001, 0],
    ['3:00:00, movie ticket 25000 > fee 12000', 3 * H, 25000, 0],
    ['3:00:00, no bill', 3 * H, null, 12000],
  ])('Hyderabad mall: %s', (_l, s, bill, expected) => {
    expect(due(s, bill)).toBe(expected);
  });
  it('hospital patient exemption takes the whole fee and no bill', () => {
    const p = { ...HOSPITAL_PATIENT_PRESET.programs[0]!, id: 'h', merchantId: 'desk' };
    expect(programProblems(p)).toEqual([]);
    expect(brief(price(withLost, 6 * H, [claim(p)]))).toEqual([24000, 24000, 0, 0]);
  });
  it('preset programs are valid', () => {
    for (const p of programs) expect(programProblems(p)).toEqual([]);
  });
});

describe('bad programs and inputs', () => {
  it.each([
    [{ kind: 'TIME_OFF' as const, minutesOff: 0 }, 'minutesOff'],
    [{ kind: 'AMOUNT_OFF' as const, amountOffPaise: 1.5 }, 'amountOffPaise'],
    [{ kind: 'PERCENT_OFF' as const, percentOff: 101 }, 'percentOff'],
    [{ kind: 'PERCENT_OFF' as const, percentOff: 0 }, 'percentOff'],
    [{ capPaise: -1 }, 'capPaise'],
    [{ reasonCode: 'lower' }, 'reasonCode'],
    [{ reasonCode: 'X'.repeat(33) }, 'reasonCode'],
    [{ billRule: 'MIN_AMOUNT' as const, minBillPaise: null }, 'minBillPaise'],
    [{ stayOverMinutes: 60, stayUpToMinutes: 60 }, 'stayUpToMinutes'],
    [{ kind: 'NOPE' as never }, 'kind'],
  ])('%j', (patch, field) => {
    const p = program(patch);
    expect(programProblems(p).join(' ')).toContain(field);
    expect(() => price(plain, H, [claim(p)])).toThrow(RangeError);
  });
  it('rejects a fractional bill or balance', () => {
    expect(() => price(plain, H, [claim(FULL, 10.5)])).toThrow(RangeError);
    expect(() => price(plain, H, [claim(FULL, null, 0.5)])).toThrow(RangeError);
  });
});
