/**
 * invoices.sendSms: the session's e-receipt link to the driver's mobile. The central server
 * sends it (it holds the SMS provider key and serves /r/<token>), so the document must have
 * reached it: when the server does not have it yet, the kiosk pushes its outbox and asks once
 * more. Every refusal is typed; nothing changes locally but the audit entry of a sent SMS.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import { MOBILE_PROBLEM, normalizeIndianMobile } from '../../src-shared/domain/indian-mobile.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { sessionDocumentRow } from './documents.js';

export interface EReceiptSmsPort {
  sendEReceiptSms(token: string, mobile: string): Promise<{ requestId: string; url: string }>;
}

/** How long the kiosk waits for its push of the document before it asks the server again. */
const SYNC_WAIT_MS = 8000;

export async function sendInvoiceSms(ctx: ServiceContext, server: EReceiptSmsPort | null, actor: Actor, sessionId: string, mobile: string): Promise<{ sent: true; url: string }> {
  const to = normalizeIndianMobile(mobile);
  if (!to) throw new AppError('VALIDATION_FAILED', MOBILE_PROBLEM, { reason: 'BAD_NUMBER' });
  const doc = sessionDocumentRow(ctx, sessionId);
  if (!doc) throw new AppError('NOT_FOUND', 'This session has no invoice or receipt to send.', { reason: 'NO_DOCUMENT' });
  if (!server) throw new AppError('CONFLICT', 'E-receipts by SMS need the central server, and this kiosk has none.', { reason: 'NO_SERVER' });
  let sent: { requestId: string; url: string };
  try {
    sent = await server.sendEReceiptSms(doc.token, to);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'NOT_FOUND') throw err;
    await pushed(ctx, doc.id);
    sent = await server.sendEReceiptSms(doc.token, to);
  }
  ctx.audit.append({
    operatorId: actor.operatorId, action: 'invoice.smsSent', entityType: 'invoice', entityId: doc.id,
    // The number is the driver's: only its last digits are kept.
    details: { number: doc.number, mobile: `******${to.slice(-4)}`, requestId: sent.requestId },
  });
  return { sent: true, url: sent.url };
}

/** Pushes the outbox and waits until the document's event is acknowledged (or the wait ends). */
async function pushed(ctx: ServiceContext, documentId: string): Promise<void> {
  const { q, db } = ctx.store;
  ctx.sync?.nudge();
  const end = Date.now() + SYNC_WAIT_MS;
  while (Date.now() < end) {
    const row = q.first(db.selectFrom('outbox').select('status').where('type', '=', 'invoice.issued').where('entity_id', '=', documentId));
    if (!row || row.status === 'ACKED') return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
