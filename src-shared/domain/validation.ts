/**
 * Validations and exemptions: the discount stage after the tariff (docs/validations.md).
 * Pure: the stay, the fee and the time are passed in.
 *
 * The order of application (the rule, tested as boundary tables in validation.test.ts):
 *  1. Grace: a stay up to the tariff's grace (inclusive) costs 0; nothing is left to discount, so
 *     no validation takes anything (and no prepaid balance is drawn).
 *  2. Tariff fee: billable hours x rate for the whole stay.
 *  3. Daily cap: per rolling 24 h from entry, inside the tariff fee (computeFee).
 *     Steps 1-3 give the "fee before validation".
 *  4. Validations, in the order they were added to the visit. Each one's eligibility (bill, stay
 *     window) is judged against the stay and the fee before validation; an ineligible one gives 0
 *     and says why. Each discount is:
 *       TIME_OFF       fee before validation - fee of the stay with its first N minutes removed
 *                      (that remainder is rated from its own start with no second grace, daily
 *                      cap applied);
 *       AMOUNT_OFF     the amount;
 *       PERCENT_OFF    floor(fee before validation x percent / 100);
 *       FULL_EXEMPTION the whole fee before validation;
 *     then limited to the program's per-visit cap, to the merchant's prepaid balance when it has
 *     one, and to what is left of the fee after the earlier validations (never below 0).
 *  5. Lost-ticket fee: added after the discounts and never discounted.
 *  6. What was already paid and the exit grace after a payment: as computeAmountDue.
 */
import { computeFee, durationSeconds, type Tariff } from './tariff.js';
import { isPaise } from './money.js';

export const VALIDATION_KINDS = ['TIME_OFF', 'AMOUNT_OFF', 'PERCENT_OFF', 'FULL_EXEMPTION'] as const;
export type ValidationKind = (typeof VALIDATION_KINDS)[number];

/** What a program needs of the shopper's bill. */
export const BILL_RULES = ['NONE', 'MIN_AMOUNT', 'EXCEEDS_FEE'] as const;
export type BillRule = (typeof BILL_RULES)[number];

export interface ValidationProgram {
  id: string;
  merchantId: string;
  name: string;
  kind: ValidationKind;
  /** TIME_OFF: minutes taken off the start of the stay. */
  minutesOff: number | null;
  /** AMOUNT_OFF: paise off. */
  amountOffPaise: number | null;
  /** PERCENT_OFF: whole percent, 1-100. */
  percentOff: number | null;
  /** Most this program takes off one visit; null = no cap. */
  capPaise: number | null;
  /** Short code for reports and the audit log (e.g. PATIENT, MALL-BILL). */
  reasonCode: string;
  /** NONE; MIN_AMOUNT: bill >= minBillPaise; EXCEEDS_FEE: bill > fee before validation. */
  billRule: BillRule;
  minBillPaise: number | null;
  /** Eligible only when the stay is longer than this many minutes (null = any). */
  stayOverMinutes: number | null;
  /** Eligible only when the stay is at most this many minutes (null = any). */
  stayUpToMinutes: number | null;
}

/** Why a validation gives nothing on this visit. */
export const INELIGIBLE_REASONS = ['BILL_REQUIRED', 'BILL_TOO_SMALL', 'BILL_NOT_ABOVE_FEE', 'STAY_TOO_SHORT', 'STAY_TOO_LONG', 'NOTHING_DUE', 'NO_BALANCE'] as const;
export type IneligibleReason = (typeof INELIGIBLE_REASONS)[number];

/** One validation on a visit: the program, the bill shown (if any) and the merchant's prepaid balance (null = billed afterwards). */
export interface ValidationClaim {
  program: ValidationProgram;
  billPaise: number | null;
  balancePaise: number | null;
}

export interface AppliedDiscount {
  programId: string;
  merchantId: string;
  kind: ValidationKind;
  reasonCode: string;
  discountPaise: number;
  /** Set when the discount is 0 because the visit did not qualify. */
  ineligible: IneligibleReason | null;
}

export interface VisitPrice {
  durationSeconds: number;
  billableHours: number;
  /** Steps 1-3: grace, tariff, daily cap. */
  feeBeforeValidationPaise: number;
  discounts: AppliedDiscount[];
  discountPaise: number;
  /** The parking fee after the validations (step 4). */
  feePaise: number;
  lostTicketFeePaise: number;
  amountDuePaise: number;
}

const MAX_MINUTES = 366 * 24 * 60;
const isMinutes = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_MINUTES;
const REASON_RE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;

/** Problems with a program, for validation messages; [] when valid. */
export function programProblems(p: ValidationProgram): string[] {
  const out: string[] = [];
  if (p === null || typeof p !== 'object') return ['program must be an object'];
  if (!(VALIDATION_KINDS as readonly string[]).includes(p.kind)) out.push('kind must be one of ' + VALIDATION_KINDS.join(', '));
  if (p.kind === 'TIME_OFF' && !(isMinutes(p.minutesOff) && p.minutesOff > 0)) out.push('minutesOff must be a whole number of minutes above 0');
  if (p.kind === 'AMOUNT_OFF' && !(isPaise(p.amountOffPaise) && p.amountOffPaise > 0)) out.push('amountOffPaise must be a whole number of paise above 0');
  if (p.kind === 'PERCENT_OFF' && !(Number.isSafeInteger(p.percentOff) && p.percentOff! >= 1 && p.percentOff! <= 100)) out.push('percentOff must be a whole percent from 1 to 100');
  if (p.capPaise !== null && !isPaise(p.capPaise)) out.push('capPaise must be null or a whole number of paise');
  if (typeof p.reasonCode !== 'string' || !REASON_RE.test(p.reasonCode)) out.push('reasonCode must be 1-32 of A-Z, 0-9, _ and -, starting with a letter or digit');
  if (!(BILL_RULES as readonly string[]).includes(p.billRule)) out.push('billRule must be one of ' + BILL_RULES.join(', '));
  if (p.billRule === 'MIN_AMOUNT' && !(isPaise(p.minBillPaise) && p.minBillPaise > 0)) out.push('minBillPaise must be a whole number of paise above 0');
  if (p.stayOverMinutes !== null && !isMinutes(p.stayOverMinutes)) out.push('stayOverMinutes must be null or whole minutes');
  if (p.stayUpToMinutes !== null && !isMinutes(p.stayUpToMinutes)) out.push('stayUpToMinutes must be null or whole minutes');
  if (p.stayOverMinutes !== null && p.stayUpToMinutes !== null && isMinutes(p.stayOverMinutes) && isMinutes(p.stayUpToMinutes)
    && p.stayUpToMinutes <= p.stayOverMinutes) out.push('stayUpToMinutes must be more than stayOverMinutes');
  return out;
}

function assertProgram(p: ValidationProgram): void {
  const problems = programProblems(p);
  if (problems.length > 0) throw new RangeError(`Invalid validation program: ${problems.join('; ')}`);
}

/** Why this visit does not qualify for the program (bill and stay window only), or null. */
export function ineligibility(p: ValidationProgram, stay: { durationSeconds: number; feeBeforeValidationPaise: number }, billPaise: number | null): IneligibleReason | null {
  if (p.stayOverMinutes !== null && stay.durationSeconds <= p.stayOverMinutes * 60) return 'STAY_TOO_SHORT';
  if (p.stayUpToMinutes !== null && stay.durationSeconds > p.stayUpToMinutes * 60) return 'STAY_TOO_LONG';
  if (p.billRule === 'NONE') return null;
  if (billPaise === null || billPaise <= 0) return 'BILL_REQUIRED';
  if (p.billRule === 'MIN_AMOUNT' && billPaise < p.minBillPaise!) return 'BILL_TOO_SMALL';
  if (p.billRule === 'EXCEEDS_FEE' && billPaise <= stay.feeBeforeValidationPaise) return 'BILL_NOT_ABOVE_FEE';
  return null;
}

/** The program's raw discount for the visit (before cap, balance and what is left). */
function rawDiscount(p: ValidationProgram, t: Tariff, entryAtMs: number, nowMs: number, fee: number): number {
  switch (p.kind) {
    case 'FULL_EXEMPTION':
      return fee;
    case 'AMOUNT_OFF':
      return p.amountOffPaise!;
    case 'PERCENT_OFF':
      return Math.floor((fee * p.percentOff!) / 100);
    case 'TIME_OFF': {
      const shiftedEntry = entryAtMs + p.minutesOff! * 60_000;
      const rest = shiftedEntry >= nowMs ? 0 : computeFee({ ...t, graceMinutes: 0 }, shiftedEntry, nowMs).feePaise;
      return Math.max(0, fee - rest);
    }
  }
}

/**
 * The price of a visit with its validations (steps 1-6 of the rule above).
 * Throws RangeError on an invalid tariff, program, bill, balance or amount paid.
 */
export function priceVisit(a: {
  tariff: Tariff;
  entryAtMs: number;
  nowMs: number;
  paidPaise: number;
  lastPaidAtMs: number | null;
  lostTicket: boolean;
  validations: readonly ValidationClaim[];
}): VisitPrice {
  if (!isPaise(a.paidPaise)) throw new RangeError('paidPaise must be a whole number of paise, 0 or more');
  const base = computeFee(a.tariff, a.entryAtMs, a.nowMs);
  const feeBefore = base.feePaise;
  let left = feeBefore;
  const discounts: AppliedDiscount[] = [];
  for (const c of a.validations) {
    assertProgram(c.program);
    if (c.billPaise !== null && !isPaise(c.billPaise)) throw new RangeError('billPaise must be null or a whole number of paise');
    if (c.balancePaise !== null && !Number.isSafeInteger(c.balancePaise)) throw new RangeError('balancePaise must be null or a whole number of paise');
    const p = c.program;
    let ineligible = ineligibility(p, { durationSeconds: base.durationSeconds, feeBeforeValidationPaise: feeBefore }, c.billPaise);
    let d = 0;
    if (!ineligible) {
      d = rawDiscount(p, a.tariff, a.entryAtMs, a.nowMs, feeBefore);
      if (p.capPaise !== null) d = Math.min(d, p.capPaise);
      if (c.balancePaise !== null) d = Math.min(d, Math.max(0, c.balancePaise));
      d = Math.min(d, left);
      if (d === 0) ineligible = left === 0 ? 'NOTHING_DUE' : c.balancePaise !== null && c.balancePaise <= 0 ? 'NO_BALANCE' : null;
    }
    left -= d;
    discounts.push({ programId: p.id, merchantId: p.merchantId, kind: p.kind, reasonCode: p.reasonCode, discountPaise: d, ineligible });
  }
  const lostTicketFeePaise = a.lostTicket ? (a.tariff.lostTicketFeePaise ?? 0) : 0;
  const total = left + lostTicketFeePaise;
  const inExitGrace = a.paidPaise > 0 && a.lastPaidAtMs !== null
    && durationSeconds(a.lastPaidAtMs, a.nowMs) <= a.tariff.exitGraceMinutes * 60;
  return {
    durationSeconds: base.durationSeconds,
    billableHours: base.billableHours,
    feeBeforeValidationPaise: feeBefore,
    discounts,
    discountPaise: feeBefore - left,
    feePaise: left,
    lostTicketFeePaise,
    amountDuePaise: inExitGrace ? 0 : Math.max(0, total - a.paidPaise),
  };
}

// ------------------------------------------------------------------ presets

type PresetProgram = Omit<ValidationProgram, 'id' | 'merchantId'>;
const preset = (p: Partial<PresetProgram> & Pick<PresetProgram, 'name' | 'kind' | 'reasonCode'>): PresetProgram => ({
  minutesOff: null, amountOffPaise: null, percentOff: null, capPaise: null, billRule: 'NONE', minBillPaise: null,
  stayOverMinutes: null, stayUpToMinutes: null, ...p,
});

/**
 * The Hyderabad mall rule: first 30 minutes free for everyone (the zone's grace, set to 30);
 * 30-60 minutes free with any bill; over an hour free when the bill or movie ticket is more than
 * the parking fee. The two programs belong to the mall's own merchant account.
 */
export const HYDERABAD_MALL_PRESET: { tariff: { graceMinutes: number }; programs: PresetProgram[] } = Object.freeze({
  tariff: { graceMinutes: 30 },
  programs: [
    preset({ name: 'Bill, up to 1 hour', kind: 'FULL_EXEMPTION', reasonCode: 'MALL-BILL', billRule: 'MIN_AMOUNT', minBillPaise: 1, stayUpToMinutes: 60 }),
    preset({ name: 'Bill above the fee, over 1 hour', kind: 'FULL_EXEMPTION', reasonCode: 'MALL-BILL-FEE', billRule: 'EXCEEDS_FEE', stayOverMinutes: 60 }),
  ],
});

/** A hospital desk's patient exemption: the whole parking fee, no bill. */
export const HOSPITAL_PATIENT_PRESET: { programs: PresetProgram[] } = Object.freeze({
  programs: [preset({ name: 'Patient exemption', kind: 'FULL_EXEMPTION', reasonCode: 'PATIENT' })],
});

export const VALIDATION_PRESETS = { HYDERABAD_MALL: HYDERABAD_MALL_PRESET, HOSPITAL_PATIENT: HOSPITAL_PATIENT_PRESET } as const;
export type ValidationPresetName = keyof typeof VALIDATION_PRESETS;

/**
 * The program that takes most off this visit among `programs` for the bill shown (the cashier
 * enters the bill, the rule picks the program); ties go to the earlier program. null when none
 * qualifies or nothing is left to take off.
 */
export function bestProgram(
  programs: readonly ValidationProgram[],
  a: { tariff: Tariff; entryAtMs: number; nowMs: number; billPaise: number | null },
): { program: ValidationProgram; discountPaise: number } | null {
  let best: { program: ValidationProgram; discountPaise: number } | null = null;
  for (const program of programs) {
    const price = priceVisit({ ...a, paidPaise: 0, lastPaidAtMs: null, lostTicket: false, validations: [{ program, billPaise: a.billPaise, balancePaise: null }] });
    const d = price.discountPaise;
    if (d > 0 && (!best || d > best.discountPaise)) best = { program, discountPaise: d };
  }
  return best;
}
