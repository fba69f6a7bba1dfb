/**
 * The receipt of a UPI exit, with real processes: a kiosk (`src-main/cli.ts serve`) printing to
 * the printer simulator over TCP, the central server (`src-server/main.ts`) and the gateway
 * simulator (`src-server/sim/main.ts`, Razorpay wire format) on loopback.
 *
 * - Nothing prints while the payment is pending or after a failed attempt; the receipt prints
 *   once the server has verified the success, with the method and the payment's UPI reference.
 * - The same success webhook delivered again (a replay) prints nothing more: one receipt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrinterSim, type PrinterSim } from '../../src-sim/printer/sim.js';
import { kioskRow as readKioskRow } from '../helpers/kiosk-db.js';
import { startStack, type Stack, type StackKiosk } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('the receipt of a UPI exit (kiosk + server + gateway simulator + printer simulator)', () => {
  let stack: Stack | undefined;
  let kiosk: StackKiosk;
  let printer: PrinterSim;
  const tokens: Record<string, string> = {};

  const api = (method: string, input: unknown, who: string): Promise<any> => kiosk.api(method, input, tokens[who]);
  const simCall = (method: 'GET' | 'POST', path: string, body: unknown = {}) => stack!.simCall(method, path, body);
  const kioskRow = (sql: string, ...args: unknown[]) => readKioskRow(kiosk.dbPath, sql, ...args);
  const receipts = () => printer.pages().filter((p) => p.text.some((l) => l.includes('PARKING RECEIPT')));
  const norm = (lines: string[]) => lines.map((l) => l.trim().replace(/\s+/g, ' '));

  beforeAll(async () => {
    printer = await startPrinterSim({ paperWidth: 80 });
    stack = await startStack({ gateway: 'razorpay', serverExtra: { PAYMENT_TTL_SECONDS: '120', RECONCILE_INTERVAL_MS: '200' }, kiosks: [{}] });
    kiosk = stack.kiosks[0]!;
    for (const who of ['attendant', 'cashier', 'admin']) {
      const r = await api('auth.login', { username: who, pin: '2468' }, who);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      tokens[who] = r.data.token;
    }
    expect(await api('print.configure', { driver: 'tcp', host: '127.0.0.1', port: printer.tcpPort, autoPrintTicket: false }, 'admin')).toMatchObject({ ok: true });
    expect((await api('shifts.open', { openingFloatPaise: 0 }, 'cashier')).ok).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await printer?.close();
  }, 60_000);

  it('prints nothing while pending or after a failure; one receipt after the verified success, with the UPI reference; a replayed webhook prints no second one', async () => {
    await api('dev.setClock', { now: new Date(Date.now() - 70 * 60_000).toISOString() }, 'attendant');
    const s = await api('gate.issueTicket', { vehicleNumber: 'KA01UP0001' }, 'attendant');
    expect(s.ok, JSON.stringify(s)).toBe(true);
    await api('dev.setClock', { now: new Date().toISOString() }, 'attendant');
    const q = await api('gate.quoteExit', { code: s.data.code }, 'attendant');
    expect(q.ok, JSON.stringify(q)).toBe(true);

    const first = await api('gate.startOnlinePayment', { sessionId: s.data.id }, 'cashier');
    expect(first, JSON.stringify(first)).toMatchObject({ ok: true, data: { status: 'PENDING' } });
    await sleep(500);
    expect(receipts()).toHaveLength(0);
    await simCall('POST', `/_sim/payments/${first.data.gatewayRef}/fail`);
    await until('the kiosk to learn of the failure', async () => kioskRow('SELECT status FROM payments WHERE id = ?', first.data.id).status === 'FAILED');
    expect(receipts()).toHaveLength(0);

    const p = await api('gate.startOnlinePayment', { sessionId: s.data.id }, 'cashier');
    expect(p, JSON.stringify(p)).toMatchObject({ ok: true, data: { status: 'PENDING' } });
    const paid = await simCall('POST', `/_sim/payments/${p.data.gatewayRef}/pay`);
    expect(JSON.parse(paid.delivered.body).data.outcome).toBe('applied');
    await until('the receipt to print', async () => receipts().length === 1);
    expect(kioskRow('SELECT status FROM payments WHERE id = ?', p.data.id).status).toBe('SUCCESS');
    expect(kioskRow('SELECT status, amount_paid_paise FROM sessions WHERE id = ?', s.data.id)).toEqual({ status: 'COMPLETED', amount_paid_paise: q.data.amountDuePaise });
    const lines = norm(receipts()[0]!.text);
    expect(lines).toContain('Paid by Online (UPI)');
    expect(lines).toContain(`UPI ref. ${p.data.gatewayRef}`);
    expect(lines).toContain('Vehicle KA01UP0001');
    const number = kioskRow('SELECT number FROM receipt_numbers WHERE session_id = ?', s.data.id).number as string;
    expect(lines).toContain(`Receipt no. ${number}`);

    // The gateway sends the same success again: nothing more prints.
    const events = (await simCall('GET', '/_sim/events')) as { eventId: string; ref: string; kind: string }[];
    const success = events.filter((e) => e.ref === p.data.gatewayRef);
    expect(success.length).toBeGreaterThan(0);
    for (const e of success) await simCall('POST', `/_sim/events/${e.eventId}/deliver`);
    await sleep(1500);
    expect(receipts()).toHaveLength(1);
    expect(kioskRow(`SELECT COUNT(*) AS n FROM print_jobs WHERE kind = 'RECEIPT' AND entity_id = ?`, s.data.id).n).toBe(1);
  }, 120_000);
});
