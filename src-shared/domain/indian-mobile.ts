/** An Indian mobile number as SMS providers want it: 91 + 10 digits starting 6-9; null when it is not one. */
export function normalizeIndianMobile(raw: string): string | null {
  if (raw.length > 32) return null;
  const digits = raw.replace(/[\s()+-]/g, '');
  const m = /^(?:91|0)?([6-9]\d{9})$/.exec(digits);
  return m ? `91${m[1]}` : null;
}

export const MOBILE_PROBLEM = 'A mobile number is 10 digits starting with 6, 7, 8 or 9.';
