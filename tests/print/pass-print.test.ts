/**
 * A season pass on the thermal printer, the real way: the product's ESC/POS bytes read back by the
 * simulator's interpreter, the paper rendered to an image and its QR decoded by zxing-wasm (the
 * kiosk camera's decoder) to the exact pass code; then a real kiosk core printing a sold pass to
 * the simulator over TCP, the printed QR entering the car at the gate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { renderEscPos } from '../../src-main/print/render.js';
import { hoursText, passBlocks, type PassPrintData } from '../../src-main/print/templates/pass.js';
import type { Zone } from '../../src-shared/contracts/entities.js';
import type { PrintJob } from '../../src-shared/contracts/print.js';
import type { PassApiResults, PassSaleResult } from '../../src-shared/contracts/passes.js';
import { parseEscPos, type PaperItem } from '../../src-sim/printer/escpos-parser.js';
import { renderPaper } from '../../src-sim/printer/paper.js';
import { startPrinterSim, type PrinterSim } from '../../src-sim/printer/sim.js';
import { until } from '../helpers/until.js';
import { decodeQr, inkAgreement, reference } from './helpers.js';

const PASS: PassPrintData = {
  facilityName: 'City Mall Parking', kind: 'MONTHLY', holderName: 'R. Rao', plates: ['TS09AB1234', 'TS09CD5678'], cardId: 'CARD-0042',
  validFrom: '2026-03-01 00:00', validUntil: '2026-04-01 00:00', zoneNames: ['A', 'B'], hours: 'Mon-Fri 08:00-20:00', maxCars: 2,
  code: 'PP1.AZNf8k2Lr0Qm7cXbT1aYpW3sVdE9hJ4uN6gK5oI8eR2tZ0yC_-qU', copy: false,
};
const texts = (items: PaperItem[]) => items.flatMap((i) => (i.kind === 'text' ? [i.text.trim().replace(/\s+/g, ' ')] : []));
const rasters = (items: PaperItem[]) => items.filter((i): i is Extract<PaperItem, { kind: 'raster' }> => i.kind === 'raster');

describe('a season pass through the ESC/POS path', () => {
  it('every field prints: holder, vehicles, card, validity, zones, hours, cars at once; one native QR of the pass code; a cut', () => {
    const parsed = parseEscPos(renderEscPos(passBlocks(PASS, 'en'), { paperWidth: 80, qrMode: 'native' }));
    expect(parsed.unknown).toEqual([]);
    const lines = texts(parsed.items);
    for (const want of ['City Mall Parking', 'SEASON PASS', 'Monthly', 'Holder R. Rao', 'Vehicle TS09AB1234, TS09CD5678', 'Card CARD-0042',
      'Valid from 2026-03-01 00:00', 'Valid until 2026-04-01 00:00', 'Zones A, B', 'Hours Mon-Fri 08:00-20:00', 'Cars at once 2']) {
      expect(lines).toContain(want);
    }
    expect(lines).not.toContain('*** COPY ***');
    expect(parsed.items.filter((i) => i.kind === 'qr').map((i) => (i as { data: string }).data)).toEqual([PASS.code]);
    expect(parsed.items.some((i) => i.kind === 'cut')).toBe(true);
    // A personal pass for every zone, all day: no card, hours or cars lines; "All zones".
    const plain = texts(parseEscPos(renderEscPos(passBlocks({ ...PASS, plates: ['TS09AB1234'], cardId: null, zoneNames: [], hours: null, maxCars: 1, copy: true }, 'en'), { paperWidth: 58, qrMode: 'native' })).items);
    expect(plain).toContain('Zones All zones');
    expect(plain).toContain('*** COPY ***');
    expect(plain.some((l) => l.startsWith('Card') || l.startsWith('Hours') || l.startsWith('Cars at once'))).toBe(false);
  });

  it('the printed QR scans back to the exact pass code with zxing-wasm: native and raster QR, 58 and 80 mm', async () => {
    for (const qrMode of ['native', 'raster'] as const) {
      for (const paperWidth of [58, 80] as const) {
        const parsed = parseEscPos(renderEscPos(passBlocks(PASS, 'en'), { paperWidth, qrMode }));
        const decoded = await decodeQr(renderPaper(parsed.items, paperWidth === 58 ? 384 : 576));
        expect(decoded, `${qrMode} ${paperWidth} mm`).toEqual([PASS.code]);
      }
    }
    // The decode can fail: another code's paper does not give this code.
    const other = parseEscPos(renderEscPos(passBlocks({ ...PASS, code: `${PASS.code.slice(0, -1)}X` }, 'en'), { paperWidth: 80, qrMode: 'raster' }));
    expect(await decodeQr(renderPaper(other.items, 576))).not.toEqual([PASS.code]);
  });

  it('Hindi: the labels print as raster lines in the UI font, the QR unchanged', async () => {
    const parsed = parseEscPos(renderEscPos(passBlocks(PASS, 'hi'), { paperWidth: 80, qrMode: 'native' }));
    for (const l of texts(parsed.items)) expect(l).toMatch(/^[\x20-\x7e]*$/);
    const r = rasters(parsed.items);
    expect(inkAgreement(r[0]!.bits, reference('सीज़न पास', 576, r[0]!.height, 48, false, 'center'))).toBeGreaterThan(0.98);
    expect(r.some((x) => inkAgreement(x.bits, reference('धारक', 576, x.height, 24, true, 'left', 'R. Rao')) > 0.98)).toBe(true);
    expect(r.some((x) => inkAgreement(x.bits, reference('तक मान्य', 576, x.height, 24, true, 'left', '2026-04-01 00:00')) > 0.98)).toBe(true);
    expect(await decodeQr(renderPaper(parsed.items, 576))).toEqual([PASS.code]);
  });

  it('hours: a run of days is a range, other sets are listed, all seven are daily', () => {
    expect(hoursText({ days: [1, 2, 3, 4, 5], startMinute: 480, endMinute: 1200 })).toBe('Mon-Fri 08:00-20:00');
    expect(hoursText({ days: [0, 6], startMinute: 0, endMinute: 1439 })).toBe('Sun,Sat 00:00-23:59');
    expect(hoursText({ days: [0, 1, 2, 3, 4, 5, 6], startMinute: 360, endMinute: 1320 })).toBe('Daily 06:00-22:00');
    expect(hoursText(null)).toBeNull();
  });
});

describe('a real kiosk prints a sold pass on the lane printer', () => {
  let dir: string;
  let sim: PrinterSim;
  let kiosk: Kiosk;

  async function call<T>(method: string, input: unknown, token: string | null = null): Promise<T> {
    const r = await kiosk.call(method, input, token);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.data as T;
  }
  async function refusal(method: string, input: unknown, token: string | null): Promise<string> {
    const r = await kiosk.call(method, input, token);
    return r.ok ? 'OK' : `${r.error.code}:${String((r.error.details as { reason?: string } | undefined)?.reason)}`;
  }
  const login = async (u: string) => (await call<{ token: string }>('auth.login', { username: u, pin: '2468' })).token;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parkgate-pass-print-'));
    sim = await startPrinterSim({ paperWidth: 80 });
    kiosk = await createKiosk({ dbPath: join(dir, 'kiosk.db'), seedDemo: true, fakeClock: true, print: { statusIntervalMs: 100, replyTimeoutMs: 1500 } });
  });
  afterEach(async () => {
    await kiosk.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('print.pass: the paper names the holder, vehicle, validity and zone, its QR is the pass code and enters the car; a second print says COPY', async () => {
    const cashier = await login('cashier');
    const attendant = await login('attendant');
    await call('shifts.open', { openingFloatPaise: 0 }, cashier);
    const zone = (await call<Zone[]>('zones.list', {}, attendant))[0]!;
    const sold = await call<PassSaleResult>('passes.sell', { kind: 'MONTHLY', holderName: 'R. Rao', plates: ['ts 09-ab 1234'], zones: [zone.id], pricePaise: 150000, tenderedPaise: 150000 }, cashier);

    // No printer set up: refused, nothing queued (the screen prints through the browser).
    expect(await refusal('print.pass', { passId: sold.pass.id }, cashier)).toBe('CONFLICT:NO_PRINTER');
    await call('print.configure', { driver: 'tcp', host: '127.0.0.1', port: sim.tcpPort, paperWidth: 80 }, await login('admin'));
    expect(await refusal('print.pass', { passId: sold.pass.id }, attendant)).toBe('FORBIDDEN:undefined');
    expect(await refusal('print.pass', { passId: '01900000-0000-7000-8000-000000000000' }, cashier)).toBe('NOT_FOUND:UNKNOWN_PASS');

    const job = await call<PrintJob>('print.pass', { passId: sold.pass.id }, cashier);
    expect(job).toMatchObject({ kind: 'PASS', entityId: sold.pass.id, copy: 0 });
    const [page] = await sim.waitForPages(1);
    const lines = page!.text.map((l) => l.trim().replace(/\s+/g, ' '));
    expect(lines).toContain('SEASON PASS');
    expect(lines).toContain('Holder R. Rao');
    expect(lines).toContain('Vehicle TS09AB1234');
    expect(lines).toContain(`Zones ${zone.name}`);
    expect(lines.some((l) => /^Valid until \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(l))).toBe(true);
    const scanned = await decodeQr(renderPaper(page!.items, 576));
    expect(scanned).toEqual([sold.code]);

    // What the printer drew is what the gate accepts.
    const entered = await call<PassApiResults['passes.enter']>('passes.enter', { code: scanned[0]! }, attendant);
    expect([entered.passId, entered.session.vehicleNumber]).toEqual([sold.pass.id, 'TS09AB1234']);

    // (The pass visit's entry printed its parking ticket meanwhile: the auto-print of any issued ticket.)
    await sim.waitForPages(2);
    await until('the ticket printed', () => kiosk.print.status().waiting === 0, 5000, 20);
    const before = sim.pages().length;
    await call('print.pass', { passId: sold.pass.id }, cashier);
    const second = (await sim.waitForPages(before + 1))[before]!;
    expect(second.text.map((l) => l.trim())).toContain('*** COPY ***');
    expect(second.qr).toEqual([sold.code]);
    await until('both jobs done', () => kiosk.print.status().jobs.filter((j) => j.kind === 'PASS' && j.status === 'DONE').length === 2, 5000, 20);
    const audit = kiosk.ctx.store.sqlite.prepare(`SELECT action FROM audit_log WHERE entity_type = 'seasonPass' AND action LIKE 'print.%' ORDER BY id`).all();
    expect(audit).toEqual([{ action: 'print.requested' }, { action: 'print.reprint' }]);
  });
});
