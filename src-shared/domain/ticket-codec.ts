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

export type TicketParse =
  | { ok: true; kind: 'booking'; code: string }
  | { ok: true; kind: 'signed'; code: string; keyId: string; payload: TicketPayload }
  | { ok: false; reason: 'MALFORMED' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE' };

export type TicketFailure = Exclude<TicketParse, { ok: true }>;

/** Longest text the parser looks at (checked before trimming or any other work). */
export const TICKET_MAX_LENGTH = 1024;
export const SIGNED_TICKET_PREFIX = 'PG1';
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
export function parseTicketCode(text: string, keys: TicketKeyLookup): TicketParse {
  try {
    if (typeof text !== 'string' || text.length > TICKET_MAX_LENGTH) return MALFORMED;
    const code = text.trim();
    if (code.length === 0) return MALFORMED;
    if (code.startsWith('QR-')) return BOOKING_RE.test(code) ? { ok: true, kind: 'booking', code } : MALFORMED;
    if (code.startsWith(`${SIGNED_TICKET_PREFIX}.`)) {
      if (typeof keys !== 'function') return UNKNOWN_KEY;
      return parseSigned(code, keys);
    }
    return MALFORMED;
  } catch {
    return MALFORMED;
  }
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
