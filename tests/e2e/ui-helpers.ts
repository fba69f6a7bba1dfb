/** Shared steps for the browser tests: log in through the real UI, screenshots + axe per screen. */
import { writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { expect, type TestContext } from 'vitest';
import { launchChromium, screenshot, seriousA11yViolations, type AxeViolation } from '../helpers/chromium.js';
import { chooseOperator } from '../helpers/login.js';
import { startStack, type KioskSpec, type Stack, type StackKiosk } from '../helpers/stack.js';

export async function loginUi(page: Page, url: string, username: string, pin = '2468'): Promise<void> {
  await page.goto(url);
  // A new operator at the same screen: drop any session left from the previous one.
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await chooseOperator(page, username);
  const pad = page.getByRole('group', { name: 'PIN pad' });
  for (const d of pin) await pad.getByRole('button', { name: d, exact: true }).click();
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Screens' }).waitFor();
}

export async function navTabs(page: Page): Promise<string[]> {
  return page.locator('nav[aria-label="Screens"] button').allInnerTexts();
}

export const a11yFindings: Record<string, AxeViolation[]> = {};

/** Screenshot + axe-core check; serious/critical violations fail the test. */
export async function captureScreen(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150); // let the pop-in animation settle
  await screenshot(page, name);
  const violations = await seriousA11yViolations(page);
  a11yFindings[name] = violations;
  expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

/** Saves the ticket's QR exactly as the UI drew it (data: URL of the <img>). */
export async function saveTicketQr(page: Page, file: string): Promise<void> {
  const src = await page.getByTestId('ticket').getByRole('img', { name: 'Ticket QR code' }).getAttribute('src');
  if (!src?.startsWith('data:image/png;base64,')) throw new Error('ticket QR not drawn');
  writeFileSync(file, Buffer.from(src.slice('data:image/png;base64,'.length), 'base64'));
}

/** The keyboard-wedge scanner: fast key burst + Enter with nothing focused. */
export async function wedgeScan(page: Page, code: string): Promise<void> {
  // A USB scanner types a whole code in a few milliseconds. Playwright's keyboard waits for the
  // renderer to acknowledge each key, so under CPU load its gaps stretch past the wedge's burst
  // limit. Trusted key events sent through CDP carry the scanner's own key times instead
  // (`timestamp`, 5 ms apart), which is what the wedge measures (event.timeStamp).
  const cdp = await page.context().newCDPSession(page);
  try {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const t0 = Date.now() / 1000;
    const keys = [...code, 'Enter'];
    for (const [i, ch] of keys.entries()) {
      const enter = ch === 'Enter';
      const base = {
        key: ch,
        code: enter ? 'Enter' : undefined,
        windowsVirtualKeyCode: enter ? 13 : ch.toUpperCase().charCodeAt(0),
        timestamp: t0 + i * 0.005,
      };
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...base, text: enter ? '\r' : ch, unmodifiedText: enter ? '\r' : ch });
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base, timestamp: t0 + i * 0.005 + 0.002 });
    }
    await page.locator(`[data-code="${code}"]`).first().waitFor({ timeout: 10_000 });
  } finally {
    await cdp.detach();
  }
}

/** Counts a drawer on the touch keypad: tap each denomination, then its count (e.g. { N500: 2 } = Rs 1000). */
export async function countDrawer(page: Page, counts: Record<string, number>, scope = page.getByTestId('shift-card')): Promise<void> {
  const pad = scope.getByRole('group', { name: 'Count keypad' });
  for (const [code, n] of Object.entries(counts)) {
    await scope.getByTestId(`denom-${code}`).click();
    for (const d of String(n)) await pad.getByRole('button', { name: d, exact: true }).click();
  }
}

/** The central server, the gateway simulator (Razorpay) and one UI kiosk (tests/helpers/stack.ts), and a Chromium page. */
export interface UpiDesk {
  stack: Stack;
  kiosk: StackKiosk;
  browser: Browser;
  page: Page;
}

export async function startUpiDesk(kiosk: Omit<KioskSpec, 'ui'>, viewport: { width: number; height: number }): Promise<UpiDesk> {
  const stack = await startStack({ gateway: 'razorpay', kiosks: [{ ...kiosk, ui: true }] });
  try {
    const browser = await launchChromium();
    return { stack, kiosk: stack.kiosks[0]!, browser, page: await browser.newPage({ viewport }) };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

export async function stopUpiDesk(desk: Partial<UpiDesk> | undefined): Promise<void> {
  await desk?.browser?.close().catch(() => undefined);
  await desk?.stack?.stop();
}

/** For afterEach: after a failed test, a screenshot and the last of what the server, simulator and kiosk printed. */
export async function onFailure(ctx: TestContext, desk: Partial<UpiDesk> | undefined, name: string): Promise<void> {
  if (ctx.task.result?.state !== 'fail' || !desk) return;
  if (desk.page) await screenshot(desk.page, `FAILED-${name}`).catch(() => undefined);
  const tail = (label: string, out: string | undefined) => (out === undefined ? '' : `--- ${label}\n${out.slice(-4000)}\n`);
  const s = desk.stack;
  console.error(`${name} failed; the processes printed:\n${tail('server', s?.server?.out())}${tail('gateway simulator', s?.sim?.out())}${tail('kiosk', desk.kiosk?.output())}`);
}
