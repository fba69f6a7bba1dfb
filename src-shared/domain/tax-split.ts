/**
 * Splitting what a driver pays into taxable value and GST, in integer paise.
 *
 * The paise-rounding rule (docs/invoices.md):
 * 1. The total tax is rounded once, half up to the paisa, on the whole supply:
 *    - tax-inclusive tariff (the fee on the sign is what is paid):
 *        taxable = round_half_up(paid * 10000 / (10000 + rateBp)), tax = paid - taxable;
 *    - tax-exclusive tariff (the fee on the sign is before tax):
 *        tax = round_half_up(fee * rateBp / 10000), total = fee + tax.
 *    Either way taxable + tax = total, exactly, and the total is what the driver pays.
 * 2. Within the state the tax is split into CGST and SGST at half the rate each: SGST =
 *    floor(tax / 2) and CGST = tax - SGST (an odd paisa goes to CGST), so CGST + SGST = tax
 *    always and the two never differ by more than a paisa. Between states the whole tax is IGST.
 * Rates are in basis points (1800 = 18 %); arithmetic is BigInt so no amount loses precision.
 */

export interface TaxSplit {
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  igstPaise: number;
  /** cgst + sgst + igst */
  taxPaise: number;
  /** taxable + tax: what the driver pays */
  totalPaise: number;
  rateBp: number;
  interState: boolean;
}

export const DEFAULT_GST_RATE_BP = 1800;
export const MAX_GST_RATE_BP = 4000;

function roundHalfUpDiv(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

function assertInputs(amountPaise: number, rateBp: number): void {
  if (!Number.isSafeInteger(amountPaise) || amountPaise < 0) throw new RangeError('an amount is a non-negative whole number of paise');
  if (!Number.isSafeInteger(rateBp) || rateBp < 0 || rateBp > MAX_GST_RATE_BP) throw new RangeError('a GST rate is 0..4000 basis points');
}

function split(taxable: bigint, tax: bigint, rateBp: number, interState: boolean): TaxSplit {
  const sgst = interState ? 0n : tax / 2n;
  const cgst = interState ? 0n : tax - sgst;
  const total = taxable + tax;
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('the amount with tax is too large');
  return {
    taxablePaise: Number(taxable), cgstPaise: Number(cgst), sgstPaise: Number(sgst), igstPaise: interState ? Number(tax) : 0,
    taxPaise: Number(tax), totalPaise: Number(total), rateBp, interState,
  };
}

/** A tax-inclusive amount (what was paid) split into taxable value and tax. */
export function splitInclusive(paidPaise: number, rateBp: number, interState: boolean): TaxSplit {
  assertInputs(paidPaise, rateBp);
  const paid = BigInt(paidPaise);
  const taxable = roundHalfUpDiv(paid * 10000n, 10000n + BigInt(rateBp));
  return split(taxable, paid - taxable, rateBp, interState);
}

/** A tax-exclusive fee with its tax added on top. */
export function splitExclusive(feePaise: number, rateBp: number, interState: boolean): TaxSplit {
  assertInputs(feePaise, rateBp);
  const fee = BigInt(feePaise);
  return split(fee, roundHalfUpDiv(fee * BigInt(rateBp), 10000n), rateBp, interState);
}

/** Place of supply decides: supplier and recipient in different states (codes) is inter-state (IGST). */
export function isInterState(supplierStateCode: string, placeOfSupplyStateCode: string): boolean {
  return supplierStateCode !== placeOfSupplyStateCode;
}

/** "18%" / "2.5%" for a rate in basis points. */
export function formatRate(rateBp: number): string {
  const whole = Math.floor(rateBp / 100);
  const frac = rateBp % 100;
  return frac === 0 ? `${whole}%` : `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}%`;
}

/**
 * What was paid under a tax-exclusive tariff, split back into the fee and its tax: the fee t
 * whose splitExclusive(t) totals exactly `paidPaise` (the quote added the tax that way). An
 * amount no fee produces (a part payment) is split as if inclusive, which keeps the sums exact.
 */
export function splitPaidExclusive(paidPaise: number, rateBp: number, interState: boolean): TaxSplit {
  const inclusive = splitInclusive(paidPaise, rateBp, interState);
  for (const t of [inclusive.taxablePaise, inclusive.taxablePaise - 1, inclusive.taxablePaise + 1]) {
    if (t < 0) continue;
    const e = splitExclusive(t, rateBp, interState);
    if (e.totalPaise === paidPaise) return e;
  }
  return inclusive;
}
