/**
 * Invoice series prefixes across the facility: POST /kiosk/v1/invoice-series/claim `{ prefix }`
 * (signed). A gate claims its prefix before saving tax settings with it; the server, which sees
 * every gate, refuses a prefix another gate holds (claimed, or found on a document another gate
 * synced) with 409 SERIES_TAKEN. Claims are idempotent for the same gate and are never released.
 */
import { sql, type Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../src-shared/contracts/errors.js';
import { isValidSeriesPrefix } from '../../src-shared/domain/invoice-number.js';
import type { ServerContext } from '../context.js';
import { ok, parseJson } from '../http/envelope.js';
import { kioskAuthenticator } from '../kiosks/request-auth.js';

const claimBody = z.object({
  prefix: z.string().trim().toUpperCase().refine(isValidSeriesPrefix, 'A series prefix is 1 to 3 letters or digits'),
}).strict();

/** The gate that holds `prefix`: its claim, else another gate's synced document numbered with it. */
async function holderOf(db: Kysely<unknown>, kind: ServerContext['dbKind'], prefix: string, asking: string): Promise<string | null> {
  const claim = await sql<{ kiosk_id: string }>`SELECT kiosk_id FROM invoice_series WHERE prefix = ${prefix}`.execute(db);
  if (claim.rows[0]) return claim.rows[0].kiosk_id;
  const number = kind === 'postgres' ? sql`((payload::jsonb) -> 'document' ->> 'number')` : sql`json_extract(payload, '$.document.number')`;
  const used = await sql<{ kiosk_id: string }>`SELECT kiosk_id FROM sync_events WHERE type = 'invoice.issued' AND kiosk_id <> ${asking}
    AND (${number} LIKE ${`${prefix}I/%`} OR ${number} LIKE ${`${prefix}C/%`}) LIMIT 1`.execute(db);
  return used.rows[0]?.kiosk_id ?? null;
}

export function registerInvoiceSeriesRoute(app: FastifyInstance, ctx: ServerContext): void {
  const auth = kioskAuthenticator(ctx);
  const db = ctx.db as unknown as Kysely<unknown>;
  ctx.routes.add({ method: 'POST', url: '/kiosk/v1/invoice-series/claim', summary: 'Claim an invoice series prefix for this gate (refused when another gate holds it)', tag: 'kiosk', auth: 'kiosk', body: claimBody });
  app.post('/kiosk/v1/invoice-series/claim', async (req) => {
    const kioskId = await auth(req);
    const { prefix } = parseJson(req.body, claimBody);
    const taken = async () => {
      const holder = await holderOf(db, ctx.dbKind, prefix, kioskId);
      if (holder && holder !== kioskId) {
        const name = await sql<{ name: string }>`SELECT name FROM kiosks WHERE id = ${holder}`.execute(db);
        throw new AppError('CONFLICT', `The invoice series ${prefix} is used by ${name.rows[0]?.name ?? 'another gate'}. Choose another prefix for this gate.`, { reason: 'SERIES_TAKEN', prefix });
      }
      return holder === kioskId;
    };
    if (await taken()) return ok({ prefix, kioskId });
    // Two gates claiming at once: the primary key lets one in; the other is told who holds it.
    await sql`INSERT INTO invoice_series (prefix, kiosk_id, claimed_at) VALUES (${prefix}, ${kioskId}, ${ctx.clock.now()}) ON CONFLICT (prefix) DO NOTHING`.execute(db);
    await taken();
    return ok({ prefix, kioskId });
  });
}
