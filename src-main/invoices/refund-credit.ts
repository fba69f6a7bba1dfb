/**
 * Refunds credit the invoice by themselves: whenever a change is recorded for a session (a
 * supervisor's refund, a cancellation, a refund of a completed exit), every refunded payment
 * that the session's invoice charged gets one credit note for its amount, in the same
 * transaction. A payment that was never invoiced (a late or mismatched UPI payment refunded
 * from the flagged list, a booking refunded before it entered) needs none: it was never a supply.
 * A receipt is credited through its day's consolidated invoice, so until that exists the credit
 * waits; the consolidation timer runs this sweep again.
 */
import type { TaxDocument } from '../../src-shared/contracts/invoices.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { documentRow, sessionDocumentRow } from './documents.js';
import { issueCreditNote } from './issue.js';

export const REFUND_CREDIT_REASON = 'Refund of the payment';

/** Credit notes for the session's refunded, invoiced payments not credited yet (inside a transaction). */
export function creditRefundsOfSession(ctx: ServiceContext, actor: Actor | null, sessionId: string): TaxDocument[] {
  const { q, db } = ctx.store;
  const invoice = sessionDocumentRow(ctx, sessionId);
  // Only the gate that issued the invoice credits it (its own credit note series).
  if (!invoice || invoice.kiosk_id !== ctx.kioskId) return [];
  if (invoice.kind === 'RECEIPT' && !(invoice.refers_to && documentRow(ctx, invoice.refers_to))) return [];
  const session = q.first(db.selectFrom('sessions').select(['entry_at']).where('id', '=', sessionId));
  const refunded = q.all(db.selectFrom('payments').select(['id', 'amount_paise', 'late', 'completed_at'])
    .where('session_id', '=', sessionId).where('status', '=', 'REFUNDED').orderBy('completed_at').orderBy('id'));
  const issued: TaxDocument[] = [];
  for (const p of refunded) {
    // Invoiced: the payment the invoice was issued for, or a pre-payment (before entry) the exit counted.
    const prepaid = p.late === 0 && session?.entry_at != null && p.completed_at != null && p.completed_at <= session.entry_at;
    if (p.id !== invoice.payment_id && !prepaid) continue;
    const done = q.first(db.selectFrom('tax_documents').select('id').where('kind', '=', 'CREDIT_NOTE').where('payment_id', '=', p.id));
    if (done) continue;
    // A credit note given by hand before the refund already took part of the invoice: credit what is left.
    const target = invoice.kind === 'RECEIPT' ? invoice.refers_to! : invoice.id;
    const credited = q.first(db.selectFrom('tax_documents').select((eb) => eb.fn.sum<number>('total_paise').as('t'))
      .where('refers_to', '=', target).where('kind', '=', 'CREDIT_NOTE'));
    const total = documentRow(ctx, target)!.total_paise;
    const amount = Math.min(p.amount_paise, total - Number(credited?.t ?? 0));
    if (amount <= 0) continue;
    issued.push(issueCreditNote(ctx, actor, invoice.id, amount, REFUND_CREDIT_REASON, p.id));
  }
  return issued;
}

/** The sweep of every session with a refunded payment and no credit note for it (the timer, after consolidation). */
export function creditPendingRefunds(ctx: ServiceContext): TaxDocument[] {
  const { q, db } = ctx.store;
  const sessions = q.all(db.selectFrom('payments').select('session_id').distinct()
    .where('status', '=', 'REFUNDED')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('tax_documents').select('id').where('kind', '=', 'CREDIT_NOTE').whereRef('tax_documents.payment_id', '=', 'payments.id')))));
  return sessions.flatMap((s) => creditRefundsOfSession(ctx, null, s.session_id));
}
