// @vitest-environment jsdom
/**
 * The exit screen's GST parts with the real kiosk core behind the bridge: the buyer's GSTIN form
 * (a wrong GSTIN is refused by the core's validator with its reason and nothing is stored; a right
 * one makes the cash payment issue a B2B invoice, IGST for another state, shown on screen), and
 * the e-receipt SMS button (sent; each typed failure in English and Hindi).
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuyerGstinForm } from '../../src-renderer/components/BuyerGstinForm.js';
import { EReceiptSms } from '../../src-renderer/components/EReceiptSms.js';
import { InvoiceSummary } from '../../src-renderer/components/InvoiceSummary.js';
import { useLanguage } from '../../src-renderer/stores/language.js';
import { Fail, installBridge, loginAs, resetStores } from '../renderer/harness.js';
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, type Proc } from '../helpers/node-process.js';
import { BUYER_OTHER_STATE, FACILITY_GSTIN } from './helpers.js';

beforeEach(() => {
  resetStores();
  loginAs('CASHIER');
});
afterEach(cleanup);

describe('buyer GSTIN at the exit, with the real core (a kiosk process)', () => {
  let kiosk: Proc;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parkgate-buyer-ui-'));
    kiosk = await startNode(['src-main/cli.ts', 'serve', '--db', join(dir, 'kiosk.db'), '--port', '0', '--fake-clock', '--seed-demo'], {});
  }, 120_000);
  afterEach(async () => {
    try {
      process.kill(-kiosk.child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
    await kiosk.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  const api = async (method: string, input: unknown, token: string | null = null): Promise<any> => {  
    const res = await fetch(`${kiosk.url}/api/v1/${method}`, { method: 'POST', body: JSON.stringify(input ?? {}), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    return res.json();
  };
  const ok = async (method: string, input: unknown, token: string | null = null) => {
    const r = await api(method, input, token);
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.data;
  };

  it('a wrong GSTIN is refused with the validator\'s reason, nothing stored; a right one gives a B2B invoice', async () => {
    const admin = (await ok('auth.login', { username: 'admin', pin: '2468' })).token;
    await ok('tax.configure', { legalName: 'Fort Parking Services LLP', address: '1 Marine Drive, Mumbai 400020', stateCode: '27', gstin: FACILITY_GSTIN, seriesPrefix: 'G01' }, admin);
    await ok('dev.setClock', { now: '2026-12-03T04:00:00Z' });
    let cashier = (await ok('auth.login', { username: 'cashier', pin: '2468' })).token;
    await ok('shifts.open', { openingFloatPaise: 0 }, cashier);
    const s = await ok('gate.issueTicket', { vehicleNumber: 'MH01GS0001' }, cashier);
    await ok('dev.setClock', { now: '2026-12-03T05:00:00Z' });
    cashier = (await ok('auth.login', { username: 'cashier', pin: '2468' })).token;
    const q = await ok('gate.quoteExit', { code: s.code }, cashier);
    // The screen's calls go to the real core as this cashier.
    window.parkgate = { call: (method: string, input: unknown) => api(method, input, cashier), onEvent: () => () => undefined } as never;

    render(<BuyerGstinForm sessionId={s.id} />);
    fireEvent.click(screen.getByLabelText('Business invoice (GSTIN)'));
    const wrong = BUYER_OTHER_STATE.slice(0, 14) + (BUYER_OTHER_STATE.endsWith('4') ? '5' : '4');
    fireEvent.change(screen.getByLabelText('Buyer GSTIN (15 characters)'), { target: { value: wrong.toLowerCase() } });
    fireEvent.change(screen.getByLabelText('Buyer name (as registered)'), { target: { value: 'Bengaluru Logistics Pvt Ltd' } });
    fireEvent.click(screen.getByRole('button', { name: 'Use for the invoice' }));
    const alert = await screen.findByRole('alert', {}, { timeout: 5000 });
    expect(alert.textContent).toMatch(/GSTIN or name was refused: .*check/i);
    const requests = () => {
      const db = new Database(join(dir, 'kiosk.db'), { readonly: true });
      try {
        return db.prepare('SELECT COUNT(*) AS n FROM invoice_requests').get();
      } finally {
        db.close();
      }
    };
    expect(requests()).toEqual({ n: 0 });

    fireEvent.change(screen.getByLabelText('Buyer GSTIN (15 characters)'), { target: { value: BUYER_OTHER_STATE } });
    fireEvent.click(screen.getByRole('button', { name: 'Use for the invoice' }));
    expect((await screen.findByRole('status', {}, { timeout: 5000 })).textContent).toBe(`The invoice will be issued to Bengaluru Logistics Pvt Ltd (${BUYER_OTHER_STATE}).`);

    await ok('gate.payCash', { sessionId: s.id, tenderedPaise: q.amountDuePaise }, cashier);
    const { invoice } = await ok('invoices.forSession', { sessionId: s.id }, cashier);
    expect(invoice).toMatchObject({ kind: 'TAX_INVOICE', supplyType: 'B2B', buyerGstin: BUYER_OTHER_STATE, buyerName: 'Bengaluru Logistics Pvt Ltd', placeOfSupply: '29', cgstPaise: 0, sgstPaise: 0 });
    expect(invoice.igstPaise).toBeGreaterThan(0);
    expect(requests()).toEqual({ n: 1 });
    cleanup();
    render(<InvoiceSummary sessionId={s.id} />);
    const box = await screen.findByTestId('invoice-summary', {}, { timeout: 5000 });
    expect(box.textContent).toContain(`Bengaluru Logistics Pvt Ltd (${BUYER_OTHER_STATE})`);
    expect(box.textContent).toContain('IGST 18%');
  }, 60_000);
});

describe('e-receipt SMS button', () => {
  it('sends; shows each typed failure in the operator\'s language', async () => {
    let answer: unknown = { sent: true, url: 'https://pg.example/r/x' };
    const bridge = installBridge({ 'invoices.sendSms': () => answer });
    render(<EReceiptSms sessionId="s1" />);
    const button = screen.getByRole('button', { name: 'Send by SMS' });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Mobile number for the e-receipt'), { target: { value: ' 98765 43210 ' } });
    fireEvent.click(button);
    expect((await screen.findByRole('status')).textContent).toBe('E-receipt link sent by SMS.');
    expect(bridge.callsOf('invoices.sendSms')).toEqual([{ sessionId: 's1', mobile: '98765 43210' }]);

    answer = new Fail('CONFLICT', 'The SMS provider refused the message: Template not approved', { reason: 'SMS_REJECTED' });
    fireEvent.click(button);
    expect((await screen.findByRole('alert')).textContent).toBe('The SMS provider refused the message. Show the QR code on the receipt instead.');
    answer = new Fail('RATE_LIMITED', 'x', { reason: 'SMS_LIMIT' });
    useLanguage.setState({ lang: 'hi' });
    fireEvent.click(await screen.findByRole('button', { name: 'SMS से भेजें' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('यह ई-रसीद पहले ही 3 बार भेजी जा चुकी है।'));
    answer = new Fail('OFFLINE', '');
    fireEvent.click(screen.getByRole('button', { name: 'SMS से भेजें' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).not.toBe('यह ई-रसीद पहले ही 3 बार भेजी जा चुकी है।'));
  });
});
