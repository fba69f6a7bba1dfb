/** Kiosk-facing payment API; every request is HMAC-signed by an enrolled, unrevoked kiosk. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ServerContext } from '../context.js';
import { ok, parseJson, parseValue } from '../http/envelope.js';
import { kioskIdentityAuthenticator } from '../kiosks/request-auth.js';
import { assertOwnSession } from '../facilities/scope.js';
import { cancelPayment } from '../payments/cancel.js';
import { createPayment } from '../payments/create.js';
import { toPaymentView } from '../payments/view.js';

export const createKioskPaymentSchema = z
  .object({
    sessionId: z.string().min(1).max(64),
    amountPaise: z.number().int().min(100).max(1_000_000_000),
    idempotencyKey: z.string().regex(/^[A-Za-z0-9_:.-]{8,64}$/, 'idempotencyKey: 8-64 of [A-Za-z0-9_:.-]'),
    vehicleNumber: z.string().trim().max(32).optional(),
  })
  .strict();

const idParam = z.object({ id: z.string().min(1).max(64) });

export function registerKioskRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = kioskIdentityAuthenticator(ctx);

  ctx.routes.add({ method: 'GET', url: '/kiosk/v1/ping', summary: 'Check kiosk credentials; returns server time', tag: 'kiosk', auth: 'kiosk' });
  app.get('/kiosk/v1/ping', async (req) => {
    const { kioskId, facilityId } = await auth(req);
    return ok({ kioskId, facilityId, serverTime: new Date(ctx.clock.now()).toISOString() });
  });

  ctx.routes.add({
    method: 'POST',
    url: '/kiosk/v1/payments',
    summary: 'Create (or return, for the same idempotency key) an online UPI payment',
    tag: 'kiosk',
    auth: 'kiosk',
    body: createKioskPaymentSchema,
  });
  app.post('/kiosk/v1/payments', async (req) => {
    const { kioskId, facilityId } = await auth(req);
    const input = parseJson(req.body, createKioskPaymentSchema);
    await assertOwnSession(ctx.db, input.sessionId, facilityId);
    const p = await createPayment(ctx.payments, {
      owner: `kiosk:${kioskId}`,
      facilityId,
      kioskId,
      bookingId: null,
      sessionId: input.sessionId,
      amountPaise: input.amountPaise,
      idempotencyKey: input.idempotencyKey,
      vehicleNumber: input.vehicleNumber ?? null,
      description: input.vehicleNumber ? `Parking ${input.vehicleNumber}` : 'Parking fee',
    });
    return ok(toPaymentView(p));
  });

  ctx.routes.add({ method: 'GET', url: '/kiosk/v1/payments/:id', summary: 'Payment status', tag: 'kiosk', auth: 'kiosk', params: idParam });
  app.get('/kiosk/v1/payments/:id', async (req) => {
    const { kioskId } = await auth(req);
    const { id } = parseValue(req.params, idParam);
    const p = await ctx.db.selectFrom('payments').selectAll().where('id', '=', id).where('owner', '=', `kiosk:${kioskId}`).executeTakeFirst();
    if (!p) throw new AppError('NOT_FOUND', 'No such payment for this kiosk.');
    return ok(toPaymentView(p));
  });

  ctx.routes.add({
    method: 'POST',
    url: '/kiosk/v1/payments/:id/cancel',
    summary: 'The kiosk gives up on an online payment (cash instead): ends it, closes the QR; later money is flagged (idempotent)',
    tag: 'kiosk',
    auth: 'kiosk',
    params: idParam,
  });
  app.post('/kiosk/v1/payments/:id/cancel', async (req) => {
    const { kioskId } = await auth(req);
    const { id } = parseValue(req.params, idParam);
    return ok(toPaymentView(await cancelPayment(ctx.payments, `kiosk:${kioskId}`, id)));
  });
}
