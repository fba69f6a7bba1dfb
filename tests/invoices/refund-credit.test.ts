/**
 * A refund of invoiced money issues its credit note by itself, in the refund's transaction: the
 * payment of a paid exit marked REFUNDED with a recorded session change (as a supervisor refund
 * records it) gets one credit note for its amount against the invoice; never a second; a receipt
 * waits for its consolidated invoice; a late UPI payment refunded from the flagged list was never
 * invoiced and gets none.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { creditPendingRefunds } from '../../src-main/invoices/refund-credit.js';
import { recordSessionChange } from '../../src-main/services/session-records.js';
import { startInvoiceKiosk, type InvoiceKiosk } from './helpers.js';

let k: InvoiceKiosk;
beforeEach(async () => {
  k = await startInvoiceKiosk();
});
afterEach(async () => {
  await k.close();
});

const SUPERVISOR = { operatorId: 'sup', username: 'supervisor', name: 'Supervisor', role: 'SUPERVISOR' as const };

/** What a refund path does: the payment becomes REFUNDED and the session change is recorded. */
function refund(paymentId: string) {
  const { ctx } = k.kiosk;
  ctx.store.q.tx(() => {
    ctx.store.q.run(ctx.store.db.updateTable('payments').set({ status: 'REFUNDED', updated_at: ctx.clock.now() }).where('id', '=', paymentId));
    const row = ctx.store.q.first(ctx.store.db.selectFrom('payments').selectAll().where('id', '=', paymentId))!;
    recordSessionChange(ctx, SUPERVISOR, 'payment.reviewResolved', row.session_id, { paymentId, action: 'refund' }, row);
  });
}
const paymentOf = (sessionId: string) => k.kiosk.ctx.store.sqlite.prepare(`SELECT id, amount_paise FROM payments WHERE session_id = ? AND status = 'SUCCESS'`).get(sessionId) as { id: string; amount_paise: number };

describe('refunds issue credit notes', () => {
  it('a refunded invoiced payment: one credit note for its amount, referring to the invoice; a repeat changes nothing', async () => {
    const a = await k.paidExit('MH01RF0001', '2026-12-03T04:00:00Z', '2026-12-03T10:00:00Z'); // Rs 240: a tax invoice
    const sup = await k.login('supervisor');
    const { invoice } = await k.call('invoices.forSession', { sessionId: a.sessionId }, sup);
    expect(invoice).toMatchObject({ kind: 'TAX_INVOICE' });
    const pay = paymentOf(a.sessionId);
    refund(pay.id);
    const { creditNotes } = await k.call('invoices.forSession', { sessionId: a.sessionId }, sup);
    expect(creditNotes).toHaveLength(1);
    expect(creditNotes[0]).toMatchObject({
      kind: 'CREDIT_NOTE', number: 'G01C/2627/000001', refersTo: invoice.id, refersToNumber: invoice.number, paymentId: pay.id,
      totalPaise: 24000, taxablePaise: invoice.taxablePaise, cgstPaise: invoice.cgstPaise, sgstPaise: invoice.sgstPaise,
    });
    // Another change on the session (a second decision, a reprint...) issues nothing more.
    k.kiosk.ctx.store.q.tx(() => recordSessionChange(k.kiosk.ctx, SUPERVISOR, 'payment.reviewResolved', a.sessionId, { again: true }));
    expect((await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).creditNotes).toHaveLength(1);
    expect(k.kiosk.ctx.store.q.tx(() => creditPendingRefunds(k.kiosk.ctx))).toEqual([]);
    // The credit note goes to the server like every document.
    const events = k.kiosk.ctx.store.sqlite.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE type = 'invoice.issued' AND entity_id = ?`).get(creditNotes[0].id);
    expect(events).toEqual({ n: 1 });
  });

  it('a cashier\'s void of a completed exit (payments.refund) credits the invoice in the same call', async () => {
    const a = await k.paidExit('MH01RF0009', '2026-12-03T04:00:00Z', '2026-12-03T10:00:00Z');
    const cashier = await k.login('cashier');
    const pay = paymentOf(a.sessionId);
    await k.call('payments.refund', { paymentId: pay.id, reason: 'charged twice', supervisorUsername: 'supervisor', supervisorPin: '2468' }, cashier);
    const sup = await k.login('supervisor');
    const { invoice, creditNotes } = await k.call('invoices.forSession', { sessionId: a.sessionId }, sup);
    expect(creditNotes).toHaveLength(1);
    expect(creditNotes[0]).toMatchObject({ kind: 'CREDIT_NOTE', refersTo: invoice.id, paymentId: pay.id, totalPaise: 24000 });
  });

  it('after a partial credit note by hand, the refund credits only what is left', async () => {
    const a = await k.paidExit('MH01RF0002', '2026-12-03T04:00:00Z', '2026-12-03T10:00:00Z');
    const sup = await k.login('supervisor');
    const { invoice } = await k.call('invoices.forSession', { sessionId: a.sessionId }, sup);
    await k.call('invoices.creditNote', { invoiceId: invoice.id, amountPaise: 5900, reason: 'barrier fault, 1 h waived' }, sup);
    refund(paymentOf(a.sessionId).id);
    const { creditNotes } = await k.call('invoices.forSession', { sessionId: a.sessionId }, sup);
    expect(creditNotes.map((c: { totalPaise: number }) => c.totalPaise)).toEqual([5900, 24000 - 5900]);
  });

  it('a refunded receipt (below Rs 200) is credited against its consolidated invoice once the day is consolidated', async () => {
    const a = await k.paidExit('MH01RF0003', '2026-12-03T04:00:00Z', '2026-12-03T05:00:00Z'); // Rs 40: a receipt
    const sup = await k.login('supervisor');
    expect((await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).invoice).toMatchObject({ kind: 'RECEIPT' });
    refund(paymentOf(a.sessionId).id);
    expect((await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).creditNotes).toEqual([]);
    await k.setClock('2026-12-04T04:00:00Z');
    const sup2 = await k.login('supervisor');
    const [consolidated] = await k.call('invoices.consolidate', { day: '2026-12-03' }, sup2);
    const swept = k.kiosk.ctx.store.q.tx(() => creditPendingRefunds(k.kiosk.ctx));
    expect(swept).toHaveLength(1);
    expect(swept[0]).toMatchObject({ kind: 'CREDIT_NOTE', refersTo: consolidated.id, totalPaise: a.paidPaise });
  });

  it('a late UPI payment refunded from the flagged list was never invoiced: no credit note', async () => {
    const a = await k.paidExit('MH01RF0004', '2026-12-03T04:00:00Z', '2026-12-03T10:00:00Z');
    const { ctx } = k.kiosk;
    const now = ctx.clock.now();
    ctx.store.sqlite.prepare(`INSERT INTO payments (id, session_id, method, status, amount_paise, gateway, gateway_ref, late, review_reason, created_at, completed_at, updated_at)
      VALUES ('late-upi', ?, 'ONLINE', 'SUCCESS', 24000, 'razorpay', 'order_late', 1, 'paid late', ?, ?, ?)`).run(a.sessionId, now, now, now);
    refund('late-upi');
    const sup = await k.login('supervisor');
    expect((await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).creditNotes).toEqual([]);
  });
});
