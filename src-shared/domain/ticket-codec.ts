/**
 * Ticket codes (DESIGN.md §3).
 *
 * 1. Booking codes made by the server: `QR-` + 12 upper-case hex.
 * 2. Signed kiosk tickets, verifiable offline by any gate holding the key:
 *      PG1.<keyId>.<base64url(JSON [sessionId, zoneId, slotNumber, entryAtMs|null, kioskId])>.<base64url(mac)>
 *    mac = first 16 bytes of HMAC-SHA256(secret, UTF-8 of everything before the last dot).
 *    Only [A-Za-z0-9._-] characters; base64url without padding, decoded strictly (canonical only),
 *    so every changed character changes the signed text or the MAC bytes.
 *
 * 3. Compact signed kiosk tickets (the form new tickets are printed in, so the QR stays at version 4):
 *      PG2<base32(body || mac)>    RFC 4648 base32, upper case, no padding, canonical only
 *    body = flags (1 byte: bit 0 entry time present, bit 1 key id in short form, bits 2-5 the slot
 *             number's byte length 1-15, or 0 when a length byte follows; bits 6-7 zero)
 *           key id (short form "k" + 8 hex digits as 4 bytes; else 1 length byte + ASCII)
 *           session id (16 bytes of the UUID), zone id (16 bytes of the UUID)
 *           [slot length byte] slot number (UTF-8)
 *           entry time, if present: zig-zag LEB128 of (entry ms - the session id's UUIDv7 time),
 *             one byte for a walk-in whose id was made at entry
 *    mac  = first 8 bytes (64 bits) of HMAC-SHA256(secret, "PG2" || body).
 *    The issuing kiosk is the key's owner (the key arrives through sync with its kiosk id), so it
 *    is not repeated in the ticket. Base32 uses only QR alphanumeric characters, which the QR
 *    packs at 5.5 bits each: a typical ticket is 83 characters, QR version 4 at level M (up to
 *    90 characters: slot numbers up to 8 bytes with a kiosk's own "k" + 8 hex key id).
 *    Forgery: without the key a forger can only guess the 64-bit tag, 2^-64 per try, and every
 *    try is a scan at a gate (a scan a second for 100 years is under 2^32 tries: a 2^-32 chance).
 *    A changed byte changes the tag's input, so a copied tag does not carry over.
 *
 * parseTicketCode never throws, on any input.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { AppError } from '../contracts/errors.js';

export interface TicketPayload {
  sessionId: string;
  zoneId: string;
  slotNumber: string;
  entryAtMs: number | null;
  kioskId: string;
}
export interface TicketKey {
  id: string;
  secret: Uint8Array;
}
export type TicketKeyLookup = (keyId: string) => Uint8Array | undefined;
/** The kiosk that owns a ticket key (compact tickets name their kiosk only through the key). */
export type TicketKioskLookup = (keyId: string) => string | undefined;

export type TicketParse =
  | { ok: true; kind: 'booking'; code: string }
  | { ok: true; kind: 'signed'; code: string; keyId: string; payload: TicketPayload }
  | { ok: false; reason: 'MALFORMED' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE' };

export type TicketFailure = Exclude<TicketParse, { ok: true }>;

/** Longest text the parser looks at (checked before trimming or any other work). */
export const TICKET_MAX_LENGTH = 1024;
export const SIGNED_TICKET_PREFIX = 'PG1';
export const COMPACT_TICKET_PREFIX = 'PG2';
/** Bytes of the compact ticket's truncated HMAC-SHA256 tag (64 bits). */
export const COMPACT_TICKET_MAC_BYTES = 8;
/** Bytes of the truncated HMAC-SHA256 tag. */
export const TICKET_MAC_BYTES = 16;
/** Shortest accepted key secret. */
export const TICKET_MIN_SECRET_BYTES = 16;
/** Longest payload string field (UTF-16 code units). */
export const TICKET_MAX_FIELD_LENGTH = 64;

const BOOKING_RE = /^QR-[0-9A-F]{12}$/;
const KEY_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;
const B64URL_RE = /^[A-Za-z0-9_-]+$/;
/** Non-empty text with no control characters and no lone surrogates. */
const FIELD_RE = /^[^\p{Cc}\p{Cs}]+$/u;
const MAC_CHARS = Math.ceil((TICKET_MAC_BYTES * 4) / 3); // 22

// ---------------------------------------------------------------- booking codes

/** True when `code` (already trimmed) is exactly a server booking code. */
export function isBookingCode(code: unknown): code is string {
  return typeof code === 'string' && BOOKING_RE.test(code);
}

/** `QR-` + the first 6 bytes as 12 upper-case hex digits. */
export function newBookingCode(random6Bytes: Uint8Array): string {
  if (!(random6Bytes instanceof Uint8Array) || random6Bytes.length < 6) {
    throw new RangeError('newBookingCode needs 6 random bytes');
  }
  let hex = '';
  for (let i = 0; i < 6; i++) hex += random6Bytes[i]!.toString(16).padStart(2, '0');
  return `QR-${hex.toUpperCase()}`;
}

// ---------------------------------------------------------------- base64url (strict)

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX: Int16Array = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

export function base64UrlEncode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * Strict base64url decode: no padding, alphabet only, and the unused low bits of the last
 * character must be zero (so exactly one text encodes each byte string). null when not canonical.
 */
export function base64UrlDecode(text: string): Uint8Array | null {
  if (typeof text !== 'string') return null;
  const len = text.length;
  if (len % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null; // non-zero padding bits
  return o === out.length ? out : out.subarray(0, o);
}

// ---------------------------------------------------------------- signed tickets

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isField(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.length <= TICKET_MAX_FIELD_LENGTH && FIELD_RE.test(s);
}

function isEntryAt(n: unknown): n is number | null {
  return n === null || (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0);
}

/** Why a payload cannot be signed; null when it is fine. */
export function ticketPayloadProblem(p: TicketPayload): string | null {
  if (p === null || typeof p !== 'object') return 'payload must be an object';
  for (const k of ['sessionId', 'zoneId', 'slotNumber', 'kioskId'] as const) {
    if (!isField(p[k])) return `${k} must be 1-${TICKET_MAX_FIELD_LENGTH} characters without control characters`;
  }
  if (!isEntryAt(p.entryAtMs)) return 'entryAtMs must be null or a non-negative safe integer';
  return null;
}

function payloadJson(p: TicketPayload): string {
  return JSON.stringify([p.sessionId, p.zoneId, p.slotNumber, p.entryAtMs, p.kioskId]);
}

function mac(secret: Uint8Array, signed: string): Uint8Array {
  return hmac(sha256, secret, encoder.encode(signed)).subarray(0, TICKET_MAC_BYTES);
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function isSecret(s: unknown): s is Uint8Array {
  return s instanceof Uint8Array && s.length >= TICKET_MIN_SECRET_BYTES;
}

/**
 * Signs a kiosk ticket. Throws RangeError on an invalid key id (1-32 of [A-Za-z0-9_-]), a secret
 * shorter than 16 bytes, an invalid payload, or a result longer than TICKET_MAX_LENGTH.
 */
export function signTicket(payload: TicketPayload, key: TicketKey): string {
  if (!key || typeof key.id !== 'string' || !KEY_ID_RE.test(key.id)) {
    throw new RangeError('Ticket key id must be 1-32 characters of [A-Za-z0-9_-]');
  }
  if (!isSecret(key.secret)) throw new RangeError(`Ticket key secret must be at least ${TICKET_MIN_SECRET_BYTES} bytes`);
  const problem = ticketPayloadProblem(payload);
  if (problem) throw new RangeError(`Cannot sign ticket: ${problem}`);
  const signed = `${SIGNED_TICKET_PREFIX}.${key.id}.${base64UrlEncode(encoder.encode(payloadJson(payload)))}`;
  const text = `${signed}.${base64UrlEncode(mac(key.secret, signed))}`;
  if (text.length > TICKET_MAX_LENGTH) throw new RangeError('Cannot sign ticket: payload too long');
  return text;
}

const MALFORMED: TicketFailure = Object.freeze({ ok: false, reason: 'MALFORMED' });
const UNKNOWN_KEY: TicketFailure = Object.freeze({ ok: false, reason: 'UNKNOWN_KEY' });
const BAD_SIGNATURE: TicketFailure = Object.freeze({ ok: false, reason: 'BAD_SIGNATURE' });

function decodePayload(segment: string): TicketPayload | null {
  const bytes = base64UrlDecode(segment);
  if (!bytes) return null;
  let json: string;
  let value: unknown;
  try {
    json = decoder.decode(bytes);
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 5) return null;
  const [sessionId, zoneId, slotNumber, entryAtMs, kioskId] = value as unknown[];
  if (!isField(sessionId) || !isField(zoneId) || !isField(slotNumber) || !isField(kioskId)) return null;
  if (!isEntryAt(entryAtMs)) return null;
  const payload: TicketPayload = { sessionId, zoneId, slotNumber, entryAtMs, kioskId };
  // Only the exact text signTicket produces is accepted (no alternative spellings of the same payload).
  if (payloadJson(payload) !== json) return null;
  return payload;
}

function parseSigned(code: string, keys: TicketKeyLookup): TicketParse {
  const parts = code.split('.');
  if (parts.length !== 4) return MALFORMED;
  const [prefix, keyId, body, tag] = parts as [string, string, string, string];
  if (prefix !== SIGNED_TICKET_PREFIX || !KEY_ID_RE.test(keyId)) return MALFORMED;
  if (body.length === 0 || !B64URL_RE.test(body) || tag.length !== MAC_CHARS) return MALFORMED;
  const given = base64UrlDecode(tag);
  if (!given || given.length !== TICKET_MAC_BYTES) return MALFORMED;
  if (base64UrlDecode(body) === null) return MALFORMED;

  let secret: unknown;
  try {
    secret = keys(keyId);
  } catch {
    return UNKNOWN_KEY;
  }
  if (!isSecret(secret)) return UNKNOWN_KEY;

  const expected = mac(secret, code.slice(0, code.length - tag.length - 1));
  if (!constantTimeEqual(expected, given)) return BAD_SIGNATURE;

  // Authentic; the payload can only be wrong if a signer produced it badly.
  const payload = decodePayload(body);
  if (!payload) return MALFORMED;
  return { ok: true, kind: 'signed', code, keyId, payload };
}

/**
 * Reads a scanned or typed ticket. Surrounding whitespace (scanners add CR/LF) is ignored; `code` is
 * the trimmed text. Never throws: anything unexpected is MALFORMED.
 */
export function parseTicketCode(text: string, keys: TicketKeyLookup, kioskOfKey?: TicketKioskLookup): TicketParse {
  try {
    if (typeof text !== 'string' || text.length > TICKET_MAX_LENGTH) return MALFORMED;
    const code = text.trim();
    if (code.length === 0) return MALFORMED;
    if (code.startsWith('QR-')) return BOOKING_RE.test(code) ? { ok: true, kind: 'booking', code } : MALFORMED;
    if (code.startsWith(`${SIGNED_TICKET_PREFIX}.`)) {
      if (typeof keys !== 'function') return UNKNOWN_KEY;
      return parseSigned(code, keys);
    }
    if (code.startsWith(COMPACT_TICKET_PREFIX)) {
      return parseCompact(code, keys, kioskOfKey);
    }
    return MALFORMED;
  } catch {
    return MALFORMED;
  }
}

// ---------------------------------------------------------------- compact tickets (PG2)

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B32_RE = /^[A-Z2-7]+$/;

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

/** Strict base32 decode (canonical only: no padding, unused low bits zero, no impossible length). */
export function base32Decode(text: string): Uint8Array | null {
  if (typeof text !== 'string' || !B32_RE.test(text)) return null;
  const n = Math.floor((text.length * 5) / 8);
  if (Math.ceil((n * 8) / 5) !== text.length) return null;
  const out = new Uint8Array(n);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    acc = ((acc << 5) | B32.indexOf(text[i]!)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHORT_KEY_RE = /^k[0-9a-f]{8}$/;
const ENTRY_MAX = 2 ** 48 - 1;

function hexBytes(hex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out;
}
const bytesHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
function uuidOf(b: Uint8Array): string {
  const h = bytesHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** True when the payload fits the compact form (UUID ids, entry time within 48 bits, short slot). */
export function fitsCompactTicket(p: Pick<TicketPayload, 'sessionId' | 'zoneId' | 'slotNumber' | 'entryAtMs'>): boolean {
  return UUID_RE.test(p.sessionId) && UUID_RE.test(p.zoneId) && isField(p.slotNumber) && encoder.encode(p.slotNumber).length <= 255
    && isEntryAt(p.entryAtMs) && (p.entryAtMs === null || p.entryAtMs <= ENTRY_MAX);
}

function keyIdBytes(keyId: string): { flag: number; bytes: number[] } {
  if (SHORT_KEY_RE.test(keyId)) return { flag: 2, bytes: hexBytes(keyId.slice(1)) };
  return { flag: 0, bytes: [keyId.length, ...Array.from(encoder.encode(keyId))] };
}

/** The UUIDv7 time (ms) in a UUID's first 48 bits. */
const uuidTime = (uuid: string) => parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16);

/** Zig-zag LEB128 of a safe integer (canonical: no trailing zero groups). */
function varint(n: number): number[] {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  do {
    const low = v % 128;
    v = Math.floor(v / 128);
    out.push(v > 0 ? low | 0x80 : low);
  } while (v > 0);
  return out;
}

function compactBody(p: Omit<TicketPayload, 'kioskId'>, keyId: string): Uint8Array {
  const key = keyIdBytes(keyId);
  const slot = Array.from(encoder.encode(p.slotNumber));
  const inline = slot.length <= 15;
  const flags = (p.entryAtMs !== null ? 1 : 0) | key.flag | (inline ? slot.length << 2 : 0);
  return Uint8Array.from([
    flags, ...key.bytes, ...hexBytes(p.sessionId.replace(/-/g, '')), ...hexBytes(p.zoneId.replace(/-/g, '')),
    ...(inline ? [] : [slot.length]), ...slot,
    ...(p.entryAtMs !== null ? varint(p.entryAtMs - uuidTime(p.sessionId)) : []),
  ]);
}

function compactMac(secret: Uint8Array, body: Uint8Array): Uint8Array {
  const input = new Uint8Array(3 + body.length);
  input.set(encoder.encode(COMPACT_TICKET_PREFIX), 0);
  input.set(body, 3);
  return hmac(sha256, secret, input).subarray(0, COMPACT_TICKET_MAC_BYTES);
}

/**
 * Signs a compact ticket (PG2). The kiosk id is not in it (it is the key's owner). Throws
 * RangeError on a bad key or a payload that does not fit (see fitsCompactTicket).
 */
export function signCompactTicket(payload: Omit<TicketPayload, 'kioskId'>, key: TicketKey): string {
  if (!key || typeof key.id !== 'string' || !KEY_ID_RE.test(key.id)) {
    throw new RangeError('Ticket key id must be 1-32 characters of [A-Za-z0-9_-]');
  }
  if (!isSecret(key.secret)) throw new RangeError(`Ticket key secret must be at least ${TICKET_MIN_SECRET_BYTES} bytes`);
  if (!payload || !fitsCompactTicket(payload)) throw new RangeError('Cannot sign compact ticket: ids must be UUIDs and the slot 1-64 characters');
  const body = compactBody(payload, key.id);
  const all = new Uint8Array(body.length + COMPACT_TICKET_MAC_BYTES);
  all.set(body, 0);
  all.set(compactMac(key.secret, body), body.length);
  return `${COMPACT_TICKET_PREFIX}${base32Encode(all)}`;
}

interface CompactRead {
  keyId: string;
  payload: Omit<TicketPayload, 'kioskId'>;
}

/** Reads the body's fields; null when they do not parse or are not in canonical form. */
function readCompactBody(body: Uint8Array): CompactRead | null {
  let i = 0;
  const take = (n: number): Uint8Array | null => {
    if (i + n > body.length) return null;
    const out = body.subarray(i, i + n);
    i += n;
    return out;
  };
  const utf8 = (b: Uint8Array | null): string | null => {
    if (!b) return null;
    try {
      return decoder.decode(b);
    } catch {
      return null;
    }
  };
  const flags = take(1)?.[0];
  if (flags === undefined || (flags & 0xc0) !== 0) return null;
  let keyId: string | null;
  if (flags & 2) {
    const k = take(4);
    keyId = k ? `k${bytesHex(k)}` : null;
  } else {
    const len = take(1)?.[0];
    keyId = len ? utf8(take(len)) : null;
  }
  if (keyId === null || !KEY_ID_RE.test(keyId)) return null;
  const sid = take(16);
  const zid = take(16);
  const inlineLen = (flags >> 2) & 15;
  const slotLen = inlineLen || take(1)?.[0];
  const slotNumber = slotLen ? utf8(take(slotLen)) : null;
  if (!sid || !zid || slotNumber === null) return null;
  const sessionId = uuidOf(sid);
  let entryAtMs: number | null = null;
  if (flags & 1) {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = take(1)?.[0];
      if (b === undefined || scale > 2 ** 49) return null;
      v += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) break;
    }
    const delta = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    entryAtMs = uuidTime(sessionId) + delta;
  }
  if (i !== body.length) return null;
  const payload = { sessionId, zoneId: uuidOf(zid), slotNumber, entryAtMs };
  if (!fitsCompactTicket(payload)) return null;
  // One byte string per ticket: re-encoding must give the same bytes (short key form, inline
  // length and minimal varint whenever possible).
  if (!constantTimeEqual(compactBody(payload, keyId), body)) return null;
  return { keyId, payload };
}

function parseCompact(code: string, keys: TicketKeyLookup, kioskOfKey: TicketKioskLookup | undefined): TicketParse {
  const all = base32Decode(code.slice(COMPACT_TICKET_PREFIX.length));
  if (!all || all.length <= COMPACT_TICKET_MAC_BYTES + 1) return MALFORMED;
  const body = all.subarray(0, all.length - COMPACT_TICKET_MAC_BYTES);
  const given = all.subarray(all.length - COMPACT_TICKET_MAC_BYTES);
  const read = readCompactBody(body);
  if (!read) return MALFORMED;
  if (typeof keys !== 'function' || typeof kioskOfKey !== 'function') return UNKNOWN_KEY;
  let secret: unknown;
  let kioskId: unknown;
  try {
    secret = keys(read.keyId);
    kioskId = kioskOfKey(read.keyId);
  } catch {
    return UNKNOWN_KEY;
  }
  if (!isSecret(secret) || !isField(kioskId)) return UNKNOWN_KEY;
  if (!constantTimeEqual(compactMac(secret, body), given)) return BAD_SIGNATURE;
  return { ok: true, kind: 'signed', code, keyId: read.keyId, payload: { ...read.payload, kioskId } };
}

const TICKET_MESSAGES: Record<TicketFailure['reason'], string> = {
  MALFORMED: 'This ticket cannot be read. Scan it again or type the code; if it still fails, use lost-ticket search.',
  UNKNOWN_KEY: 'This ticket was printed by a kiosk this gate does not know. Call a supervisor.',
  BAD_SIGNATURE: 'This ticket has been changed or is not genuine. Call a supervisor.',
};

/** AppError('TICKET_INVALID', plain message, { reason }). */
export function ticketError(p: TicketFailure): AppError {
  const reason = p && typeof p === 'object' && p.reason in TICKET_MESSAGES ? p.reason : 'MALFORMED';
  return new AppError('TICKET_INVALID', TICKET_MESSAGES[reason], { reason });
}

/**
 * The session id a signed ticket names, read WITHOUT checking its MAC: only for finding the
 * session a holder of the stored ticket text compares against (e.g. the server, which keeps every
 * gate's session with its code but verifies no MACs). null for a booking code or unreadable text.
 * Never throws.
 */
export function unverifiedTicketSessionId(text: unknown): string | null {
  try {
    if (typeof text !== 'string' || text.length > TICKET_MAX_LENGTH) return null;
    const code = text.trim();
    if (code.startsWith(`${SIGNED_TICKET_PREFIX}.`)) {
      const parts = code.split('.');
      return parts.length === 4 ? (decodePayload(parts[2]!)?.sessionId ?? null) : null;
    }
    if (code.startsWith(COMPACT_TICKET_PREFIX)) {
      const all = base32Decode(code.slice(COMPACT_TICKET_PREFIX.length));
      if (!all || all.length <= COMPACT_TICKET_MAC_BYTES + 1) return null;
      return readCompactBody(all.subarray(0, all.length - COMPACT_TICKET_MAC_BYTES))?.payload.sessionId ?? null;
    }
    return null;
  } catch {
    return null;
  }
}
