/**
 * GSTIN (GST identification number) validation. A GSTIN is 15 characters:
 *   2 digits  state code (the registration's state, see GST_STATE_CODES)
 *   10 chars  the holder's PAN: 5 letters, 4 digits, 1 letter
 *   1 char    entity number within the state for that PAN (1-9, then A-Z)
 *   'Z'       fixed by default
 *   1 char    check character over the first 14 (Luhn mod 36)
 * Check character: map 0-9 -> 0..9 and A-Z -> 10..35; from the left, weight 1, 2, 1, 2, ...;
 * each product contributes quotient + remainder of dividing it by 36; the check character is
 * (36 - sum mod 36) mod 36 mapped back to a character.
 */

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** GST state / union territory codes (the first two characters of a GSTIN). */
export const GST_STATE_CODES: Readonly<Record<string, string>> = Object.freeze({
  '01': 'Jammu and Kashmir', '02': 'Himachal Pradesh', '03': 'Punjab', '04': 'Chandigarh', '05': 'Uttarakhand',
  '06': 'Haryana', '07': 'Delhi', '08': 'Rajasthan', '09': 'Uttar Pradesh', '10': 'Bihar', '11': 'Sikkim',
  '12': 'Arunachal Pradesh', '13': 'Nagaland', '14': 'Manipur', '15': 'Mizoram', '16': 'Tripura', '17': 'Meghalaya',
  '18': 'Assam', '19': 'West Bengal', '20': 'Jharkhand', '21': 'Odisha', '22': 'Chhattisgarh', '23': 'Madhya Pradesh',
  '24': 'Gujarat', '26': 'Dadra and Nagar Haveli and Daman and Diu', '27': 'Maharashtra', '29': 'Karnataka',
  '30': 'Goa', '31': 'Lakshadweep', '32': 'Kerala', '33': 'Tamil Nadu', '34': 'Puducherry',
  '35': 'Andaman and Nicobar Islands', '36': 'Telangana', '37': 'Andhra Pradesh', '38': 'Ladakh',
  '97': 'Other Territory',
});

export function isGstStateCode(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(GST_STATE_CODES, code);
}

/** The check character for the first 14 characters of a GSTIN (upper case, 0-9 A-Z only). */
export function gstinCheckCharacter(first14: string): string {
  if (first14.length !== 14) throw new RangeError('a GSTIN check character is computed over 14 characters');
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const value = ALPHABET.indexOf(first14[i]!);
    if (value < 0) throw new RangeError(`"${first14[i]}" cannot appear in a GSTIN`);
    const product = value * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return ALPHABET[(36 - (sum % 36)) % 36]!;
}

export type GstinProblem = 'EMPTY' | 'LENGTH' | 'FORMAT' | 'STATE' | 'CHECK';

export type GstinResult =
  | { ok: true; gstin: string; stateCode: string; pan: string }
  | { ok: false; problem: GstinProblem; message: string };

const SHAPE = /^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;

/** Validates a GSTIN as typed (spaces removed, case folded); the message says what is wrong. */
export function validateGstin(raw: string): GstinResult {
  const gstin = raw.replace(/\s+/g, '').toUpperCase();
  if (gstin === '') return { ok: false, problem: 'EMPTY', message: 'Enter the GSTIN (15 characters, e.g. 27AAPFU0939F1ZV).' };
  if (gstin.length !== 15) {
    return { ok: false, problem: 'LENGTH', message: `A GSTIN has 15 characters; this one has ${gstin.length}.` };
  }
  if (!SHAPE.test(gstin)) {
    return {
      ok: false, problem: 'FORMAT',
      message: 'This is not a GSTIN: 2-digit state code, 10-character PAN, entity number, Z, check character (e.g. 27AAPFU0939F1ZV).',
    };
  }
  const stateCode = gstin.slice(0, 2);
  if (!isGstStateCode(stateCode)) {
    return { ok: false, problem: 'STATE', message: `GSTIN state code ${stateCode} is not a GST state or territory code.` };
  }
  if (gstinCheckCharacter(gstin.slice(0, 14)) !== gstin[14]) {
    return { ok: false, problem: 'CHECK', message: 'The GSTIN check character is wrong: a character was mistyped. Check it against the GST certificate.' };
  }
  return { ok: true, gstin, stateCode, pan: gstin.slice(2, 12) };
}
