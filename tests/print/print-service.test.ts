/**
 * The print service inside a real kiosk core (temp SQLite file) printing to the simulator over
 * TCP: automatic ticket, receipt and Z report, a printer that runs out of paper while tickets
 * are issued (the gate keeps working, the lane status says why, the queue prints on reload),
 * reprints (role-checked, audited, marked COPY) and a crash in the middle of a job.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { renderEscPos } from '../../src-main/print/render.js';
import { pair } from '../../src-main/print/templates/blocks.js';
import { rupees } from '../../src-main/print/templates/labels.js';
import { parseEscPos } from '../../src-sim/printer/escpos-parser.js';
import { renderPaper } from '../../src-sim/printer/paper.js';
import { startPrinterSim, type PrinterSim } from '../../src-sim/printer/sim.js';
import { until } from '../helpers/until.js';
import { decodeQr } from './helpers.js';

let dir: string;
let sim: PrinterSim;
let kiosk: Kiosk;

const open = () => createKiosk({ dbPath: join(dir, 'kiosk.db'), seedDemo: true, fakeClock: true, print: { statusIntervalMs: 100, replyTimeoutMs: 1500 } });

async function call<T = any>(method: string, input: unknown, token: string | null = null): Promise<T> {
  const r = await kiosk.call(method, input, token);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}
const login = async (u: string) => (await call<{ token: string }>('auth.login', { username: u, pin: '2468' })).token;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-print-'));
  sim = await startPrinterSim({ paperWidth: 80 });
  kiosk = await open();
  const admin = await login('admin');
  await call('print.configure', { driver: 'tcp', host: '127.0.0.1', port: sim.tcpPort, paperWidth: 80 }, admin);
});
afterEach(async () => {
  await kiosk.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const printerHealth = () => kiosk.ctx.devices.all().find((d) => d.device === 'printer')!;

describe('printing at the lane', () => {
  it('issuing a ticket prints it: the page has the session details and its QR scans to the session code', async () => {
    const t = await login('attendant');
    const s = await call('gate.issueTicket', { vehicleNumber: 'KA01AB1234' }, t);
    const [page] = await sim.waitForPages(1);
    const lines = page!.text.map((l) => l.trim().replace(/\s+/g, ' '));
    expect(lines).toContain(`Slot ${s.slotNumber}`);
    expect(lines).toContain('Vehicle KA01AB1234');
    expect(await decodeQr(renderPaper(page!.items, 576))).toEqual([s.code]);
    expect(printerHealth()).toMatchObject({ state: 'ok', driver: 'escpos-tcp' });
    // The printer has the page before the kiosk has read its status back and marked the job done.
    for (let i = 0; i < 100 && (await call('print.jobs', { sessionId: s.id }, t))[0].status === 'SENDING'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await call('print.jobs', { sessionId: s.id }, t))[0]).toMatchObject({ kind: 'TICKET', status: 'DONE', copy: 0 });
  });

  it('paper out: tickets are still issued, the lane status says paper out, and they print in order once paper is loaded', async () => {
    const t = await login('attendant');
    sim.set({ paperOut: true });
    await until('paper out', () => printerHealth().reason === 'PAPER_OUT', 15_000, 20);
    const a = await call('gate.issueTicket', { vehicleNumber: 'KA01AA0001' }, t);
    const b = await call('gate.issueTicket', { vehicleNumber: 'KA01AA0002' }, t);
    expect(a.code).toBeTruthy();
    const health = (await call('system.health', {})).devices.find((d: { device: string }) => d.device === 'printer');
    expect(health).toMatchObject({ state: 'fault', reason: 'PAPER_OUT' });
    await until('two jobs waiting', () => (kiosk.print.status().waiting === 2 ? true : undefined), 15_000, 20);
    expect(sim.pages()).toHaveLength(0);
    sim.set({ paperOut: false });
    const pages = await sim.waitForPages(2);
    expect(pages.map((p) => p.qr[0])).toEqual([a.code, b.code]);
    await until('the queue to drain', () => printerHealth().state === 'ok' && kiosk.print.status().waiting === 0, 15_000, 20);
  });

  it('a paid exit prints a receipt with the next number of this kiosk\'s series; a closed shift prints its Z report', async () => {
    const t = await login('cashier');
    await call('shifts.open', { openingFloatPaise: 0 }, t);
    const numbers: string[] = [];
    for (const v of ['KA02BB0001', 'KA02BB0002']) {
      const s = await call('gate.issueTicket', { vehicleNumber: v }, t);
      await call('dev.setClock', { now: new Date(Date.now() + 3600_000 * (numbers.length + 1)).toISOString() });
      await call('gate.quoteExit', { code: s.code }, t);
      const paid = await call('gate.payCash', { sessionId: s.id, tenderedPaise: 50000 }, t);
      expect(paid.session.status).toBe('COMPLETED');
      const pages = await sim.waitForPages(numbers.length * 2 + 2);
      const receipt = pages.at(-1)!.text.map((l) => l.trim().replace(/\s+/g, ' '));
      const no = receipt.find((l) => l.startsWith('Receipt no.'))!;
      numbers.push(no.slice('Receipt no. '.length));
      expect(receipt).toContain('Paid by Cash');
    }
    expect(numbers[0]).toMatch(/^[A-Z0-9]{1,8}-000001$/);
    expect(numbers[1]).toBe(numbers[0]!.replace(/000001$/, '000002'));
    await call('shifts.close', { countedPaise: 0 }, t);
    const z = (await sim.waitForPages(5))[4]!;
    expect(z.text.join('\n')).toContain('Z REPORT');
  });

  it('a lost ticket: the receipt prints the lost-ticket fee the exit charged as its own line, and a reprint after a tariff change still does', async () => {
    const t = await login('cashier');
    await call('shifts.open', { openingFloatPaise: 0 }, t);
    const s = await call('gate.issueTicket', { vehicleNumber: 'KA02LT0001' }, t);
    await sim.waitForPages(1);
    const { sqlite } = kiosk.ctx.store;
    sqlite.prepare('UPDATE zones SET lost_ticket_fee_paise = 25000 WHERE id = ?').run(s.zoneId);
    await call('dev.setClock', { now: new Date(Date.now() + 3600_000).toISOString() });
    const quote = await call('gate.lostTicket', { vehicleNumber: 'KA02LT0001', proof: 'RC', reason: 'ticket lost' }, t);
    expect(quote.lostTicketFeePaise).toBe(25000);
    await call('gate.payCash', { sessionId: s.id, tenderedPaise: quote.amountDuePaise }, t);
    const lineOf = (left: string, paise: number) => {
      const items = parseEscPos(renderEscPos([pair(left, rupees(paise))], { paperWidth: 80, qrMode: 'native' })).items;
      return Buffer.from((items.find((i) => i.kind === 'raster') as { bits: Uint8Array }).bits).toString('base64');
    };
    const rastersOf = (page: { items: { kind: string }[] }) => page.items.filter((i) => i.kind === 'raster').map((i) => Buffer.from((i as unknown as { bits: Uint8Array }).bits).toString('base64'));
    const receipt = (await sim.waitForPages(2))[1]!;
    expect(rastersOf(receipt)).toContain(lineOf('Lost ticket fee', 25000));
    expect(rastersOf(receipt)).toContain(lineOf('Parking fee', quote.feePaise));
    expect(sqlite.prepare('SELECT lost_ticket_fee_paise AS fee FROM receipt_numbers WHERE session_id = ?').get(s.id)).toEqual({ fee: 25000 });

    sqlite.prepare('UPDATE zones SET lost_ticket_fee_paise = 30000 WHERE id = ?').run(s.zoneId);
    await call('print.reprint', { sessionId: s.id, kind: 'RECEIPT' }, t);
    const copy = (await sim.waitForPages(3))[2]!;
    expect(copy.text.map((l) => l.trim())).toContain('*** COPY ***');
    expect(rastersOf(copy)).toContain(lineOf('Lost ticket fee', 25000));
    expect(rastersOf(copy)).not.toContain(lineOf('Lost ticket fee', 30000));

    // A car whose ticket was not lost: no lost-ticket line.
    const other = await call('gate.issueTicket', { vehicleNumber: 'KA02LT0002' }, t);
    await call('dev.setClock', { now: new Date(Date.now() + 7200_000).toISOString() });
    const q2 = await call('gate.quoteExit', { code: other.code }, t);
    await call('gate.payCash', { sessionId: other.id, tenderedPaise: q2.amountDuePaise }, t);
    const plain = (await sim.waitForPages(5))[4]!;
    expect(rastersOf(plain).some((r) => r === lineOf('Lost ticket fee', 25000) || r === lineOf('Lost ticket fee', 30000))).toBe(false);
    expect(rastersOf(plain)).not.toContain(lineOf('Parking fee', q2.feePaise));
  });

  it('reprint: an attendant may reprint a ticket but not a receipt; the reprint is audited and says COPY', async () => {
    const t = await login('attendant');
    const s = await call('gate.issueTicket', { vehicleNumber: 'KA03CC0003' }, t);
    await sim.waitForPages(1);
    const denied = await kiosk.call('print.reprint', { sessionId: s.id, kind: 'RECEIPT' }, t);
    expect(!denied.ok && denied.error.code).toBe('FORBIDDEN');
    const job = await call('print.reprint', { sessionId: s.id, kind: 'TICKET' }, t);
    expect(job.copy).toBe(1);
    const page = (await sim.waitForPages(2))[1]!;
    expect(page.text.map((l) => l.trim())).toContain('*** COPY ***');
    expect(page.qr).toEqual([s.code]);
    const sup = await login('supervisor');
    const audit = await call<{ items?: { action: string }[] } | { action: string }[]>('audit.list', { entityId: s.id }, sup);
    const items = Array.isArray(audit) ? audit : audit.items ?? [];
    expect(items.map((e) => e.action)).toContain('print.reprint');
    const missing = await kiosk.call('print.reprint', { sessionId: 'nope', kind: 'TICKET' }, t);
    expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
  });

  it('a crash in the middle of sending a job: after restart it prints again, marked COPY, exactly once', async () => {
    const t = await login('attendant');
    sim.set({ mode: 'silent' });
    const s = await call('gate.issueTicket', { vehicleNumber: 'KA04DD0004' }, t);
    // The process dies while the job is on the wire: it is left SENDING in the database.
    kiosk.ctx.store.sqlite.prepare(`UPDATE print_jobs SET status = 'SENDING' WHERE entity_id = ?`).run(s.id);
    await kiosk.close();
    sim.set({ mode: 'normal' });
    kiosk = await open();
    const pages = await sim.waitForPages(1);
    expect(pages[0]!.text.map((l) => l.trim())).toContain('*** COPY ***');
    await new Promise((r) => setTimeout(r, 400));
    expect(sim.pages().filter((p) => !p.partial)).toHaveLength(1);
    const jobs = kiosk.print.jobsFor(s.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: 'DONE', copy: 1 });
  });

  it('test page (supervisor) prints text, raster lines and a QR that scans; an attendant may not ask for it', async () => {
    const att = await login('attendant');
    const denied = await kiosk.call('print.test', {}, att);
    expect(!denied.ok && denied.error.code).toBe('FORBIDDEN');
    const sup = await login('supervisor');
    await call('print.test', {}, sup);
    const [page] = await sim.waitForPages(1);
    expect(page!.text.map((l) => l.trim())).toContain('PRINTER TEST');
    expect(page!.items.filter((i) => i.kind === 'raster').length).toBeGreaterThanOrEqual(2); // ₹ and Hindi lines
    const decoded = await decodeQr(renderPaper(page!.items, 576));
    expect(decoded[0]).toMatch(/^PARKGATE-PRINT-TEST /);
  });

  it('print.zReport: refused before the blind count; after closing, a reprint of the Z report says COPY', async () => {
    const c = await login('cashier');
    const shift = await call('shifts.open', { openingFloatPaise: 10000 }, c);
    const early = await kiosk.call('print.zReport', { shiftId: shift.id }, c);
    expect(!early.ok && early.error.code).toBe('CONFLICT'); // blind count first
    await call('shifts.close', { countedPaise: 10000 }, c);
    await sim.waitForPages(1);
    const job = await call('print.zReport', { shiftId: shift.id }, c);
    expect(job.copy).toBe(1);
    const z = (await sim.waitForPages(2))[1]!;
    expect(z.text.map((l) => l.trim())).toContain('*** COPY ***');
  });

  it('without a printer nothing is queued and the API says to use the browser print', async () => {
    const admin = await login('admin');
    await call('print.configure', { driver: 'none' }, admin);
    const t = await login('attendant');
    const s = await call('gate.issueTicket', { vehicleNumber: 'KA05EE0005' }, t);
    expect(kiosk.print.jobsFor(s.id)).toEqual([]);
    const r = await kiosk.call('print.reprint', { sessionId: s.id, kind: 'TICKET' }, t);
    expect(!r.ok && r.error.code).toBe('CONFLICT');
    expect(printerHealth().state).toBe('disabled');
    const bad = await kiosk.call('print.configure', { driver: 'tcp', host: '' }, admin);
    expect(!bad.ok && bad.error.code).toBe('VALIDATION_FAILED');
  });
});
