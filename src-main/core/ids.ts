/** Id and token generation (Node randomness feeding the pure uuidv7 of src-shared). */
import { createHash, randomBytes } from 'node:crypto';
import { uuidv7 } from '../../src-shared/domain/ids.js';
import type { Clock } from './clock.js';

export function newId(clock: Clock): string {
  return uuidv7(clock.now(), randomBytes(10));
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
