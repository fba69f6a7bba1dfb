/** Reading tax documents: row -> the shared TaxDocument shape. */
import type { TaxDocument } from '../../src-shared/contracts/invoices.js';
import type { ServiceContext } from '../services/context.js';
import type { TaxDocumentRow } from '../store/schema.js';

export function toTaxDocument(row: TaxDocumentRow, refersToNumber: string | null = null): TaxDocument {
  return {
    id: row.id, kind: row.kind, number: row.number, supplyType: row.supply_type, kioskId: row.kiosk_id,
    sessionId: row.session_id, paymentId: row.payment_id, issuedAt: new Date(row.issued_at).toISOString(), day: row.day,
    supplier: JSON.parse(row.supplier) as TaxDocument['supplier'],
    buyerGstin: row.buyer_gstin, buyerName: row.buyer_name, placeOfSupply: row.place_of_supply, sac: row.sac,
    rateBp: row.rate_bp, inclusive: row.inclusive === 1, taxablePaise: row.taxable_paise, cgstPaise: row.cgst_paise,
    sgstPaise: row.sgst_paise, igstPaise: row.igst_paise, totalPaise: row.total_paise, refersTo: row.refers_to,
    refersToNumber, reason: row.reason, token: row.token,
    ...(row.lost_ticket_fee_paise != null ? { lostTicketFeePaise: row.lost_ticket_fee_paise } : {}),
  };
}

export function documentRow(ctx: ServiceContext, id: string): TaxDocumentRow | undefined {
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('tax_documents').selectAll().where('id', '=', id));
}

export function documentView(ctx: ServiceContext, row: TaxDocumentRow): TaxDocument {
  const ref = row.refers_to ? documentRow(ctx, row.refers_to) : undefined;
  return toTaxDocument(row, ref?.number ?? null);
}

/** The session's invoice or small receipt (not its credit notes). */
export function sessionDocumentRow(ctx: ServiceContext, sessionId: string): TaxDocumentRow | undefined {
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('tax_documents').selectAll().where('session_id', '=', sessionId).where('kind', 'in', ['TAX_INVOICE', 'RECEIPT']));
}
