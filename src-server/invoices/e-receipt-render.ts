/** The e-receipt as an HTML page and as a PDF (pdfkit), from the same lines. */
import PDFDocument from 'pdfkit';
import type { TaxDocument } from '../../src-shared/contracts/invoices.js';
import { eReceiptLines } from './e-receipt-lines.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function eReceiptHtml(doc: TaxDocument, pdfHref: string): string {
  const l = eReceiptLines(doc);
  const rows = l.fields.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(l.title)} ${esc(doc.number ?? '')}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:1rem auto;padding:0 1rem}th{text-align:left;padding-right:1rem}</style></head>
<body><h1>${esc(l.title)}</h1>${l.supplier.map((s) => `<p>${esc(s)}</p>`).join('')}<table>${rows}</table>
<p>${esc(l.signature)}</p><p><a href="${esc(pdfHref)}">PDF</a></p></body></html>`;
}

export function eReceiptPdf(doc: TaxDocument): Promise<Buffer> {
  const l = eReceiptLines(doc);
  const pdf = new PDFDocument({ size: 'A5', margin: 36, info: { Title: `${l.title} ${doc.number ?? ''}` } });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.font('Helvetica-Bold').fontSize(16).text(l.title);
  pdf.moveDown(0.5).font('Helvetica').fontSize(10);
  for (const s of l.supplier) pdf.text(s);
  pdf.moveDown();
  for (const [k, v] of l.fields) pdf.font('Helvetica-Bold').text(`${k}: `, { continued: true }).font('Helvetica').text(v);
  pdf.moveDown().text(l.signature);
  pdf.end();
  return done;
}
