/**
 * The e-receipt link by SMS, end to end with real processes: a kiosk (`src-main/cli.ts serve`)
 * and the central server (`src-server/main.ts`) on loopback, the server pointed at the MSG91-style
 * SMS simulator. A paid exit's invoice syncs to the server; invoices.sendSms on the kiosk makes the
 * server send the link, which serves the invoice. Every failure is typed and sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmsSim } from '../../src-server/sim/sms-sim.js';
import { startStack, type Stack, type StackKiosk } from '../helpers/stack.js';
import { FACILITY_GSTIN } from './helpers.js';

const AUTH_KEY = 'sms-test-key-hprint';

describe('e-receipt SMS (kiosk + server processes + SMS simulator)', () => {
  let stack: Stack | undefined;
  let kiosk: StackKiosk;
  let sms: Awaited<ReturnType<typeof startSmsSim>>;
  const tokens: Record<string, string> = {};

  const api = (method: string, input: unknown, who: string): Promise<any> => kiosk.api(method, input, tokens[who]);
  const setMode = (mode: string) => fetch(`${sms.url}/_sim/state`, { method: 'POST', body: JSON.stringify({ mode }), headers: { 'content-type': 'application/json' } });

  beforeAll(async () => {
    sms = await startSmsSim({ authKey: AUTH_KEY });
    stack = await startStack({
      // No PUBLIC_BASE_URL and port 0: the link names the port the server actually bound.
      serverExtra: { SMS_API_BASE: sms.url, SMS_AUTH_KEY: AUTH_KEY, SMS_TEMPLATE_ID: 'ereceipt-1' },
      kiosks: [{}],
    });
    kiosk = stack.kiosks[0]!;
    for (const who of ['attendant', 'cashier', 'admin']) {
      const r = await api('auth.login', { username: who, pin: '2468' }, who);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      tokens[who] = r.data.token;
    }
    const tax = await api('tax.configure', { legalName: 'Fort Parking Services LLP', address: '1 Marine Drive, Mumbai 400020', stateCode: '27', gstin: FACILITY_GSTIN, seriesPrefix: 'G01' }, 'admin');
    expect(tax.ok, JSON.stringify(tax)).toBe(true);
    expect((await api('shifts.open', { openingFloatPaise: 0 }, 'cashier')).ok).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await sms?.close();
  }, 60_000);

  it('sends the link of the paid exit\'s invoice; the link serves it; failures are typed and send nothing', async () => {
    await api('dev.setClock', { now: new Date(Date.now() - 6 * 3600_000).toISOString() }, 'attendant');
    const s = await api('gate.issueTicket', { vehicleNumber: 'MH01SM0001' }, 'cashier');
    expect(s.ok, JSON.stringify(s)).toBe(true);
    await api('dev.setClock', { now: new Date().toISOString() }, 'attendant');
    const q = await api('gate.quoteExit', { code: s.data.code }, 'cashier');
    expect((await api('gate.payCash', { sessionId: s.data.id, tenderedPaise: q.data.amountDuePaise }, 'cashier')).ok).toBe(true);
    const { invoice } = (await api('invoices.forSession', { sessionId: s.data.id }, 'cashier')).data;
    expect(invoice).toMatchObject({ kind: 'TAX_INVOICE' });

    // Typed refusals, nothing sent: a wrong number, a session with no invoice, an attendant.
    expect(await api('invoices.sendSms', { sessionId: s.data.id, mobile: '12345' }, 'cashier')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: { reason: 'BAD_NUMBER' } } });
    const unpaid = await api('gate.issueTicket', { vehicleNumber: 'MH01SM0002' }, 'cashier');
    expect(await api('invoices.sendSms', { sessionId: unpaid.data.id, mobile: '9876543210' }, 'cashier')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { reason: 'NO_DOCUMENT' } } });
    expect(await api('invoices.sendSms', { sessionId: s.data.id, mobile: '9876543210' }, 'attendant')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await api('invoices.sendSms', { sessionId: s.data.id, mobile: 'x'.repeat(5000) }, 'cashier')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(sms.sent).toHaveLength(0);

    // The provider refuses: typed, nothing recorded as sent.
    await setMode('reject');
    expect(await api('invoices.sendSms', { sessionId: s.data.id, mobile: '98765 43210' }, 'cashier')).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'SMS_REJECTED' } } });
    await setMode('garbage');
    expect(await api('invoices.sendSms', { sessionId: s.data.id, mobile: '98765 43210' }, 'cashier')).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'SMS_BAD_REPLY' } } });
    await setMode('normal');

    // Sent (the kiosk pushes the invoice first if the server does not have it yet).
    const sent = await api('invoices.sendSms', { sessionId: s.data.id, mobile: '+91 98765 43210' }, 'cashier');
    expect(sent, JSON.stringify(sent)).toMatchObject({ ok: true, data: { sent: true } });
    expect(sms.sent).toHaveLength(1);
    expect(sms.sent[0]).toMatchObject({ mobiles: '919876543210', templateId: 'ereceipt-1', vars: { number: invoice.number, url: `${stack!.serverUrl}/r/${invoice.token}` } });
    const page = await fetch(sms.sent[0]!.vars.url!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(invoice.number);
    expect(html).toContain(FACILITY_GSTIN);

    // At most 3 per document.
    for (let i = 0; i < 2; i++) expect((await api('invoices.sendSms', { sessionId: s.data.id, mobile: '9876543210' }, 'cashier')).ok).toBe(true);
    expect(await api('invoices.sendSms', { sessionId: s.data.id, mobile: '9876543210' }, 'cashier')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(sms.sent).toHaveLength(3);
  }, 120_000);
});
