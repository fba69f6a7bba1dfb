/**
 * End to end in Chromium against the real `npm run serve`: after a cinema-validated exit and a
 * season pass's entry and exit (through the core's API, as the gates do), a supervisor opens
 * Reports -> Validations and passes, sees the validation by merchant, by program and as a row, the
 * pass movements and the revenue forgone, and downloads the CSV zip, the PDF (read with pdftotext)
 * and the merchant's monthly bill-back statement.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, screenshot } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/serve.js';
import { captureScreen, loginUi } from './ui-helpers.js';

const havePdftotext = spawnSync('pdftotext', ['-v']).status === 0;

describe.skipIf(!chromiumAvailable())('validations and passes report (e2e)', () => {
  let srv: ServeHandle;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let day = '';

  const advance = async (ms: number) => {
    const health = await srv.call<{ now: string }>('system.health', {});
    await srv.call('dev.setClock', { now: new Date(Date.parse(health.now) + ms).toISOString() });
  };
  const saved = async (click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> => {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]) as [Download, void];
    const path = join(dir, download.suggestedFilename());
    await download.saveAs(path);
    return { name: download.suggestedFilename(), bytes: readFileSync(path) };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parkgate-e2e-valrep-'));
    srv = await startServe({ seedDemo: true, fakeClock: true });
    // Start the day at 09:00 IST so the visits below stay on one facility day.
    const now = Date.parse((await srv.call<{ now: string }>('system.health', {})).now);
    const istMidnight = Math.floor((now + 330 * 60_000) / 86_400_000) * 86_400_000 - 330 * 60_000;
    await srv.call('dev.setClock', { now: new Date(istMidnight + 86_400_000 + 9 * 3600_000).toISOString() });
    day = new Date(istMidnight + 86_400_000 + 330 * 60_000).toISOString().slice(0, 10);

    const supervisor = await srv.login('supervisor');
    const attendant = await srv.login('attendant');
    const cashier = await srv.login('cashier');
    const zoneA = (await srv.call<{ id: string; name: string }[]>('zones.list', {}, supervisor)).find((z) => z.name === 'A')!.id;
    const cinema = await srv.call<{ id: string }>('merchants.create', { name: 'PVR Cinema', prepaid: false }, supervisor);
    const movie = await srv.call<{ id: string }>('validations.createProgram',
      { merchantId: cinema.id, name: 'Movie ticket', kind: 'AMOUNT_OFF', amountOffPaise: 2000, reasonCode: 'MOVIE' }, supervisor);
    await srv.call('shifts.open', { openingFloatPaise: 0 }, cashier);

    // A validated exit: 1 h 30 in zone A (2 h x Rs 40 = Rs 80), Rs 20 off, Rs 60 paid in cash.
    const s = await srv.call<{ id: string }>('gate.issueTicket', { vehicleNumber: 'TS09VR0001', zoneId: zoneA }, attendant);
    // A pass holder enters and exits (the pass covers the stay: nothing to pay).
    const pass = await srv.call<{ code: string }>('passes.sell', {
      kind: 'MONTHLY', holderName: 'Asha Rao', plates: ['KA01PP4321'], zones: [zoneA], pricePaise: 150_000, tenderedPaise: 150_000,
    }, cashier);
    await srv.call('passes.enter', { code: pass.code, vehicleNumber: 'KA01PP4321' }, attendant);
    await advance(90 * 60_000);
    const q = await srv.call<{ amountDuePaise: number; discountPaise: number }>('validations.apply', { sessionId: s.id, programId: movie.id }, cashier);
    expect([q.discountPaise, q.amountDuePaise]).toEqual([2000, 6000]);
    await srv.call('gate.payCash', { sessionId: s.id, tenderedPaise: 6000 }, cashier);
    const out = await srv.call<{ session: { status: string } | null }>('passes.exit', { code: pass.code }, attendant);
    expect(out.session?.status).toBe('COMPLETED');

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await loginUi(page, srv.url, 'supervisor');
  }, 180_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, 'FAILED-reports-validations').catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await srv?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the supervisor sees the validation and the pass movements of the day', async () => {
    await page.getByTestId('nav-reports').click();
    await page.getByTestId('reports-tab-validations').click();
    await page.getByTestId('valrep-items').waitFor();
    expect(await page.getByTestId('valrep-from').inputValue()).toBe(day);
    expect(await page.getByTestId('valrep-by-merchant').innerText()).toMatch(/PVR Cinema\s+1\s+₹20\.00/);
    expect(await page.getByTestId('valrep-by-program').innerText()).toMatch(/Movie ticket\s+PVR Cinema\s+1\s+₹20\.00/);
    const items = await page.getByTestId('valrep-items').innerText();
    expect(items).toMatch(/TS09VR0001\s+PVR Cinema\s+Movie ticket\s+MOVIE\s+₹80\.00\s+₹20\.00/);
    const moves = await page.getByTestId('valrep-movements').locator('tbody tr').allInnerTexts();
    expect(moves.map((m) => m.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/^09:00 Entry Asha Rao KA01PP4321 /),
      expect.stringMatching(/^10:30 Exit Asha Rao KA01PP4321 /),
    ]);
    expect(await page.getByTestId('valrep-total-pass-in-out').innerText()).toContain('1 / 1');
    // Pass visit 1 h 30 -> Rs 80 forgone; plus the Rs 20 validation.
    expect(await page.getByTestId('valrep-forgone').innerText()).toMatch(/Asha Rao.*₹80\.00\s+₹0\.00\s+₹80\.00/s);
    expect(await page.getByTestId('valrep-total-forgone').innerText()).toContain('₹100.00');
    expect(await page.getByTestId('valrep-flags-empty').innerText()).toBe('Nothing in this range.');
    await captureScreen(page, 'reports-validations-01');
  }, 120_000);

  it('downloads the CSV zip and the PDF of the range shown', async () => {
    const csv = await saved(() => page.getByTestId('valrep-export-csv').click());
    expect(csv.name).toBe(`parkgate-validations-${day}.zip`);
    const files = Object.fromEntries(Object.entries(unzipSync(csv.bytes)).map(([k, v]) => [k.split('/').pop()!, Buffer.from(v).toString('utf8')]));
    expect(files['validations.csv']).toContain('TS09VR0001,PVR Cinema,Movie ticket,MOVIE,MANUAL,');
    expect(files['validations.csv']).toMatch(/,80\.00,20\.00,/);
    expect(files['pass_movements.csv']!.trim().split('\r\n')).toHaveLength(3);
    expect(files['summary.csv']).toMatch(/revenue_forgone_inr,100\.00/);
    await page.getByRole('status').filter({ hasText: `Saved parkgate-validations-${day}.zip` }).waitFor();

    const pdf = await saved(() => page.getByTestId('valrep-export-pdf').click());
    expect(pdf.name).toBe(`parkgate-validations-${day}.pdf`);
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    if (havePdftotext) {
      const text = execFileSync('pdftotext', ['-layout', join(dir, pdf.name), '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
      expect(text).toContain('Validations and passes');
      expect(text).toMatch(/PVR Cinema\s+1\s+20\.00/);
      expect(text).toContain('TS09VR0001');
      expect(text).toContain('Asha Rao');
    }
  }, 120_000);

  it("downloads the merchant's monthly bill-back statement", async () => {
    const row = page.getByTestId('valrep-statement-PVR Cinema');
    expect(await row.innerText()).toContain('Billed monthly');
    const csv = await saved(() => row.getByRole('button', { name: 'Statement CSV' }).click());
    expect(csv.name).toBe(`statement-PVR-Cinema-${day.slice(0, 7)}.csv`);
    const lines = csv.bytes.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/,TS09VR0001,Movie ticket,MOVIE,MANUAL,,80\.00,20\.00,20\.00$/);
    const pdf = await saved(() => row.getByRole('button', { name: 'Statement PDF' }).click());
    expect(pdf.name).toBe(`statement-PVR-Cinema-${day.slice(0, 7)}.pdf`);
    if (havePdftotext) {
      const text = execFileSync('pdftotext', ['-layout', join(dir, pdf.name), '-'], { encoding: 'utf8' });
      expect(text).toContain('Total to bill: Rs 20.00');
    }
  }, 120_000);
});
