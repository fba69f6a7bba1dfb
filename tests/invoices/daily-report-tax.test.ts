/**
 * The daily report's exports carry the GST lines: summary.csv (taxable value, CGST, SGST, IGST,
 * total, documents), tax.csv (per gate and per rate) and the PDF (read back with pdftotext).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pdfMoney } from '../../src-main/reports/pdf.js';
import { startInvoiceKiosk, type InvoiceKiosk } from './helpers.js';

let k: InvoiceKiosk;
beforeEach(async () => {
  k = await startInvoiceKiosk({ kioskId: 'kiosk-gst1' });
});
afterEach(async () => {
  await k.close();
});

const havePdftotext = spawnSync('pdftotext', ['-v']).status === 0;

describe('daily report exports with tax lines', () => {
  it('CSV summary and tax.csv; the PDF shows the GST section', async () => {
    await k.paidExit('MH01DR0001', '2026-12-03T04:00:00Z', '2026-12-03T10:00:00Z'); // Rs 240: 203.39 + 18.31 + 18.30
    await k.paidExit('MH01DR0002', '2026-12-03T04:30:00Z', '2026-12-03T07:30:00Z'); // Rs 120 (a receipt)
    const sup = await k.login('supervisor');
    const report = await k.call('reports.daily', { date: '2026-12-03' }, sup);
    expect(report.tax.total).toMatchObject({ totalPaise: 36000 });
    const t = report.tax.total;

    const zip = await k.call('reports.export', { date: '2026-12-03', format: 'csv' }, sup);
    const files = unzipSync(Buffer.from(zip.base64, 'base64'));
    const file = (name: string) => strFromU8(Object.entries(files).find(([n]) => n.endsWith(`/${name}`))![1]);
    const summary = file('summary.csv');
    const rs = (p: number) => (p / 100).toFixed(2);
    expect(summary).toContain(`tax,taxable_value,${rs(t.taxablePaise)},INR`);
    expect(summary).toContain(`tax,cgst,${rs(t.cgstPaise)},INR`);
    expect(summary).toContain(`tax,sgst,${rs(t.sgstPaise)},INR`);
    expect(summary).toContain('tax,igst,0.00,INR');
    expect(summary).toContain('tax,total,360.00,INR');
    const tax = file('tax.csv').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(tax[0]).toBe('by,key,taxable_inr,cgst_inr,sgst_inr,igst_inr,total_inr,documents');
    expect(tax).toContain(`gate,kiosk-gst1,${rs(t.taxablePaise)},${rs(t.cgstPaise)},${rs(t.sgstPaise)},0.00,360.00,${t.documents}`);
    expect(tax).toContain(`rate,18%,${rs(t.taxablePaise)},${rs(t.cgstPaise)},${rs(t.sgstPaise)},0.00,360.00,${t.documents}`);
    expect(t.taxablePaise + t.cgstPaise + t.sgstPaise + t.igstPaise).toBe(t.totalPaise);

    if (!havePdftotext) return;
    const pdf = await k.call('reports.export', { date: '2026-12-03', format: 'pdf' }, sup);
    const path = join(k.dir, 'report.pdf');
    writeFileSync(path, Buffer.from(pdf.base64, 'base64'));
    const text = spawnSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('GST (supplies less credit notes)');
    // The figures are a grid: the labels on one line, their values on the next.
    expect(text).toContain(`Taxable value (${t.documents} documents)`);
    for (const v of [t.taxablePaise, t.cgstPaise, t.sgstPaise]) expect(text).toContain(pdfMoney(v));
    expect(text).toMatch(/CGST\s+/);
    expect(text).toContain('Gate kiosk-gst1');
    expect(text).toContain('Rate 18%');
  });
});
