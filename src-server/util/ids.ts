/**
 * Identifiers. UUIDv7 (RFC 9562) for rows, `QR-` + 12 upper-case hex for booking codes (the seed's
 * format). Local until src-shared/domain exports `uuidv7` / `newBookingCode`; swap then.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';

export function uuidv7(clock: Clock): string {
  const ms = BigInt(clock.now());
  const bytes = randomBytes(16);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function newBookingCode(): string {
  return `QR-${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
}

/** Random URL-safe token (opaque bearer tokens, kiosk secrets). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A gateway-safe merchant reference: < 35 chars of [A-Za-z0-9]. */
export function newMerchantRef(): string {
  return `PG${randomBytes(12).toString('hex').toUpperCase()}`;
}
