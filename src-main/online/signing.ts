/**
 * Kiosk-side request signing for the central server (canonical form in
 * src-server/kiosks/signature.ts; tests check that the two agree):
 *   signingKey = hex HMAC-SHA256(kioskSecret, "parkgate/kiosk-signing/v1")
 *   x-kiosk-signature = hex HMAC-SHA256(signingKey, METHOD \n path?query \n timestampMs \n sha256hex(body))
 */
import { createHash, createHmac } from 'node:crypto';

const CONTEXT = 'parkgate/kiosk-signing/v1';

export function kioskSigningKey(secret: string): string {
  return createHmac('sha256', secret).update(CONTEXT).digest('hex');
}

export function signKioskRequest(signingKey: string, method: string, path: string, timestampMs: number, body: string): Record<string, string> {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const canonical = `${method.toUpperCase()}\n${path}\n${timestampMs}\n${bodyHash}`;
  return {
    'x-kiosk-timestamp': String(timestampMs),
    'x-kiosk-signature': createHmac('sha256', signingKey).update(canonical).digest('hex'),
  };
}
