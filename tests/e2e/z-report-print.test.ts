/**
 * The Z report's Print in Chromium against the real core (standalone kiosk, fake clock): after the
 * blind count the report shows, and its print (print media, and a PDF of the page as the browser
 * prints it) holds the report's text: totals, the kiosk's counts and the signature lines.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, screenshot } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/serve.js';
import { loginUi } from './ui-helpers.js';

describe.skipIf(!chromiumAvailable())('Z report print (e2e)', () => {
  let srv: ServeHandle;
  let browser: Browser;
  let page: Page;
  const dir = mkdtempSync(join(tmpdir(), 'pg-zprint-'));
  const t0 = Date.parse('2026-03-02T04:00:00.000Z');
  const setClock = (ms: number) => srv.call('dev.setClock', { now: new Date(ms).toISOString() });

  beforeAll(async () => {
    srv = await startServe({ seedDemo: true, fakeClock: true, env: { PARKGATE_BACKUP_INTERVAL_MINUTES: '0' } });
    await setClock(t0);
    const cashier = await srv.login('cashier');
    const attendant = await srv.login('attendant');
    await srv.call('shifts.open', { openingFloatPaise: 100_000 }, cashier);
    const zoneA = (await srv.call<{ id: string; name: string }[]>('zones.list', {}, attendant)).find((z) => z.name === 'A')!;
    // One ticket and one free exit inside the grace period during the shift.
    await setClock(t0 + 60_000);
    const s = await srv.call<{ id: string; code: string }>('gate.issueTicket', { vehicleNumber: 'KA03ZP1001', zoneId: zoneA.id }, attendant);
    await setClock(t0 + 4 * 60_000);
    await srv.call('gate.quoteExit', { code: s.code }, attendant);
    await srv.call('gate.completeExit', { sessionId: s.id }, attendant);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    page.on('dialog', (d) => void d.accept());
  }, 180_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, 'FAILED-z-report-print').catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after the blind count, the printed page holds the whole report, not a blank page', async () => {
    await loginUi(page, srv.url, 'cashier');
    await page.getByTestId('nav-shift').click();
    const main = page.locator('main');
    await main.getByTestId('denom-N500').click();
    await main.getByRole('group', { name: 'Count keypad' }).getByRole('button', { name: '2', exact: true }).click();
    await main.getByRole('button', { name: 'Close shift' }).click();
    const report = page.getByTestId('z-report');
    await report.waitFor();
    await expect.poll(() => report.textContent()).toContain('Z REPORT');
    // The screen's figures, apart from the report text.
    expect(await page.getByTestId('shift-tickets-issued').textContent()).toBe('1');
    expect(await page.getByTestId('shift-free-exits').textContent()).toBe('1');

    await page.emulateMedia({ media: 'print' });
    for (const text of ['Z REPORT - cash shift', 'Expected in drawer', 'Parking UPI (0)', 'Tickets issued', 'Free exits (nothing due)', 'Cashier signature:', 'Supervisor signature:']) {
      await expect.poll(() => report.filter({ hasText: text }).isVisible(), { message: text }).toBe(true);
    }
    // Every line of the report lies inside the printed width (nothing cut off at the right edge).
    const box = await report.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(box.scroll).toBeLessThanOrEqual(box.client + 1);
    await screenshot(page, 'z-report-print-media');

    const pdfPath = join(dir, 'z.pdf');
    writeFileSync(pdfPath, await page.pdf({ preferCSSPageSize: true, printBackground: false }));
    const printed = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    for (const text of ['Z REPORT - cash shift', 'Opening float', '1000.00', 'Tickets issued', 'Lost-ticket exits', 'Cashier signature:', 'Supervisor signature:']) {
      expect(printed, text).toContain(text);
    }
    expect(printed).toMatch(/Free exits \(nothing due\)\s+1/);
    expect(printed).toMatch(/Tickets issued\s+1/);
    // Only the report is printed: the navigation and the forms are not on paper.
    expect(printed).not.toContain('Close shift');
    await page.emulateMedia({ media: 'screen' });
  }, 120_000);
});
