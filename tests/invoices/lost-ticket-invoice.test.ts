/**
 * A lost ticket's invoice keeps the surcharge as its own line: the document carries the
 * lost-ticket fee the exit charged (kept across a later tariff change), and the e-receipt page
 * and PDF (read back with pdftotext) show it; an invoice of a found ticket has no such line.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eReceiptHtml, eReceiptPdf } from '../../src-server/invoices/e-receipt-render.js';
import { startInvoiceKiosk, type InvoiceKiosk } from './helpers.js';

let k: InvoiceKiosk;
beforeEach(async () => {
  k = await startInvoiceKiosk();
});
afterEach(async () => {
  await k.close();
});

const havePdftotext = spawnSync('pdftotext', ['-v']).status === 0;

describe('the lost-ticket fee on the invoice', () => {
  it('its own line on the document, the e-receipt page and the PDF; none for a found ticket', async () => {
    await k.setClock('2026-12-03T04:00:00Z');
    let cashier = await k.login('cashier');
    await k.call('shifts.open', { openingFloatPaise: 0 }, cashier);
    const s = await k.call('gate.issueTicket', { vehicleNumber: 'MH01LT0001' }, cashier);
    k.kiosk.ctx.store.sqlite.prepare('UPDATE zones SET lost_ticket_fee_paise = 25000 WHERE id = ?').run(s.zoneId);
    await k.setClock('2026-12-03T05:00:00Z');
    cashier = await k.login('cashier');
    const q = await k.call('gate.lostTicket', { vehicleNumber: 'MH01LT0001', proof: 'RC', reason: 'ticket lost' }, cashier);
    await k.call('gate.payCash', { sessionId: s.id, tenderedPaise: q.amountDuePaise }, cashier);
    k.kiosk.ctx.store.sqlite.prepare('UPDATE zones SET lost_ticket_fee_paise = 30000 WHERE id = ?').run(s.zoneId);
    const { invoice } = await k.call('invoices.forSession', { sessionId: s.id }, cashier);
    expect(invoice).toMatchObject({ kind: 'TAX_INVOICE', lostTicketFeePaise: 25000, totalPaise: q.amountDuePaise });

    const html = eReceiptHtml(invoice, '/r/x.pdf');
    expect(html).toMatch(/Of which lost-ticket fee[\s\S]{0,80}Rs 250\.00/);
    if (havePdftotext) {
      const path = join(k.dir, 'invoice.pdf');
      writeFileSync(path, await eReceiptPdf(invoice));
      const text = spawnSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).stdout;
      expect(text).toContain('Of which lost-ticket fee');
      expect(text).toContain('Rs 250.00');
    }

    const found = await k.paidExit('MH01LT0002', '2026-12-03T06:00:00Z', '2026-12-03T12:00:00Z');
    const plain = (await k.call('invoices.forSession', { sessionId: found.sessionId }, await k.login('cashier'))).invoice;
    expect(plain.lostTicketFeePaise).toBeUndefined();
    expect(eReceiptHtml(plain, '/r/y.pdf')).not.toContain('lost-ticket');
  });
});
