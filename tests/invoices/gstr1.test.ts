/**
 * The month's GSTR-1 CSV against the daily reports: over a month of exits (B2C invoices, small
 * receipts and their consolidated invoices, B2B in and out of the state, credit notes) the
 * return's net taxable value and taxes equal the daily reports' tax lines summed over the days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUYER_OTHER_STATE, BUYER_SAME_STATE, startInvoiceKiosk, type InvoiceKiosk } from './helpers.js';

let k: InvoiceKiosk;
let csv: string;
const dailySum = { taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, igstPaise: 0 };

/** The rows of one titled block of the CSV. */
function block(title: string): string[][] {
  const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
  const start = lines.indexOf(title);
  const out: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i] !== ''; i++) out.push(lines[i]!.split(','));
  return out;
}
const paise = (rupees: string) => Math.round(Number(rupees) * 100);

beforeAll(async () => {
  k = await startInvoiceKiosk();
  const days = ['2026-12-01', '2026-12-02', '2026-12-15', '2026-12-31'];
  for (const [i, day] of days.entries()) {
    const at = (h: number) => `${day}T${String(h).padStart(2, '0')}:00:00Z`;
    await k.paidExit(`MH03A${i}001`, at(3), at(4)); // Rs 40: receipt
    await k.paidExit(`MH03A${i}002`, at(3), at(6)); // Rs 120: receipt
    const big = await k.paidExit(`MH03A${i}003`, at(3), at(10)); // Rs 280: B2C invoice
    const b2b = await k.paidExit(`MH03A${i}004`, at(3), at(5), { buyer: { gstin: i % 2 ? BUYER_SAME_STATE : BUYER_OTHER_STATE, name: 'Buyer Co' } });
    if (i === 1 || i === 2) {
      const sup = await k.login('supervisor');
      const invoiceOf = async (s: string) => (await k.call('invoices.forSession', { sessionId: s }, sup)).invoice.id;
      await k.call('invoices.creditNote', { invoiceId: await invoiceOf(i === 1 ? big.sessionId : b2b.sessionId), amountPaise: 4000, reason: 'one hour waived' }, sup);
    }
  }
  // The 31st's receipts are consolidated when the day is over.
  await k.setClock('2027-01-01T02:00:00Z');
  const sup = await k.login('supervisor');
  await k.call('invoices.consolidate', { day: '2026-12-31' }, sup);
  for (const day of days) {
    const r = await k.call('reports.daily', { date: day }, sup);
    for (const key of Object.keys(dailySum) as (keyof typeof dailySum)[]) dailySum[key] += r.tax.total[key];
  }
  csv = (await k.call('reports.gstr1', { month: '2026-12' }, sup)).csv;
}, 240_000);
afterAll(async () => { await k.close(); });

describe('GSTR-1 export', () => {
  it('HSN/SAC summary net totals equal the daily reports summed over the month', () => {
    const hsn = block('hsn');
    expect(hsn).toHaveLength(1);
    const [sac, , uqc, , , rate, taxable, igst, cgst, sgst] = hsn[0]!;
    expect([sac, uqc, rate]).toEqual(['996743', 'NA', '18']);
    expect({ taxablePaise: paise(taxable!), igstPaise: paise(igst!), cgstPaise: paise(cgst!), sgstPaise: paise(sgst!) }).toEqual(dailySum);
    expect(dailySum.taxablePaise).toBeGreaterThan(0);
  });

  it('b2b + b2cs - cdnr equals the same totals; B2B rows carry the buyer GSTIN and place of supply', () => {
    const b2b = block('b2b');
    expect(b2b).toHaveLength(4);
    expect(b2b.map((r) => r[5])).toEqual(['29-Karnataka', '27-Maharashtra', '29-Karnataka', '27-Maharashtra']);
    expect(b2b[0]!.slice(0, 2)).toEqual([BUYER_OTHER_STATE, 'Buyer Co']);
    expect(b2b[0]![3]).toBe('01-Dec-2026');
    const b2cs = block('b2cs');
    expect(b2cs.map((r) => [r[0], r[1], r[3]])).toEqual([['OE', '27-Maharashtra', '18']]);
    const cdnr = block('cdnr');
    expect(cdnr).toHaveLength(1);
    const taxable = b2b.reduce((a, r) => a + paise(r[11]!), 0) + paise(b2cs[0]![4]!) - paise(cdnr[0]![12]!);
    expect(taxable).toBe(dailySum.taxablePaise);
  });

  it('document series: invoices and credit notes, first and last numbers, counts, nothing cancelled', () => {
    const docs = block('docs');
    // Per day: 1 B2C + 1 B2B + 1 consolidated = 12 invoices; 2 credit notes.
    expect(docs).toEqual([
      ['Invoices for outward supply', 'G01I/2627/000001', 'G01I/2627/000012', '12', '0', ''],
      ['Credit Note', 'G01C/2627/000001', 'G01C/2627/000002', '2', '0', ''],
    ]);
  });
});
