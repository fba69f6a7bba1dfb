/**
 * Kiosk -> server request signing, one canonical form for both sides (the kiosk's main process and
 * the server; pure, so it depends on no platform's crypto module). The kiosk holds a secret printed once at enrolment; both sides derive
 *   signingKey = hex HMAC-SHA256(kioskSecret, "parkgate/kiosk-signing/v1")
 * and the server stores only that derived key. Each request carries x-kiosk-id, x-kiosk-timestamp
 * (epoch ms) and
 *   x-kiosk-signature = hex HMAC-SHA256(signingKey, METHOD \n path?query \n timestamp \n sha256hex(body))
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

const bytes = (data: Uint8Array | string): Uint8Array => (typeof data === 'string' ? utf8ToBytes(data) : data);
const hmacHex = (key: string, message: Uint8Array | string): string => bytesToHex(hmac(sha256, utf8ToBytes(key), bytes(message)));

export const SIGNING_KEY_CONTEXT = 'parkgate/kiosk-signing/v1';

export function kioskSigningKey(kioskSecret: string): string {
  return hmacHex(kioskSecret, SIGNING_KEY_CONTEXT);
}

export function kioskSignature(signingKey: string, method: string, path: string, timestamp: string, body: Uint8Array | string): string {
  const bodyHash = bytesToHex(sha256(bytes(body)));
  return hmacHex(signingKey, `${method.toUpperCase()}\n${path}\n${timestamp}\n${bodyHash}`);
}

/**
 * The signature of a request that carries a request id (x-kiosk-nonce): the canonical form gains
 * one line, METHOD \n path?query \n timestamp \n nonce \n sha256hex(body). The server remembers
 * each nonce for its time window, so a captured request cannot be replayed.
 */
export function kioskSignatureWithNonce(signingKey: string, method: string, path: string, timestamp: string, nonce: string, body: Uint8Array | string): string {
  return kioskSignature(signingKey, method, path, `${timestamp}\n${nonce}`, body);
}

/** x-kiosk-nonce: 16 to 64 of A-Z a-z 0-9 _ -. */
export const KIOSK_NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** A fresh request id: 16 random bytes as hex (Web Crypto's generator: Node, Electron and browsers all have it). */
export function newRequestNonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The headers a kiosk adds to a request (besides x-kiosk-id); `nonce` is given only by tests. */
export function signKioskRequest(signingKey: string, method: string, path: string, timestampMs: number, body: string, nonce: string = newRequestNonce()): Record<string, string> {
  const timestamp = String(timestampMs);
  return {
    'x-kiosk-timestamp': timestamp,
    'x-kiosk-nonce': nonce,
    'x-kiosk-signature': kioskSignatureWithNonce(signingKey, method, path, timestamp, nonce, body),
  };
}

/**
 * The server's clock from an answer: `x-server-time` (ms, the server's own clock), else the HTTP
 * Date header (whole seconds, so its middle). Null when neither is usable.
 */
export function serverTimeOf(res: { headers: { get(name: string): string | null } }): number | null {
  const ms = Number(res.headers.get('x-server-time') ?? '');
  if (Number.isSafeInteger(ms) && ms > 0) return ms;
  const date = Date.parse(res.headers.get('date') ?? '');
  return Number.isFinite(date) ? date + 500 : null;
}
