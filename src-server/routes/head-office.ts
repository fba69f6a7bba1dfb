/**
 * Head office (Authorization: Bearer $ADMIN_TOKEN): manage facilities and see every facility's
 * occupancy and the day's takings (src-server/facilities/). Closed (403) without ADMIN_TOKEN.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { createFacility, getFacility, listFacilities, toFacilityView, updateFacility } from '../facilities/facilities.js';
import { facilityOverviews } from '../facilities/overview.js';
import { ok, parseJson, parseValue } from '../http/envelope.js';
import { checkAdminToken } from '../http/metrics-auth.js';

export const createFacilitySchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    name: z.string().min(1).max(100),
    /** IANA time zone; Asia/Kolkata when absent. */
    timeZone: z.string().min(1).max(64).optional(),
  })
  .strict();
export const updateFacilitySchema = z
  .object({ name: z.string().min(1).max(100).optional(), timeZone: z.string().min(1).max(64).optional() })
  .strict();
const idParam = z.object({ id: z.string().min(1).max(64) });
const overviewQuery = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date: YYYY-MM-DD').optional() }).strict();

export function registerHeadOfficeRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const admin = (req: FastifyRequest) => checkAdminToken(ctx.config.adminToken, req.headers.authorization);

  ctx.routes.add({ method: 'GET', url: '/admin/v1/facilities', summary: 'Every facility (id, name, time zone)', tag: 'head-office', auth: 'admin-token' });
  app.get('/admin/v1/facilities', async (req) => {
    admin(req);
    return ok(await listFacilities(ctx.db));
  });

  ctx.routes.add({ method: 'POST', url: '/admin/v1/facilities', summary: 'Create a facility', tag: 'head-office', auth: 'admin-token', body: createFacilitySchema });
  app.post('/admin/v1/facilities', async (req) => {
    admin(req);
    const input = parseJson(req.body, createFacilitySchema);
    const f = await createFacility(ctx.db, ctx.clock, { name: input.name, timeZone: input.timeZone ?? 'Asia/Kolkata', id: input.id });
    req.log.info({ facilityId: f.id }, 'facility created');
    return ok(f);
  });

  ctx.routes.add({ method: 'GET', url: '/admin/v1/facilities/:id', summary: 'One facility', tag: 'head-office', auth: 'admin-token', params: idParam });
  app.get('/admin/v1/facilities/:id', async (req) => {
    admin(req);
    const { id } = parseValue(req.params, idParam);
    return ok(toFacilityView(await getFacility(ctx.db, id)));
  });

  ctx.routes.add({
    method: 'POST', url: '/admin/v1/facilities/:id', summary: 'Rename a facility and/or change its time zone', tag: 'head-office', auth: 'admin-token',
    params: idParam, body: updateFacilitySchema,
  });
  app.post('/admin/v1/facilities/:id', async (req) => {
    admin(req);
    const { id } = parseValue(req.params, idParam);
    const f = await updateFacility(ctx.db, ctx.clock, id, parseJson(req.body, updateFacilitySchema));
    req.log.info({ facilityId: f.id }, 'facility updated');
    return ok(f);
  });

  ctx.routes.add({
    method: 'GET', url: '/admin/v1/overview', summary: "Per facility: occupancy now and the day's takings (the day in each facility's time zone; ?date=YYYY-MM-DD)",
    tag: 'head-office', auth: 'admin-token', query: overviewQuery,
  });
  app.get('/admin/v1/overview', async (req) => {
    admin(req);
    const { date } = parseValue(req.query, overviewQuery);
    return ok(await facilityOverviews(ctx.db, ctx.clock.now(), date));
  });
}
