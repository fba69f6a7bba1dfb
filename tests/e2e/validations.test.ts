/**
 * End to end in Chromium against the real `npm run serve`: a mall shopper with a bill exits free
 * (Hyderabad preset, bill typed at the cash desk), and a cinema's signed code scanned by the
 * keyboard wedge takes two hours off; the same code at the next car is refused and shown why.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/serve.js';
import { captureScreen, countDrawer, loginUi, wedgeScan } from './ui-helpers.js';

interface Session { id: string; code: string; status: string; amountPaidPaise: number }

describe.skipIf(!chromiumAvailable())('validations at the exit (e2e)', () => {
  let srv: ServeHandle;
  let browser: Browser;
  let page: Page;
  let supervisor: string;
  let attendant: string;
  let cinemaProgram: string;

  const advance = async (ms: number) => {
    const health = await srv.call<{ now: string }>('system.health', {});
    await srv.call('dev.setClock', { now: new Date(Date.parse(health.now) + ms).toISOString() });
  };
  const zoneA = async () => (await srv.call<{ id: string; name: string }[]>('zones.list', {}, supervisor)).find((z) => z.name === 'A')!.id;

  beforeAll(async () => {
    srv = await startServe({ seedDemo: true, fakeClock: true });
    supervisor = await srv.login('supervisor');
    attendant = await srv.login('attendant');
    const mall = await srv.call<{ id: string }>('merchants.create', { name: 'Inorbit Mall', prepaid: false }, supervisor);
    await srv.call('validations.applyPreset', { merchantId: mall.id, preset: 'HYDERABAD_MALL' }, supervisor);
    const cinema = await srv.call<{ id: string }>('merchants.create', { name: 'PVR Cinema', prepaid: false }, supervisor);
    cinemaProgram = (await srv.call<{ id: string }>('validations.createProgram',
      { merchantId: cinema.id, name: 'Movie 2 h', kind: 'TIME_OFF', minutesOff: 120, reasonCode: 'MOVIE' }, supervisor)).id;
    browser = await launchChromium({ args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await loginUi(page, srv.url, 'cashier');
    await page.getByTestId('nav-exit').click();
    await countDrawer(page, { N500: 2 });
    await page.getByRole('button', { name: 'Open shift' }).click();
    await page.locator('[data-testid="shift-card"][data-open="true"]').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await srv?.stop();
  });

  it('a mall shopper with a bill exits free', async () => {
    const s = await srv.call<Session>('gate.issueTicket', { vehicleNumber: 'TS09AB1234', zoneId: await zoneA() }, attendant);
    await advance(45 * 60_000);
    await wedgeScan(page, s.code);
    await page.getByTestId('quote').waitFor();
    expect(await page.getByTestId('amount-due').innerText()).toBe('₹40.00');
    await page.getByTestId('validation-bill').fill('350');
    await page.getByTestId('validation-bill').press('Enter');
    await page.locator('[data-testid="scan-result"][data-kind="gate"]').waitFor();
    // The receipt part on screen: fee before, the validation, due, Exempted.
    await page.getByTestId('validation-receipt').waitFor();
    expect(await page.getByTestId('validation-receipt-status').innerText()).toBe('Exempted');
    const receipt = await page.getByTestId('validation-receipt').innerText();
    expect(receipt).toMatch(/Fee before validation\s*₹40\.00/);
    expect(receipt).toMatch(/: Bill, up to 1 hour\s*−₹40\.00/);
    expect(receipt).toMatch(/Due\s*₹0\.00/);
    await captureScreen(page, 'validation-01-exempted');
    const done = await srv.call<Session>('sessions.get', { sessionId: s.id }, supervisor);
    expect(done).toMatchObject({ status: 'COMPLETED', amountPaidPaise: 0 });
    await page.getByRole('button', { name: 'Next vehicle' }).click();
  }, 120_000);

  it("a cinema code scanned at the quote takes 2 h off; the same code on the next car is refused", async () => {
    const cashier = await srv.login('cashier');
    const issued = await srv.call<{ code: string }>('validations.issueCode', { programId: cinemaProgram }, cashier);
    const s1 = await srv.call<Session>('gate.issueTicket', { vehicleNumber: 'TS09CD0001', zoneId: await zoneA() }, attendant);
    const s2 = await srv.call<Session>('gate.issueTicket', { vehicleNumber: 'TS09CD0002', zoneId: await zoneA() }, attendant);
    await advance(3 * 3600_000 - 60_000); // 2:59 -> 3 h, 2 h off -> 1 h due
    await wedgeScan(page, s1.code);
    await page.getByTestId('quote').waitFor();
    expect(await page.getByTestId('amount-due').innerText()).toBe('₹120.00');
    await wedgeScan(page, issued.code);
    await page.getByTestId('validation-facts').waitFor();
    expect(await page.getByTestId('amount-due').innerText()).toBe('₹40.00');
    expect(await page.getByTestId('validation-discount').innerText()).toBe('−₹80.00');
    await captureScreen(page, 'validation-02-code-applied');

    await wedgeScan(page, s2.code);
    await page.locator('[data-testid="quote-vehicle"]', { hasText: 'TS09CD0002' }).waitFor();
    await wedgeScan(page, issued.code);
    const err = page.getByTestId('validation-error');
    await err.waitFor();
    expect(await err.innerText()).toBe('This validation code has already been used.');
    expect(await page.getByTestId('amount-due').innerText()).toBe('₹120.00');
  }, 120_000);
});
