/**
 * Session state machine (DESIGN.md §3): the one place that says which transition is legal.
 * BOOKED -> PARKED | CANCELLED | EXPIRED; PARKED -> EXITING | COMPLETED; EXITING -> COMPLETED.
 * COMPLETED, CANCELLED and EXPIRED are final.
 */
import { AppError, type ErrorCode } from '../contracts/errors.js';
import { SESSION_STATUSES, type SessionStatus } from '../contracts/entities.js';

export { SESSION_STATUSES };
export type { SessionStatus };

export const SESSION_TRANSITIONS: Readonly<Record<SessionStatus, readonly SessionStatus[]>> = Object.freeze({
  BOOKED: Object.freeze(['PARKED', 'CANCELLED', 'EXPIRED'] as const),
  PARKED: Object.freeze(['EXITING', 'COMPLETED'] as const),
  EXITING: Object.freeze(['COMPLETED'] as const),
  COMPLETED: Object.freeze([] as const),
  CANCELLED: Object.freeze([] as const),
  EXPIRED: Object.freeze([] as const),
});

/** Statuses that hold a slot (a vehicle may have at most one such session). */
export const OPEN_STATUSES: readonly SessionStatus[] = Object.freeze(['BOOKED', 'PARKED', 'EXITING'] as const);

export function isSessionStatus(s: unknown): s is SessionStatus {
  return typeof s === 'string' && (SESSION_STATUSES as readonly string[]).includes(s);
}

export function isOpenStatus(s: SessionStatus): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(s);
}

export function canTransition(from: SessionStatus, to: SessionStatus): boolean {
  if (!isSessionStatus(from) || !isSessionStatus(to)) return false;
  return SESSION_TRANSITIONS[from].includes(to);
}

/** The error code for an illegal transition (null when legal). */
export function transitionErrorCode(from: SessionStatus, to: SessionStatus): ErrorCode | null {
  if (canTransition(from, to)) return null;
  if (from === 'COMPLETED') return 'ALREADY_EXITED';
  if (from === 'CANCELLED' || from === 'EXPIRED') return 'SESSION_CLOSED';
  if (to === 'PARKED' && (from === 'PARKED' || from === 'EXITING')) return 'ALREADY_ENTERED';
  if ((to === 'EXITING' || to === 'COMPLETED') && from === 'BOOKED') return 'NOT_ENTERED';
  return 'CONFLICT';
}

/**
 * Throws AppError when `from -> to` is illegal:
 * from COMPLETED -> ALREADY_EXITED; from CANCELLED/EXPIRED -> SESSION_CLOSED;
 * to PARKED from PARKED/EXITING -> ALREADY_ENTERED; to EXITING/COMPLETED from BOOKED -> NOT_ENTERED;
 * anything else illegal -> CONFLICT. details = { from, to }.
 */
export function assertTransition(from: SessionStatus, to: SessionStatus): void {
  const code = transitionErrorCode(from, to);
  if (code === null) return;
  const message =
    code === 'CONFLICT'
      ? `This ticket cannot go from ${String(from)} to ${String(to)}. Call a supervisor.`
      : undefined; // the default, plain message for the code
  throw new AppError(code, message, { from, to });
}

/**
 * A fee quote can be dropped ("not this car", the driver turned back) only while the car is still
 * inside and quoted: EXITING, or PARKED with a quote on record. Returns the error code otherwise
 * (null when it may be dropped); the session then goes back to PARKED without a quote.
 */
export function quoteDropErrorCode(status: SessionStatus, quoted: boolean): ErrorCode | null {
  if (status === 'EXITING') return null;
  if (status === 'PARKED') return quoted ? null : 'CONFLICT';
  if (status === 'COMPLETED') return 'ALREADY_EXITED';
  if (status === 'BOOKED') return 'NOT_ENTERED';
  return 'SESSION_CLOSED';
}
