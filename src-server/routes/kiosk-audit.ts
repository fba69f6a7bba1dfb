/**
 * A kiosk's anchored audit checkpoints, asked by the kiosk itself (signed): `doctor` and
 * integrity.check compare the local chain with them (docs/records.md).
 */
import type { FastifyInstance } from 'fastify';
import type { AuditCheckpointsResponse } from '../../src-shared/contracts/audit-anchor.js';
import { auditFindings, listCheckpoints } from '../audit/checkpoints.js';
import type { ServerContext } from '../context.js';
import { ok } from '../http/envelope.js';
import { kioskAuthenticator } from '../kiosks/request-auth.js';

export function registerKioskAuditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = kioskAuthenticator(ctx);
  ctx.routes.add({
    method: 'GET',
    url: '/kiosk/v1/audit/checkpoints',
    summary: "The signed kiosk's audit-chain checkpoints (oldest first) and what the server found comparing them with its pushed events",
    tag: 'kiosk',
    auth: 'kiosk',
  });
  app.get('/kiosk/v1/audit/checkpoints', async (req) => {
    const kioskId = await auth(req);
    const body: AuditCheckpointsResponse = { kioskId, checkpoints: await listCheckpoints(ctx.db, kioskId), findings: await auditFindings(ctx.db, kioskId) };
    return ok(body);
  });
}
