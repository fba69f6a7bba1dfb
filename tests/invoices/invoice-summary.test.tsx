// @vitest-environment jsdom
/** The tax invoice of a paid exit on screen, with the same facts as the printed receipt. */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvoiceSummary } from '../../src-renderer/components/InvoiceSummary.js';
import { installBridge, loginAs, resetStores } from '../renderer/harness.js';

beforeEach(() => {
  resetStores();
  loginAs('CASHIER');
});
afterEach(cleanup);

const doc = {
  id: 'd1', kind: 'TAX_INVOICE', number: 'G01I/2627/000001', supplyType: 'B2C', kioskId: 'k', sessionId: 's1', paymentId: 'p1',
  issuedAt: '2026-12-03T09:00:00.000Z', day: '2026-12-03',
  supplier: { legalName: 'Fort Parking', address: 'Mumbai', stateName: 'Maharashtra', stateCode: '27', gstin: '27AAPFU0939F1ZV' },
  buyerGstin: null, buyerName: null, placeOfSupply: '27', sac: '996743', rateBp: 1800, inclusive: true,
  taxablePaise: 16949, cgstPaise: 1526, sgstPaise: 1525, igstPaise: 0, totalPaise: 20000, refersTo: null, refersToNumber: null, reason: null,
  token: 'T'.repeat(43),
};

describe('invoice on screen', () => {
  it('number, GSTIN, taxable value, CGST and SGST, total, e-receipt address', async () => {
    installBridge({ 'invoices.forSession': () => ({ invoice: doc, creditNotes: [] }), 'settings.get': () => ({ serverUrl: 'https://pg.example' }) });
    render(<InvoiceSummary sessionId="s1" />);
    const box = await screen.findByTestId('invoice-summary');
    expect(box.textContent).toContain('Tax invoice');
    expect(box.textContent).toContain('G01I/2627/000001');
    expect(box.textContent).toContain('27AAPFU0939F1ZV');
    expect(box.textContent).toContain('CGST 9%');
    expect(box.textContent).toContain('SGST 9%');
    expect(box.textContent).toMatch(/169\.49/);
    expect(box.textContent).toMatch(/15\.26/);
    expect(await screen.findByText(`E-receipt: https://pg.example/r/${doc.token}`)).toBeTruthy();
  });

  it('IGST for another state; nothing when there is no document', async () => {
    installBridge({ 'invoices.forSession': () => ({ invoice: { ...doc, supplyType: 'B2B', buyerName: 'Acme', buyerGstin: '29AAGCB7383J1Z4', placeOfSupply: '29', cgstPaise: 0, sgstPaise: 0, igstPaise: 3051 }, creditNotes: [] }), 'settings.get': () => ({ serverUrl: null }) });
    const { unmount } = render(<InvoiceSummary sessionId="s1" />);
    const box = await screen.findByTestId('invoice-summary');
    expect(box.textContent).toContain('IGST 18%');
    expect(box.textContent).toContain('Acme (29AAGCB7383J1Z4)');
    expect(box.textContent).not.toContain('CGST');
    unmount();
    installBridge({ 'invoices.forSession': () => ({ invoice: null, creditNotes: [] }), 'settings.get': () => ({ serverUrl: null }) });
    render(<InvoiceSummary sessionId="s2" />);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('invoice-summary')).toBeNull();
  });
});
