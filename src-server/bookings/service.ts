/**
 * Parker bookings: hold a free slot (the partial unique index on bookings(slot_id) WHERE
 * status='BOOKED' AND released_at IS NULL makes a double hold impossible), optional online
 * pre-payment of one hour, cancellation with the 5-minute refund rule, refunds through the
 * gateway (idempotent key derived from the booking id, so a retried cancel never refunds twice).
 *
 * With gates syncing (docs/sync.md "Parker bookings"): bookings use the zones/slots the
 * gates published; a booking is published as a synced session (same id, code = QR- code) and its
 * cancellation too; the gates' canonical state flows back here (entered -> the server's hold is
 * released; slot moved by a clash -> the booking follows). A refund is HELD until every gate has
 * acknowledged the cancellation; if an entry scan raced it and stood, the refund is WITHHELD and
 * the booking flagged for a supervisor.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { BookingRow, ServerDatabase } from '../db/schema.js';
import type { PaymentDeps } from '../payments/create.js';
import { createPayment } from '../payments/create.js';
import type { Reconciler } from '../payments/reconciler.js';
import { refundPayment } from '../payments/refunds.js';
import type { ServerSyncEvents } from '../sync/server-events.js';
import { newBookingCode, uuidv7 } from '../util/ids.js';
import { listZones, type ZoneView } from '../zones/zones.js';
import { refundForCancellation } from '../../src-shared/domain/refund.js';
import type { BookingJoined, BookingView } from './view.js';
import { toBookingView } from './view.js';

export interface BookingDeps {
  payments: PaymentDeps;
  reconciler: Reconciler;
  /** Null/absent when sync is not wired (then bookings stay on the server, as before). */
  gates?: ServerSyncEvents | null | undefined;
  /** Longest a refund waits for every gate to acknowledge the cancellation (default 24 h). */
  refundHoldMaxMs?: number;
  /** How many slots one parker may hold at once (BOOKED, car not arrived); default DEFAULT_MAX_ACTIVE_PER_PARKER. */
  maxActivePerParker?: number;
  /** A hold whose car has not arrived after this long is cancelled (slot freed); default DEFAULT_HOLD_MS. */
  holdMs?: number;
}

export const DEFAULT_MAX_ACTIVE_PER_PARKER = 3;
export const DEFAULT_HOLD_MS = 60 * 60_000;

export interface CreateBookingInput {
  parkerId: string;
  /** The facility booked in (the route resolves it: named, or the server's only one). */
  facilityId: string;
  vehicleNumber: string;
  zoneId: string | null;
  prepay: boolean;
}

export const DEFAULT_REFUND_HOLD_MAX_MS = 24 * 3600_000;
const ENTERED = new Set(['PARKED', 'EXITING', 'COMPLETED']);

const refundKey = (bookingId: string) => `bk_${bookingId.replace(/-/g, '')}`;

function db(deps: BookingDeps): Kysely<ServerDatabase> {
  return deps.payments.db;
}

interface PickedZone {
  id: string;
  hourly_rate_paise: number;
  published: boolean;
}

/** A parker's holds: BOOKED bookings whose slot the server still holds (the car has not entered). */
function activeHolds(deps: BookingDeps, parkerId: string) {
  return db(deps).selectFrom('bookings').select(['id', 'booked_at']).where('parker_id', '=', parkerId)
    .where('status', '=', 'BOOKED').where('released_at', 'is', null).orderBy('booked_at').orderBy('id').execute();
}

function tooMany(max: number): AppError {
  return new AppError('CONFLICT', `One account may hold ${max} booking${max === 1 ? '' : 's'} at a time. Cancel one, or book again once a car has arrived.`, { maxActive: max });
}

/**
 * Holds whose car never arrived within the hold time are cancelled as if the parker cancelled
 * (same refund rule, published to the gates), so nobody can keep slots by booking and not coming.
 * Run by the booking sweep and before each new booking. Returns how many it cancelled.
 */
export async function expireOverdueHolds(deps: BookingDeps): Promise<number> {
  const cutoff = deps.payments.clock.now() - (deps.holdMs ?? DEFAULT_HOLD_MS);
  const overdue = await db(deps).selectFrom('bookings').select(['id', 'parker_id']).where('status', '=', 'BOOKED')
    .where('released_at', 'is', null).where('booked_at', '<', cutoff).execute();
  let n = 0;
  for (const b of overdue) {
    try {
      const v = await cancelBooking(deps, b.parker_id, b.id);
      if (v.status === 'CANCELLED') n += 1;
    } catch (err) {
      // ALREADY_ENTERED: the gates saw the car, the hold stands (the gates' state releases it).
      if (!(err instanceof AppError && err.code === 'ALREADY_ENTERED')) throw err;
    }
  }
  if (n > 0) deps.payments.log.info({ expired: n }, 'booking holds expired (car never arrived)');
  return n;
}

export async function createBooking(deps: BookingDeps, input: CreateBookingInput): Promise<BookingView> {
  const { clock } = deps.payments;
  const gates = deps.gates ?? null;
  const maxActive = deps.maxActivePerParker ?? DEFAULT_MAX_ACTIVE_PER_PARKER;
  await expireOverdueHolds(deps);
  if ((await activeHolds(deps, input.parkerId)).length >= maxActive) throw tooMany(maxActive);
  const open = await db(deps)
    .selectFrom('bookings')
    .select('id')
    .where('vehicle_number', '=', input.vehicleNumber)
    .where('status', '=', 'BOOKED')
    .where('released_at', 'is', null)
    .executeTakeFirst();
  if (open || (gates && (await gates.vehicleOpenAtGates(input.vehicleNumber, input.facilityId)))) {
    throw new AppError('CONFLICT', 'This vehicle already has an active booking.');
  }

  const zone = await pickZone(deps, input.facilityId, input.zoneId);
  if (zone.published) await refreshFromGates(deps, await heldInZone(deps, zone.id));
  const bookingId = uuidv7(clock);
  let slotFound = false;
  for (let attempt = 0; attempt < 5 && !slotFound; attempt++) {
    const busy = zone.published && gates ? await gates.occupiedSlots(zone.id) : new Set<string>();
    const candidates = await db(deps)
      .selectFrom('slots')
      .select(['slots.id'])
      .where('slots.zone_id', '=', zone.id)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('bookings').select('bookings.id').whereRef('bookings.slot_id', '=', 'slots.id')
          .where('bookings.status', '=', 'BOOKED').where('bookings.released_at', 'is', null))),
      )
      .orderBy('slots.slot_number')
      .execute();
    const slot = candidates.find((s) => !busy.has(s.id));
    if (!slot) throw new AppError('NO_SLOT_AVAILABLE');
    const inserted = await db(deps)
      .insertInto('bookings')
      .values({
        id: bookingId,
        facility_id: input.facilityId,
        parker_id: input.parkerId,
        zone_id: zone.id,
        slot_id: slot.id,
        vehicle_number: input.vehicleNumber,
        code: newBookingCode(),
        status: 'BOOKED',
        booked_at: clock.now(),
        cancelled_at: null,
        payment_id: null,
        prepay_paise: input.prepay ? zone.hourly_rate_paise : 0,
        refund_paise: null,
        released_at: null,
        session_status: null,
        cancel_seq: null,
        refund_state: null,
        review_reason: null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    slotFound = Boolean(inserted); // lost the slot (or the code) to a concurrent booking: try again
  }
  if (!slotFound) throw new AppError('NO_SLOT_AVAILABLE');
  // Requests of one parker at the same moment all passed the count above. Each one, after its own
  // insert, counts again and gives its slot back when over the cap: any two of them see each
  // other (the later reader sees the earlier insert), so the cap is never exceeded; in a tight race
  // all may give back (the parker retries) but none is kept beyond the cap.
  if ((await activeHolds(deps, input.parkerId)).length > maxActive) {
    await db(deps).updateTable('bookings').set({ status: 'CANCELLED', cancelled_at: clock.now(), refund_paise: 0, cancel_seq: 0 }).where('id', '=', bookingId).execute();
    throw tooMany(maxActive);
  }

  if (input.prepay && zone.hourly_rate_paise >= 100) {
    try {
      const p = await createPayment(deps.payments, {
        owner: `parker:${input.parkerId}`,
        facilityId: input.facilityId,
        kioskId: null,
        bookingId,
        sessionId: bookingId,
        amountPaise: zone.hourly_rate_paise,
        idempotencyKey: `booking:${bookingId}`,
        vehicleNumber: input.vehicleNumber,
        description: `Booking ${input.vehicleNumber}`,
      });
      await db(deps).updateTable('bookings').set({ payment_id: p.id }).where('id', '=', bookingId).execute();
    } catch (err) {
      // No pre-payment, no hold: release the slot so a failed gateway never strands one.
      await db(deps).updateTable('bookings').set({ status: 'CANCELLED', cancelled_at: clock.now(), refund_paise: 0 }).where('id', '=', bookingId).execute();
      throw err;
    }
  }
  if (zone.published && gates) {
    const row = await db(deps).selectFrom('bookings').selectAll().where('id', '=', bookingId).executeTakeFirstOrThrow();
    try {
      await gates.publishBooking(row);
    } catch (err) {
      // The booking stands; sweepBookings() publishes it later (publishing is idempotent).
      deps.payments.log.warn({ err: (err as Error).message, bookingId }, 'booking not yet published to the gates');
    }
  }
  return getBooking(deps, input.parkerId, bookingId);
}

async function pickZone(deps: BookingDeps, facilityId: string, zoneId: string | null): Promise<PickedZone> {
  const published = deps.gates ? await deps.gates.publishedZones(facilityId) : [];
  if (published.length > 0) {
    // The gates' zones are the facility's zones: the server's own seeded zones are not bookable then.
    const z = zoneId ? published.find((p) => p.id === zoneId || p.name === zoneId) : published.find((p) => p.isActive);
    if (!z) throw new AppError(zoneId ? 'NOT_FOUND' : 'NO_SLOT_AVAILABLE', zoneId ? 'No such zone.' : 'No zone is open for booking.');
    if (!z.isActive) throw new AppError('ZONE_INACTIVE');
    return { id: z.id, hourly_rate_paise: z.hourlyRatePaise, published: true };
  }
  if (zoneId) {
    const z = await db(deps).selectFrom('zones').selectAll().where('facility_id', '=', facilityId)
      .where((eb) => eb.or([eb('id', '=', zoneId), eb('name', '=', zoneId)])).executeTakeFirst();
    if (!z) throw new AppError('NOT_FOUND', 'No such zone.');
    if (z.is_active !== 1) throw new AppError('ZONE_INACTIVE');
    return { ...z, published: false };
  }
  const z = await db(deps).selectFrom('zones').selectAll().where('facility_id', '=', facilityId).where('is_active', '=', 1).orderBy('name').executeTakeFirst();
  if (!z) throw new AppError('NO_SLOT_AVAILABLE', 'No zone is open for booking.');
  return { ...z, published: false };
}

/** GET /parker/v1/zones: the gates' zones when any are published (free = not held by an open session or booking). */
export async function listBookableZones(deps: Pick<BookingDeps, 'payments' | 'gates'>, facilityId: string): Promise<ZoneView[]> {
  const gates = deps.gates ?? null;
  const published = gates ? await gates.publishedZones(facilityId) : [];
  if (!gates || published.length === 0) return listZones(deps.payments.db, facilityId);
  const out: ZoneView[] = [];
  for (const z of published) {
    const busy = await gates.occupiedSlots(z.id);
    const held = await deps.payments.db.selectFrom('bookings').select('slot_id').where('zone_id', '=', z.id)
      .where('status', '=', 'BOOKED').where('released_at', 'is', null).execute();
    for (const h of held) busy.add(h.slot_id);
    out.push({ id: z.id, facilityId: z.facilityId, name: z.name, hourlyRatePaise: z.hourlyRatePaise, isActive: z.isActive, totalSlots: z.slots.length,
      availableSlots: z.slots.filter((s) => !busy.has(s.id)).length });
  }
  return out;
}

export async function getBooking(deps: BookingDeps, parkerId: string, bookingId: string): Promise<BookingView> {
  let b = await joined(deps).where('bookings.id', '=', bookingId).where('bookings.parker_id', '=', parkerId).executeTakeFirst();
  if (!b) throw new AppError('NOT_FOUND', 'No such booking.');
  if (await refreshFromGates(deps, [b])) b = await joined(deps).where('bookings.id', '=', bookingId).executeTakeFirstOrThrow();
  return view(deps, b);
}

export async function listBookings(deps: BookingDeps, parkerId: string, limit: number): Promise<BookingView[]> {
  const q = () => joined(deps).where('bookings.parker_id', '=', parkerId).orderBy('bookings.booked_at', 'desc').limit(limit).execute();
  let rows = await q();
  if (await refreshFromGates(deps, rows)) rows = await q();
  return Promise.all(rows.map((b) => view(deps, b)));
}

export async function cancelBooking(deps: BookingDeps, parkerId: string, bookingId: string): Promise<BookingView> {
  const { clock } = deps.payments;
  const b = await joined(deps).where('bookings.id', '=', bookingId).where('bookings.parker_id', '=', parkerId).executeTakeFirst();
  if (!b) throw new AppError('NOT_FOUND', 'No such booking.');
  await refreshFromGates(deps, [b]);
  const canonical = deps.gates ? await deps.gates.canonicalSession(bookingId) : null;
  const current0 = await db(deps).selectFrom('bookings').selectAll().where('id', '=', bookingId).executeTakeFirstOrThrow();

  if (current0.status === 'BOOKED') {
    if (canonical && (canonical.session.entry_at !== null || ENTERED.has(canonical.session.status))) {
      throw new AppError('ALREADY_ENTERED', 'The car has already entered: this booking can no longer be cancelled.');
    }
    // A pre-payment still open is closed first (close QR, final status check), so its outcome is known.
    let payment = b.payment_id ? await db(deps).selectFrom('payments').selectAll().where('id', '=', b.payment_id).executeTakeFirst() : undefined;
    if (payment?.status === 'PENDING') {
      await deps.reconciler.expire(payment);
      payment = await db(deps).selectFrom('payments').selectAll().where('id', '=', payment.id).executeTakeFirstOrThrow();
    }
    const now = clock.now();
    const paid = payment?.status === 'SUCCESS' ? (payment.paid_amount_paise ?? payment.amount_paise) : 0;
    const refund = refundForCancellation({ status: 'BOOKED', entryAtMs: null, bookedAtMs: b.booked_at, cancelAtMs: now, paidPaise: paid }).refundPaise;
    await db(deps)
      .updateTable('bookings')
      .set({ status: 'CANCELLED', cancelled_at: now, refund_paise: refund, refund_state: refund > 0 ? 'HELD' : null })
      .where('id', '=', bookingId)
      .where('status', '=', 'BOOKED')
      .execute();
  }
  await publishCancellation(deps, bookingId);
  await settleRefund(deps, bookingId);
  const current = await db(deps).selectFrom('bookings').select(['refund_paise', 'payment_id', 'refund_state']).where('id', '=', bookingId).executeTakeFirstOrThrow();
  if (current.payment_id && current.refund_paise !== null && current.refund_paise > 0 && (current.refund_state ?? 'RELEASED') === 'RELEASED') {
    // Sent (again) until the gateway confirms; the same key makes a retry a no-op at the gateway.
    await refundPayment(deps.payments, current.payment_id, current.refund_paise, refundKey(bookingId));
  }
  return getBooking(deps, parkerId, bookingId);
}

/** Publishes a CANCELLED booking's cancellation to the gates when the booking reached them. */
async function publishCancellation(deps: BookingDeps, bookingId: string): Promise<void> {
  const gates = deps.gates;
  if (!gates) return;
  const b = await db(deps).selectFrom('bookings').selectAll().where('id', '=', bookingId).executeTakeFirstOrThrow();
  if (b.status !== 'CANCELLED' || b.cancel_seq !== null) return;
  if (!(await gates.canonicalSession(bookingId))) {
    // Never reached the gates: nothing to cancel there (0 marks it done for the sweep).
    await db(deps).updateTable('bookings').set({ cancel_seq: 0 }).where('id', '=', bookingId).where('cancel_seq', 'is', null).execute();
    return;
  }
  try {
    const at = (await gates.publishCancellation(b)) ?? (await currentChangeSeq(gates));
    await db(deps).updateTable('bookings').set({ cancel_seq: at }).where('id', '=', bookingId).where('cancel_seq', 'is', null).execute();
  } catch (err) {
    deps.payments.log.warn({ err: (err as Error).message, bookingId }, 'cancellation not yet published to the gates');
  }
}

async function currentChangeSeq(gates: ServerSyncEvents): Promise<number> {
  const r = await gates.db.selectFrom('sync_counter').select('seq').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(r.seq);
}

/**
 * Decides a HELD refund: WITHHELD when the gates say the car entered (the entry stands over
 * the cancellation, CANCEL_RACED_ENTRY; a supervisor decides), RELEASED (and sent) once every gate
 * has acknowledged the cancellation, when the booking never reached a gate, or after the maximum
 * hold (then flagged).
 */
async function settleRefund(deps: BookingDeps, bookingId: string): Promise<void> {
  const b = await db(deps).selectFrom('bookings').selectAll().where('id', '=', bookingId).executeTakeFirstOrThrow();
  if (b.status !== 'CANCELLED' || b.refund_state !== 'HELD') return;
  const gates = deps.gates ?? null;
  const canonical = gates ? await gates.canonicalSession(bookingId) : null;
  const now = deps.payments.clock.now();
  let release: { review: string | null } | null = null;
  if (!gates || !canonical) release = { review: null };
  else if (canonical.session.entry_at !== null) {
    await db(deps).updateTable('bookings')
      .set({ refund_state: 'WITHHELD', session_status: canonical.session.status,
        review_reason: 'CANCEL_RACED_ENTRY: the car entered at a gate before the gate learned of the cancellation; refund withheld for a supervisor' })
      .where('id', '=', bookingId).where('refund_state', '=', 'HELD').execute();
    return;
  } else if (b.cancel_seq !== null && (await gates.gatesAcknowledged(b.cancel_seq, b.facility_id))) release = { review: null };
  else if (now - (b.cancelled_at ?? now) >= (deps.refundHoldMaxMs ?? DEFAULT_REFUND_HOLD_MAX_MS)) {
    release = { review: 'REFUND_RELEASED_UNCONFIRMED: a gate had not acknowledged the cancellation within the hold' };
  }
  if (!release) return;
  const won = await db(deps).updateTable('bookings').set({ refund_state: 'RELEASED', ...(release.review ? { review_reason: release.review } : {}) })
    .where('id', '=', bookingId).where('refund_state', '=', 'HELD').executeTakeFirst();
  if (Number(won.numUpdatedRows) === 1 && b.payment_id && (b.refund_paise ?? 0) > 0) {
    await refundPayment(deps.payments, b.payment_id, b.refund_paise!, refundKey(bookingId));
  }
}

/**
 * Mirrors the gates' canonical state of these bookings: entered or ended at a gate -> the
 * server's slot hold is released; moved by a slot clash -> the booking follows its session;
 * cancelled at a gate -> cancelled here (refund rule as for the parker); an entry that stood over
 * an already refunded cancellation -> flagged. Returns true when it changed a row.
 */
async function refreshFromGates(deps: BookingDeps, rows: Pick<BookingRow, 'id' | 'status'>[]): Promise<boolean> {
  const gates = deps.gates;
  if (!gates || rows.length === 0) return false;
  const canon = await gates.canonicalSessions(rows.map((r) => r.id));
  let changed = false;
  for (const r of rows) {
    const c = canon.get(r.id);
    if (!c) continue;
    const b = await db(deps).selectFrom('bookings').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    const s = c.session;
    const set: Partial<BookingRow> = {};
    if (b.session_status !== s.status) set.session_status = s.status;
    if (b.status === 'BOOKED' && b.released_at === null) {
      if (s.status !== 'BOOKED') set.released_at = deps.payments.clock.now();
      else if (s.slot_id !== b.slot_id) set.slot_id = s.slot_id;
    }
    if (b.status === 'CANCELLED' && s.entry_at !== null && b.refund_state === 'RELEASED' && !b.review_reason?.startsWith('CANCEL_RACED_ENTRY')) {
      set.review_reason = 'CANCEL_RACED_ENTRY: the car entered at a gate; the refund had already been paid';
    }
    if (Object.keys(set).length > 0) {
      try {
        await db(deps).updateTable('bookings').set(set).where('id', '=', r.id).execute();
        changed = true;
      } catch (err) {
        deps.payments.log.warn({ err: (err as Error).message, bookingId: r.id }, 'booking not updated from the gates');
      }
    }
    if (b.status === 'BOOKED' && s.status === 'CANCELLED') {
      // Cancelled by an attendant at a gate: the same rule as a parker's cancel.
      const now = deps.payments.clock.now();
      const payment = b.payment_id ? await db(deps).selectFrom('payments').selectAll().where('id', '=', b.payment_id).executeTakeFirst() : undefined;
      const paid = payment?.status === 'SUCCESS' ? (payment.paid_amount_paise ?? payment.amount_paise) : 0;
      const refund = refundForCancellation({ status: 'BOOKED', entryAtMs: null, bookedAtMs: b.booked_at, cancelAtMs: s.updated_at, paidPaise: paid }).refundPaise;
      await db(deps).updateTable('bookings')
        .set({ status: 'CANCELLED', cancelled_at: now, refund_paise: refund, refund_state: refund > 0 ? 'HELD' : null, released_at: b.released_at ?? now })
        .where('id', '=', b.id).where('status', '=', 'BOOKED').execute();
      changed = true;
    }
    if (b.status === 'CANCELLED' || s.status === 'CANCELLED') await settleRefund(deps, r.id);
  }
  return changed;
}

async function heldInZone(deps: BookingDeps, zoneId: string) {
  return db(deps).selectFrom('bookings').select(['id', 'status']).where('zone_id', '=', zoneId).where('status', '=', 'BOOKED').where('released_at', 'is', null).execute();
}

/**
 * Periodic sweep (src-server/main.ts): publishes bookings/cancellations a crash left
 * unpublished, mirrors the gates' state into open bookings, settles HELD refunds.
 */
export async function sweepBookings(deps: BookingDeps): Promise<void> {
  await expireOverdueHolds(deps);
  const gates = deps.gates;
  const published = gates ? await gates.publishedZones() : [];
  if (gates && published.length > 0) {
    const open = await db(deps).selectFrom('bookings').selectAll().where('status', '=', 'BOOKED').where('released_at', 'is', null).execute();
    const canon = await gates.canonicalSessions(open.map((b) => b.id));
    const zones = new Set(published.map((z) => z.id));
    for (const b of open) {
      if (!canon.has(b.id) && zones.has(b.zone_id)) await gates.publishBooking(b);
    }
    // A pre-payment whose notice the gates missed (the booking was not published yet, a crash)
    const prepaid = open.filter((b) => b.payment_id).map((b) => b.payment_id!);
    if (prepaid.length > 0) {
      for (const p of await db(deps).selectFrom('payments').selectAll().where('id', 'in', prepaid).where('status', '=', 'SUCCESS').execute()) {
        await gates.publishPrepayment(p).catch((err: unknown) => deps.payments.log.warn({ err: (err as Error).message, paymentId: p.id }, 'pre-payment not yet published to the gates'));
      }
    }
    await refreshFromGates(deps, open);
    const cancelled = await db(deps).selectFrom('bookings').select(['id', 'status']).where('status', '=', 'CANCELLED').where('cancel_seq', 'is', null).execute();
    for (const b of cancelled) await publishCancellation(deps, b.id);
  }
  const held = await db(deps).selectFrom('bookings').select(['id', 'status']).where('refund_state', '=', 'HELD').execute();
  await refreshFromGates(deps, held);
  for (const b of held) await settleRefund(deps, b.id);
}

/** Starts sweepBookings on an interval (unref'd); returns the stop function. */
export function startBookingSweep(deps: BookingDeps, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepBookings(deps)
      .catch((err: unknown) => deps.payments.log.warn({ err: (err as Error).message }, 'booking sweep failed'))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function joined(deps: BookingDeps) {
  return db(deps)
    .selectFrom('bookings')
    .innerJoin('zones', 'zones.id', 'bookings.zone_id')
    .innerJoin('slots', 'slots.id', 'bookings.slot_id')
    .innerJoin('facilities', 'facilities.id', 'bookings.facility_id')
    .selectAll('bookings')
    .select(['zones.name as zone_name', 'slots.slot_number as slot_number', 'facilities.name as facility_name']);
}

async function view(deps: BookingDeps, b: BookingJoined): Promise<BookingView> {
  const payment = b.payment_id ? ((await db(deps).selectFrom('payments').selectAll().where('id', '=', b.payment_id).executeTakeFirst()) ?? null) : null;
  const refund = await db(deps).selectFrom('refunds').select('status').where('idempotency_key', '=', refundKey(b.id)).executeTakeFirst();
  return toBookingView(b, payment, refund?.status ?? null);
}
