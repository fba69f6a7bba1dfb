/**
 * The e-receipt at an unguessable address: GET /r/<token> (a page) and /r/<token>.pdf. The
 * token is 32 random bytes (base64url) made by the kiosk with the document; an unknown or
 * malformed token is a plain 404, the same for both, so addresses cannot be probed.
 */
import type { FastifyInstance } from 'fastify';
import type { TaxDocument } from '../../src-shared/contracts/invoices.js';
import { eReceiptHtml, eReceiptPdf } from './e-receipt-render.js';

export type DocumentByToken = (token: string) => Promise<TaxDocument | null>;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function registerEReceiptRoutes(app: FastifyInstance, byToken: DocumentByToken): void {
  app.get<{ Params: { token: string } }>('/r/:token', async (req, reply) => {
    const raw = req.params.token;
    const pdf = raw.endsWith('.pdf');
    const token = pdf ? raw.slice(0, -4) : raw;
    const doc = TOKEN.test(token) ? await byToken(token) : null;
    reply.header('Cache-Control', 'private, no-store').header('Referrer-Policy', 'no-referrer');
    if (!doc) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    if (pdf) return reply.type('application/pdf').header('Content-Disposition', `inline; filename="invoice-${(doc.number ?? 'receipt').replace(/\//g, '-')}.pdf"`).send(await eReceiptPdf(doc));
    return reply.type('text/html; charset=utf-8').send(eReceiptHtml(doc, `/r/${token}.pdf`));
  });
}
