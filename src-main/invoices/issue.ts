/**
 * Issuing GST documents (docs/invoices.md), always inside the transaction of the change that
 * causes them, so a document exists exactly when its payment does:
 * - a paid exit: a tax invoice (B2B with the buyer's GSTIN and name, else B2C); a B2C supply
 *   below Rs 200 whose driver did not ask for an invoice gets a receipt (no number) that the
 *   day's consolidated invoice of the gate covers (Section 31(3)(b), Rule 46);
 * - a refund: a credit note referring to the invoice;
 * - a cancelled booking that keeps money, same as an exit; nothing paid, nothing issued.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { BuyerInput, TaxDocument, TaxSettings } from '../../src-shared/contracts/invoices.js';
import { buyerSchema } from '../../src-shared/contracts/invoices.js';
import { financialYearOf, istDay, istDayRange } from '../../src-shared/domain/gst-financial-year.js';
import { isInterState, splitInclusive, splitPaidExclusive, type TaxSplit } from '../../src-shared/domain/tax-split.js';
import { newId, newToken } from '../core/ids.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { creditedPaise } from '../services/session-records.js';
import type { TaxDocumentRow, TaxDocumentsTable } from '../store/schema.js';
import { documentRow, documentView, sessionDocumentRow, toTaxDocument } from './documents.js';
import { lostTicketFeeCharged } from '../print/receipt-numbers.js';
import { nextDocumentNumber } from './numbering.js';
import { getTaxSettings, rateOn } from './tax-settings.js';

/** Rs 200: below this a B2C supply needs no invoice at the time unless the driver asks. */
export const SMALL_SUPPLY_LIMIT_PAISE = 20000;

function supplierOf(s: TaxSettings) {
  return { legalName: s.legalName, address: s.address, stateName: s.stateName, stateCode: s.stateCode, gstin: s.gstin! };
}

function splitFor(s: Pick<TaxSettings, 'inclusive'>, paid: number, rateBp: number, interState: boolean): TaxSplit {
  return s.inclusive ? splitInclusive(paid, rateBp, interState) : splitPaidExclusive(paid, rateBp, interState);
}

function insertDocument(ctx: ServiceContext, row: TaxDocumentsTable): TaxDocument {
  const { q, db } = ctx.store;
  q.run(db.insertInto('tax_documents').values(row));
  const doc = documentView(ctx, row as TaxDocumentRow);
  // Every document goes to the central server (the e-receipt, the facility's returns).
  ctx.outbox.append('invoice.issued', row.id, { document: doc });
  ctx.audit.append({ operatorId: null, action: 'invoice.issued', entityType: 'invoice', entityId: row.id, details: { kind: row.kind, number: row.number, totalPaise: row.total_paise } });
  return doc;
}

/** Stores the driver's invoice request for a session (B2B GSTIN and name, or "invoice wanted"). */
export function recordInvoiceRequest(ctx: ServiceContext, sessionId: string, buyer: BuyerInput): void {
  const parsed = buyerSchema.safeParse(buyer);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', parsed.error.issues.map((i) => i.message).join('; '), { issues: parsed.error.issues });
  const b = parsed.data;
  const { q, db } = ctx.store;
  q.tx(() => {
    if (sessionDocumentRow(ctx, sessionId)) throw new AppError('CONFLICT', 'This session already has its invoice; buyer details can no longer change.');
    const values = { buyer_gstin: b.gstin ?? null, buyer_name: b.name ?? null, want_invoice: b.wantInvoice || b.gstin ? 1 : 0 };
    q.run(db.insertInto('invoice_requests').values({ session_id: sessionId, ...values, created_at: ctx.clock.now() })
      .onConflict((oc) => oc.column('session_id').doUpdateSet(values)));
  });
}

/**
 * The session's invoice or receipt for everything paid on it (called when it completes, in
 * that transaction). Nothing paid (a full exemption or a zero fee): nothing is issued.
 */
export function issueForSession(ctx: ServiceContext, sessionId: string, paymentId: string | null): TaxDocument | null {
  const settings = getTaxSettings(ctx);
  if (!settings.invoicing) return null;
  const existing = sessionDocumentRow(ctx, sessionId);
  if (existing) return documentView(ctx, existing);
  const { q, db } = ctx.store;
  const session = q.first(db.selectFrom('sessions').selectAll().where('id', '=', sessionId));
  if (!session) return null;
  const paid = creditedPaise(ctx, session);
  if (paid <= 0) return null;
  consolidatePastDays(ctx);
  const request = q.first(db.selectFrom('invoice_requests').selectAll().where('session_id', '=', sessionId));
  const now = ctx.clock.now();
  const day = istDay(now);
  const rateBp = rateOn(settings, day);
  const b2b = !!request?.buyer_gstin;
  // Place of supply: a registered buyer's state (its GSTIN), else where the facility is.
  const placeOfSupply = b2b ? request!.buyer_gstin!.slice(0, 2) : settings.stateCode;
  const split = splitFor(settings, paid, rateBp, isInterState(settings.stateCode, placeOfSupply));
  const small = !b2b && request?.want_invoice !== 1 && paid < SMALL_SUPPLY_LIMIT_PAISE;
  const fy = financialYearOf(now);
  const numbered = small ? null : nextDocumentNumber(ctx, settings.seriesPrefix, 'TAX_INVOICE', fy);
  return insertDocument(ctx, {
    id: newId(ctx.clock), kind: small ? 'RECEIPT' : 'TAX_INVOICE', number: numbered?.number ?? null,
    prefix: numbered ? settings.seriesPrefix : null, series: numbered ? 'I' : null, fy_code: fy.code, counter: numbered?.counter ?? null,
    supply_type: b2b ? 'B2B' : 'B2C', kiosk_id: ctx.kioskId, session_id: sessionId, payment_id: paymentId,
    issued_at: now, day, supplier: JSON.stringify(supplierOf(settings)), buyer_gstin: request?.buyer_gstin ?? null,
    buyer_name: request?.buyer_name ?? null, place_of_supply: placeOfSupply, sac: settings.sac, rate_bp: rateBp,
    inclusive: settings.inclusive ? 1 : 0, taxable_paise: split.taxablePaise, cgst_paise: split.cgstPaise,
    sgst_paise: split.sgstPaise, igst_paise: split.igstPaise, total_paise: split.totalPaise,
    refers_to: null, reason: null, token: newToken(), created_at: now, lost_ticket_fee_paise: lostTicketFeeCharged(ctx, sessionId),
  });
}

/**
 * The consolidated invoice of one IST day for this gate: the sum of that day's receipts (their
 * own splits added, so the day's tax equals the receipts' tax to the paisa), one per rate.
 * Idempotent: receipts already covered are skipped.
 */
export function consolidateDay(ctx: ServiceContext, day: string): TaxDocument[] {
  const { q, db } = ctx.store;
  return q.tx(() => {
    const settings = getTaxSettings(ctx);
    const receipts = q.all(db.selectFrom('tax_documents').selectAll()
      .where('kind', '=', 'RECEIPT').where('day', '=', day).where('kiosk_id', '=', ctx.kioskId).where('refers_to', 'is', null)
      .orderBy('issued_at'));
    const byRate = new Map<string, TaxDocumentRow[]>();
    for (const r of receipts) {
      const key = `${r.rate_bp}|${r.place_of_supply}|${r.supplier}`;
      byRate.set(key, [...(byRate.get(key) ?? []), r]);
    }
    const out: TaxDocument[] = [];
    const now = ctx.clock.now();
    // Dated the day it covers (its last instant), numbered in that day's financial year.
    const dayEnd = istDayRange(day).endMs - 1;
    const fy = financialYearOf(dayEnd);
    for (const group of byRate.values()) {
      const first = group[0]!;
      const sum = (k: 'taxable_paise' | 'cgst_paise' | 'sgst_paise' | 'igst_paise' | 'total_paise') => group.reduce((a, r) => a + r[k], 0);
      const numbered = nextDocumentNumber(ctx, settings.seriesPrefix, 'TAX_INVOICE', fy);
      const id = newId(ctx.clock);
      const doc = insertDocument(ctx, {
        id, kind: 'CONSOLIDATED', number: numbered.number, prefix: settings.seriesPrefix, series: 'I', fy_code: fy.code,
        counter: numbered.counter, supply_type: 'B2C', kiosk_id: ctx.kioskId, session_id: null, payment_id: null,
        issued_at: Math.min(now, dayEnd), day, supplier: first.supplier, buyer_gstin: null, buyer_name: null,
        place_of_supply: first.place_of_supply, sac: first.sac, rate_bp: first.rate_bp, inclusive: first.inclusive,
        taxable_paise: sum('taxable_paise'), cgst_paise: sum('cgst_paise'), sgst_paise: sum('sgst_paise'), igst_paise: sum('igst_paise'),
        total_paise: sum('total_paise'), refers_to: null, reason: `${group.length} receipts below Rs 200`, token: newToken(), created_at: now,
      });
      q.run(db.updateTable('tax_documents').set({ refers_to: id }).where('id', 'in', group.map((r) => r.id)));
      out.push(doc);
    }
    return out;
  });
}

/** Consolidates every earlier day that still has receipts on its own (the gate may have been off at midnight). */
export function consolidatePastDays(ctx: ServiceContext): TaxDocument[] {
  const { q, db } = ctx.store;
  const today = istDay(ctx.clock.now());
  const days = q.all(db.selectFrom('tax_documents').select('day').distinct()
    .where('kind', '=', 'RECEIPT').where('refers_to', 'is', null).where('kiosk_id', '=', ctx.kioskId).where('day', '<', today).orderBy('day'));
  return days.flatMap((d) => consolidateDay(ctx, d.day));
}

/**
 * A credit note for a refund of `amountPaise` (tax included) against a tax invoice or a
 * consolidated invoice: same rate and place of supply, its own series, never more than the
 * invoice's total less its earlier credit notes.
 */
export function issueCreditNote(ctx: ServiceContext, actor: Actor | null, invoiceId: string, amountPaise: number, reason: string, refundedPaymentId: string | null = null): TaxDocument {
  const { q, db } = ctx.store;
  return q.tx(() => {
    let invoice = documentRow(ctx, invoiceId);
    if (!invoice) throw new AppError('NOT_FOUND', 'No such invoice.');
    if (invoice.kind === 'RECEIPT') {
      const consolidated = invoice.refers_to ? documentRow(ctx, invoice.refers_to) : undefined;
      if (!consolidated) throw new AppError('CONFLICT', 'This receipt is invoiced in the day\'s consolidated invoice, issued after the day ends; issue the credit note then.');
      invoice = consolidated;
    }
    if (invoice.kind === 'CREDIT_NOTE') throw new AppError('VALIDATION_FAILED', 'A credit note refers to an invoice, not to another credit note.');
    const credited = q.first(db.selectFrom('tax_documents').select((eb) => eb.fn.sum<number>('total_paise').as('t'))
      .where('refers_to', '=', invoice.id).where('kind', '=', 'CREDIT_NOTE'));
    const left = invoice.total_paise - Number(credited?.t ?? 0);
    if (amountPaise > left) {
      throw new AppError('VALIDATION_FAILED', `Only ${(left / 100).toFixed(2)} of invoice ${invoice.number} is left to credit.`, { leftPaise: left });
    }
    const settings = getTaxSettings(ctx);
    const now = ctx.clock.now();
    const fy = financialYearOf(now);
    const split = splitInclusive(amountPaise, invoice.rate_bp, invoice.igst_paise > 0 || invoice.place_of_supply !== JSON.parse(invoice.supplier).stateCode);
    const numbered = nextDocumentNumber(ctx, settings.seriesPrefix, 'CREDIT_NOTE', fy);
    const doc = insertDocument(ctx, {
      id: newId(ctx.clock), kind: 'CREDIT_NOTE', number: numbered.number, prefix: settings.seriesPrefix, series: 'C', fy_code: fy.code,
      counter: numbered.counter, supply_type: invoice.supply_type, kiosk_id: ctx.kioskId, session_id: invoice.session_id,
      payment_id: refundedPaymentId, issued_at: now, day: istDay(now), supplier: invoice.supplier, buyer_gstin: invoice.buyer_gstin,
      buyer_name: invoice.buyer_name, place_of_supply: invoice.place_of_supply, sac: invoice.sac, rate_bp: invoice.rate_bp,
      inclusive: invoice.inclusive, taxable_paise: split.taxablePaise, cgst_paise: split.cgstPaise, sgst_paise: split.sgstPaise,
      igst_paise: split.igstPaise, total_paise: split.totalPaise, refers_to: invoice.id, reason, token: newToken(), created_at: now,
    });
    ctx.audit.append({ operatorId: actor?.operatorId ?? null, action: 'invoice.creditNote', entityType: 'invoice', entityId: doc.id, details: { invoice: invoice.number, amountPaise, reason } });
    return doc;
  });
}

export function listDocuments(ctx: ServiceContext, range: { startMs: number; endMs: number }): TaxDocument[] {
  const { q, db } = ctx.store;
  const rows = q.all(db.selectFrom('tax_documents').selectAll().where('issued_at', '>=', range.startMs).where('issued_at', '<', range.endMs).orderBy('issued_at').orderBy('counter'));
  const numbers = new Map(rows.map((r) => [r.id, r.number]));
  return rows.map((r) => toTaxDocument(r, r.refers_to ? numbers.get(r.refers_to) ?? documentRow(ctx, r.refers_to)?.number ?? null : null));
}
