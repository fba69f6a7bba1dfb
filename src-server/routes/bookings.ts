/** Parker bookings: create (slot held, QR- code), get, list, cancel (5-minute refund rule). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { vehicleNumberSchema } from '../../src-shared/contracts/api.js';
import { cancelBooking, createBooking, getBooking, listBookings } from '../bookings/service.js';
import type { ServerContext } from '../context.js';
import { ok, parseJson, parseValue } from '../http/envelope.js';
import { resolveFacility } from '../facilities/facilities.js';
import { createParkerGuard } from '../http/parker-guard.js';

export const createBookingSchema = z
  .object({
    vehicleNumber: vehicleNumberSchema,
    /** The facility booked in; optional while the server has one facility. */
    facilityId: z.string().min(1).max(64).optional(),
    zoneId: z.string().min(1).max(64).optional(),
    prepay: z.boolean().optional(),
  })
  .strict();
const idParam = z.object({ id: z.string().min(1).max(64) });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });

export function registerBookingRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const guard = createParkerGuard(app, ctx);
  // ctx.syncEvents is set once sync is registered (after these routes): read it per request.
  const deps = {
    payments: ctx.payments, reconciler: ctx.reconciler, get gates() { return ctx.syncEvents ?? null; },
    maxActivePerParker: ctx.config.maxActiveBookingsPerParker, holdMs: ctx.config.bookingHoldMinutes * 60_000,
  };

  ctx.routes.add({ method: 'POST', url: '/parker/v1/bookings', summary: 'Book a slot (optionally pre-pay one hour online)', tag: 'bookings', auth: 'parker', body: createBookingSchema });
  app.post('/parker/v1/bookings', async (req) => {
    const parkerId = await guard.signedIn(req);
    const input = parseJson(req.body, createBookingSchema);
    const facility = await resolveFacility(ctx.db, input.facilityId);
    return ok(await createBooking(deps, { parkerId, facilityId: facility.id, vehicleNumber: input.vehicleNumber, zoneId: input.zoneId ?? null, prepay: input.prepay ?? false }));
  });

  ctx.routes.add({ method: 'GET', url: '/parker/v1/bookings', summary: 'My bookings, newest first', tag: 'bookings', auth: 'parker' });
  app.get('/parker/v1/bookings', async (req) => {
    const parkerId = await guard.signedIn(req);
    const { limit } = parseValue(req.query, listQuery);
    return ok(await listBookings(deps, parkerId, limit));
  });

  ctx.routes.add({ method: 'GET', url: '/parker/v1/bookings/:id', summary: 'One of my bookings', tag: 'bookings', auth: 'parker', params: idParam });
  app.get('/parker/v1/bookings/:id', async (req) => {
    const parkerId = await guard.signedIn(req);
    const { id } = parseValue(req.params, idParam);
    return ok(await getBooking(deps, parkerId, id));
  });

  ctx.routes.add({ method: 'POST', url: '/parker/v1/bookings/:id/cancel', summary: 'Cancel; full refund within 5 minutes of booking (idempotent)', tag: 'bookings', auth: 'parker', params: idParam });
  app.post('/parker/v1/bookings/:id/cancel', async (req) => {
    const parkerId = await guard.signedIn(req);
    const { id } = parseValue(req.params, idParam);
    return ok(await cancelBooking(deps, parkerId, id));
  });
}
