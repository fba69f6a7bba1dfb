/**
 * End to end: a pass sold on the Passes screen of the real kiosk (`npm run serve`, Debian's
 * Chromium) prints on the lane's thermal printer (the simulator over TCP) when Print is pressed:
 * the paper names the holder and vehicle, and the QR the simulator drew from the ESC/POS bytes
 * decodes to the code shown on screen. The browser's print dialog is not used.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPaper } from '../../../src-sim/printer/paper.js';
import { startPrinterSim, type PrinterSim } from '../../../src-sim/printer/sim.js';
import { decodeQr } from '../helpers.js';
import { chromiumAvailable, launchChromium, screenshot } from '../../helpers/chromium.js';
import { startServe, type ServeHandle } from '../../helpers/serve.js';
import { countDrawer, loginUi } from '../../e2e/ui-helpers.js';

describe.skipIf(!chromiumAvailable())('season pass printed on the lane printer (Chromium + simulator)', () => {
  let srv: ServeHandle;
  let sim: PrinterSim;
  let browser: Browser;
  let page: Page;
  const work = mkdtempSync(join(tmpdir(), 'parkgate-pass-print-e2e-'));

  beforeAll(async () => {
    sim = await startPrinterSim({ paperWidth: 80, outDir: join(work, 'paper') });
    srv = await startServe({ seedDemo: true, fakeClock: true });
    await srv.call('print.configure', { driver: 'tcp', host: '127.0.0.1', port: sim.tcpPort, paperWidth: 80 }, await srv.login('admin'));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A browser print dialog would be a failure here: count the calls.
    await page.addInitScript(() => {
      (window as unknown as { printCalls: number }).printCalls = 0;
      window.print = () => { (window as unknown as { printCalls: number }).printCalls++; };
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await srv?.stop();
    await sim?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('sold for cash, Print sends it to the thermal printer: holder, vehicle and the QR of the code on screen', async () => {
    await loginUi(page, srv.url, 'cashier');
    await countDrawer(page, { N500: 2 });
    await page.getByRole('button', { name: 'Open shift' }).click();
    await page.locator('[data-testid="shift-card"][data-open="true"]').waitFor();
    await page.getByTestId('nav-passes').click();
    await page.getByTestId('pass-order').waitFor();
    await page.getByTestId('pass-holder').fill('Asha Rao');
    await page.getByTestId('pass-plate').fill('ka 01 pp 9876');
    await page.getByTestId('pass-price').fill('1500');
    await page.getByTestId('pass-pay-cash').click();
    await page.getByRole('button', { name: '₹2,000.00' }).click();
    await page.getByTestId('pass-confirm-cash').click();
    await page.getByTestId('pass-card').waitFor();
    const code = await page.getByTestId('pass-code').innerText();
    expect(code).toMatch(/^PP1\./);
    expect(sim.pages()).toHaveLength(0); // a sale alone prints nothing

    await page.getByTestId('pass-print').click();
    await page.getByTestId('pass-print-sent').waitFor({ timeout: 20_000 });
    const [paper] = await sim.waitForPages(1, 30_000);
    expect(paper!.qr).toEqual([code]);
    expect(await decodeQr(renderPaper(paper!.items, 576))).toEqual([code]); // the drawn paper scans to it
    const lines = paper!.text.map((l) => l.trim().replace(/\s+/g, ' '));
    expect(lines).toContain('SEASON PASS');
    expect(lines).toContain('Holder Asha Rao');
    expect(lines).toContain('Vehicle KA01PP9876');
    expect(await page.evaluate(() => (window as unknown as { printCalls: number }).printCalls)).toBe(0);
    await screenshot(page, 'print-e2e-pass').catch(() => undefined);
  }, 180_000);
});
