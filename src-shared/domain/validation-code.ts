/**
 * Merchant validation codes: a signed, single-use, expiring voucher for one validation program,
 * verifiable offline by any gate that holds the signing key (the facility's gates share their
 * ticket keys through sync). Compact enough for a QR code of version 6 at error correction M
 * (106 bytes): about 81 characters.
 *
 *   PV1.<keyId>.<base64url(body, 37 bytes)>.<base64url(mac, 12 bytes)>
 *   body: version(1) | codeId(8 random bytes) | programId(UUID, 16) | facility tag(4) |
 *         expiresAt(uint32 seconds, big-endian) | bill(uint32 paise; 0xFFFFFFFF = none)
 *   facility tag = first 4 bytes of SHA-256(UTF-8 facility id)
 *   mac = first 12 bytes of HMAC-SHA256(secret, UTF-8 of everything before the last dot)
 *
 * Checks, in this order: shape, key known, MAC, facility, expiry (valid up to and including its
 * expiry second). Only an authentic code is told apart as expired or of another facility.
 * Single use is the gate's and the sync fold's business (the code id is unique per redemption).
 * parseValidationCode never throws.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64UrlDecode, base64UrlEncode, type TicketKey, type TicketKeyLookup } from './ticket-codec.js';

export const VALIDATION_CODE_PREFIX = 'PV1';
const BODY_VERSION = 1;
const BODY_BYTES = 37;
const MAC_BYTES = 12;
const NO_BILL = 0xffffffff;
const KEY_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Longest text looked at (checked before any work). */
export const VALIDATION_CODE_MAX_LENGTH = 128;

export interface ValidationCodePayload {
  /** 11 base64url characters (8 random bytes): the single-use identity. */
  codeId: string;
  programId: string;
  facilityId: string;
  /** Epoch ms, whole seconds. */
  expiresAtMs: number;
  /** The bill the merchant saw, in paise (a bill rule then needs no typing at the gate); null = none. */
  billPaise: number | null;
}

export type ValidationCodeFailure = 'MALFORMED' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE' | 'WRONG_FACILITY' | 'EXPIRED';
export type ValidationCodeParse =
  | { ok: true; code: string; keyId: string; payload: ValidationCodePayload }
  | { ok: false; reason: ValidationCodeFailure };

const encoder = new TextEncoder();

function facilityTag(facilityId: string): Uint8Array {
  return sha256(encoder.encode(facilityId)).subarray(0, 4);
}

function macOf(secret: Uint8Array, signed: string): Uint8Array {
  return hmac(sha256, secret, encoder.encode(signed)).subarray(0, MAC_BYTES);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesUuid(b: Uint8Array): string {
  let hex = '';
  for (const x of b) hex += x.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Signs a code. `codeIdBytes`: 8 random bytes. Throws RangeError on a bad key, program id (a
 * lower-case UUID), expiry (whole seconds that fit 32 bits) or bill (whole paise below 2^32 - 1).
 */
export function signValidationCode(
  p: { codeIdBytes: Uint8Array; programId: string; facilityId: string; expiresAtMs: number; billPaise: number | null },
  key: TicketKey,
): string {
  if (!key || !KEY_ID_RE.test(key.id) || !(key.secret instanceof Uint8Array) || key.secret.length < 16) throw new RangeError('bad signing key');
  if (!(p.codeIdBytes instanceof Uint8Array) || p.codeIdBytes.length !== 8) throw new RangeError('codeIdBytes must be 8 bytes');
  if (!UUID_RE.test(p.programId)) throw new RangeError('programId must be a lower-case UUID');
  if (typeof p.facilityId !== 'string' || p.facilityId.length === 0 || p.facilityId.length > 64) throw new RangeError('facilityId must be 1-64 characters');
  const seconds = p.expiresAtMs / 1000;
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds >= NO_BILL) throw new RangeError('expiresAtMs must be whole seconds within 32 bits');
  if (p.billPaise !== null && !(Number.isSafeInteger(p.billPaise) && p.billPaise >= 0 && p.billPaise < NO_BILL)) throw new RangeError('billPaise must be null or whole paise below 4294967295');
  const body = new Uint8Array(BODY_BYTES);
  const view = new DataView(body.buffer);
  body[0] = BODY_VERSION;
  body.set(p.codeIdBytes, 1);
  body.set(uuidBytes(p.programId), 9);
  body.set(facilityTag(p.facilityId), 25);
  view.setUint32(29, seconds);
  view.setUint32(33, p.billPaise ?? NO_BILL);
  const signed = `${VALIDATION_CODE_PREFIX}.${key.id}.${base64UrlEncode(body)}`;
  return `${signed}.${base64UrlEncode(macOf(key.secret, signed))}`;
}

/** True when the text looks like a validation code (for routing a scan), authentic or not. */
export function isValidationCodeText(text: unknown): boolean {
  return typeof text === 'string' && text.length <= VALIDATION_CODE_MAX_LENGTH && text.trim().startsWith(`${VALIDATION_CODE_PREFIX}.`);
}

const fail = (reason: ValidationCodeFailure): ValidationCodeParse => ({ ok: false, reason });

/** Reads and checks a scanned code (surrounding whitespace ignored). Never throws. */
export function parseValidationCode(text: string, keys: TicketKeyLookup, at: { facilityId: string; nowMs: number }): ValidationCodeParse {
  try {
    if (typeof text !== 'string' || text.length > VALIDATION_CODE_MAX_LENGTH) return fail('MALFORMED');
    const code = text.trim();
    const parts = code.split('.');
    if (parts.length !== 4) return fail('MALFORMED');
    const [prefix, keyId, bodyText, macText] = parts as [string, string, string, string];
    if (prefix !== VALIDATION_CODE_PREFIX || !KEY_ID_RE.test(keyId)) return fail('MALFORMED');
    const body = base64UrlDecode(bodyText);
    const given = base64UrlDecode(macText);
    if (!body || body.length !== BODY_BYTES || body[0] !== BODY_VERSION || !given || given.length !== MAC_BYTES) return fail('MALFORMED');
    let secret: Uint8Array | undefined;
    try {
      secret = keys(keyId);
    } catch {
      return fail('UNKNOWN_KEY');
    }
    if (!(secret instanceof Uint8Array) || secret.length < 16) return fail('UNKNOWN_KEY');
    if (!equalBytes(macOf(secret, code.slice(0, code.length - macText.length - 1)), given)) return fail('BAD_SIGNATURE');
    if (!equalBytes(body.subarray(25, 29), facilityTag(at.facilityId))) return fail('WRONG_FACILITY');
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const expiresAtMs = view.getUint32(29) * 1000;
    if (at.nowMs > expiresAtMs + 999) return fail('EXPIRED');
    const bill = view.getUint32(33);
    return {
      ok: true, code, keyId,
      payload: {
        codeId: base64UrlEncode(body.subarray(1, 9)),
        programId: bytesUuid(body.subarray(9, 25)),
        facilityId: at.facilityId,
        expiresAtMs,
        billPaise: bill === NO_BILL ? null : bill,
      },
    };
  } catch {
    return fail('MALFORMED');
  }
}
