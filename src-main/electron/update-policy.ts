/**
 * When may a downloaded update be installed?
 *
 * Installing restarts the app, so it must never interrupt the gate:
 * - only when an update has been downloaded;
 * - only when the kiosk is idle: no session mid-payment (EXITING / a PENDING online payment) and
 *   no operator input for `idleMs`;
 * - never while a cash shift is open, unless a supervisor has consented (the drawer is counted
 *   across the restart; a supervisor decides that is fine);
 * - when the kiosk state is unknown (the core could not be asked), wait: unknown is not idle.
 *
 * Pure function: the updater wiring feeds it a snapshot and acts on the answer.
 */

export interface UpdateGateState {
  /** An update has been downloaded and is ready to install. */
  updateDownloaded: boolean;
  /** Sessions in EXITING or with a PENDING payment. null = unknown. */
  sessionsMidPayment: number | null;
  /** Cash shifts currently open. null = unknown. */
  openCashShifts: number | null;
  /** A supervisor consented to installing while a shift is open (and not withdrawn). */
  supervisorConsent: boolean;
  /** Epoch ms of the last operator input or API call. null = none since start. */
  lastActivityAt: number | null;
  /** Epoch ms now. */
  now: number;
}

export interface UpdatePolicyOptions {
  /** Quiet time needed before installing (default 5 minutes). */
  idleMs?: number;
}

export type UpdateWaitReason =
  | 'NO_UPDATE'
  | 'STATE_UNKNOWN'
  | 'PAYMENT_IN_PROGRESS'
  | 'SHIFT_OPEN'
  | 'RECENT_ACTIVITY';

export type UpdateDecision =
  | { action: 'install-now'; reason: 'IDLE' | 'IDLE_WITH_SUPERVISOR_CONSENT' }
  | { action: 'wait'; reason: UpdateWaitReason; retryInMs: number };

export const DEFAULT_IDLE_MS = 5 * 60_000;

export function decideUpdateInstall(state: UpdateGateState, opts: UpdatePolicyOptions = {}): UpdateDecision {
  const idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
  if (!state.updateDownloaded) return { action: 'wait', reason: 'NO_UPDATE', retryInMs: 60 * 60_000 };
  if (state.sessionsMidPayment === null || state.openCashShifts === null) {
    return { action: 'wait', reason: 'STATE_UNKNOWN', retryInMs: 60_000 };
  }
  if (state.sessionsMidPayment > 0) return { action: 'wait', reason: 'PAYMENT_IN_PROGRESS', retryInMs: 60_000 };
  if (state.lastActivityAt !== null) {
    const quietFor = state.now - state.lastActivityAt;
    if (quietFor < idleMs) {
      return { action: 'wait', reason: 'RECENT_ACTIVITY', retryInMs: Math.max(1_000, idleMs - Math.max(0, quietFor)) };
    }
  }
  if (state.openCashShifts > 0) {
    if (!state.supervisorConsent) return { action: 'wait', reason: 'SHIFT_OPEN', retryInMs: 5 * 60_000 };
    return { action: 'install-now', reason: 'IDLE_WITH_SUPERVISOR_CONSENT' };
  }
  return { action: 'install-now', reason: 'IDLE' };
}
