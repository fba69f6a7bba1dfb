/**
 * Short ticket numbers: what a person reads off a smudged ticket and types at any gate.
 *
 * Form: 9 data characters + 1 check character from a 32-letter alphabet without the look-alikes
 * 0/O and 1/I, shown as two groups of five ("K7QXM-3HZ9P"). The data characters are the low 45
 * bits of the session id (a UUID; its last 48 bits are random in a UUIDv7), so every gate that
 * knows a session (issued it, adopted its QR offline, or learned it through sync) derives the
 * same number, and nothing extra has to be stored or synced.
 *
 * Check character: a weighted sum over GF(32) (polynomial x^5 + x^2 + 1, primitive element a):
 * the check c makes c + sum(a^(i+1) * d_i) = 0. Every weight is a distinct non-zero field
 * element, so ANY single substitution (error e * w != 0) and ANY transposition of two different
 * characters ((w_i + w_j)(d_i + d_j) != 0) changes the sum: both are always detected.
 */

/** 32 symbols: digits 2-9 and A-Z without I and O. Index = 5-bit value. */
export const TICKET_NUMBER_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const TICKET_NUMBER_DATA_CHARS = 9;
export const TICKET_NUMBER_LENGTH = TICKET_NUMBER_DATA_CHARS + 1;
const DATA_BITS = TICKET_NUMBER_DATA_CHARS * 5; // 45

const INDEX: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < TICKET_NUMBER_ALPHABET.length; i++) t[TICKET_NUMBER_ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/** Multiplication in GF(2^5) modulo x^5 + x^2 + 1. */
function gfMul(a: number, b: number): number {
  let r = 0;
  let x = a;
  let y = b;
  while (y) {
    if (y & 1) r ^= x;
    y >>= 1;
    x <<= 1;
    if (x & 0x20) x ^= 0x25;
  }
  return r;
}

/** Weights a^1 .. a^n with a = x (2), all distinct and non-zero for n <= 30. */
const WEIGHTS: readonly number[] = (() => {
  const w: number[] = [];
  let p = 1;
  for (let i = 0; i < TICKET_NUMBER_DATA_CHARS; i++) {
    p = gfMul(p, 2);
    w.push(p);
  }
  return w;
})();

/** The check symbol (0-31) for the data symbols. */
export function checkSymbol(data: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s ^= gfMul(WEIGHTS[i]!, data[i]!);
  return s;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The 45 low bits of a UUID's last group, as a number (safe: < 2^53). null when not a UUID. */
function low45(uuid: string): number | null {
  if (!UUID_RE.test(uuid)) return null;
  return parseInt(uuid.slice(24), 16) % 2 ** DATA_BITS;
}

function symbolsOf(value: number): number[] {
  const out: number[] = [];
  let v = value;
  for (let i = 0; i < TICKET_NUMBER_DATA_CHARS; i++) {
    out.unshift(v % 32);
    v = Math.floor(v / 32);
  }
  return out;
}

/** The short number of a session (10 characters, no separator); null for an id that is not a UUID. */
export function ticketNumberOf(sessionId: string): string | null {
  const v = low45(typeof sessionId === 'string' ? sessionId : '');
  if (v === null) return null;
  const data = symbolsOf(v);
  return [...data, checkSymbol(data)].map((d) => TICKET_NUMBER_ALPHABET[d]).join('');
}

/** "K7QXM3HZ9P" -> "K7QXM-3HZ9P" (how it is printed and shown). */
export function formatTicketNumber(number: string): string {
  return `${number.slice(0, 5)}-${number.slice(5)}`;
}

export type TicketNumberParse =
  | { ok: true; number: string; /** the 45 bits the number carries */ value: number }
  | { ok: false; reason: 'NOT_A_NUMBER' | 'BAD_CHARACTER' | 'BAD_CHECK' };

/** Looks like someone typed a short number (10 symbols after removing spaces and hyphens). */
export function looksLikeTicketNumber(text: unknown): boolean {
  if (typeof text !== 'string' || text.length > 32) return false;
  return /^[A-Za-z0-9]{10}$/.test(text.replace(/[\s-]/g, ''));
}

/**
 * Reads a typed number: case and spaces/hyphens do not matter; any other character, a look-alike
 * (0, O, 1, I) or a wrong check character is refused. Never throws.
 */
export function parseTicketNumber(text: unknown): TicketNumberParse {
  if (!looksLikeTicketNumber(text)) return { ok: false, reason: 'NOT_A_NUMBER' };
  const s = (text as string).replace(/[\s-]/g, '').toUpperCase();
  const symbols: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const v = INDEX[s.charCodeAt(i)] ?? -1;
    if (v < 0) return { ok: false, reason: 'BAD_CHARACTER' };
    symbols.push(v);
  }
  const data = symbols.slice(0, TICKET_NUMBER_DATA_CHARS);
  if (checkSymbol(data) !== symbols[TICKET_NUMBER_DATA_CHARS]) return { ok: false, reason: 'BAD_CHECK' };
  const value = data.reduce((acc, d) => acc * 32 + d, 0);
  return { ok: true, number: s, value };
}

/**
 * The last group of a UUID (12 hex digits) for each of the 8 values of the 3 bits above the 45 the
 * number carries: a session with this number has one of these as its id's last group.
 */
export function idTailsOf(value: number): string[] {
  const out: string[] = [];
  for (let high = 0; high < 8; high++) out.push((high * 2 ** DATA_BITS + value).toString(16).padStart(12, '0'));
  return out;
}
