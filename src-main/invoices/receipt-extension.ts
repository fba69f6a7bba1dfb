/**
 * The tax invoice on the exit receipt, through the receipt template's insertion points:
 * afterHeader: the document's title, supplier (legal name, address, GSTIN), number and date,
 * the buyer for B2B, the place of supply; afterAmounts: SAC, taxable value, rate and each tax;
 * footer: the signature line and the e-receipt QR (when a central server serves e-receipts).
 * The invoice fields are in English whatever the print language: they are the legal document.
 */
import type { TaxDocument } from '../../src-shared/contracts/invoices.js';
import { GST_STATE_CODES } from '../../src-shared/domain/gstin.js';
import { paiseToRupeesString } from '../../src-shared/domain/money.js';
import { formatRate } from '../../src-shared/domain/tax-split.js';
import type { Block } from '../print/templates/blocks.js';
import { pair, qr, rule, text } from '../print/templates/blocks.js';
import type { ReceiptExtensions } from '../print/templates/receipt.js';
import type { ServiceContext } from '../services/context.js';
import { getSettings } from '../services/settings.js';
import { documentView, sessionDocumentRow } from './documents.js';

const rs = (p: number) => `Rs ${paiseToRupeesString(p)}`;

export function documentTitle(doc: TaxDocument): string {
  if (doc.kind === 'RECEIPT') return 'RECEIPT (no invoice below Rs 200)';
  if (doc.kind === 'CREDIT_NOTE') return 'CREDIT NOTE';
  return 'TAX INVOICE';
}

/** The e-receipt address of a document, or null when no central server is set. */
export function eReceiptUrl(serverUrl: string | null, doc: Pick<TaxDocument, 'token'>): string | null {
  return serverUrl ? `${serverUrl}/r/${doc.token}` : null;
}

export function invoiceBlocks(doc: TaxDocument, url: string | null): ReceiptExtensions {
  const pos = `${doc.placeOfSupply}-${GST_STATE_CODES[doc.placeOfSupply] ?? ''}`;
  const afterHeader: Block[] = [
    text(documentTitle(doc), { align: 'center', bold: true }),
    text(doc.supplier.legalName, { align: 'center' }),
    text(doc.supplier.address, { align: 'center', small: true }),
    text(`GSTIN ${doc.supplier.gstin}`, { align: 'center', bold: true }),
    pair(doc.number ? (doc.kind === 'CREDIT_NOTE' ? 'Credit note no.' : 'Invoice no.') : 'Invoiced in', doc.number ?? 'day\'s consolidated invoice'),
    pair('Invoice date', doc.day),
  ];
  if (doc.refersToNumber) afterHeader.push(pair(doc.kind === 'RECEIPT' ? 'Consolidated invoice' : 'Against invoice', doc.refersToNumber));
  if (doc.supplyType === 'B2B') afterHeader.push(pair('Buyer', doc.buyerName ?? ''), pair('Buyer GSTIN', doc.buyerGstin ?? ''));
  afterHeader.push(pair('Place of supply', pos), pair('Reverse charge', 'No'));
  const half = formatRate(doc.rateBp / 2);
  const afterAmounts: Block[] = [
    rule,
    pair(`SAC ${doc.sac}`, 'Parking services'),
    pair('Taxable value', rs(doc.taxablePaise)),
    ...(doc.placeOfSupply !== doc.supplier.stateCode
      ? [pair(`IGST ${formatRate(doc.rateBp)}`, rs(doc.igstPaise))]
      : [pair(`CGST ${half}`, rs(doc.cgstPaise)), pair(`SGST ${half}`, rs(doc.sgstPaise))]),
    pair('Invoice total', rs(doc.totalPaise), true),
    text(doc.inclusive ? 'Fee includes GST' : 'GST added to the fee', { small: true }),
  ];
  const footer: Block[] = [
    text(`For ${doc.supplier.legalName}`, { align: 'center', small: true }),
    text('Authorised signatory (computer-generated)', { align: 'center', small: true }),
  ];
  if (url) footer.push(text('e-receipt (scan)', { align: 'center' }), qr(url));
  return { afterHeader, afterAmounts, footer };
}

/** PrintService's `extendReceipt`: the session's document, if it has one. */
export function invoiceReceiptExtension(ctx: ServiceContext, sessionId: string): ReceiptExtensions {
  const row = sessionDocumentRow(ctx, sessionId);
  if (!row) return {};
  const doc = documentView(ctx, row);
  return invoiceBlocks(doc, eReceiptUrl(getSettings(ctx).serverUrl ?? null, doc));
}
