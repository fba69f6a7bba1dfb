/**
 * UUID version 7 (RFC 9562 §5.7): 48-bit big-endian unix ms, version 7, 12 bits rand_a,
 * variant 0b10, 62 bits rand_b. Time and randomness are passed in (pure).
 */

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const MAX_UNIX_MS = 2 ** 48 - 1;

/** `random` needs at least 10 bytes; the first 10 are used (74 bits of them end up in the id). */
export function uuidv7(nowMs: number, random: Uint8Array): string {
  if (typeof nowMs !== 'number' || !Number.isSafeInteger(nowMs) || nowMs < 0 || nowMs > MAX_UNIX_MS) {
    throw new RangeError('uuidv7: nowMs must be an integer from 0 to 2^48-1');
  }
  if (!(random instanceof Uint8Array) || random.length < 10) {
    throw new RangeError('uuidv7: random must be a Uint8Array of at least 10 bytes');
  }
  const b = new Uint8Array(16);
  // 48-bit timestamp, big-endian. Split to stay within 32-bit bitwise maths.
  const hi = Math.floor(nowMs / 2 ** 32); // top 16 bits
  const lo = nowMs % 2 ** 32; // low 32 bits (no bitwise on nowMs itself)
  b[0] = (hi >>> 8) & 0xff;
  b[1] = hi & 0xff;
  b[2] = Math.floor(lo / 2 ** 24) & 0xff;
  b[3] = Math.floor(lo / 2 ** 16) & 0xff;
  b[4] = Math.floor(lo / 2 ** 8) & 0xff;
  b[5] = lo & 0xff;
  for (let i = 0; i < 10; i++) b[6 + i] = random[i]!;
  b[6] = 0x70 | (b[6]! & 0x0f); // version 7
  b[8] = 0x80 | (b[8]! & 0x3f); // variant 0b10
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i]!];
  }
  return s;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_V7_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Any RFC 9562 textual UUID (8-4-4-4-12 hex, either case). */
export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID_RE.test(s);
}

/** A version 7, variant 10 UUID. */
export function isUuidV7(s: unknown): s is string {
  return typeof s === 'string' && UUID_V7_RE.test(s);
}

/** The unix ms embedded in a v7 UUID, or null when `s` is not one. */
export function uuidv7Time(s: string): number | null {
  if (!isUuidV7(s)) return null;
  return parseInt(s.slice(0, 8) + s.slice(9, 13), 16);
}
