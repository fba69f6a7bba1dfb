/**
 * The session fold (DESIGN.md §5): a session's canonical state is a pure, deterministic function
 * of the SET of its events. Events are sorted by (HLC, id) first, so any arrival order, any
 * duplicate delivery and any batching give the same result.
 *
 * Rules (docs/sync.md has the reasoning):
 * - creation fields come from the first creating event (booked / ticketIssued / server booking);
 *   a gate that billed a signed ticket before the session synced records a weaker
 *   `session.adopted` event, used only while no creating event is known;
 * - entry time: the earliest recorded entry;
 * - exits: the earliest `session.completed` by HLC is canonical; any later one is a DOUBLE_EXIT
 *   conflict and its payment is flagged for refund (review_reason REFUND_DUE), never counted as
 *   revenue a second time;
 * - a cancellation racing an entry: the car is physically inside, so the entry wins and the
 *   session is flagged CANCEL_RACED_ENTRY;
 * - slot clashes and vehicle clashes are decided across sessions by the server, which records a
 *   server event (`session.slotMoved` / `session.vehicleClash`) in the loser's event set; a
 *   slotMoved with `overflow: true` (no free slot anywhere) leaves the session open without a
 *   slot (`overflow = 1`); only server events set `overflow`, never a gate's snapshot;
 * - conflicts are open until a `session.conflictResolved` event with a later HLC;
 * - an exit time before the entry time (gate clocks disagree) becomes the entry time;
 * - a parker's online pre-payment (server event `payment.prepaid`) is credited once (prepaid.ts).
 */

import type { CanonicalSession, FoldConflict, PaymentSnap, SessionSnap, VehicleSnap } from '../../src-shared/contracts/sync.js';
import type { FoldEvent } from './fold-event.js';
import { creditPrepayments } from './prepaid.js';

export const OPEN_STATUSES = ['BOOKED', 'PARKED', 'EXITING'] as const;
const CREATING = new Set(['session.booked', 'session.ticketIssued', 'session.serverBooked']);

export type { CanonicalSession, FoldConflict, PaymentSnap, SessionSnap, VehicleSnap } from '../../src-shared/contracts/sync.js';
export type { FoldEvent } from './fold-event.js';

const byHlc = (a: FoldEvent, b: FoldEvent) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const NON_TERMINAL = new Set(['PARKED', 'EXITING']);

export function isOpenStatus(status: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

/** Folds one session's events. Returns null when no event carries a session snapshot. */
export function foldSession(input: readonly FoldEvent[]): CanonicalSession | null {
  const seen = new Set<string>();
  const events = [...input].filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true))).sort(byHlc);
  const withSnap = events.filter((e) => e.session !== null);
  if (withSnap.length === 0) return null;

  const creation = withSnap.find((e) => CREATING.has(e.type)) ?? withSnap.find((e) => e.type === 'session.adopted') ?? withSnap[0]!;
  const base = creation.session!;
  const vehicle: VehicleSnap = creation.vehicle ?? withSnap.find((e) => e.vehicle)?.vehicle ?? { vehicle_number: `?${base.id.slice(-8)}`, owner_name: null };

  const entries = withSnap.map((e) => e.session!.entry_at).filter((t): t is number => t !== null);
  const entryAt = entries.length ? Math.min(...entries) : null;
  const completions = withSnap.filter((e) => e.type === 'session.completed' && e.session!.status === 'COMPLETED');
  const cancels = withSnap.filter((e) => e.type === 'session.cancelled');
  const conflicts: FoldConflict[] = [];

  // Payments: latest snapshot of each payment id.
  const payments = new Map<string, { snap: PaymentSnap; hlc: string; eventId: string }>();
  for (const e of events) if (e.payment) payments.set(e.payment.id, { snap: { ...e.payment }, hlc: e.hlc, eventId: e.id });

  let s: SessionSnap;
  const canonical = completions[0];
  if (canonical) {
    const c = canonical.session!;
    s = { ...base, status: 'COMPLETED', entry_at: entryAt, exit_at: c.exit_at, quote_amount_paise: c.quote_amount_paise, quoted_at: c.quoted_at,
      quote_valid_until: c.quote_valid_until, amount_due_paise: c.amount_due_paise, amount_paid_paise: c.amount_paid_paise,
      last_paid_at: c.last_paid_at, lost_ticket: c.lost_ticket } as SessionSnap;
    for (const dup of completions.slice(1)) {
      conflicts.push({ kind: 'DOUBLE_EXIT', hlc: dup.hlc, detail: `Exited again at ${dup.kioskId}; the exit at ${canonical.kioskId} is canonical.` });
      if (dup.payment && dup.payment.id !== canonical.payment?.id) {
        const p = payments.get(dup.payment.id)!;
        if (p.snap.status === 'SUCCESS' && !p.snap.review_reason) {
          p.snap.review_reason = `REFUND_DUE: duplicate exit at ${dup.kioskId}`;
        }
        if (p.snap.status === 'SUCCESS' || p.snap.status === 'REFUNDED') {
          // Gross money received stays visible (integrity: paid == sum of payments); the refund is due.
          s.amount_paid_paise += p.snap.amount_paise;
          s.amount_due_paise = (s.amount_due_paise ?? 0) + p.snap.amount_paise;
        }
      }
    }
  } else if (entryAt !== null) {
    const latest = [...withSnap].reverse().find((e) => NON_TERMINAL.has(e.session!.status));
    const l = latest?.session ?? base;
    s = { ...base, status: latest ? l.status : 'PARKED', entry_at: entryAt, exit_at: null, quote_amount_paise: l.quote_amount_paise,
      quoted_at: l.quoted_at, quote_valid_until: l.quote_valid_until, amount_due_paise: l.amount_due_paise,
      amount_paid_paise: l.amount_paid_paise, last_paid_at: l.last_paid_at, lost_ticket: l.lost_ticket };
  } else if (cancels.length) {
    const c = cancels[0]!.session!;
    s = { ...base, status: 'CANCELLED', entry_at: null, exit_at: null, amount_paid_paise: c.amount_paid_paise, amount_due_paise: c.amount_due_paise };
  } else {
    const latest = withSnap[withSnap.length - 1]!.session!;
    s = { ...base, status: latest.status === 'EXPIRED' ? 'EXPIRED' : 'BOOKED', entry_at: null, exit_at: null };
  }
  if (cancels.length && entryAt !== null) {
    const entered = withSnap.find((e) => e.session!.entry_at !== null)!;
    const later = cancels[0]!.hlc > entered.hlc ? cancels[0]! : entered;
    conflicts.push({ kind: 'CANCEL_RACED_ENTRY', hlc: later.hlc, detail: 'Cancelled while the car was entering: the entry stands.' });
  }

  // Server decisions across sessions.
  let finalVehicle = vehicle;
  s.overflow = 0;
  for (const e of events) {
    if (e.type === 'session.slotMoved' && typeof e.extra.slot_id === 'string') {
      s.slot_id = e.extra.slot_id;
      s.overflow = e.extra.overflow === true ? 1 : 0;
      conflicts.push({ kind: 'SLOT_CLASH', hlc: e.hlc, detail: String(e.extra.detail ?? 'Slot taken by an earlier session: moved.') });
    } else if (e.type === 'session.vehicleClash' && typeof e.extra.vehicle_number === 'string') {
      finalVehicle = { vehicle_number: e.extra.vehicle_number, owner_name: vehicle.owner_name };
      conflicts.push({ kind: 'VEHICLE_CLASH', hlc: e.hlc, detail: String(e.extra.detail ?? 'Vehicle open at two gates.') });
    }
  }

  creditPrepayments(s, events, payments, conflicts, canonical); // a parker's online pre-payment (prepaid.ts)

  const resolutions = events
    .filter((e) => e.type === 'session.conflictResolved')
    .map((e) => ({ hlc: e.hlc, resolution: String(e.extra.resolution ?? ''), reason: String(e.extra.reason ?? ''), operatorId: (e.extra.operatorId as string | null) ?? null }));
  const lastResolved = resolutions.length ? resolutions[resolutions.length - 1]!.hlc : '';
  const open = conflicts.filter((c) => c.hlc > lastResolved);
  for (const r of resolutions) {
    if (r.resolution !== 'REFUNDED') continue;
    for (const p of payments.values()) {
      if (p.snap.review_reason?.startsWith('REFUND_DUE') && p.hlc < r.hlc && p.snap.status === 'SUCCESS') {
        p.snap.status = 'REFUNDED';
        p.snap.review_reason = `REFUNDED: ${r.reason}`;
      }
    }
  }
  // Gate clocks disagree: a ticket issued at a gate running ahead and exited at one running
  // behind has its exit before its entry. The canonical exit is then the entry time.
  if (s.exit_at !== null && s.entry_at !== null && s.exit_at < s.entry_at) s.exit_at = s.entry_at;
  s.conflict = open.length ? 1 : 0;
  s.conflict_reason = open.length ? [...new Set(open.map((c) => c.kind))].join(',') : null;
  s.updated_at = Math.max(...withSnap.map((e) => e.session!.updated_at));

  const paymentList = [...payments.values()].map((p) => p.snap).sort((a, b) => (a.id < b.id ? -1 : 1));
  return { session: s, vehicle: finalVehicle, payments: paymentList, creationHlc: creation.hlc, conflicts, resolutions };
}
