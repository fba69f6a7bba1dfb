/**
 * reports.daily on a generated day with known totals (tests/reports/day-fixture.ts), in the
 * facility's zone (Asia/Kolkata) and in UTC; then the CSV zip parsed back, formula injection, and
 * the PDF checked with poppler's pdftotext and turned into test-output/report-page1.png.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyReport } from '../../src-shared/contracts/entities.js';
import { paiseToRupeesString } from '../../src-shared/domain/money.js';
import { csvCell } from '../../src-main/reports/csv.js';
import { pdfMoney } from '../../src-main/reports/pdf.js';
import { dayBounds, dayHours } from '../../src-main/reports/time.js';
import { buildDay, DATE, ist, type DayFixture } from './day-fixture.js';

let f: DayFixture;
let report: DailyReport;
const OUT = join(import.meta.dirname, '..', '..', 'test-output');

beforeAll(async () => {
  f = await buildDay();
  report = await f.call<DailyReport>('reports.daily', { date: DATE }, 'supervisor');
});
afterAll(() => f?.close());

/** RFC 4180 parser (quotes, doubled quotes, CRLF), enough to read our own files back. */
function parseCsv(text: string): string[][] {
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
  return rows;
}

function table(files: Record<string, string>, name: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(files[name]!);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

async function exportCsv(): Promise<Record<string, string>> {
  const r = await f.call<{ fileName: string; mimeType: string; base64: string }>('reports.export', { date: DATE, format: 'csv' }, 'supervisor');
  expect(r.fileName).toBe(`parkgate-report-${DATE}.zip`);
  expect(r.mimeType).toBe('application/zip');
  const zip = unzipSync(Buffer.from(r.base64, 'base64'));
  // Buffer keeps the BOM (TextDecoder, behind strFromU8, would drop it).
  return Object.fromEntries(Object.entries(zip).map(([k, v]) => [k.split('/').pop()!, Buffer.from(v).toString('utf8')]));
}

describe('time zone arithmetic', () => {
  it('a local day in Asia/Kolkata starts at 18:30 UTC the day before; UTC days start at midnight', () => {
    expect(dayBounds('2026-03-10', 'Asia/Kolkata')).toEqual({ start: Date.parse('2026-03-09T18:30:00Z'), end: Date.parse('2026-03-10T18:30:00Z') });
    expect(dayBounds('2026-03-10', 'UTC')).toEqual({ start: Date.parse('2026-03-10T00:00:00Z'), end: Date.parse('2026-03-11T00:00:00Z') });
    expect(dayHours('2026-03-10', 'Asia/Kolkata').map((h) => h.hour)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    // A DST zone still works: 23 local hours on the spring-forward day, 25 in autumn.
    expect(dayHours('2026-03-08', 'America/New_York')).toHaveLength(23);
    expect(dayHours('2026-11-01', 'America/New_York')).toHaveLength(25);
    expect(() => dayBounds('2026-02-30', 'UTC')).toThrow(RangeError);
  });
});

describe('reports.daily: the generated day in Asia/Kolkata', () => {
  it('has the exact header, session and money figures', () => {
    expect(report).toMatchObject({
      date: DATE, timeZone: 'Asia/Kolkata', facilityName: 'Green Mall Parking',
      dayStart: '2026-03-09T18:30:00.000Z', dayEnd: '2026-03-10T18:30:00.000Z', generatedAt: new Date(ist(11, 12)).toISOString(),
    });
    expect(report.sessions).toEqual({ booked: 3, walkIns: 7, entered: 8, exited: 7, cancelled: 2, expired: 0, insideAtStart: 1, insideAtEnd: 2 });
    expect(report.revenue).toEqual({
      totalPaise: 70_000, cashPaise: 58_000, onlinePaise: 17_000, refundsPaise: 5_000, latePaise: 4_000,
      cashCount: 4, onlineCount: 3, refundCount: 1, lateCount: 1,
    });
    expect(report.pendingPayments).toBe(1);
    expect(report.failedPayments).toBe(1);
    // Stays of the 7 exits: 240, 3600, 3600, 5400, 7800, 12600 (crossed midnight), 14400 seconds.
    expect(report.stay).toEqual({ averageSeconds: 6806, medianSeconds: 5400 });
  });

  it('counts occupancy per hour, with the car that crossed midnight inside in hours 0 and 1', () => {
    const occupancy = [1, 1, 0, 0, 0, 0, 0, 1, 2, 3, 2, 1, 1, 1, 1, 0, 0, 1, 1, 2, 1, 1, 1, 2];
    const entered = { 7: 1, 8: 1, 9: 1, 12: 1, 14: 1, 17: 1, 19: 1, 23: 1 } as Record<number, number>;
    const exited = { 1: 1, 9: 1, 10: 1, 11: 1, 13: 1, 15: 1, 20: 1 } as Record<number, number>;
    const revenue = { 1: 16_000, 10: 12_000, 11: 8_000, 13: 28_000, 15: 4_000, 16: 5_000, 20: 2_000 } as Record<number, number>;
    expect(report.byHour).toEqual(occupancy.map((o, hour) => ({
      hour, occupancy: o, entered: entered[hour] ?? 0, exited: exited[hour] ?? 0, revenuePaise: revenue[hour] ?? 0,
    })));
  });

  it('splits by zone, operator and shift', () => {
    expect(report.byZone.map(({ zoneId: _z, ...z }) => z)).toEqual([
      { zoneName: 'A', entered: 5, exited: 4, revenuePaise: 60_000, peakOccupancy: 2 },
      { zoneName: 'B', entered: 3, exited: 3, revenuePaise: 15_000, peakOccupancy: 2 },
    ]);
    expect(report.byOperator.map(({ operatorId: _o, ...o }) => o)).toEqual([
      { operatorName: 'Cashier', payments: 6, revenuePaise: 70_000, cashPaise: 58_000, onlinePaise: 12_000 },
      { operatorName: 'Central server', payments: 1, revenuePaise: 5_000, cashPaise: 0, onlinePaise: 5_000 },
    ]);
    expect(report.byShift).toEqual([
      {
        shiftId: f.ids.shift1, operatorName: 'Cashier', openedAt: new Date(ist(9, 21)).toISOString(), closedAt: new Date(ist(10, 22)).toISOString(),
        openingFloatPaise: 100_000, cashSalesPaise: 58_000, expectedPaise: 157_500, countedPaise: 157_000, differencePaise: -500, status: 'CLOSED',
      },
      {
        shiftId: f.ids.shift2, operatorName: 'Cashier', openedAt: new Date(ist(10, 23)).toISOString(), closedAt: null,
        openingFloatPaise: 0, cashSalesPaise: 4_000, expectedPaise: null, countedPaise: null, differencePaise: null, status: 'OPEN',
      },
    ]);
  });

  it('lists the exceptions with who did them, and the integrity checks read zero', async () => {
    expect(report.exceptions.map((e) => [e.kind, e.sessionId, new Date(e.at).getTime(), e.operatorName])).toEqual([
      ['FREE_EXIT', f.ids.S2, ist(10, 9, 4), 'Attendant'],
      ['LOST_TICKET', f.ids.S4, ist(10, 13, 30), 'Cashier'],
      ['LATE_PAYMENT', f.ids.S5, ist(10, 15), 'Cashier'],
      ['CANCELLED', f.ids.S6, ist(10, 16, 3), 'Supervisor'],
      ['CONFLICT', f.ids.S9, ist(10, 20), 'Cashier'],
      ['CANCELLED', f.ids.S11, ist(10, 20, 30), 'Supervisor'],
    ]);
    expect(report.exceptions[0]!.detail).toBe('No charge: 4 min, within the 5 min grace');
    expect(report.exceptions[3]!.detail).toBe('Cancelled: Driver changed plans; refund 50.00');
    expect(report.exceptions[4]!.detail).toContain('Exit also recorded at gate 2');
    expect(report.integrity).toEqual({
      ok: true,
      findings: ['orphan_sessions', 'occupied_slots_without_session', 'unpaid_exits', 'sessions_without_zone', 'slots_without_zone'].map((check) => ({ check, count: 0 })),
    });
    // The day really is healthy by the full check too.
    expect(await f.call('integrity.check', {}, 'supervisor')).toEqual({ ok: true, findings: [] });
  });

  it('the previous day sees the midnight car enter, and the integrity summary catches an unpaid exit', async () => {
    const prev = await f.call<DailyReport>('reports.daily', { date: '2026-03-09' }, 'supervisor');
    expect(prev.sessions).toMatchObject({ entered: 1, exited: 0, walkIns: 1, insideAtStart: 0, insideAtEnd: 1 });
    expect(prev.byHour[22]!.occupancy).toBe(1);
    expect(prev.byHour[23]!.occupancy).toBe(1);
    expect(prev.revenue.totalPaise).toBe(0);
  });

  it('needs SUPERVISOR and a real date', async () => {
    const r = await f.kiosk.call('reports.daily', { date: DATE }, await f.token('cashier'));
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const bad = await f.kiosk.call('reports.daily', { date: '10-03-2026' }, await f.token('supervisor'));
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('reports.daily in UTC', () => {
  it('moves the day boundary: the midnight car is gone, the 00:20 IST exit (18:50 UTC) is in', async () => {
    await f.call('settings.update', { timeZone: 'UTC' }, 'supervisor');
    try {
      const utc = await f.call<DailyReport>('reports.daily', { date: DATE }, 'supervisor');
      expect(utc).toMatchObject({ timeZone: 'UTC', dayStart: '2026-03-10T00:00:00.000Z', dayEnd: '2026-03-11T00:00:00.000Z' });
      expect(utc.sessions).toEqual({ booked: 3, walkIns: 7, entered: 8, exited: 7, cancelled: 2, expired: 0, insideAtStart: 0, insideAtEnd: 1 });
      expect(utc.revenue).toMatchObject({ totalPaise: 58_000, cashPaise: 46_000, onlinePaise: 17_000, refundsPaise: 5_000, latePaise: 4_000 });
      expect(utc.stay).toEqual({ averageSeconds: 5434, medianSeconds: 3600 });
      // 07:30-11:30 IST = 02:00-06:00 UTC (S3), 08:00-10:10 IST = 02:30-04:40 UTC (S1), 09:00 IST = 03:30 UTC (S2).
      expect(utc.byHour.slice(0, 7).map((h) => h.occupancy)).toEqual([0, 0, 2, 3, 2, 1, 1]); // + S4 from 12:00 IST = 06:30 UTC
      expect(utc.byHour[18]).toMatchObject({ exited: 1, revenuePaise: 4_000 }); // S10 paid at 18:50 UTC
      expect(utc.exceptions).toHaveLength(6);
      expect(utc.byShift).toHaveLength(2);
    } finally {
      await f.call('settings.update', { timeZone: 'Asia/Kolkata' }, 'supervisor');
    }
  });

  it('refuses an unknown time zone', async () => {
    const r = await f.kiosk.call('settings.update', { timeZone: 'Mars/Olympus' }, await f.token('supervisor'));
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('reports.export csv', () => {
  it('parses back to the same figures', async () => {
    const files = await exportCsv();
    expect(Object.keys(files).sort()).toEqual(['by_hour.csv', 'by_operator.csv', 'by_shift.csv', 'by_zone.csv', 'exceptions.csv', 'integrity.csv', 'manual_openings.csv', 'summary.csv', 'tax.csv', 'vend_exceptions.csv']);
    for (const text of Object.values(files)) expect(text.startsWith('\uFEFF')).toBe(true);
    const summary = Object.fromEntries(table(files, 'summary.csv').map((r) => [`${r.section}.${r.metric}`, r.value]));
    expect(summary['report.facility']).toBe('Green Mall Parking');
    expect(summary['revenue.total']).toBe(paiseToRupeesString(report.revenue.totalPaise));
    expect(summary['revenue.total']).toBe('700.00');
    expect(summary['revenue.cash']).toBe('580.00');
    expect(summary['revenue.online']).toBe('170.00');
    expect(summary['revenue.refunds']).toBe('50.00');
    expect(summary['revenue.late']).toBe('40.00');
    for (const [k, v] of Object.entries(report.sessions)) expect(summary[`sessions.${k}`]).toBe(String(v));
    expect(summary['payments.pending']).toBe('1');
    expect(summary['stay.median_seconds']).toBe('5400');
    const hours = table(files, 'by_hour.csv');
    expect(hours.map((h) => Number(h.occupancy))).toEqual(report.byHour.map((h) => h.occupancy));
    expect(hours.map((h) => h.revenue_inr)).toEqual(report.byHour.map((h) => paiseToRupeesString(h.revenuePaise)));
    const zones = table(files, 'by_zone.csv');
    expect(zones.map((z) => [z.zone, z.entered, z.exited, z.revenue_inr])).toEqual([['A', '5', '4', '600.00'], ['B', '3', '3', '150.00']]);
    const shifts = table(files, 'by_shift.csv');
    expect(shifts[0]).toMatchObject({ cashier: 'Cashier', opened: '2026-03-09 21:00', closed: '2026-03-10 22:00', expected_inr: '1575.00', counted_inr: '1570.00', difference_inr: '-5.00', status: 'CLOSED' });
    const exceptions = table(files, 'exceptions.csv');
    expect(exceptions.map((e) => [e.time, e.kind, e.operator])).toEqual(report.exceptions.map((e) => [
      new Date(Date.parse(e.at) + 330 * 60_000).toISOString().slice(0, 16).replace('T', ' '), e.kind, e.operatorName,
    ]));
    const ops = table(files, 'by_operator.csv');
    expect(ops.reduce((a, o) => a + Math.round(Number(o.revenue_inr) * 100), 0)).toBe(report.revenue.cashPaise + report.revenue.onlinePaise);
  });

  it('escapes formula injection: = + - @ tab and CR get a leading apostrophe', async () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'].map((v) => csvCell(v))).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "\"'\rx\""]);
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('-5.00', 'number')).toBe('-5.00');
    const supervisorId = (f.kiosk.ctx.store.sqlite.prepare(`SELECT id FROM operators WHERE username = 'supervisor'`).get() as { id: string }).id;
    await f.call('settings.update', { facilityName: '=HYPERLINK("http://evil.example","x")' }, 'admin');
    await f.call('operators.update', { operatorId: supervisorId, name: '@Boss+1' }, 'admin');
    try {
      const files = await exportCsv();
      const summary = table(files, 'summary.csv');
      expect(summary.find((r) => r.metric === 'facility')!.value).toBe('\'=HYPERLINK("http://evil.example","x")');
      const cancelled = table(files, 'exceptions.csv').filter((e) => e.kind === 'CANCELLED');
      expect(cancelled.map((e) => e.operator)).toEqual(["'@Boss+1", "'@Boss+1"]);
      // No cell of any file starts with a formula character.
      for (const text of Object.values(files)) {
        for (const row of parseCsv(text)) for (const cell of row) expect(cell, cell).not.toMatch(/^[=+@\t\r]/);
      }
      // Amounts stay numbers: the negative shift difference is not escaped.
      expect(table(files, 'by_shift.csv')[0]!.difference_inr).toBe('-5.00');
    } finally {
      await f.call('settings.update', { facilityName: 'Green Mall Parking' }, 'admin');
      await f.call('operators.update', { operatorId: supervisorId, name: 'Supervisor' }, 'admin');
    }
  });
});

describe('reports.export pdf', () => {
  it('renders a real PDF whose text holds the totals; page 1 becomes test-output/report-page1.png', async () => {
    const r = await f.call<{ fileName: string; mimeType: string; base64: string }>('reports.export', { date: DATE, format: 'pdf' }, 'supervisor');
    expect(r).toMatchObject({ fileName: `parkgate-report-${DATE}.pdf`, mimeType: 'application/pdf' });
    const pdf = Buffer.from(r.base64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    mkdirSync(OUT, { recursive: true });
    const pdfPath = join(OUT, 'report.pdf');
    writeFileSync(pdfPath, pdf);
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    expect(text).toContain('Daily report');
    expect(text).toContain('Green Mall Parking');
    expect(text).toContain(`Date ${DATE} (Asia/Kolkata)`);
    for (const paise of [report.revenue.totalPaise, report.revenue.cashPaise, report.revenue.onlinePaise, report.revenue.refundsPaise, 157_500, -500]) {
      expect(text).toContain(pdfMoney(paise));
    }
    expect(pdfMoney(70_000)).toBe('700.00');
    expect(text).toContain('Cars inside during each hour');
    expect(text).toMatch(/LOST TICKET/);
    expect(text).toContain('Driver changed plans');
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' }))![1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let p = 1; p <= pages; p += 1) expect(text).toContain(`Page ${p} of ${pages}`);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdfPath, join(OUT, 'report-page1')]);
    const png = join(OUT, 'report-page1.png');
    expect(existsSync(png)).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(10_000);
  });

  it('every export is in the audit log with who did it', async () => {
    const n = (f.kiosk.ctx.store.sqlite.prepare(`SELECT COUNT(*) n FROM audit_log WHERE action = 'report.exported'`).get() as { n: number }).n;
    expect(n).toBeGreaterThanOrEqual(3);
    expect((await f.call<{ ok: boolean }>('audit.verify', {}, 'supervisor')).ok).toBe(true);
  });
});
