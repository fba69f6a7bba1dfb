/** Parker accounts: register, login (opaque bearer token), logout; plus the public zone list. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { ok, parseJson, parseValue } from '../http/envelope.js';
import { listFacilities, resolveFacility } from '../facilities/facilities.js';
import { createParkerGuard } from '../http/parker-guard.js';
import { loginParker, logoutParker, registerParker } from '../parkers/accounts.js';
import { listBookableZones } from '../bookings/service.js';

export const credentialsSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
    password: z.string().min(8, 'Password: at least 8 characters').max(128),
  })
  .strict();

const zonesQuery = z.object({ facilityId: z.string().min(1).max(64).optional() }).strict();

export function registerParkerRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const guard = createParkerGuard(app, ctx);
  const accounts = { db: ctx.db, clock: ctx.clock, tokenTtlHours: ctx.config.parkerTokenTtlHours };

  ctx.routes.add({ method: 'POST', url: '/parker/v1/register', summary: 'Create a parker account; returns a bearer token', tag: 'parker', auth: 'none', body: credentialsSchema });
  app.post('/parker/v1/register', async (req) => {
    await guard.anonymous(req);
    const { email, password } = parseJson(req.body, credentialsSchema);
    return ok(await registerParker(accounts, email, password));
  });

  ctx.routes.add({ method: 'POST', url: '/parker/v1/login', summary: 'Log in; returns a bearer token', tag: 'parker', auth: 'none', body: credentialsSchema });
  app.post('/parker/v1/login', async (req) => {
    await guard.anonymous(req);
    const { email, password } = parseJson(req.body, credentialsSchema);
    return ok(await guard.login(req, email, () => loginParker(accounts, email, password)));
  });

  ctx.routes.add({ method: 'POST', url: '/parker/v1/logout', summary: 'Revoke the bearer token', tag: 'parker', auth: 'parker' });
  app.post('/parker/v1/logout', async (req) => {
    await guard.signedIn(req);
    await logoutParker(accounts, req.headers.authorization);
    return ok({ loggedOut: true });
  });

  ctx.routes.add({ method: 'GET', url: '/parker/v1/facilities', summary: 'The car parks of this server (id, name, time zone)', tag: 'parker', auth: 'none' });
  app.get('/parker/v1/facilities', async (req) => {
    await guard.anonymous(req);
    return ok(await listFacilities(ctx.db));
  });

  ctx.routes.add({ method: 'GET', url: '/parker/v1/zones', summary: 'Zones with free slots of one facility (?facilityId=, optional on a one-facility server)', tag: 'parker', auth: 'none', query: zonesQuery });
  app.get('/parker/v1/zones', async (req) => {
    await guard.anonymous(req);
    const { facilityId } = parseValue(req.query, zonesQuery);
    const facility = await resolveFacility(ctx.db, facilityId);
    return ok(await listBookableZones({ payments: ctx.payments, gates: ctx.syncEvents ?? null }, facility.id)); // the gates' zones when published
  });
}
