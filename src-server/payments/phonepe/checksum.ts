/**
 * PhonePe checksums (payments.md).
 * v1: X-VERIFY = sha256hex(<payload> + saltKey) + "###" + saltIndex, where payload is
 *   base64 + "/pg/v1/pay" (pay), path (status), base64Response (callback).
 * v2 webhooks: Authorization = sha256hex(username + ":" + password).
 */
import { safeEqual, sha256Hex } from '../../util/hash.js';

export function phonePeXVerify(payload: string, saltKey: string, saltIndex: string): string {
  return `${sha256Hex(payload + saltKey)}###${saltIndex}`;
}

export const phonePePayChecksum = (base64: string, apiPath: string, saltKey: string, saltIndex: string): string =>
  phonePeXVerify(base64 + apiPath, saltKey, saltIndex);

export const phonePeStatusChecksum = (path: string, saltKey: string, saltIndex: string): string =>
  phonePeXVerify(path, saltKey, saltIndex);

export const phonePeCallbackChecksum = (base64Response: string, saltKey: string, saltIndex: string): string =>
  phonePeXVerify(base64Response, saltKey, saltIndex);

export function verifyPhonePeCallback(base64Response: string, xVerify: string | undefined, saltKey: string, saltIndex: string): boolean {
  if (!xVerify || xVerify.length > 200) return false;
  return safeEqual(phonePeCallbackChecksum(base64Response, saltKey, saltIndex), xVerify.trim().toLowerCase());
}

export function phonePeV2Authorization(username: string, password: string): string {
  return sha256Hex(`${username}:${password}`);
}

export function verifyPhonePeV2Authorization(header: string | undefined, username: string, password: string): boolean {
  if (!header || header.length > 200) return false;
  const value = header.replace(/^SHA256\s+/i, '').trim().toLowerCase();
  return safeEqual(phonePeV2Authorization(username, password), value);
}

export function toBase64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}
