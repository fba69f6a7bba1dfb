/**
 * The tax lines of the daily report: the day's supplies (tax invoices and small receipts, the
 * receipts being what the next consolidated invoice will sum) less the day's credit notes, in
 * total, per gate and per rate. Consolidated invoices are not counted again here: summed over
 * a month these figures equal the month's GSTR-1 (tests/invoices/gstr1.test.ts).
 */
import type { DailyTax, TaxAmounts } from '../../src-shared/contracts/invoices.js';
import type { ServiceContext } from '../services/context.js';

const zero = (): TaxAmounts => ({ taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, igstPaise: 0, totalPaise: 0, documents: 0 });

export function dailyTax(ctx: ServiceContext, day: string): DailyTax {
  const { q, db } = ctx.store;
  const rows = q.all(db.selectFrom('tax_documents').select(['kind', 'kiosk_id', 'rate_bp', 'taxable_paise', 'cgst_paise', 'sgst_paise', 'igst_paise', 'total_paise'])
    .where('day', '=', day).where('kind', 'in', ['TAX_INVOICE', 'RECEIPT', 'CREDIT_NOTE']));
  const total = zero();
  const byGate = new Map<string, TaxAmounts & { kioskId: string }>();
  const byRate = new Map<number, TaxAmounts & { rateBp: number }>();
  for (const r of rows) {
    const sign = r.kind === 'CREDIT_NOTE' ? -1 : 1;
    const gate = byGate.get(r.kiosk_id) ?? { kioskId: r.kiosk_id, ...zero() };
    const rate = byRate.get(r.rate_bp) ?? { rateBp: r.rate_bp, ...zero() };
    for (const t of [total, gate, rate]) {
      t.taxablePaise += sign * r.taxable_paise; t.cgstPaise += sign * r.cgst_paise; t.sgstPaise += sign * r.sgst_paise;
      t.igstPaise += sign * r.igst_paise; t.totalPaise += sign * r.total_paise; t.documents += 1;
    }
    byGate.set(r.kiosk_id, gate);
    byRate.set(r.rate_bp, rate);
  }
  return { day, total, byGate: [...byGate.values()], byRate: [...byRate.values()].sort((a, b) => a.rateBp - b.rateBp) };
}
