/**
 * The fields of a tax document as labelled lines, shared by the e-receipt page and its PDF, in
 * the order of CGST Rule 46: supplier, GSTIN, number and date, recipient (B2B), place of
 * supply, description and SAC, taxable value, rate, each tax, total, reverse charge, signature.
 */
import type { TaxDocument } from '../../src-shared/contracts/invoices.js';
import { GST_STATE_CODES } from '../../src-shared/domain/gstin.js';
import { paiseToRupeesString } from '../../src-shared/domain/money.js';
import { formatRate } from '../../src-shared/domain/tax-split.js';

export interface EReceiptLines { title: string; supplier: string[]; fields: [string, string][]; signature: string }

const rs = (p: number) => `Rs ${paiseToRupeesString(p)}`;

export function eReceiptLines(doc: TaxDocument): EReceiptLines {
  const title = doc.kind === 'CREDIT_NOTE' ? 'Credit note' : doc.kind === 'RECEIPT' ? 'Receipt (invoiced in the day\'s consolidated tax invoice)' : 'Tax invoice';
  const inter = doc.placeOfSupply !== doc.supplier.stateCode;
  const fields: [string, string][] = [
    [doc.kind === 'CREDIT_NOTE' ? 'Credit note number' : 'Invoice number', doc.number ?? '-'],
    ['Invoice date', doc.day],
  ];
  if (doc.refersToNumber) fields.push([doc.kind === 'RECEIPT' ? 'Consolidated invoice' : 'Original invoice', doc.refersToNumber]);
  if (doc.supplyType === 'B2B') fields.push(['Recipient', doc.buyerName ?? ''], ['Recipient GSTIN', doc.buyerGstin ?? '']);
  fields.push(
    ['Place of supply', `${doc.placeOfSupply}-${GST_STATE_CODES[doc.placeOfSupply] ?? ''}`],
    ['Description', 'Parking lot services'],
    ...(doc.lostTicketFeePaise != null ? [['Of which lost-ticket fee', rs(doc.lostTicketFeePaise)] as [string, string]] : []),
    ['SAC', doc.sac],
    ['Taxable value', rs(doc.taxablePaise)],
    ['Rate', formatRate(doc.rateBp)],
    ...(inter
      ? [['IGST', rs(doc.igstPaise)] as [string, string]]
      : [[`CGST ${formatRate(doc.rateBp / 2)}`, rs(doc.cgstPaise)], [`SGST ${formatRate(doc.rateBp / 2)}`, rs(doc.sgstPaise)]] as [string, string][]),
    ['Total', rs(doc.totalPaise)],
    ['Reverse charge', 'No'],
  );
  return {
    title,
    supplier: [doc.supplier.legalName, doc.supplier.address, `${doc.supplier.stateName} (${doc.supplier.stateCode})`, `GSTIN ${doc.supplier.gstin}`],
    fields,
    signature: `Digitally issued for ${doc.supplier.legalName}: authorised signatory`,
  };
}
