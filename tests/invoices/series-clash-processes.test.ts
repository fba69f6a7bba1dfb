/**
 * Two gates cannot number invoices under one series prefix: with the central server and two
 * kiosk processes, the second gate's tax settings with the first gate's prefix are refused
 * (409 SERIES_TAKEN, nothing saved), another prefix is accepted, the first gate may save again,
 * and a gate linked to an unreachable server saves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackKiosk } from '../helpers/stack.js';
import { freePort } from '../server/helpers/processes.js';
import { FACILITY_GSTIN } from './helpers.js';

const TAX = { legalName: 'Fort Parking Services LLP', address: '1 Marine Drive, Mumbai 400020', stateCode: '27', gstin: FACILITY_GSTIN };

describe('invoice series prefixes are unique across gates (server + two kiosk processes)', () => {
  let stack: Stack | undefined;
  let kiosks: StackKiosk[] = [];

  const api = (k: StackKiosk, method: string, input: unknown, token: string | null = null): Promise<any> => k.api(method, input, token);
  const admin = async (k: StackKiosk) => (await api(k, 'auth.login', { username: 'admin', pin: '2468' })).data.token as string;

  beforeAll(async () => {
    stack = await startStack({ kiosks: [{ name: 'Gate 1' }, { name: 'Gate 2' }] });
    // A third gate whose server address leads nowhere.
    const dead = await freePort();
    await stack.startKiosk({ creds: stack.kiosks[0]!.creds, serverUrl: `http://127.0.0.1:${dead}` });
    kiosks = stack.kiosks;
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('the second gate cannot take the first gate\'s prefix; another prefix is fine; offline saves nothing', async () => {
    const [a, b, offline] = kiosks as [StackKiosk, StackKiosk, StackKiosk];
    const ta = await admin(a);
    const tb = await admin(b);
    expect(await api(a, 'tax.configure', { ...TAX, seriesPrefix: 'g01' }, ta)).toMatchObject({ ok: true, data: { seriesPrefix: 'G01', invoicing: true } });
    const clash = await api(b, 'tax.configure', { ...TAX, seriesPrefix: 'G01' }, tb);
    expect(clash).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'SERIES_TAKEN', prefix: 'G01' } } });
    expect(clash.error.message).toContain('Gate 1');
    expect(await api(b, 'tax.settings', {}, tb)).toMatchObject({ ok: true, data: { invoicing: false } }); // nothing saved
    expect(await api(b, 'tax.configure', { ...TAX, seriesPrefix: 'G02' }, tb)).toMatchObject({ ok: true, data: { seriesPrefix: 'G02' } });
    // The first gate saves again with its own prefix; the second cannot move onto it later either.
    expect(await api(a, 'tax.configure', { ...TAX, seriesPrefix: 'G01', address: '2 Marine Drive, Mumbai 400020' }, ta)).toMatchObject({ ok: true });
    expect(await api(b, 'tax.configure', { seriesPrefix: 'G01' }, tb)).toMatchObject({ ok: false, error: { details: { reason: 'SERIES_TAKEN' } } });
    expect(await api(b, 'tax.settings', {}, tb)).toMatchObject({ ok: true, data: { seriesPrefix: 'G02' } });
    // A bad prefix is refused before any claim.
    expect(await api(b, 'tax.configure', { seriesPrefix: 'TOO-LONG' }, tb)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    const to = await admin(offline);
    expect(await api(offline, 'tax.configure', { ...TAX, seriesPrefix: 'G09' }, to)).toMatchObject({ ok: false, error: { code: 'OFFLINE', details: { reason: 'SERIES_CHECK_OFFLINE' } } });
    expect(await api(offline, 'tax.settings', {}, to)).toMatchObject({ ok: true, data: { invoicing: false } });
  }, 120_000);

  it('the facility GSTR-1 from the server has both gates\' invoices and series; the totals are the gates\' returns summed', async () => {
    const [a, b] = kiosks as [StackKiosk, StackKiosk];
    const month = new Date(Date.now() + 5.5 * 3600_000).toISOString().slice(0, 7);
    const numbers: string[] = [];
    for (const k of [a, b]) {
      await api(k, 'dev.setClock', { now: new Date(Date.now() - 6 * 3600_000).toISOString() });
      let cashier = (await api(k, 'auth.login', { username: 'cashier', pin: '2468' })).data.token;
      await api(k, 'shifts.open', { openingFloatPaise: 0 }, cashier);
      const s = (await api(k, 'gate.issueTicket', { vehicleNumber: k === a ? 'MH01FA0001' : 'MH01FB0001' }, cashier)).data;
      await api(k, 'dev.setClock', { now: new Date().toISOString() });
      cashier = (await api(k, 'auth.login', { username: 'cashier', pin: '2468' })).data.token;
      const q = (await api(k, 'gate.quoteExit', { code: s.code }, cashier)).data;
      expect((await api(k, 'gate.payCash', { sessionId: s.id, tenderedPaise: q.amountDuePaise }, cashier)).ok).toBe(true);
      numbers.push((await api(k, 'invoices.forSession', { sessionId: s.id }, cashier)).data.invoice.number);
    }
    expect(numbers[0]).toMatch(/^G01I\//);
    expect(numbers[1]).toMatch(/^G02I\//);
    const supA = (await api(a, 'auth.login', { username: 'supervisor', pin: '2468' })).data.token;
    const supB = (await api(b, 'auth.login', { username: 'supervisor', pin: '2468' })).data.token;
    // Wait for both gates' invoices to reach the server (each pushes its outbox by itself).
    let facility: { csv: string; fileName: string } | null = null;
    for (let i = 0; i < 150 && !(facility && numbers.every((n) => facility!.csv.includes(n))); i++) {
      const r = await api(a, 'reports.gstr1', { month, facility: true }, supA);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      facility = r.data;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(facility!.fileName).toBe(`gstr1-${month}-facility.csv`);
    for (const n of numbers) expect(facility!.csv).toContain(n);
    const own = async (k: StackKiosk, t: string) => (await api(k, 'reports.gstr1', { month }, t)).data.csv as string;
    const [ownA, ownB] = [await own(a, supA), await own(b, supB)];
    expect(ownA).toContain(numbers[0]);
    expect(ownA).not.toContain(numbers[1]);
    // The hsn block's totals: the facility's equal the two gates' own returns summed.
    const hsnTotal = (csv: string) => {
      const lines = csv.split(/\r?\n/);
      const start = lines.findIndex((l) => l.includes('hsn'));
      const row = lines.slice(start + 2).find((l) => l.startsWith('996743'))!;
      // Total Quantity, Total Value, then (after the rate) Taxable Value, IGST, CGST, SGST, Cess.
      const cells = row.split(',').map(Number);
      return [cells[3]!, cells[4]!, ...cells.slice(6)];
    };
    const sum = hsnTotal(ownA).map((v, i) => Math.round((v + hsnTotal(ownB)[i]!) * 100) / 100);
    expect(hsnTotal(facility!.csv)).toEqual(sum);
    // The docs block lists both series.
    expect(facility!.csv).toMatch(/G01I/);
    expect(facility!.csv).toMatch(/G02I/);
    // A cashier may not ask; a standalone answer is typed.
    const cashier = (await api(a, 'auth.login', { username: 'cashier', pin: '2468' })).data.token;
    expect(await api(a, 'reports.gstr1', { month, facility: true }, cashier)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  }, 120_000);
});
