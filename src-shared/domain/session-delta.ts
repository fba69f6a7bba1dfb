/**
 * Session events as what changed (sync protocol 3, src-shared/contracts/sync.ts): the kiosk
 * writes the fields that differ from an earlier event of the same session (its `base`), the server
 * applies them to the base's stored rows. Both sides use these two functions, so a delta always
 * resolves to the rows the kiosk had.
 */
import type { PaymentSnap, SessionChangePayload, SessionDeltaPayload, SessionSnap } from '../contracts/sync.js';

/** What an event resolved to: the session after it and the payment it carried (null: none). */
export interface ResolvedSessionChange {
  session: SessionSnap;
  payment: PaymentSnap | null;
}

/** The fields of `next` that differ from `base` (the id always). */
function changedFields<T extends { id: string }>(base: T, next: T): Partial<T> & { id: string } {
  const out: Partial<T> & { id: string } = { id: next.id } as Partial<T> & { id: string };
  for (const k of Object.keys(next) as (keyof T)[]) {
    if (next[k] !== undefined && next[k] !== base[k]) out[k] = next[k];
  }
  return out;
}

/** The delta payload of `next` against the event `baseId`, which resolved to `base`. */
export function sessionDelta(baseId: string, base: ResolvedSessionChange, next: SessionChangePayload): SessionDeltaPayload {
  const payment = next.payment === null ? null
    : base.payment?.id === next.payment.id ? changedFields(base.payment, next.payment) : next.payment;
  return { base: baseId, session: changedFields(base.session, next.session), payment, operatorId: next.operatorId };
}

/**
 * The full rows a delta stands for, given what its base resolved to. Not validated here: the
 * caller checks the result with the full schema (a delta against the wrong base is malformed).
 */
export function resolveSessionDelta(base: ResolvedSessionChange, d: SessionDeltaPayload): { session: Record<string, unknown>; payment: Record<string, unknown> | null; operatorId: string | null } {
  const payment = d.payment === null ? null : base.payment?.id === d.payment.id ? { ...base.payment, ...d.payment } : { ...d.payment };
  return { session: { ...base.session, ...d.session }, payment, operatorId: d.operatorId };
}

export function isSessionDelta(p: object): p is SessionDeltaPayload {
  return typeof (p as { base?: unknown }).base === 'string';
}
