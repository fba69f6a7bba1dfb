/**
 * Supervisor decisions on flagged payments, asked by a kiosk (signed): the list of flagged
 * payments of the kiosk's facility, and accept / refund of one of them (payments/flagged.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { ok, parseJson, parseValue } from '../http/envelope.js';
import { kioskIdentityAuthenticator } from '../kiosks/request-auth.js';
import { listFlagged, resolveFlagged } from '../payments/flagged.js';

export const resolveFlaggedSchema = z
  .object({
    action: z.enum(['accept', 'refund']),
    reason: z.string().trim().min(3).max(500),
    /** The kiosk operator who decided (recorded with the decision). */
    operator: z.object({ id: z.string().min(1).max(64), name: z.string().min(1).max(100) }).strict().optional(),
  })
  .strict();

const idParam = z.object({ id: z.string().min(1).max(64) });

export function registerKioskFlaggedRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = kioskIdentityAuthenticator(ctx);

  ctx.routes.add({ method: 'GET', url: '/kiosk/v1/payments/flagged', summary: 'Payments flagged for a supervisor (late, mismatch), oldest first', tag: 'kiosk', auth: 'kiosk' });
  app.get('/kiosk/v1/payments/flagged', async (req) => {
    const { facilityId } = await auth(req);
    return ok(await listFlagged(ctx.payments, 200, facilityId));
  });

  ctx.routes.add({
    method: 'POST',
    url: '/kiosk/v1/payments/:id/resolve',
    summary: 'Supervisor decision on a flagged captured payment: accept (kept as income) or refund through the gateway (idempotent)',
    tag: 'kiosk',
    auth: 'kiosk',
    params: idParam,
    body: resolveFlaggedSchema,
  });
  app.post('/kiosk/v1/payments/:id/resolve', async (req) => {
    const { kioskId, facilityId } = await auth(req);
    const { id } = parseValue(req.params, idParam);
    const input = parseJson(req.body, resolveFlaggedSchema);
    const by = `kiosk:${kioskId}${input.operator ? ` operator:${input.operator.id} (${input.operator.name})` : ''}`;
    return ok(await resolveFlagged(ctx.payments, { paymentId: id, action: input.action, reason: input.reason, by, facilityId }));
  });
}
