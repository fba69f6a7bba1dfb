/**
 * Invoices on a real kiosk core: every paid exit gets its document inside the payment's
 * transaction; B2C and B2B (buyer GSTIN, other state -> IGST); small receipts and the day's
 * consolidated invoice; credit notes; tax settings validation and the rate schedule.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUYER_OTHER_STATE, BUYER_SAME_STATE, FACILITY_GSTIN, startInvoiceKiosk, type InvoiceKiosk } from './helpers.js';

let k: InvoiceKiosk;
afterEach(async () => { await k.close(); });

describe('tax settings', () => {
  beforeEach(async () => { k = await startInvoiceKiosk({ configure: false }); });

  it('defaults: inclusive 18 %, SAC 996743, no invoicing until the GSTIN and address are given', async () => {
    const sup = await k.login('supervisor');
    const s = await k.call('tax.settings', {}, sup);
    expect(s).toMatchObject({ inclusive: true, sac: '996743', gstin: null, invoicing: false });
    expect(s.rates.at(-1).rateBp).toBe(1800);
  });

  it('a wrong GSTIN is refused with a clear message and changes nothing; only an admin configures', async () => {
    const admin = await k.login('admin');
    const bad = await k.fail('tax.configure', { gstin: '27AAPFU0939F1ZX', legalName: 'X' }, admin);
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.message).toMatch(/check character/i);
    expect((await k.call('tax.settings', {}, admin)).legalName).toBe('');
    const other = await k.fail('tax.configure', { gstin: BUYER_OTHER_STATE, stateCode: '27' }, admin);
    expect(other.message).toMatch(/registered in state 29/);
    const sup = await k.login('supervisor');
    expect((await k.fail('tax.configure', { sac: '996743' }, sup)).code).toBe('FORBIDDEN');
    const ok = await k.call('tax.configure', { gstin: ' 27aapfu0939f1zv ', stateCode: '27', legalName: 'L', address: 'A' }, admin);
    expect(ok).toMatchObject({ gstin: FACILITY_GSTIN, stateName: 'Maharashtra', invoicing: true });
  });

  it('a rate change takes effect from a day, never in the past', async () => {
    const admin = await k.login('admin');
    await k.setClock('2026-12-03T06:00:00Z');
    const past = await k.fail('tax.configure', { rateBp: 1200, rateFrom: '2026-12-02' }, admin);
    expect(past.message).toMatch(/never in the past/);
    const s = await k.call('tax.configure', { rateBp: 1200, rateFrom: '2026-12-10' }, admin);
    expect(s.rates.map((r: any) => [r.from, r.rateBp])).toEqual([['2017-07-01', 1800], ['2026-12-10', 1200]]);
  });
});

describe('documents on paid exits', () => {
  beforeEach(async () => { k = await startInvoiceKiosk(); });

  it('Rs 200 or more: a B2C tax invoice numbered in the gate series; the split sums to what was paid', async () => {
    const a = await k.paidExit('MH01AB0001', '2026-12-03T04:00:00Z', '2026-12-03T09:00:00Z'); // 5 h x Rs 40
    expect(a.paidPaise).toBe(20000);
    const sup = await k.login('supervisor');
    const { invoice } = await k.call('invoices.forSession', { sessionId: a.sessionId }, sup);
    expect(invoice).toMatchObject({
      kind: 'TAX_INVOICE', supplyType: 'B2C', number: 'G01I/2627/000001', placeOfSupply: '27', sac: '996743', rateBp: 1800,
      taxablePaise: 16949, cgstPaise: 1526, sgstPaise: 1525, igstPaise: 0, totalPaise: 20000, day: '2026-12-03',
    });
    expect(invoice.supplier).toMatchObject({ gstin: FACILITY_GSTIN, legalName: 'Fort Parking Services LLP', stateCode: '27' });
    expect(invoice.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const b = await k.paidExit('MH01AB0002', '2026-12-03T04:00:00Z', '2026-12-03T10:00:00Z');
    expect((await k.call('invoices.forSession', { sessionId: b.sessionId }, sup)).invoice.number).toBe('G01I/2627/000002');
    // The event for the central server is in the same outbox as the payment.
    const events = k.kiosk.ctx.store.sqlite.prepare(`SELECT type FROM outbox WHERE type = 'invoice.issued'`).all();
    expect(events).toHaveLength(2);
    // Invoicing leaves the integrity checks and the audit chain whole.
    expect(await k.call('integrity.check', {}, sup)).toMatchObject({ ok: true, findings: [] });
    expect(await k.call('audit.verify', {}, sup)).toMatchObject({ ok: true });
  });

  it('B2B: the buyer\'s GSTIN and name on payCash; another state is IGST', async () => {
    const a = await k.paidExit('MH01AB0003', '2026-12-03T04:00:00Z', '2026-12-03T05:00:00Z', { buyer: { gstin: BUYER_OTHER_STATE, name: 'Acme Karnataka Pvt Ltd' } });
    const sup = await k.login('supervisor');
    const { invoice } = await k.call('invoices.forSession', { sessionId: a.sessionId }, sup);
    // Rs 40, below Rs 200 but B2B: always a numbered tax invoice.
    expect(invoice).toMatchObject({ kind: 'TAX_INVOICE', supplyType: 'B2B', buyerGstin: BUYER_OTHER_STATE, buyerName: 'Acme Karnataka Pvt Ltd', placeOfSupply: '29', taxablePaise: 3390, igstPaise: 610, cgstPaise: 0, sgstPaise: 0, totalPaise: 4000 });
    const b = await k.paidExit('MH01AB0004', '2026-12-03T04:00:00Z', '2026-12-03T05:00:00Z', { buyer: { gstin: BUYER_SAME_STATE, name: 'Reliance' } });
    expect((await k.call('invoices.forSession', { sessionId: b.sessionId }, sup)).invoice).toMatchObject({ cgstPaise: 305, sgstPaise: 305, igstPaise: 0 });
  });

  it('a wrong buyer GSTIN refuses the payment and changes nothing', async () => {
    const cashier = await k.login('cashier');
    await k.setClock('2026-12-03T04:00:00Z');
    await k.call('shifts.open', { openingFloatPaise: 0 }, cashier);
    const s = await k.call('gate.issueTicket', { vehicleNumber: 'MH01AB0005' }, cashier);
    await k.setClock('2026-12-03T05:00:00Z');
    const bad = await k.fail('gate.payCash', { sessionId: s.id, tenderedPaise: 4000, buyer: { gstin: '29AAGCB7383J1Z5', name: 'X' } }, cashier);
    expect(bad.code).toBe('VALIDATION_FAILED');
    const noName = await k.fail('gate.payCash', { sessionId: s.id, tenderedPaise: 4000, buyer: { gstin: BUYER_OTHER_STATE } }, cashier);
    expect(noName.message).toMatch(/name/);
    expect((await k.call('sessions.get', { sessionId: s.id }, cashier)).status).not.toBe('COMPLETED');
  });

  it('below Rs 200 with no invoice asked: a receipt, and the day\'s consolidated invoice per gate covers them', async () => {
    const a = await k.paidExit('MH01AB0006', '2026-12-03T04:00:00Z', '2026-12-03T05:00:00Z'); // Rs 40
    const b = await k.paidExit('MH01AB0007', '2026-12-03T04:00:00Z', '2026-12-03T08:00:00Z'); // Rs 160
    const c = await k.paidExit('MH01AB0008', '2026-12-03T04:00:00Z', '2026-12-03T05:00:00Z', { buyer: { wantInvoice: true } });
    let sup = await k.login('supervisor');
    const ra = (await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).invoice;
    const rb = (await k.call('invoices.forSession', { sessionId: b.sessionId }, sup)).invoice;
    expect(ra).toMatchObject({ kind: 'RECEIPT', number: null, totalPaise: 4000 });
    expect((await k.call('invoices.forSession', { sessionId: c.sessionId }, sup)).invoice).toMatchObject({ kind: 'TAX_INVOICE', number: 'G01I/2627/000001' });
    // Next day, the next payment first consolidates the day before (the gate may have been off at midnight).
    const d = await k.paidExit('MH01AB0009', '2026-12-04T04:00:00Z', '2026-12-04T09:00:00Z');
    sup = await k.login('supervisor');
    const reg = await k.call('invoices.register', { month: '2026-12' }, sup);
    const consolidated = reg.find((x: any) => x.kind === 'CONSOLIDATED');
    expect(consolidated).toMatchObject({
      number: 'G01I/2627/000002', day: '2026-12-03',
      taxablePaise: ra.taxablePaise + rb.taxablePaise, cgstPaise: ra.cgstPaise + rb.cgstPaise, sgstPaise: ra.sgstPaise + rb.sgstPaise, totalPaise: 20000,
    });
    expect(new Date(consolidated.issuedAt).getTime()).toBeLessThan(Date.parse('2026-12-03T18:30:00Z'));
    expect((await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).invoice.refersToNumber).toBe('G01I/2627/000002');
    expect((await k.call('invoices.forSession', { sessionId: d.sessionId }, sup)).invoice.number).toBe('G01I/2627/000003');
    expect(await k.call('invoices.consolidate', { day: '2026-12-03' }, sup)).toEqual([]); // idempotent
  });

  it('a partial refund is a credit note referring to the invoice, never more than is left', async () => {
    const a = await k.paidExit('MH01AB0010', '2026-12-03T04:00:00Z', '2026-12-03T10:00:00Z'); // Rs 240
    const sup = await k.login('supervisor');
    const inv = (await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).invoice;
    const cn = await k.call('invoices.creditNote', { invoiceId: inv.id, amountPaise: 5900, reason: 'barrier fault, 1 h waived' }, sup);
    expect(cn).toMatchObject({ kind: 'CREDIT_NOTE', number: 'G01C/2627/000001', refersTo: inv.id, refersToNumber: inv.number, taxablePaise: 5000, cgstPaise: 450, sgstPaise: 450, totalPaise: 5900 });
    const over = await k.fail('invoices.creditNote', { invoiceId: inv.id, amountPaise: 24000 - 5900 + 1, reason: 'too much' }, sup);
    expect(over.code).toBe('VALIDATION_FAILED');
    const cashier = await k.login('cashier');
    expect((await k.fail('invoices.creditNote', { invoiceId: inv.id, amountPaise: 100, reason: 'nope' }, cashier)).code).toBe('FORBIDDEN');
    expect((await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).creditNotes).toHaveLength(1);
  });

  it('nothing paid (a zero fee inside the grace time): nothing issued; no tax settings: no documents', async () => {
    const cashier = await k.login('cashier');
    await k.setClock('2026-12-03T04:00:00Z');
    const s = await k.call('gate.issueTicket', { vehicleNumber: 'MH01AB0011' }, cashier);
    await k.setClock('2026-12-03T04:05:00Z');
    const q = await k.call('gate.quoteExit', { code: s.code }, cashier);
    expect(q.amountDuePaise).toBe(0);
    await k.call('gate.completeExit', { sessionId: s.id }, cashier);
    const sup = await k.login('supervisor');
    expect((await k.call('invoices.forSession', { sessionId: s.id }, sup)).invoice).toBeNull();
  });

  it('tax-exclusive tariffs: GST is added to the fee at the exit, and the invoice splits it back exactly', async () => {
    const admin = await k.login('admin');
    await k.call('tax.configure', { inclusive: false }, admin);
    const a = await k.paidExit('MH01AB0014', '2026-12-03T04:00:00Z', '2026-12-03T09:00:00Z'); // 5 h x Rs 40 = Rs 200 before tax
    expect(a.paidPaise).toBe(23600);
    const sup = await k.login('supervisor');
    expect((await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).invoice).toMatchObject({
      inclusive: false, taxablePaise: 20000, cgstPaise: 1800, sgstPaise: 1800, totalPaise: 23600,
    });
  });

  it('the series starts again at 1 at midnight IST on 31 March', async () => {
    const a = await k.paidExit('MH01AB0012', '2027-03-31T10:00:00Z', '2027-03-31T18:29:00Z');
    const b = await k.paidExit('MH01AB0013', '2027-03-31T10:00:00Z', '2027-03-31T18:30:00Z');
    const sup = await k.login('supervisor');
    expect((await k.call('invoices.forSession', { sessionId: a.sessionId }, sup)).invoice).toMatchObject({ number: 'G01I/2627/000001', day: '2027-03-31' });
    expect((await k.call('invoices.forSession', { sessionId: b.sessionId }, sup)).invoice).toMatchObject({ number: 'G01I/2728/000001', day: '2027-04-01' });
  });
});

describe('two gates offline', () => {
  it('each gate numbers its own series; together their numbers are unique and each series is 1..N', async () => {
    k = await startInvoiceKiosk();
    const other = await startInvoiceKiosk({ configure: false });
    try {
      const admin = await other.login('admin');
      await other.call('tax.configure', { legalName: 'Fort Parking Services LLP', address: '1 Marine Drive, Mumbai 400020', stateCode: '27', gstin: FACILITY_GSTIN, seriesPrefix: 'G02' }, admin);
      for (let i = 0; i < 3; i++) {
        await k.paidExit(`MH05A${i}001`, '2026-12-03T04:00:00Z', '2026-12-03T10:00:00Z');
        await other.paidExit(`MH05B${i}001`, '2026-12-03T04:00:00Z', '2026-12-03T10:00:00Z');
      }
      const numbers = [k, other].flatMap((g) => (g.kiosk.ctx.store.sqlite.prepare(`SELECT number FROM tax_documents ORDER BY counter`).all() as { number: string }[]).map((r) => r.number));
      expect(numbers).toEqual(['G01I/2627/000001', 'G01I/2627/000002', 'G01I/2627/000003', 'G02I/2627/000001', 'G02I/2627/000002', 'G02I/2627/000003']);
    } finally {
      await other.close();
    }
  });
});
