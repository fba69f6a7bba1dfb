/**
 * Parker bookings: hold a free slot (the partial unique index on bookings(slot_id) WHERE
 * status='BOOKED' makes a double hold impossible), optional online pre-payment of one hour,
 * cancellation with the 5-minute refund rule, refunds through the gateway (idempotent key
 * derived from the booking id, so a retried cancel never refunds twice).
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ServerDatabase } from '../db/schema.js';
import type { PaymentDeps } from '../payments/create.js';
import { createPayment } from '../payments/create.js';
import type { Reconciler } from '../payments/reconciler.js';
import { refundPayment } from '../payments/refunds.js';
import { newBookingCode, uuidv7 } from '../util/ids.js';
import { refundForCancellation } from './refund-rule.js';
import type { BookingJoined, BookingView } from './view.js';
import { toBookingView } from './view.js';

export interface BookingDeps {
  payments: PaymentDeps;
  reconciler: Reconciler;
}

export interface CreateBookingInput {
  parkerId: string;
  vehicleNumber: string;
  zoneId: string | null;
  prepay: boolean;
}

const refundKey = (bookingId: string) => `bk_${bookingId.replace(/-/g, '')}`;

function db(deps: BookingDeps): Kysely<ServerDatabase> {
  return deps.payments.db;
}

export async function createBooking(deps: BookingDeps, input: CreateBookingInput): Promise<BookingView> {
  const { clock } = deps.payments;
  const open = await db(deps)
    .selectFrom('bookings')
    .select('id')
    .where('vehicle_number', '=', input.vehicleNumber)
    .where('status', '=', 'BOOKED')
    .executeTakeFirst();
  if (open) throw new AppError('CONFLICT', 'This vehicle already has an active booking.');

  const zone = await pickZone(deps, input.zoneId);
  const bookingId = uuidv7(clock);
  let slotFound = false;
  for (let attempt = 0; attempt < 5 && !slotFound; attempt++) {
    const slot = await db(deps)
      .selectFrom('slots')
      .select(['slots.id'])
      .where('slots.zone_id', '=', zone.id)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('bookings').select('bookings.id').whereRef('bookings.slot_id', '=', 'slots.id').where('bookings.status', '=', 'BOOKED'))),
      )
      .orderBy('slots.slot_number')
      .limit(1)
      .executeTakeFirst();
    if (!slot) throw new AppError('NO_SLOT_AVAILABLE');
    const inserted = await db(deps)
      .insertInto('bookings')
      .values({
        id: bookingId,
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
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    slotFound = Boolean(inserted); // lost the slot (or the code) to a concurrent booking: try again
  }
  if (!slotFound) throw new AppError('NO_SLOT_AVAILABLE');

  if (input.prepay && zone.hourly_rate_paise >= 100) {
    try {
      const p = await createPayment(deps.payments, {
        owner: `parker:${input.parkerId}`,
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
  return getBooking(deps, input.parkerId, bookingId);
}

async function pickZone(deps: BookingDeps, zoneId: string | null) {
  if (zoneId) {
    const z = await db(deps).selectFrom('zones').selectAll().where((eb) => eb.or([eb('id', '=', zoneId), eb('name', '=', zoneId)])).executeTakeFirst();
    if (!z) throw new AppError('NOT_FOUND', 'No such zone.');
    if (z.is_active !== 1) throw new AppError('ZONE_INACTIVE');
    return z;
  }
  const z = await db(deps).selectFrom('zones').selectAll().where('is_active', '=', 1).orderBy('name').executeTakeFirst();
  if (!z) throw new AppError('NO_SLOT_AVAILABLE', 'No zone is open for booking.');
  return z;
}

export async function getBooking(deps: BookingDeps, parkerId: string, bookingId: string): Promise<BookingView> {
  const b = await joined(deps).where('bookings.id', '=', bookingId).where('bookings.parker_id', '=', parkerId).executeTakeFirst();
  if (!b) throw new AppError('NOT_FOUND', 'No such booking.');
  return view(deps, b);
}

export async function listBookings(deps: BookingDeps, parkerId: string, limit: number): Promise<BookingView[]> {
  const rows = await joined(deps).where('bookings.parker_id', '=', parkerId).orderBy('bookings.booked_at', 'desc').limit(limit).execute();
  return Promise.all(rows.map((b) => view(deps, b)));
}

export async function cancelBooking(deps: BookingDeps, parkerId: string, bookingId: string): Promise<BookingView> {
  const { clock } = deps.payments;
  const b = await joined(deps).where('bookings.id', '=', bookingId).where('bookings.parker_id', '=', parkerId).executeTakeFirst();
  if (!b) throw new AppError('NOT_FOUND', 'No such booking.');

  if (b.status === 'BOOKED') {
    // A pre-payment still open is closed first (close QR, final status check), so its outcome is known.
    let payment = b.payment_id ? await db(deps).selectFrom('payments').selectAll().where('id', '=', b.payment_id).executeTakeFirst() : undefined;
    if (payment?.status === 'PENDING') {
      await deps.reconciler.expire(payment);
      payment = await db(deps).selectFrom('payments').selectAll().where('id', '=', payment.id).executeTakeFirstOrThrow();
    }
    const now = clock.now();
    const paid = payment?.status === 'SUCCESS' ? (payment.paid_amount_paise ?? payment.amount_paise) : 0;
    const refund = refundForCancellation({ bookedAt: b.booked_at, cancelledAt: now, paidPaise: paid, entered: false });
    await db(deps)
      .updateTable('bookings')
      .set({ status: 'CANCELLED', cancelled_at: now, refund_paise: refund })
      .where('id', '=', bookingId)
      .where('status', '=', 'BOOKED')
      .execute();
  }
  const current = await db(deps).selectFrom('bookings').select(['refund_paise', 'payment_id']).where('id', '=', bookingId).executeTakeFirstOrThrow();
  if (current.payment_id && current.refund_paise !== null && current.refund_paise > 0) {
    // Sent (again) until the gateway confirms; the same key makes a retry a no-op at the gateway.
    await refundPayment(deps.payments, current.payment_id, current.refund_paise, refundKey(bookingId));
  }
  return getBooking(deps, parkerId, bookingId);
}

function joined(deps: BookingDeps) {
  return db(deps)
    .selectFrom('bookings')
    .innerJoin('zones', 'zones.id', 'bookings.zone_id')
    .innerJoin('slots', 'slots.id', 'bookings.slot_id')
    .selectAll('bookings')
    .select(['zones.name as zone_name', 'slots.slot_number as slot_number']);
}

async function view(deps: BookingDeps, b: BookingJoined): Promise<BookingView> {
  const payment = b.payment_id ? ((await db(deps).selectFrom('payments').selectAll().where('id', '=', b.payment_id).executeTakeFirst()) ?? null) : null;
  const refund = await db(deps).selectFrom('refunds').select('status').where('idempotency_key', '=', refundKey(b.id)).executeTakeFirst();
  return toBookingView(b, payment, refund?.status ?? null);
}
