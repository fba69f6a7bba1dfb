/**
 * Merchant pre-validation (docs/validations.md "Pre-validation by a merchant"): a merchant's own
 * credential (Authorization: Bearer pgm.<id>.<secret>) lists its programs and pre-validates a
 * ticket; the head office (ADMIN_TOKEN) issues, lists and revokes the credentials.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ProgramSnap } from '../../src-shared/contracts/validations.js';
import type { ServerContext } from '../context.js';
import { ok, parseJson, parseValue } from '../http/envelope.js';
import { checkAdminToken } from '../http/metrics-auth.js';
import { resolveFacility } from '../facilities/facilities.js';
import type { SyncDatabase } from '../sync/schema.js';
import type { Kysely } from 'kysely';
import { authenticateMerchant, issueMerchantCredential, listMerchantCredentials, publishedMerchants, revokeMerchantCredential } from '../validations/credentials.js';
import { prevalidate } from '../validations/prevalidate.js';

export const prevalidationSchema = z.object({
  /** The ticket's QR code text, or its short number as printed (K7QXM-3HZ9P; case, spaces and hyphens do not matter). */
  ticket: z.string().trim().min(1).max(1024),
  programId: z.string().min(1).max(64),
  /** The shopper's bill in paise, where the program needs one. */
  billPaise: z.number().int().min(1).max(100_000_000_00).optional(),
}).strict();

export const issueCredentialSchema = z.object({
  label: z.string().trim().min(1).max(64),
  /** The facility whose merchant it is; may be left out while the server has one facility. */
  facilityId: z.string().min(1).max(64).optional(),
}).strict();

const merchantParam = z.object({ merchantId: z.string().min(1).max(64) });
const idParam = z.object({ id: z.string().min(1).max(64) });
const facilityQuery = z.object({ facilityId: z.string().min(1).max(64).optional() }).strict();

/** Calls per minute per client address on the merchant routes (a ticket number is short: no guessing at speed). */
const MERCHANT_CALLS_PER_MINUTE = 120;

export function registerMerchantRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const admin = (req: FastifyRequest) => checkAdminToken(ctx.config.adminToken, req.headers.authorization);
  const byIp = app.createRateLimit({ max: MERCHANT_CALLS_PER_MINUTE, timeWindow: 60_000, keyGenerator: (req) => `merchant-ip:${req.ip}` });
  const merchant = async (req: FastifyRequest) => {
    const r = await byIp(req);
    if (!r.isAllowed && r.isExceeded) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: r.ttlInSeconds });
    return authenticateMerchant(ctx.db, ctx.clock, req.headers.authorization);
  };
  const sync = () => {
    if (!ctx.syncEvents) throw new AppError('INTERNAL', 'Sync is not running on this server.');
    return ctx.syncEvents.sync;
  };

  ctx.routes.add({
    method: 'POST', url: '/merchant/v1/validations', tag: 'merchants', auth: 'merchant-token', body: prevalidationSchema,
    summary: 'Pre-validate a parked visit (ticket code or short number + program [+ bill]): every gate of the facility prices it at the exit after its next pull',
  });
  app.post('/merchant/v1/validations', async (req) => {
    const who = await merchant(req);
    const input = parseJson(req.body, prevalidationSchema);
    const v = await prevalidate(sync(), who, input);
    req.log.info({ credentialId: who.credentialId, validationId: v.validationId, sessionId: v.sessionId, programId: v.programId }, 'merchant pre-validation');
    return ok(v);
  });

  ctx.routes.add({ method: 'GET', url: '/merchant/v1/programs', summary: "The calling merchant's validation programs (as the gates published them)", tag: 'merchants', auth: 'merchant-token' });
  app.get('/merchant/v1/programs', async (req) => {
    const who = await merchant(req);
    const db = ctx.db as unknown as Kysely<SyncDatabase>;
    const rows = await db.selectFrom('sync_entities').select('data').where('entity_type', '=', 'validationProgram').where('facility_id', '=', who.facilityId).execute();
    const programs = rows.map((r) => JSON.parse(r.data) as ProgramSnap).filter((p) => p.merchant_id === who.merchantId)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return ok(programs.map((p) => ({
      id: p.id, name: p.name, kind: p.kind, reasonCode: p.reason_code, billRule: p.bill_rule, minBillPaise: p.min_bill_paise, isActive: p.is_active === 1,
    })));
  });

  ctx.routes.add({ method: 'GET', url: '/admin/v1/merchants', summary: 'Merchants the gates of a facility published (?facilityId)', tag: 'head-office', auth: 'admin-token', query: facilityQuery });
  app.get('/admin/v1/merchants', async (req) => {
    admin(req);
    const { facilityId } = parseValue(req.query, facilityQuery);
    const f = await resolveFacility(ctx.db, facilityId);
    return ok((await publishedMerchants(ctx.db, f.id)).map((m) => ({ id: m.id, name: m.name, prepaid: m.prepaid === 1, isActive: m.is_active === 1 })));
  });

  ctx.routes.add({
    method: 'POST', url: '/admin/v1/merchants/:merchantId/credentials', tag: 'head-office', auth: 'admin-token', params: merchantParam, body: issueCredentialSchema,
    summary: "Issue a merchant's API credential: the token is in this answer only (the server keeps its hash)",
  });
  app.post('/admin/v1/merchants/:merchantId/credentials', async (req) => {
    admin(req);
    const { merchantId } = parseValue(req.params, merchantParam);
    const input = parseJson(req.body, issueCredentialSchema);
    const issued = await issueMerchantCredential(ctx.db, ctx.clock, { merchantId, label: input.label, facilityId: input.facilityId });
    req.log.info({ credentialId: issued.credential.id, merchantId }, 'merchant credential issued');
    return ok(issued);
  });

  ctx.routes.add({ method: 'GET', url: '/admin/v1/merchant-credentials', summary: 'Merchant credentials (?facilityId), without their secrets', tag: 'head-office', auth: 'admin-token', query: facilityQuery });
  app.get('/admin/v1/merchant-credentials', async (req) => {
    admin(req);
    const { facilityId } = parseValue(req.query, facilityQuery);
    return ok(await listMerchantCredentials(ctx.db, { facilityId }));
  });

  ctx.routes.add({ method: 'POST', url: '/admin/v1/merchant-credentials/:id/revoke', summary: 'Revoke a merchant credential (refused from now on)', tag: 'head-office', auth: 'admin-token', params: idParam });
  app.post('/admin/v1/merchant-credentials/:id/revoke', async (req) => {
    admin(req);
    const { id } = parseValue(req.params, idParam);
    if (!(await revokeMerchantCredential(ctx.db, ctx.clock, id))) throw new AppError('NOT_FOUND', 'No such active merchant credential.');
    req.log.info({ credentialId: id }, 'merchant credential revoked');
    return ok({ id, revoked: true });
  });
}
