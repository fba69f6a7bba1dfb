/**
 * Kiosk request signing. The kiosk holds a secret printed once at enrolment; both sides derive
 * the signing key = HMAC-SHA256(secret, "parkgate/kiosk-signing/v1") and the server stores only
 * that derived key. Each request carries:
 *   x-kiosk-id, x-kiosk-timestamp (epoch ms),
 *   x-kiosk-signature = hex HMAC-SHA256(signingKey, METHOD \n path \n timestamp \n sha256hex(body))
 * `path` includes the query string. The same canonical form lives in src-main/online/signing.ts
 * (the kiosk side); tests check that one is accepted by the other.
 */
import { hmacSha256Hex, sha256Hex } from '../util/hash.js';

export const SIGNING_KEY_CONTEXT = 'parkgate/kiosk-signing/v1';

export function deriveSigningKey(kioskSecret: string): string {
  return hmacSha256Hex(kioskSecret, SIGNING_KEY_CONTEXT);
}

export function canonicalRequest(method: string, path: string, timestamp: string, body: Uint8Array | string): string {
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${sha256Hex(body)}`;
}

export function kioskSignature(signingKey: string, method: string, path: string, timestamp: string, body: Uint8Array | string): string {
  return hmacSha256Hex(signingKey, canonicalRequest(method, path, timestamp, body));
}
