/**
 * End to end at a lane with a receipt printer: the real kiosk (`npm run serve`), Debian's
 * Chromium, and the printer simulator over TCP. A ticket issued in the browser prints by itself;
 * the QR on that printed paper (rendered by the simulator from the bytes it received) becomes the
 * exit camera's video; the cashier takes cash and the receipt prints. Then the paper runs out:
 * the next ticket is on screen with an alert, and it prints once paper is loaded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paperPng, renderPaper } from '../../../src-sim/printer/paper.js';
import { startPrinterSim, type PrinterSim } from '../../../src-sim/printer/sim.js';
import { chromiumAvailable, launchChromium, pngToY4m, screenshot } from '../../helpers/chromium.js';
import { startServe, type ServeHandle } from '../../helpers/serve.js';
import { countDrawer, loginUi } from '../../e2e/ui-helpers.js';

interface Session { id: string; code: string; status: string; slotNumber: string; amountPaidPaise: number }

describe.skipIf(!chromiumAvailable())('lane printer end to end (Chromium + simulator)', () => {
  let srv: ServeHandle;
  let sim: PrinterSim;
  let browser: Browser;
  let page: Page;
  const browsers: Browser[] = [];
  const work = mkdtempSync(join(tmpdir(), 'parkgate-print-e2e-'));
  let admin: string;

  beforeAll(async () => {
    sim = await startPrinterSim({ paperWidth: 80, outDir: join(work, 'paper') });
    srv = await startServe({ seedDemo: true, fakeClock: true });
    admin = await srv.login('admin');
    await srv.call('print.configure', { driver: 'tcp', host: '127.0.0.1', port: sim.tcpPort, paperWidth: 80 }, admin);
    browser = await launchChromium({ args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  }, 180_000);

  afterAll(async () => {
    for (const b of browsers) await b.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await srv?.stop();
    await sim?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function issueInUi(vehicle: string): Promise<string> {
    await page.getByLabel('Vehicle number').fill(vehicle);
    await page.getByRole('radio', { name: /^A/ }).check();
    await page.getByRole('button', { name: 'Issue ticket' }).click();
    const ticket = page.getByTestId('ticket');
    await ticket.waitFor();
    return ticket.getByTestId('ticket-code').innerText();
  }

  it('ticket printed -> its printed QR scanned at the exit by the camera -> cash -> receipt printed', async () => {
    await loginUi(page, srv.url, 'attendant');
    const code = await issueInUi('KA 09 PR 0001');
    const [ticketPage] = await sim.waitForPages(1, 30_000);
    expect(ticketPage!.qr).toEqual([code]);
    expect(ticketPage!.text.map((l) => l.trim().replace(/\s+/g, ' '))).toContain('Vehicle KA09PR0001');
    await page.locator('[data-testid="ticket-print-status"][data-state="printed"]').waitFor({ timeout: 30_000 });
    // No browser print dialog button when the lane has a printer.
    expect(await page.getByRole('button', { name: 'Print ticket' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Done' }).click();

    // The QR as the printer drew it, played by the exit camera.
    const qrItem = ticketPage!.items.find((i) => i.kind === 'qr')!;
    writeFileSync(join(work, 'printed-qr.png'), paperPng(renderPaper([qrItem], 576)));
    pngToY4m(join(work, 'printed-qr.png'), join(work, 'printed-qr.y4m'));

    const health = await srv.call<{ now: string }>('system.health', {});
    await srv.call('dev.setClock', { now: new Date(Date.parse(health.now) + 90 * 60 * 1000).toISOString() });
    const cam = await launchChromium({ fakeVideo: join(work, 'printed-qr.y4m') });
    browsers.push(cam);
    const camPage = await cam.newPage({ viewport: { width: 1280, height: 860 } });
    await loginUi(camPage, srv.url, 'cashier');
    await camPage.getByTestId('nav-exit').click();
    await camPage.getByTestId('quote').waitFor({ timeout: 60_000 });
    await camPage.getByRole('button', { name: 'Stop camera' }).click();
    await countDrawer(camPage, { N500: 2 });
    await camPage.getByRole('button', { name: 'Open shift' }).click();
    await camPage.locator('[data-testid="shift-card"][data-open="true"]').waitFor();
    await camPage.getByRole('group', { name: 'Take payment' }).getByRole('button', { name: /Cash/ }).click();
    const keypad = camPage.getByRole('group', { name: 'Cash keypad' });
    for (const k of ['2', '0', '0']) await keypad.getByRole('button', { name: k, exact: true }).click();
    await camPage.getByRole('button', { name: /Confirm cash/ }).click();
    await camPage.getByText('GATE OPEN').waitFor();
    await screenshot(camPage, 'print-e2e-exit').catch(() => undefined);

    const receipt = (await sim.waitForPages(2, 30_000))[1]!;
    const lines = receipt.text.map((l) => l.trim().replace(/\s+/g, ' '));
    expect(lines.some((l) => /^Receipt no\. [A-Z0-9]+-000001$/.test(l))).toBe(true);
    expect(lines).toContain('Paid by Cash');
    expect(lines).toContain('Billable hours 2');
    const done = await srv.call<Session>('sessions.get', { code }, admin);
    expect(done.status).toBe('COMPLETED');
    await cam.close();
  }, 240_000);

  it('paper out: the ticket is issued and on screen with an alert, and prints once paper is loaded', async () => {
    sim.set({ paperOut: true });
    await loginUi(page, srv.url, 'attendant');
    const code = await issueInUi('KA 09 PR 0002');
    const alert = page.locator('[data-testid="ticket-print-status"][data-state="waiting"][data-reason="PAPER_OUT"]');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.innerText()).toContain('out of paper');
    expect(await page.getByTestId('ticket-code').innerText()).toBe(code); // the QR is on screen meanwhile
    await screenshot(page, 'print-e2e-paper-out').catch(() => undefined);
    const before = sim.pages().length;
    sim.set({ paperOut: false });
    const printed = (await sim.waitForPages(before + 1, 30_000))[before]!;
    expect(printed.qr).toEqual([code]);
    await page.locator('[data-testid="ticket-print-status"][data-state="printed"]').waitFor({ timeout: 30_000 });
  }, 180_000);
});
