/**
 * Money helpers. All money is integer paise; nothing here does float arithmetic on amounts.
 */

/** A safe, non-negative integer: a valid amount of paise. */
export function isPaise(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function assertSafeInteger(paise: number, fn: string): void {
  if (typeof paise !== 'number' || !Number.isSafeInteger(paise)) {
    throw new RangeError(`${fn}: expected a safe integer amount of paise, got ${String(paise)}`);
  }
}

/** 4000 -> "40.00"; -50 -> "-0.50". Integer maths only. Throws RangeError on a non-integer. */
export function paiseToRupeesString(paise: number): string {
  assertSafeInteger(paise, 'paiseToRupeesString');
  const negative = paise < 0;
  const abs = negative ? -paise : paise;
  const rem = abs % 100; // exact for integers
  const whole = (abs - rem) / 100; // exact: divisible by 100
  return `${negative ? '-' : ''}${whole}.${rem < 10 ? '0' : ''}${rem}`;
}

let inrFormat: Intl.NumberFormat | undefined;

/** 12000000 -> "₹1,20,000.00" (en-IN grouping); -50 -> "-₹0.50". */
export function formatInr(paise: number): string {
  assertSafeInteger(paise, 'formatInr');
  inrFormat ??= new Intl.NumberFormat('en-IN', {
    style: 'currency',
    currency: 'INR',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  // A decimal string is formatted exactly (Intl.NumberFormat v3), so no float rounding is involved.
  return inrFormat.format(paiseToRupeesString(paise) as `${number}`);
}
