/**
 * The PIN-guessing policy: 5 wrong PINs lock a name for 5 minutes, the next 5 for 30 minutes, the
 * next 5 until a supervisor unlocks (15 guesses in all, instead of 1,440 a day). A good log-in
 * resets the counters. The same state machine runs for operators and for unknown names, so the
 * answers cannot tell them apart.
 */
export const MAX_FAILED_PINS = 5;
/** Timed lockouts, in order; one lockout more than this list means "until a supervisor unlocks". */
export const LOCKOUT_STEPS_MS = [5 * 60 * 1000, 30 * 60 * 1000] as const;

export interface LockState {
  failedAttempts: number;
  lockouts: number;
  lockedUntil: number | null;
  needsUnlock: boolean;
}

export const CLEAR_LOCK: LockState = { failedAttempts: 0, lockouts: 0, lockedUntil: null, needsUnlock: false };

export function isLocked(s: LockState, now: number): boolean {
  return s.needsUnlock || (s.lockedUntil !== null && s.lockedUntil > now);
}

/** The state after one more wrong PIN (only called while not locked). */
export function afterWrongPin(s: LockState, now: number): LockState {
  const failed = s.failedAttempts + 1;
  if (failed < MAX_FAILED_PINS) return { ...s, failedAttempts: failed, lockedUntil: null };
  const lockouts = s.lockouts + 1;
  const step = LOCKOUT_STEPS_MS[lockouts - 1];
  return step === undefined
    ? { failedAttempts: 0, lockouts, lockedUntil: null, needsUnlock: true }
    : { failedAttempts: 0, lockouts, lockedUntil: now + step, needsUnlock: false };
}

/** What a failed log-in tells the person at the screen: tries left before the next lock, or the lock. */
export interface LoginFailureDetails {
  triesLeft: number;
  lockedUntil?: string;
  supervisorUnlock?: true;
}

export function failureDetails(s: LockState, now: number): LoginFailureDetails {
  if (s.needsUnlock) return { triesLeft: 0, supervisorUnlock: true };
  if (s.lockedUntil !== null && s.lockedUntil > now) return { triesLeft: 0, lockedUntil: new Date(s.lockedUntil).toISOString() };
  return { triesLeft: MAX_FAILED_PINS - s.failedAttempts };
}
