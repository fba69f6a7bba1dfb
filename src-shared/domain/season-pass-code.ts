/**
 * The QR code on a season pass: a signed reference to the pass, verifiable offline by any gate of
 * the facility (the gates share their ticket keys through sync). It does not expire: validity,
 * hours and zones are the pass record's, so a renewal keeps the holder's code.
 *
 *   PP1.<keyId>.<base64url(body, 21 bytes)>.<base64url(mac, 12 bytes)>
 *   body: version(1) | passId(UUID, 16) | facility tag(4) (first 4 bytes of SHA-256(facility id))
 *   mac = first 12 bytes of HMAC-SHA256(secret, UTF-8 of everything before the last dot)
 *
 * Checks in order: shape, key known, MAC, facility. parsePassCode never throws.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64UrlDecode, base64UrlEncode, type TicketKey, type TicketKeyLookup } from './ticket-codec.js';

export const PASS_CODE_PREFIX = 'PP1';
export const PASS_CODE_MAX_LENGTH = 100;
const VERSION = 1;
const BODY_BYTES = 21;
const MAC_BYTES = 12;
const KEY_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const encoder = new TextEncoder();

export type PassCodeFailure = 'MALFORMED' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE' | 'WRONG_FACILITY';
export type PassCodeParse = { ok: true; passId: string } | { ok: false; reason: PassCodeFailure };

const tag = (facilityId: string) => sha256(encoder.encode(facilityId)).subarray(0, 4);
const macOf = (secret: Uint8Array, signed: string) => hmac(sha256, secret, encoder.encode(signed)).subarray(0, MAC_BYTES);

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Signs a pass code. Throws RangeError on a bad key or pass id (a lower-case UUID). */
export function signPassCode(passId: string, facilityId: string, key: TicketKey): string {
  if (!key || !KEY_ID_RE.test(key.id) || !(key.secret instanceof Uint8Array) || key.secret.length < 16) throw new RangeError('bad signing key');
  if (!UUID_RE.test(passId)) throw new RangeError('passId must be a lower-case UUID');
  const body = new Uint8Array(BODY_BYTES);
  body[0] = VERSION;
  const hex = passId.replace(/-/g, '');
  for (let i = 0; i < 16; i++) body[1 + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  body.set(tag(facilityId), 17);
  const signed = `${PASS_CODE_PREFIX}.${key.id}.${base64UrlEncode(body)}`;
  return `${signed}.${base64UrlEncode(macOf(key.secret, signed))}`;
}

/** True when a scan looks like a pass code (for routing), authentic or not. */
export function isPassCodeText(text: unknown): boolean {
  return typeof text === 'string' && text.length <= PASS_CODE_MAX_LENGTH && text.trim().startsWith(`${PASS_CODE_PREFIX}.`);
}

export function parsePassCode(text: string, keys: TicketKeyLookup, facilityId: string): PassCodeParse {
  try {
    if (typeof text !== 'string' || text.length > PASS_CODE_MAX_LENGTH) return { ok: false, reason: 'MALFORMED' };
    const code = text.trim();
    const parts = code.split('.');
    if (parts.length !== 4 || parts[0] !== PASS_CODE_PREFIX || !KEY_ID_RE.test(parts[1]!)) return { ok: false, reason: 'MALFORMED' };
    const body = base64UrlDecode(parts[2]!);
    const given = base64UrlDecode(parts[3]!);
    if (!body || body.length !== BODY_BYTES || body[0] !== VERSION || !given || given.length !== MAC_BYTES) return { ok: false, reason: 'MALFORMED' };
    let secret: Uint8Array | undefined;
    try { secret = keys(parts[1]!); } catch { return { ok: false, reason: 'UNKNOWN_KEY' }; }
    if (!(secret instanceof Uint8Array) || secret.length < 16) return { ok: false, reason: 'UNKNOWN_KEY' };
    if (!equal(macOf(secret, code.slice(0, code.length - parts[3]!.length - 1)), given)) return { ok: false, reason: 'BAD_SIGNATURE' };
    if (!equal(body.subarray(17, 21), tag(facilityId))) return { ok: false, reason: 'WRONG_FACILITY' };
    let hex = '';
    for (const x of body.subarray(1, 17)) hex += x.toString(16).padStart(2, '0');
    return { ok: true, passId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
  } catch {
    return { ok: false, reason: 'MALFORMED' };
  }
}
