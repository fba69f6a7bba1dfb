/**
 * GSTR-1 for the whole facility (one GSTIN, every gate): GET /kiosk/v1/reports/gstr1?month=YYYY-MM
 * (signed; the kiosk checks that a supervisor asks). Built from every gate's synced
 * `invoice.issued` documents of the IST month, with the same arithmetic as a gate's own export
 * (src-shared/domain/gstr1.ts), so the docs block lists each gate's series.
 */
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { taxDocumentSchema, type TaxDocument } from '../../src-shared/contracts/invoices.js';
import { istMonthRange } from '../../src-shared/domain/gst-financial-year.js';
import { gstr1Csv } from '../../src-shared/domain/gstr1.js';
import type { ServerContext } from '../context.js';
import { ok, parseValue } from '../http/envelope.js';
import { kioskAuthenticator } from '../kiosks/request-auth.js';

const monthQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Month as YYYY-MM') }).strict();

/** Every gate's documents issued in the IST month, in issue order (one per document id). */
export async function facilityDocuments(db: Kysely<unknown>, kind: ServerContext['dbKind'], month: string): Promise<TaxDocument[]> {
  const { startMs, endMs } = istMonthRange(month);
  const issuedAt = kind === 'postgres' ? sql`((payload::jsonb) -> 'document' ->> 'issuedAt')` : sql`json_extract(payload, '$.document.issuedAt')`;
  const r = await sql<{ payload: string }>`SELECT payload FROM sync_events WHERE type = 'invoice.issued'
    AND ${issuedAt} >= ${new Date(startMs).toISOString()} AND ${issuedAt} < ${new Date(endMs).toISOString()}`.execute(db);
  const byId = new Map<string, TaxDocument>();
  for (const row of r.rows) {
    const parsed = taxDocumentSchema.safeParse((JSON.parse(row.payload) as { document?: unknown }).document);
    if (parsed.success) byId.set(parsed.data.id, parsed.data);
  }
  return [...byId.values()].sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || (a.number ?? '').localeCompare(b.number ?? ''));
}

export function registerGstr1Route(app: FastifyInstance, ctx: ServerContext): void {
  const auth = kioskAuthenticator(ctx);
  ctx.routes.add({ method: 'GET', url: '/kiosk/v1/reports/gstr1', summary: 'GSTR-1 CSV of the whole facility (every gate) for an IST month', tag: 'kiosk', auth: 'kiosk' });
  app.get('/kiosk/v1/reports/gstr1', async (req) => {
    await auth(req);
    const { month } = parseValue(req.query, monthQuery);
    const docs = await facilityDocuments(ctx.db as unknown as Kysely<unknown>, ctx.dbKind, month);
    return ok({ fileName: `gstr1-${month}-facility.csv`, mimeType: 'text/csv', csv: gstr1Csv(docs), gates: new Set(docs.map((d) => d.kioskId)).size, documents: docs.length });
  });
}
