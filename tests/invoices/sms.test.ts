/** The MSG91-style SMS adapter over real HTTP against the local SMS simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeIndianMobile, sendEReceiptSms, SmsError } from '../../src-server/invoices/sms.js';
import { startSmsSim } from '../../src-server/sim/sms-sim.js';

let sim: Awaited<ReturnType<typeof startSmsSim>>;
const cfg = () => ({ baseUrl: sim.url, authKey: 'key-123', templateId: 'tpl-e-receipt', timeoutMs: 500 });
const setMode = (mode: string) => fetch(`${sim.url}/_sim/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) });
const vars = { url: 'https://pg.example/r/tok', number: 'G01I/2627/000001' };

beforeAll(async () => { sim = await startSmsSim({ authKey: 'key-123' }); });
afterAll(async () => { await sim.close(); });

describe('SMS of the e-receipt link', () => {
  it('normalises Indian mobile numbers', () => {
    expect(normalizeIndianMobile('98765 43210')).toBe('919876543210');
    expect(normalizeIndianMobile('+91-98765-43210')).toBe('919876543210');
    expect(normalizeIndianMobile('09876543210')).toBe('919876543210');
    expect(normalizeIndianMobile('5876543210')).toBeNull();
    expect(normalizeIndianMobile('987654321')).toBeNull();
  });

  it('sends the link and the invoice number; the provider keeps it', async () => {
    const r = await sendEReceiptSms(cfg(), '9876543210', vars);
    expect(r.requestId).toMatch(/^[0-9a-f]{24}$/);
    expect(sim.sent.at(-1)).toEqual({ requestId: r.requestId, templateId: 'tpl-e-receipt', mobiles: '919876543210', vars });
  });

  it('typed failures: bad number (nothing sent), wrong key, refused, silent, garbage, nothing listening', async () => {
    const count = sim.sent.length;
    await expect(sendEReceiptSms(cfg(), '12345', vars)).rejects.toMatchObject({ reason: 'BAD_NUMBER' });
    await expect(sendEReceiptSms({ ...cfg(), authKey: 'wrong' }, '9876543210', vars)).rejects.toMatchObject({ reason: 'REJECTED' });
    await setMode('reject');
    await expect(sendEReceiptSms(cfg(), '9876543210', vars)).rejects.toMatchObject({ reason: 'REJECTED', message: /Template not approved/ });
    await setMode('silent');
    await expect(sendEReceiptSms(cfg(), '9876543210', vars)).rejects.toMatchObject({ reason: 'TIMEOUT' });
    await setMode('garbage');
    await expect(sendEReceiptSms(cfg(), '9876543210', vars)).rejects.toBeInstanceOf(SmsError);
    await expect(sendEReceiptSms(cfg(), '9876543210', vars)).rejects.toMatchObject({ reason: 'BAD_REPLY' });
    await setMode('normal');
    await expect(sendEReceiptSms({ ...cfg(), baseUrl: 'http://127.0.0.1:9' }, '9876543210', vars)).rejects.toMatchObject({ reason: 'UNREACHABLE' });
    expect(sim.sent.length).toBe(count);
  });
});
