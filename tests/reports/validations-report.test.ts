/**
 * reports.validations and reports.export kind 'validations' on one kiosk with an injected clock:
 * validations settled and pass movements at the first and last millisecond of the facility-local
 * day (Asia/Kolkata) and just outside it; an empty day; totals in integer paise equal to the sum of
 * their rows; the CSV zip parsed back; the PDF read with pdftotext; roles checked in the core. Also
 * the merchant's monthly bill-back statement at its month edges (CSV and PDF).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import type { ValidationsReport } from '../../src-shared/contracts/validation-reports.js';
import type { Merchant, ValidationProgramView } from '../../src-shared/contracts/validations.js';

/** Epoch ms of an IST wall-clock time in March 2026 (IST = UTC+05:30). */
const ist = (day: number, h: number, m = 0, s = 0, ms = 0) => Date.UTC(2026, 2, day, h, m, s, ms) - 330 * 60_000;
const LAST_MS = (day: number) => ist(day + 1, 0) - 1;
const DATE = '2026-03-10';
const havePdftotext = spawnSync('pdftotext', ['-v']).status === 0;

type Who = 'admin' | 'supervisor' | 'cashier' | 'attendant';
let kiosk: Kiosk;
let dir: string;
let now = ist(9, 20);
const tokens = new Map<Who, string>();
const token = async (who: Who) => {
  let t = tokens.get(who);
  if (!t) {
    const r = await kiosk.call('auth.login', { username: who, pin: '2468' }, null);
    if (!r.ok) throw new Error(`login ${who}`);
    t = (r.data as { token: string }).token;
    tokens.set(who, t);
  }
  return t;
};
async function raw(method: string, input: unknown, who: Who) {
  let r = await kiosk.call(method, input, await token(who));
  if (!r.ok && r.error.code === 'UNAUTHENTICATED') {
    tokens.delete(who);
    r = await kiosk.call(method, input, await token(who));
  }
  return r;
}
async function call<T = any>(method: string, input: unknown, who: Who): Promise<T> {
  const r = await raw(method, input, who);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.data as T;
}

/** RFC 4180 parser (quotes, doubled quotes, CRLF) for our own files. */
function parseCsv(text: string): Record<string, string>[] {
  const src = text.replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i += 1) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && src[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 1; } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

function pdfText(base64: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.from(base64, 'base64'));
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
}

let cinema: Merchant;
let hospital: Merchant;
let zoneA: string;
const plates: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-valrep-'));
  kiosk = await createKiosk({ dbPath: join(dir, 'kiosk.db'), seedDemo: true, clock: { now: () => now } });
  const zones = await call<{ id: string; name: string }[]>('zones.list', {}, 'attendant');
  zoneA = zones.find((z) => z.name === 'A')!.id;
  await call('settings.update', { facilityName: 'Green Mall Parking', timeZone: 'Asia/Kolkata' }, 'admin');
  cinema = await call<Merchant>('merchants.create', { name: 'Cinema', prepaid: false }, 'supervisor');
  hospital = await call<Merchant>('merchants.create', { name: 'City Hospital', prepaid: false }, 'supervisor');
  const movie = await call<ValidationProgramView>('validations.createProgram', { merchantId: cinema.id, name: 'Movie ticket', kind: 'AMOUNT_OFF', amountOffPaise: 2000, reasonCode: 'CINEMA' }, 'supervisor');
  const patient = await call<ValidationProgramView>('validations.createProgram', { merchantId: hospital.id, name: 'Patient', kind: 'FULL_EXEMPTION', reasonCode: 'PATIENT' }, 'supervisor');
  await call('shifts.open', { openingFloatPaise: 0 }, 'cashier');

  let n = 100;
  const enter = async (key: string, at: number) => {
    now = at;
    plates[key] = `KA05VR${n++}`;
    return call<{ id: string; code: string }>('gate.issueTicket', { vehicleNumber: plates[key], zoneId: zoneA }, 'attendant');
  };
  /** Validates and lets the car out at `at`: the validation is settled then. */
  const validatedExit = async (s: { id: string; code: string }, programId: string, at: number) => {
    now = at;
    const q = await call<{ amountDuePaise: number }>('validations.apply', { sessionId: s.id, programId }, 'cashier');
    if (q.amountDuePaise > 0) await call('gate.payCash', { sessionId: s.id, tenderedPaise: q.amountDuePaise }, 'cashier');
    else await call('gate.completeExit', { sessionId: s.id }, 'attendant');
  };
  const c1 = await enter('c1', ist(9, 22));
  const c2 = await enter('c2', ist(9, 23));
  await validatedExit(c1, movie.id, LAST_MS(9)); // day 9's last millisecond: not day 10
  await validatedExit(c2, movie.id, ist(10, 0)); // day 10's first millisecond
  const h1 = await enter('h1', ist(10, 10));
  await validatedExit(h1, patient.id, ist(10, 11));
  const c3 = await enter('c3', ist(10, 22));
  const c4 = await enter('c4', ist(10, 23));
  const c5 = await enter('c5', ist(10, 23, 10));
  await validatedExit(c3, movie.id, LAST_MS(10)); // day 10's last millisecond
  now = LAST_MS(10);
  await call('validations.apply', { sessionId: c5.id, programId: movie.id }, 'cashier'); // still inside: not settled, not in the report
  await validatedExit(c4, movie.id, ist(11, 0)); // day 11

  // A SOFT season pass: entries and exits at the day's edges, a second car in while one is inside (flagged).
  now = ist(9, 20);
  const pass = await call<{ code: string }>('passes.sell', {
    kind: 'MONTHLY', holderName: 'R. Rao', plates: ['KA01PS0001', 'KA01PS0002'], zones: [zoneA], antiPassback: 'SOFT',
    pricePaise: 150_000, tenderedPaise: 150_000, startDay: '2026-03-01',
  }, 'cashier');
  const move = async (method: 'passes.enter' | 'passes.exit', at: number, vehicleNumber?: string) => {
    now = at;
    return call<{ flagged: string | null }>(method, { code: pass.code, ...(vehicleNumber ? { vehicleNumber } : {}) }, 'attendant');
  };
  await move('passes.enter', LAST_MS(9) - 60_000, 'KA01PS0001'); // day 9
  await move('passes.exit', ist(10, 0)); // day 10, first millisecond
  await move('passes.enter', ist(10, 12), 'KA01PS0001');
  expect((await move('passes.enter', ist(10, 12, 30), 'KA01PS0002')).flagged).toBe('ALREADY_IN');
  await move('passes.exit', ist(10, 14));
  await move('passes.exit', LAST_MS(10)); // day 10, last millisecond
  await move('passes.enter', ist(11, 0), 'KA01PS0001'); // day 11
  now = ist(12, 9);
});

afterAll(async () => {
  await kiosk?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sum = (xs: { discountPaise?: number; forgonePaise?: number }[], k: 'discountPaise' | 'forgonePaise') => xs.reduce((s, x) => s + (x[k] ?? 0), 0);

describe('reports.validations', () => {
  it('one day: validations settled from its first to its last millisecond, by merchant and by program, totals in paise', async () => {
    const r = await call<ValidationsReport>('reports.validations', { from: DATE }, 'supervisor');
    expect([r.from, r.to, r.timeZone, r.rangeStart, r.rangeEnd]).toEqual([DATE, DATE, 'Asia/Kolkata', '2026-03-09T18:30:00.000Z', '2026-03-10T18:30:00.000Z']);
    const v = r.validations;
    expect(v.items.map((i) => [i.vehicleNumber, i.merchantName, i.reasonCode, i.feeBeforePaise, i.discountPaise])).toEqual([
      [plates.c2, 'Cinema', 'CINEMA', 4000, 2000],
      [plates.h1, 'City Hospital', 'PATIENT', 4000, 4000],
      [plates.c3, 'Cinema', 'CINEMA', 8000, 2000],
    ]);
    expect(v.items.map((i) => i.settledAt)).toEqual([new Date(ist(10, 0)).toISOString(), new Date(ist(10, 11)).toISOString(), new Date(LAST_MS(10)).toISOString()]);
    expect(v.byMerchant.map((m) => [m.name, m.count, m.discountPaise])).toEqual([['Cinema', 2, 4000], ['City Hospital', 1, 4000]]);
    expect(v.byProgram.map((p) => [p.name, p.merchantName, p.count, p.discountPaise])).toEqual([['Movie ticket', 'Cinema', 2, 4000], ['Patient', 'City Hospital', 1, 4000]]);
    expect(v.count).toBe(3);
    expect(v.revenueForgonePaise).toBe(8000);
    for (const rows of [v.byMerchant, v.byProgram, v.items]) expect(sum(rows, 'discountPaise')).toBe(v.revenueForgonePaise);
    for (const x of [...v.items.map((i) => i.discountPaise), v.revenueForgonePaise]) expect(Number.isInteger(x)).toBe(true);
  });

  it('one day: pass entries, exits and flags from its first to its last millisecond; forgone visits; the grand total is their sum', async () => {
    const r = await call<ValidationsReport>('reports.validations', { from: DATE, to: DATE }, 'supervisor');
    const p = r.passes;
    expect(p.movements.map((m) => [m.direction, m.at])).toEqual([
      ['EXIT', new Date(ist(10, 0)).toISOString()],
      ['ENTRY', new Date(ist(10, 12)).toISOString()],
      ['ENTRY', new Date(ist(10, 12, 30)).toISOString()],
      ['EXIT', new Date(ist(10, 14)).toISOString()],
      ['EXIT', new Date(LAST_MS(10)).toISOString()],
    ]);
    expect([p.entries, p.exits, p.resets]).toEqual([2, 3, 0]);
    expect(p.flags.map((f) => [f.direction, f.gateFlag, f.antiPassback, f.at])).toEqual([['ENTRY', 'ALREADY_IN', 'SOFT', new Date(ist(10, 12, 30)).toISOString()]]);
    // Three visits ended on the day (the one from day 9 included: it is counted on its exit day).
    expect(p.forgone.visits).toBe(3);
    // Zone A at Rs 40 an hour: one minute (inside the grace), 1 h 30 (2 h) and 12 h; the pass covers every hour.
    expect(p.forgone.items.map((i) => [i.exitAt, i.fullFeePaise, i.billedPaise, i.forgonePaise])).toEqual([
      [new Date(ist(10, 0)).toISOString(), 0, 0, 0],
      [new Date(ist(10, 14)).toISOString(), 8000, 0, 8000],
      [new Date(LAST_MS(10)).toISOString(), 48000, 0, 48000],
    ]);
    expect(p.forgone.forgonePaise).toBe(sum(p.forgone.items, 'forgonePaise'));
    expect(r.revenueForgonePaise).toBe(r.validations.revenueForgonePaise + p.forgone.forgonePaise);
  });

  it('a range of days is the sum of its days; the day before and after keep their own edges', async () => {
    const day = (d: string) => call<ValidationsReport>('reports.validations', { from: d }, 'supervisor');
    const [d9, d10, d11] = await Promise.all([day('2026-03-09'), day(DATE), day('2026-03-11')]);
    expect(d9.validations.items.map((i) => [i.vehicleNumber, i.settledAt])).toEqual([[plates.c1, new Date(LAST_MS(9)).toISOString()]]);
    expect(d11.validations.items.map((i) => [i.vehicleNumber, i.settledAt])).toEqual([[plates.c4, new Date(ist(11, 0)).toISOString()]]);
    expect(d9.passes.movements.map((m) => m.direction)).toEqual(['ENTRY']);
    expect(d11.passes.movements.map((m) => [m.direction, m.at])).toEqual([['ENTRY', new Date(ist(11, 0)).toISOString()]]);
    const all = await call<ValidationsReport>('reports.validations', { from: '2026-03-09', to: '2026-03-11' }, 'supervisor');
    expect(all.validations.count).toBe(d9.validations.count + d10.validations.count + d11.validations.count);
    expect(all.validations.revenueForgonePaise).toBe(12_000);
    expect(all.revenueForgonePaise).toBe(d9.revenueForgonePaise + d10.revenueForgonePaise + d11.revenueForgonePaise);
    expect(all.passes.movements).toHaveLength(7);
    expect(all.validations.byMerchant.map((m) => [m.name, m.count, m.discountPaise])).toEqual([['Cinema', 4, 8000], ['City Hospital', 1, 4000]]);
  });

  it('an empty day: zero totals, no rows; the CSV files have their headers only; the PDF says so', async () => {
    const r = await call<ValidationsReport>('reports.validations', { from: '2026-03-20' }, 'supervisor');
    expect([r.validations.count, r.validations.revenueForgonePaise, r.passes.entries, r.passes.exits, r.passes.flags.length, r.passes.forgone.visits, r.revenueForgonePaise]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect([r.validations.byMerchant, r.validations.byProgram, r.validations.items, r.passes.movements, r.passes.forgone.items]).toEqual([[], [], [], [], []]);
    const zip = await call<{ fileName: string; base64: string }>('reports.export', { date: '2026-03-20', format: 'csv', kind: 'validations' }, 'supervisor');
    expect(zip.fileName).toBe('parkgate-validations-2026-03-20.zip');
    const files = unzipSync(Buffer.from(zip.base64, 'base64'));
    const vals = Buffer.from(files['parkgate-validations-2026-03-20/validations.csv']!).toString('utf8');
    expect(vals.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(1);
    if (havePdftotext) {
      const pdf = await call<{ base64: string }>('reports.export', { date: '2026-03-20', format: 'pdf', kind: 'validations' }, 'supervisor');
      const text = pdfText(pdf.base64, 'empty.pdf');
      expect(text).toContain('No validations in this range.');
      expect(text).toContain('No pass movements in this range.');
      expect(text).toMatch(/Revenue forgone.*\n\s*0\.00 0\.00 0\.00/);
    }
  });

  it('the CSV zip: every file; rows, rupees and local times as on the report; the summary total', async () => {
    const r = await call<ValidationsReport>('reports.validations', { from: DATE }, 'supervisor');
    const out = await call<{ fileName: string; mimeType: string; base64: string }>('reports.export', { date: DATE, format: 'csv', kind: 'validations' }, 'supervisor');
    expect([out.fileName, out.mimeType]).toEqual([`parkgate-validations-${DATE}.zip`, 'application/zip']);
    const zip = unzipSync(Buffer.from(out.base64, 'base64'));
    const files = Object.fromEntries(Object.entries(zip).map(([k, v]) => [k.split('/').pop()!, Buffer.from(v).toString('utf8')]));
    expect(Object.keys(files).sort()).toEqual(['by_merchant.csv', 'by_program.csv', 'pass_flags.csv', 'pass_forgone.csv', 'pass_movements.csv', 'summary.csv', 'validations.csv']);
    expect(files['validations.csv']!.startsWith('\uFEFF')).toBe(true);
    expect(parseCsv(files['by_merchant.csv']!).map((x) => [x.merchant, x.validations, x.discount_inr])).toEqual([['Cinema', '2', '40.00'], ['City Hospital', '1', '40.00']]);
    expect(parseCsv(files['by_program.csv']!).map((x) => [x.program, x.merchant, x.discount_inr])).toEqual([['Movie ticket', 'Cinema', '40.00'], ['Patient', 'City Hospital', '40.00']]);
    expect(parseCsv(files['validations.csv']!).map((x) => [x.settled, x.vehicle, x.reason_code, x.fee_before_inr, x.discount_inr])).toEqual([
      ['2026-03-10 00:00', plates.c2, 'CINEMA', '40.00', '20.00'],
      ['2026-03-10 11:00', plates.h1, 'PATIENT', '40.00', '40.00'],
      ['2026-03-10 23:59', plates.c3, 'CINEMA', '80.00', '20.00'],
    ]);
    expect(parseCsv(files['pass_movements.csv']!).map((x) => [x.time, x.direction, x.flag])).toEqual([
      ['2026-03-10 00:00', 'EXIT', ''], ['2026-03-10 12:00', 'ENTRY', ''], ['2026-03-10 12:30', 'ENTRY', 'ALREADY_IN'],
      ['2026-03-10 14:00', 'EXIT', ''], ['2026-03-10 23:59', 'EXIT', ''],
    ]);
    expect(parseCsv(files['pass_flags.csv']!).map((x) => [x.holder, x.gate_flag, x.server_flag])).toEqual([['R. Rao', 'ALREADY_IN', '']]);
    const forgone = parseCsv(files['pass_forgone.csv']!);
    expect(forgone).toHaveLength(3);
    const summary = Object.fromEntries(parseCsv(files['summary.csv']!).map((x) => [x.metric, x.value]));
    expect(summary).toMatchObject({ facility: 'Green Mall Parking', from: DATE, to: DATE, validations: '3', validations_forgone_inr: '80.00', pass_entries: '2', pass_exits: '3', pass_flags: '1' });
    // Rupees in the file add up to the paise total (integer maths: no float drift).
    const csvPaise = forgone.reduce((s, x) => s + Math.round(Number(x.forgone_inr) * 100), 0);
    expect(csvPaise).toBe(r.passes.forgone.forgonePaise);
    expect(summary.revenue_forgone_inr).toBe((r.revenueForgonePaise / 100).toFixed(2));
  });

  it.skipIf(!havePdftotext)('the PDF (pdftotext): title, range, totals, each table row', async () => {
    const out = await call<{ fileName: string; mimeType: string; base64: string }>('reports.export', { date: '2026-03-09', to: DATE, format: 'pdf', kind: 'validations' }, 'supervisor');
    expect([out.fileName, out.mimeType]).toEqual([`parkgate-validations-2026-03-09_${DATE}.pdf`, 'application/pdf']);
    const text = pdfText(out.base64, 'range.pdf');
    const r = await call<ValidationsReport>('reports.validations', { from: '2026-03-09', to: DATE }, 'supervisor');
    expect(text).toContain('Validations and passes');
    expect(text).toContain('Green Mall Parking');
    expect(text).toContain(`2026-03-09 to ${DATE} (Asia/Kolkata)`);
    expect(text).toMatch(new RegExp(`Revenue forgone\\s+Validations \\(4, 0 pre-validated\\)\\s+Pass visits \\(${r.passes.forgone.visits}\\)`));
    expect(text).toContain('100.00'); // validations: 20 + 20 + 40 + 20
    expect(text).toMatch(/Cinema\s+3\s+60\.00/);
    expect(text).toMatch(/City Hospital\s+1\s+40\.00/);
    expect(text).toMatch(/Movie ticket\s+Cinema\s+3\s+60\.00/);
    for (const k of ['c1', 'c2', 'h1', 'c3']) expect(text).toContain(plates[k]);
    expect(text).not.toContain(plates.c4);
    expect(text).toContain('ALREADY IN');
    expect(text).toMatch(/Page 1 of \d/);
  });

  it('roles in the core: a cashier is refused the report and its export; an admin may; a wrong range is refused', async () => {
    const report = await raw('reports.validations', { from: DATE }, 'cashier');
    expect(!report.ok && report.error.code).toBe('FORBIDDEN');
    const exported = await raw('reports.export', { date: DATE, format: 'csv', kind: 'validations' }, 'cashier');
    expect(!exported.ok && exported.error.code).toBe('FORBIDDEN');
    expect((await raw('reports.validations', { from: DATE }, 'admin')).ok).toBe(true);
    const backwards = await raw('reports.validations', { from: DATE, to: '2026-03-09' }, 'supervisor');
    expect(!backwards.ok && backwards.error.code).toBe('VALIDATION_FAILED');
    const noSuchDay = await raw('reports.validations', { from: '2026-02-30' }, 'supervisor');
    expect(!noSuchDay.ok && noSuchDay.error.code).toBe('VALIDATION_FAILED');
    const tooLong = await raw('reports.validations', { from: '2025-01-01', to: '2026-03-10' }, 'supervisor');
    expect(!tooLong.ok && tooLong.error.code).toBe('VALIDATION_FAILED');
    const dailyWithTo = await raw('reports.export', { date: DATE, to: '2026-03-11', format: 'csv' }, 'supervisor');
    expect(!dailyWithTo.ok && dailyWithTo.error.code).toBe('VALIDATION_FAILED');
  });

  it('the export is audited with its kind and range; the daily export is unchanged', async () => {
    await call('reports.export', { date: DATE, to: '2026-03-11', format: 'csv', kind: 'validations' }, 'supervisor');
    const daily = await call<{ fileName: string }>('reports.export', { date: DATE, format: 'csv' }, 'supervisor');
    expect(daily.fileName).toBe(`parkgate-report-${DATE}.zip`);
    const audit = await call<{ action: string; details: Record<string, unknown> }[]>('audit.list', { limit: 5 }, 'supervisor');
    const exports = audit.filter((a) => a.action === 'report.exported').slice(0, 2).map((a) => a.details);
    expect(exports.map((d) => [d.kind, d.to, d.date])).toEqual(expect.arrayContaining([[undefined, undefined, DATE], ['validations', '2026-03-11', DATE]]));
  });
});

describe('merchant bill-back statement', () => {
  it('the month from its first to its last millisecond: CSV rows with the running total', async () => {
    const out = await call<{ fileName: string; mimeType: string; base64: string }>('merchants.statement', { merchantId: cinema.id, month: '2026-03', format: 'csv' }, 'supervisor');
    expect([out.fileName, out.mimeType]).toEqual(['statement-Cinema-2026-03.csv', 'text/csv']);
    const rows = parseCsv(Buffer.from(out.base64, 'base64').toString('utf8'));
    expect(rows.map((x) => [x.Vehicle, x['Discount (Rs)'], x['Running total (Rs)']])).toEqual([
      [plates.c1, '20.00', '20.00'], [plates.c2, '20.00', '40.00'], [plates.c3, '20.00', '60.00'], [plates.c4, '20.00', '80.00'],
    ]);
    const feb = await call<{ base64: string }>('merchants.statement', { merchantId: cinema.id, month: '2026-02', format: 'csv' }, 'supervisor');
    expect(parseCsv(Buffer.from(feb.base64, 'base64').toString('utf8'))).toEqual([]);
    // The last millisecond of March (IST) is March's; the first of April is not.
    const s = await call<{ id: string }>('gate.issueTicket', { vehicleNumber: 'KA05VR900', zoneId: zoneA }, 'attendant');
    const edge = Date.UTC(2026, 3, 1) - 330 * 60_000;
    now = edge - 1;
    const q = await call<{ amountDuePaise: number }>('validations.apply', { sessionId: s.id, programId: (await call<ValidationProgramView[]>('validations.programs', { merchantId: cinema.id }, 'cashier'))[0]!.id }, 'cashier');
    await call('gate.payCash', { sessionId: s.id, tenderedPaise: q.amountDuePaise }, 'cashier');
    now = edge;
    const march = parseCsv(Buffer.from((await call<{ base64: string }>('merchants.statement', { merchantId: cinema.id, month: '2026-03', format: 'csv' }, 'supervisor')).base64, 'base64').toString('utf8'));
    expect(march.at(-1)).toMatchObject({ 'Settled at': '2026-03-31 23:59', Vehicle: 'KA05VR900', 'Running total (Rs)': '100.00' });
    const april = parseCsv(Buffer.from((await call<{ base64: string }>('merchants.statement', { merchantId: cinema.id, month: '2026-04', format: 'csv' }, 'supervisor')).base64, 'base64').toString('utf8'));
    expect(april).toEqual([]);
  });

  it.skipIf(!havePdftotext)('the PDF (pdftotext): merchant, month, each validation and the total to bill; only the merchant\'s own', async () => {
    const out = await call<{ fileName: string; base64: string }>('merchants.statement', { merchantId: hospital.id, month: '2026-03', format: 'pdf' }, 'supervisor');
    expect(out.fileName).toBe('statement-City-Hospital-2026-03.pdf');
    const text = pdfText(out.base64, 'statement.pdf');
    expect(text).toContain('Validation statement: City Hospital');
    expect(text).toContain('Month 2026-03 (Asia/Kolkata). 1 validations, total Rs 40.00.');
    expect(text).toContain(plates.h1);
    expect(text).not.toContain(plates.c1);
    expect(text).toContain('Total to bill: Rs 40.00');
    const refused = await raw('merchants.statement', { merchantId: hospital.id, month: '2026-03', format: 'pdf' }, 'cashier');
    expect(!refused.ok && refused.error.code).toBe('FORBIDDEN');
  });
});
