/**
 * The receipt of a UPI exit, with real processes: a kiosk (`src-main/cli.ts serve`) printing to
 * the printer simulator over TCP, the central server (`src-server/main.ts`) and the gateway
 * simulator (`src-server/sim/main.ts`, Razorpay wire format) on loopback.
 *
 * - Nothing prints while the payment is pending or after a failed attempt; the receipt prints
 *   once the server has verified the success, with the method and the payment's UPI reference.
 * - The same success webhook delivered again (a replay) prints nothing more: one receipt.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrinterSim, type PrinterSim } from '../../src-sim/printer/sim.js';
import { startNode, type Proc } from '../helpers/node-process.js';
import { createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';
import { serverEnv } from '../server/helpers/env.js';
import { freePort } from '../server/helpers/processes.js';

const PIN = '2468';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function stop(p: Proc | null): Promise<void> {
  if (!p) return;
  try {
    process.kill(-p.child.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
  await p.exited;
}

async function runNode(args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}:\n${out}`);
  return out;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 45_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('the receipt of a UPI exit (kiosk + server + gateway simulator + printer simulator)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parkgate-upi-receipt-'));
  const kioskDb = join(dir, 'kiosk.db');
  let database: TestDatabase;
  let server: Proc | null = null;
  let sim: Proc | null = null;
  let kiosk: Proc | null = null;
  let printer: PrinterSim;
  const tokens: Record<string, string> = {};

  const api = async (method: string, input: unknown, who: string): Promise<any> => {  
    const res = await fetch(`${kiosk!.url}/api/v1/${method}`, {
      method: 'POST', body: JSON.stringify(input), signal: AbortSignal.timeout(20_000),
      headers: { 'content-type': 'application/json', ...(tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}) },
    });
    return res.json();
  };
  const simCall = async (method: 'GET' | 'POST', path: string, body: unknown = {}) => {
    const res = await fetch(`${sim!.url}${path}`, { method, ...(method === 'POST' ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
    return res.json() as Promise<any>;  
  };
  const kioskRow = (sql: string, ...args: unknown[]) => {
    const db = new Database(kioskDb, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      return db.prepare(sql).get(...args) as any;  
    } finally {
      db.close();
    }
  };
  const receipts = () => printer.pages().filter((p) => p.text.some((l) => l.includes('PARKING RECEIPT')));
  const norm = (lines: string[]) => lines.map((l) => l.trim().replace(/\s+/g, ' '));

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    printer = await startPrinterSim({ paperWidth: 80 });
    const serverPort = await freePort();
    const simPort = await freePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    const env = serverEnv({ databaseUrl: database.url, gateway: 'razorpay', simUrl, port: serverPort, extra: { PAYMENT_TTL_SECONDS: '120', RECONCILE_INTERVAL_MS: '200' } });
    const out = await runNode(['src-server/cli.ts', 'kiosk', 'add', 'Gate 1'], env);
    const kioskId = /kiosk id:\s+(\S+)/.exec(out)![1]!;
    const kioskSecret = /kiosk secret:\s+(\S+)/.exec(out)![1]!;
    [server, sim] = await Promise.all([
      startNode(['src-server/main.ts'], env),
      startNode(['src-server/sim/main.ts'], { ...env, GATEWAY_SIM_PORT: String(simPort), SIM_SERVER_URL: `http://127.0.0.1:${serverPort}` }),
    ]);
    kiosk = await startNode(['src-main/cli.ts', 'serve', '--db', kioskDb, '--port', '0', '--fake-clock', '--seed-demo', '--server', server.url, '--kiosk-id', kioskId], { PARKGATE_KIOSK_SECRET: kioskSecret });
    for (const who of ['attendant', 'cashier', 'admin']) {
      const r = await api('auth.login', { username: who, pin: PIN }, who);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      tokens[who] = r.data.token;
    }
    expect(await api('print.configure', { driver: 'tcp', host: '127.0.0.1', port: printer.tcpPort, autoPrintTicket: false }, 'admin')).toMatchObject({ ok: true });
    expect((await api('shifts.open', { openingFloatPaise: 0 }, 'cashier')).ok).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await stop(kiosk);
    await Promise.all([stop(server), stop(sim)]);
    await printer?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
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
