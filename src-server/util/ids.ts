/**
 * Identifiers, with the server's clock and randomness bound to the shared pure rules
 * (src-shared/domain): UUIDv7 for rows, `QR-` + 12 upper-case hex for booking codes.
 */
import { randomBytes } from 'node:crypto';
import { uuidv7 as uuidv7At } from '../../src-shared/domain/ids.js';
import { newBookingCode as bookingCodeFrom } from '../../src-shared/domain/ticket-codec.js';
import type { Clock } from './clock.js';

export function uuidv7(clock: Clock): string {
  return uuidv7At(clock.now(), randomBytes(10));
}

export function newBookingCode(): string {
  return bookingCodeFrom(randomBytes(6));
}

/** Random URL-safe token (opaque bearer tokens, kiosk secrets). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A gateway-safe merchant reference: < 35 chars of [A-Za-z0-9]. */
export function newMerchantRef(): string {
  return `PG${randomBytes(12).toString('hex').toUpperCase()}`;
}
