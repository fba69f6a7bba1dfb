/**
 * The e-receipt routes over real HTTP (Fastify on port 0) for a document issued by a real kiosk
 * core: the page and the PDF, the PDF read back with pdftotext (poppler-utils) showing every
 * Rule 46 field; unknown and malformed tokens are the same 404.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaxDocument } from '../../src-shared/contracts/invoices.js';
import { registerEReceiptRoutes } from '../../src-server/invoices/routes.js';
import { BUYER_OTHER_STATE, FACILITY_GSTIN, startInvoiceKiosk, type InvoiceKiosk } from './helpers.js';

let k: InvoiceKiosk;
let app: FastifyInstance;
let base: string;
let b2b: TaxDocument;
let b2c: TaxDocument;

beforeAll(async () => {
  k = await startInvoiceKiosk();
  const a = await k.paidExit('MH04AB0001', '2026-12-03T04:00:00Z', '2026-12-03T10:00:00Z', { buyer: { gstin: BUYER_OTHER_STATE, name: 'Acme Karnataka Pvt Ltd' } });
  const b = await k.paidExit('MH04AB0002', '2026-12-03T04:00:00Z', '2026-12-03T09:00:00Z');
  const sup = await k.login('supervisor');
  b2b = (await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).invoice;
  b2c = (await k.call('invoices.forSession', { sessionId: b.sessionId }, sup)).invoice;
  const docs = new Map([b2b, b2c].map((d) => [d.token, d]));
  app = Fastify();
  registerEReceiptRoutes(app, async (t) => docs.get(t) ?? null);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await k.close();
});

function pdfText(bytes: ArrayBuffer): string {
  const file = join(k.dir, `r-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, Buffer.from(bytes));
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
}

describe('e-receipt', () => {
  it('the PDF of a B2B invoice shows every Rule 46 field (pdftotext)', async () => {
    const res = await fetch(`${base}/r/${b2b.token}.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(await res.arrayBuffer());
    for (const field of [
      'Tax invoice', 'Fort Parking Services LLP', '1 Marine Drive, Mumbai 400020', 'Maharashtra (27)', `GSTIN ${FACILITY_GSTIN}`,
      `Invoice number: ${b2b.number}`, 'Invoice date: 2026-12-03', 'Recipient: Acme Karnataka Pvt Ltd', `Recipient GSTIN: ${BUYER_OTHER_STATE}`,
      'Place of supply: 29-Karnataka', 'Description: Parking lot services', 'SAC: 996743', 'Taxable value: Rs 203.39', 'Rate: 18%',
      'IGST: Rs 36.61', 'Total: Rs 240.00', 'Reverse charge: No', 'authorised signatory',
    ]) expect(text, field).toContain(field);
  });

  it('the page of a B2C invoice: CGST and SGST, a link to its PDF; not cached', async () => {
    const res = await fetch(`${base}/r/${b2c.token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    expect(html).toContain(`<td>${b2c.number}</td>`);
    expect(html).toContain('<th scope="row">CGST 9%</th><td>Rs 15.26</td>');
    expect(html).toContain('<th scope="row">SGST 9%</th><td>Rs 15.25</td>');
    expect(html).toContain(`href="/r/${b2c.token}.pdf"`);
    const pdf = pdfText(await (await fetch(`${base}/r/${b2c.token}.pdf`)).arrayBuffer());
    expect(pdf).toContain('CGST 9%: Rs 15.26');
  });

  it('an unknown or malformed token is a 404', async () => {
    const unknown = b2b.token.slice(0, -1) + (b2b.token.endsWith('A') ? 'B' : 'A');
    for (const path of [`/r/${unknown}`, `/r/${unknown}.pdf`, '/r/short', '/r/..%2Fetc']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
    }
  });
});
