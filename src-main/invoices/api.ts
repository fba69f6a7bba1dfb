/** What the kiosk API calls for tax settings and documents (bound in src-main/api/handlers.ts). */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { BuyerInput, TaxDocument } from '../../src-shared/contracts/invoices.js';
import { istMonthRange } from '../../src-shared/domain/gst-financial-year.js';
import type { ServiceContext } from '../services/context.js';
import { documentView, sessionDocumentRow } from './documents.js';
import { gstr1Csv } from './gstr1.js';
import { listDocuments, recordInvoiceRequest } from './issue.js';

export { consolidateDay, issueCreditNote } from './issue.js';
export { getTaxSettings, updateTaxSettings } from './tax-settings.js';

export function requestInvoice(ctx: ServiceContext, sessionId: string, buyer: BuyerInput): void {
  const { q, db } = ctx.store;
  if (!q.first(db.selectFrom('sessions').select('id').where('id', '=', sessionId))) throw new AppError('NOT_FOUND', 'No such session.');
  recordInvoiceRequest(ctx, sessionId, buyer);
}

export function forSession(ctx: ServiceContext, sessionId: string): { invoice: TaxDocument | null; creditNotes: TaxDocument[] } {
  const { q, db } = ctx.store;
  const row = sessionDocumentRow(ctx, sessionId);
  const notes = q.all(db.selectFrom('tax_documents').selectAll().where('session_id', '=', sessionId).where('kind', '=', 'CREDIT_NOTE').orderBy('issued_at'));
  return { invoice: row ? documentView(ctx, row) : null, creditNotes: notes.map((n) => documentView(ctx, n)) };
}

/** The invoice register of an IST month: every document issued, in order (receipts included, marked). */
export function register(ctx: ServiceContext, month: string): TaxDocument[] {
  return listDocuments(ctx, istMonthRange(month));
}

export function gstr1Export(ctx: ServiceContext, month: string): { fileName: string; mimeType: string; csv: string } {
  return { fileName: `gstr1-${month}.csv`, mimeType: 'text/csv', csv: gstr1Csv(register(ctx, month)) };
}
