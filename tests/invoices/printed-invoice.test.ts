/**
 * The tax invoice printed on the exit receipt, read back from the printer simulator (its own
 * ESC/POS interpreter): every Rule 46 field a thermal invoice carries, and the e-receipt QR
 * decoded from the rendered paper to the server's /r/<token> address.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderPaper } from '../../src-sim/printer/paper.js';
import { startPrinterSim, type PrinterSim } from '../../src-sim/printer/sim.js';
import { decodeQr } from '../print/helpers.js';
import { BUYER_OTHER_STATE, FACILITY_GSTIN, startInvoiceKiosk, type InvoiceKiosk } from './helpers.js';

let k: InvoiceKiosk;
let sim: PrinterSim;
beforeEach(async () => {
  sim = await startPrinterSim({ paperWidth: 80 });
  k = await startInvoiceKiosk();
  const admin = await k.login('admin');
  await k.call('print.configure', { driver: 'tcp', host: '127.0.0.1', port: sim.tcpPort, paperWidth: 80 }, admin);
  await k.call('settings.update', { serverUrl: 'http://127.0.0.1:9', kioskId: 'gate-1', kioskSecret: 'secret-secret-1' }, admin);
});
afterEach(async () => {
  await k.close();
  await sim.close();
});

const norm = (lines: string[]) => lines.map((l) => l.trim().replace(/\s+/g, ' '));

describe('printed tax invoice', () => {
  it('B2B: supplier, GSTINs, number, date, place of supply, SAC, taxable value, rate, IGST, total, signature, e-receipt QR', async () => {
    const a = await k.paidExit('MH02AB0001', '2026-12-03T04:00:00Z', '2026-12-03T10:00:00Z', { buyer: { gstin: BUYER_OTHER_STATE, name: 'Acme Karnataka Pvt Ltd' } });
    const page = (await sim.waitForPages(2)).find((p) => p.text.some((l) => l.includes('PARKING RECEIPT')))!;
    const lines = norm(page.text);
    const sup = await k.login('supervisor');
    const inv = (await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).invoice;
    for (const expected of [
      'TAX INVOICE', 'Fort Parking Services LLP', '1 Marine Drive, Mumbai 400020', `GSTIN ${FACILITY_GSTIN}`,
      `Invoice no. ${inv.number}`, 'Invoice date 2026-12-03', 'Buyer Acme Karnataka Pvt Ltd', `Buyer GSTIN ${BUYER_OTHER_STATE}`,
      'Place of supply 29-Karnataka', 'Reverse charge No', 'SAC 996743 Parking services', 'Taxable value Rs 203.39',
      'IGST 18% Rs 36.61', 'Invoice total Rs 240.00',
    ]) expect(lines, `${expected} in\n${lines.join('\n')}`).toContain(expected);
    expect(lines).toEqual(expect.arrayContaining(['For Fort Parking Services LLP', 'Authorised signatory (computer-generated)']));
    expect(await decodeQr(renderPaper(page.items, 576))).toEqual([`http://127.0.0.1:9/r/${inv.token}`]);
  });

  it('B2C within the state: CGST and SGST at half the rate each; a small receipt says where it is invoiced', async () => {
    await k.paidExit('MH02AB0002', '2026-12-03T04:00:00Z', '2026-12-03T09:00:00Z'); // Rs 200
    await k.paidExit('MH02AB0003', '2026-12-03T04:00:00Z', '2026-12-03T05:00:00Z'); // Rs 40
    // The queue prints oldest first by the (fake) clock: find the receipts by vehicle.
    const pages = await sim.waitForPages(4);
    const receipt = (v: string) => norm(pages.find((p) => p.text.some((l) => l.includes('PARKING RECEIPT')) && p.text.some((l) => l.includes(v)))!.text);
    const b2c = receipt('MH02AB0002');
    expect(b2c).toEqual(expect.arrayContaining(['Taxable value Rs 169.49', 'CGST 9% Rs 15.26', 'SGST 9% Rs 15.25', 'Invoice total Rs 200.00', 'Place of supply 27-Maharashtra']));
    const small = receipt('MH02AB0003');
    expect(small).toEqual(expect.arrayContaining(['RECEIPT (no invoice below Rs 200)', "Invoiced in day's consolidated invoice", 'Invoice total Rs 40.00']));
  });
});
