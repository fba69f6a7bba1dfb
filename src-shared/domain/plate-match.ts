/**
 * Which stored plates a typed or camera-read plate could be. Plates are compared in their stored
 * form (vehicle-number.ts). Letters and digits that look alike on a plate (O/0/Q/D, I/1/L, B/8,
 * S/5, Z/2, G/6) are folded to one shape, so "MH12AB1O34" finds "MH12AB1034" as a near match.
 * A near match is only ever offered for the cashier to pick; it never bills a car by itself.
 */
import { vehicleSearchText } from './vehicle-number.js';

const LOOKALIKE: Record<string, string> = { O: '0', Q: '0', D: '0', I: '1', L: '1', B: '8', S: '5', Z: '2', G: '6' };

/** The plate with look-alike characters folded to one shape (the key near matches share). */
export function plateShape(plate: string): string {
  return vehicleSearchText(plate).replace(/[A-Z]/g, (c) => LOOKALIKE[c] ?? c);
}

export type PlateMatch = 'EXACT' | 'NEAR' | null;

/** EXACT: the same stored plate; NEAR: only look-alike characters differ; null: another car. */
export function matchPlate(typed: string, stored: string): PlateMatch {
  const a = vehicleSearchText(typed);
  const b = vehicleSearchText(stored);
  if (a === '' || b === '') return null;
  if (a === b) return 'EXACT';
  return plateShape(a) === plateShape(b) ? 'NEAR' : null;
}
