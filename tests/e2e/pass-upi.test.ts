/**
 * End to end with real processes (tests/helpers/stack.ts): the central server
 * (`src-server/main.ts`, what `npm run server` runs; SQLite), the gateway simulator
 * (`src-server/sim/main.ts`) and the kiosk (`npm run serve --server ...`), the cashier's
 * Passes screen in Chromium. A pass sold by UPI shows its QR and no pass exists until the
 * simulator's signed webhook reaches the server; then the pass is shown and counted on the
 * shift's report as a UPI pass sale. A failed UPI payment leaves no pass.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/chromium.js';
import type { StackKiosk } from '../helpers/stack.js';
import { captureScreen, countDrawer, loginUi, onFailure, startUpiDesk, stopUpiDesk, type UpiDesk } from './ui-helpers.js';

interface PassView { id: string; holderName: string }
interface SimPayment { ref: string; upiUri: string | null }
interface Shift { id: string; operatorName: string; status: string }

describe.skipIf(!chromiumAvailable())('season pass sold by UPI through server + simulator (e2e)', () => {
  let desk: UpiDesk | undefined;
  let kiosk: StackKiosk;
  let page: Page;
  let simUrl = '';
  let supervisor = '';

  const passes = async () => kiosk.call<PassView[]>('passes.list', {}, supervisor);
  /** The simulator's payment behind the QR on screen (matched by its upi:// link). */
  const simRef = async () => {
    const uri = await page.getByRole('img', { name: 'UPI payment QR code for the pass' }).getAttribute('data-qr-text');
    const all = await (await fetch(`${simUrl}/_sim/payments`)).json() as SimPayment[];
    const p = all.find((x) => x.upiUri === uri);
    if (!p) throw new Error(`no simulated payment for ${uri}`);
    return p.ref;
  };
  const fillSale = async (holder: string, plate: string) => {
    await page.getByTestId('pass-holder').fill(holder);
    await page.getByTestId('pass-plate').fill(plate);
    await page.getByTestId('pass-price').fill('1200');
    await page.getByTestId('pass-pay-upi').click();
    await page.locator('[data-testid="pass-upi-status"][data-status="PENDING"]').waitFor({ timeout: 20_000 });
  };

  beforeAll(async () => {
    desk = await startUpiDesk({ name: 'Pass desk', fakeClock: true }, { width: 1280, height: 900 });
    ({ kiosk, page } = desk);
    simUrl = desk.stack.simUrl;
    supervisor = await kiosk.login('supervisor');
    await loginUi(page, kiosk.url, 'cashier');
    await countDrawer(page, { N500: 2 }); // Rs 1000 float: two Rs 500 notes on the touch keypad
    await page.getByRole('button', { name: 'Open shift' }).click();
    await page.locator('[data-testid="shift-card"][data-open="true"]').waitFor();
    await page.getByTestId('nav-passes').click();
    await page.getByTestId('pass-order').waitFor();
  }, 180_000);

  afterEach(async (ctx) => onFailure(ctx, desk, 'pass-upi'));

  afterAll(async () => stopUpiDesk(desk), 60_000);

  it('QR shown, no pass until the verified payment; then the pass and a UPI pass sale on the shift', async () => {
    await fillSale('Kiran Das', 'TS07UP1001');
    await page.getByRole('img', { name: 'UPI payment QR code for the pass' }).waitFor();
    await captureScreen(page, 'passes-10-upi-pending');
    await page.waitForTimeout(1500);
    expect(await passes()).toEqual([]);

    const paid = await fetch(`${simUrl}/_sim/payments/${await simRef()}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(paid.status).toBe(200);
    await page.getByTestId('pass-card').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('pass-code').innerText()).toMatch(/^PP1\./);
    await captureScreen(page, 'passes-11-upi-paid');
    expect((await passes()).map((p) => p.holderName)).toEqual(['Kiran Das']);

    const open = (await kiosk.call<Shift[]>('shifts.list', { status: 'OPEN' }, supervisor)).find((s) => s.operatorName === 'Cashier')!;
    const report = await kiosk.call<{ text: string }>('shifts.report', { shiftId: open.id }, supervisor);
    expect(report.text).toMatch(/Pass sales UPI \(1\) +1200\.00/);
    expect(report.text).toMatch(/Pass sales cash \(0\) +0\.00/);
    await page.getByTestId('pass-done').click();
  }, 120_000);

  it('a failed UPI payment leaves no pass', async () => {
    await fillSale('Leela Nair', 'TS07UP2002');
    const failed = await fetch(`${simUrl}/_sim/payments/${await simRef()}/fail`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(failed.status).toBe(200);
    await page.locator('[data-testid="pass-upi-status"][data-status="FAILED"]').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('pass-upi-status').innerText()).toBe('The payment failed. No pass was made.');
    expect((await passes()).map((p) => p.holderName)).toEqual(['Kiran Das']);
  }, 120_000);
});
