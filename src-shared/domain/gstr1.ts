/**
 * The month's documents in the shape GSTR-1 asks for, as one CSV with a titled block per table
 * of the return (the GST offline tool's sheet names): b2b (B2B invoices), b2cs (B2C supplies
 * summed by place of supply and rate, net of their credit notes), cdnr (credit notes to
 * registered buyers), hsn (the SAC summary), docs (document series issued: first, last, count,
 * cancelled). Receipts below Rs 200 are inside their consolidated invoice, never counted twice.
 */
import type { TaxDocument } from '../contracts/invoices.js';
import { GST_STATE_CODES } from './gstin.js';
import { parseInvoiceNumber } from './invoice-number.js';
import { paiseToRupeesString } from './money.js';
import { csvCell, type Cell } from './csv-cell.js';

export interface Gstr1Totals { taxablePaise: number; cgstPaise: number; sgstPaise: number; igstPaise: number; totalPaise: number }

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const gstDate = (day: string) => `${day.slice(8, 10)}-${MONTHS[Number(day.slice(5, 7)) - 1]}-${day.slice(0, 4)}`;
const pos = (code: string) => `${code}-${GST_STATE_CODES[code] ?? ''}`;
const rs = (p: number) => paiseToRupeesString(p);
const rate = (bp: number) => (bp / 100).toFixed(2).replace(/\.?0+$/, '');

/** Invoices and credit notes that count in the return (receipts are in their consolidated invoice). */
export function returnDocuments(docs: TaxDocument[]): TaxDocument[] {
  return docs.filter((d) => d.kind !== 'RECEIPT');
}

/** Net totals of the month: invoices less credit notes. */
export function gstr1Totals(docs: TaxDocument[]): Gstr1Totals {
  const t: Gstr1Totals = { taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, igstPaise: 0, totalPaise: 0 };
  for (const d of returnDocuments(docs)) {
    const sign = d.kind === 'CREDIT_NOTE' ? -1 : 1;
    t.taxablePaise += sign * d.taxablePaise; t.cgstPaise += sign * d.cgstPaise; t.sgstPaise += sign * d.sgstPaise;
    t.igstPaise += sign * d.igstPaise; t.totalPaise += sign * d.totalPaise;
  }
  return t;
}

function block(title: string, header: string[], rows: Cell[][], numeric: Set<number>): string[] {
  return [csvCell(title), header.map((h) => csvCell(h)).join(','), ...rows.map((r) => r.map((c, i) => csvCell(c, numeric.has(i) ? 'number' : 'text')).join(',')), ''];
}

export function gstr1Csv(docs: TaxDocument[]): string {
  const ret = returnDocuments(docs);
  const lines: string[] = [];
  const b2b = ret.filter((d) => d.supplyType === 'B2B' && d.kind !== 'CREDIT_NOTE');
  lines.push(...block('b2b', ['GSTIN/UIN of Recipient', 'Receiver Name', 'Invoice Number', 'Invoice date', 'Invoice Value', 'Place Of Supply', 'Reverse Charge', 'Applicable % of Tax Rate', 'Invoice Type', 'E-Commerce GSTIN', 'Rate', 'Taxable Value', 'Integrated Tax', 'Central Tax', 'State/UT Tax', 'Cess Amount'],
    b2b.map((d) => [d.buyerGstin, d.buyerName, d.number, gstDate(d.day), rs(d.totalPaise), pos(d.placeOfSupply), 'N', '', 'Regular B2B', '', rate(d.rateBp), rs(d.taxablePaise), rs(d.igstPaise), rs(d.cgstPaise), rs(d.sgstPaise), '0.00']),
    new Set([4, 10, 11, 12, 13, 14, 15])));

  const b2cs = new Map<string, Gstr1Totals & { pos: string; rateBp: number }>();
  for (const d of ret.filter((x) => x.supplyType === 'B2C')) {
    const key = `${d.placeOfSupply}|${d.rateBp}`;
    const s = b2cs.get(key) ?? { pos: d.placeOfSupply, rateBp: d.rateBp, taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, igstPaise: 0, totalPaise: 0 };
    const sign = d.kind === 'CREDIT_NOTE' ? -1 : 1;
    s.taxablePaise += sign * d.taxablePaise; s.cgstPaise += sign * d.cgstPaise; s.sgstPaise += sign * d.sgstPaise; s.igstPaise += sign * d.igstPaise; s.totalPaise += sign * d.totalPaise;
    b2cs.set(key, s);
  }
  lines.push(...block('b2cs', ['Type', 'Place Of Supply', 'Applicable % of Tax Rate', 'Rate', 'Taxable Value', 'Integrated Tax', 'Central Tax', 'State/UT Tax', 'Cess Amount', 'E-Commerce GSTIN'],
    [...b2cs.values()].map((s) => ['OE', pos(s.pos), '', rate(s.rateBp), rs(s.taxablePaise), rs(s.igstPaise), rs(s.cgstPaise), rs(s.sgstPaise), '0.00', '']),
    new Set([3, 4, 5, 6, 7, 8])));

  const cdnr = ret.filter((d) => d.kind === 'CREDIT_NOTE' && d.supplyType === 'B2B');
  lines.push(...block('cdnr', ['GSTIN/UIN of Recipient', 'Receiver Name', 'Note Number', 'Note Date', 'Note Type', 'Original Invoice Number', 'Place Of Supply', 'Reverse Charge', 'Note Supply Type', 'Note Value', 'Applicable % of Tax Rate', 'Rate', 'Taxable Value', 'Cess Amount'],
    cdnr.map((d) => [d.buyerGstin, d.buyerName, d.number, gstDate(d.day), 'C', d.refersToNumber, pos(d.placeOfSupply), 'N', 'Regular', rs(d.totalPaise), '', rate(d.rateBp), rs(d.taxablePaise), '0.00']),
    new Set([9, 11, 12, 13])));

  const hsn = new Map<string, Gstr1Totals & { sac: string; rateBp: number; count: number }>();
  for (const d of ret) {
    const key = `${d.sac}|${d.rateBp}`;
    const s = hsn.get(key) ?? { sac: d.sac, rateBp: d.rateBp, count: 0, taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, igstPaise: 0, totalPaise: 0 };
    const sign = d.kind === 'CREDIT_NOTE' ? -1 : 1;
    s.taxablePaise += sign * d.taxablePaise; s.cgstPaise += sign * d.cgstPaise; s.sgstPaise += sign * d.sgstPaise; s.igstPaise += sign * d.igstPaise; s.totalPaise += sign * d.totalPaise;
    s.count += d.kind === 'CREDIT_NOTE' ? 0 : 1;
    hsn.set(key, s);
  }
  lines.push(...block('hsn', ['HSN', 'Description', 'UQC', 'Total Quantity', 'Total Value', 'Rate', 'Taxable Value', 'Integrated Tax Amount', 'Central Tax Amount', 'State/UT Tax Amount', 'Cess Amount'],
    [...hsn.values()].map((s) => [s.sac, 'Parking lot services', 'NA', s.count, rs(s.totalPaise), rate(s.rateBp), rs(s.taxablePaise), rs(s.igstPaise), rs(s.cgstPaise), rs(s.sgstPaise), '0.00']),
    new Set([3, 4, 5, 6, 7, 8, 9, 10])));

  const series = new Map<string, { nature: string; numbers: string[]; counters: number[] }>();
  for (const d of ret) {
    const p = d.number ? parseInvoiceNumber(d.number) : null;
    if (!p) continue;
    const key = `${p.prefix}|${p.series}|${p.fyCode}`;
    const s = series.get(key) ?? { nature: p.series === 'CREDIT_NOTE' ? 'Credit Note' : 'Invoices for outward supply', numbers: [], counters: [] };
    s.numbers.push(d.number!); s.counters.push(p.counter);
    series.set(key, s);
  }
  lines.push(...block('docs', ['Nature of Document', 'Sr. No. From', 'Sr. No. To', 'Total Number', 'Cancelled', 'Cancelled numbers'],
    [...series.values()].map((s) => {
      const order = s.numbers.map((n, i) => [n, s.counters[i]!] as const).sort((a, b) => a[1] - b[1]);
      // A number missing between the first and the last of the month would be a cancelled one; numbers are never cancelled, so this stays 0 unless the data is damaged.
      const have = new Set(order.map((o) => o[1]));
      const missing: number[] = [];
      for (let c = order[0]![1]; c <= order[order.length - 1]![1]; c++) if (!have.has(c)) missing.push(c);
      return [s.nature, order[0]![0], order[order.length - 1]![0], order.length + missing.length, missing.length, missing.join(' ')];
    }),
    new Set([3, 4])));
  return `\uFEFF${lines.join('\r\n')}`;
}
