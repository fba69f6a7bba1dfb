/**
 * Kiosk -> server request signing, one canonical form for both sides (node only: the kiosk's main
 * process and the server). The kiosk holds a secret printed once at enrolment; both sides derive
 *   signingKey = hex HMAC-SHA256(kioskSecret, "parkgate/kiosk-signing/v1")
 * and the server stores only that derived key. Each request carries x-kiosk-id, x-kiosk-timestamp
 * (epoch ms) and
 *   x-kiosk-signature = hex HMAC-SHA256(signingKey, METHOD \n path?query \n timestamp \n sha256hex(body))
 */
import { createHash, createHmac } from 'node:crypto';

export const SIGNING_KEY_CONTEXT = 'parkgate/kiosk-signing/v1';

export function kioskSigningKey(kioskSecret: string): string {
  return createHmac('sha256', kioskSecret).update(SIGNING_KEY_CONTEXT).digest('hex');
}

export function kioskSignature(signingKey: string, method: string, path: string, timestamp: string, body: Uint8Array | string): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', signingKey).update(`${method.toUpperCase()}\n${path}\n${timestamp}\n${bodyHash}`).digest('hex');
}

/** The headers a kiosk adds to a request (besides x-kiosk-id). */
export function signKioskRequest(signingKey: string, method: string, path: string, timestampMs: number, body: string): Record<string, string> {
  const timestamp = String(timestampMs);
  return { 'x-kiosk-timestamp': timestamp, 'x-kiosk-signature': kioskSignature(signingKey, method, path, timestamp, body) };
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
