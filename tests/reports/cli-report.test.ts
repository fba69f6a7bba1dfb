/** CLI `report --date --format csv|pdf --out` on the generated day: the file holds the same figures. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDay, DATE, type DayFixture } from './day-fixture.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
let f: DayFixture;

beforeAll(async () => {
  f = await buildDay();
});
afterAll(() => f?.close());

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli.ts', ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000,
  });
}

describe('cli report', () => {
  it('writes the CSV zip and the PDF for a date', () => {
    const db = join(f.dir, 'kiosk.db');
    const zipPath = join(f.dir, 'out', 'day.zip');
    const csv = cli('report', '--db', db, '--date', DATE, '--format', 'csv', '--out', zipPath);
    expect(csv.status, csv.stderr).toBe(0);
    expect(JSON.parse(csv.stdout.trim())).toMatchObject({ fileName: `parkgate-report-${DATE}.zip`, mimeType: 'application/zip' });
    const files = unzipSync(readFileSync(zipPath));
    const summary = Buffer.from(files[`parkgate-report-${DATE}/summary.csv`]!).toString('utf8');
    expect(summary).toContain('revenue,total,700.00,INR');
    const pdfPath = join(f.dir, 'out', 'day.pdf');
    const pdf = cli('report', '--db', db, '--date', DATE, '--format', 'pdf', '--out', pdfPath);
    expect(pdf.status, pdf.stderr).toBe(0);
    expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('explains a wrong call', () => {
    const r = cli('report', '--db', join(f.dir, 'kiosk.db'), '--date', '2026/03/10', '--out', join(f.dir, 'x.pdf'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--date YYYY-MM-DD');
  });
});
