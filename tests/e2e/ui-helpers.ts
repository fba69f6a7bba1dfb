/** Shared steps for the browser tests: log in through the real UI, screenshots + axe per screen. */
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshot, seriousA11yViolations, type AxeViolation } from '../helpers/chromium.js';

export async function loginUi(page: Page, url: string, username: string, pin = '2468'): Promise<void> {
  await page.goto(url);
  // A new operator at the same screen: drop any session left from the previous one.
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await page.getByLabel('Username').fill(username);
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
  // Playwright sends each key only after the renderer acknowledged the previous one, so a camera
  // decode on the main thread can stretch a gap past the wedge's 35 ms burst limit (a hardware
  // scanner's key times do not depend on the renderer). Pause the preview while "scanning".
  const stop = page.getByRole('button', { name: 'Stop camera' });
  if (await stop.count()) {
    await stop.click();
    await page.getByText('Camera is off').waitFor();
  }
  // Under CPU load an injected burst can still be split (Playwright waits for each key's ack);
  // the UI then sees a partial code (refused red, nothing changes). Re-scan, like an operator would.
  for (let attempt = 0; attempt < 4; attempt++) {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.type(code, { delay: 5 });
    await page.keyboard.press('Enter');
    try {
      await page.locator(`[data-code="${code}"]`).first().waitFor({ timeout: 2000 });
      return;
    } catch {
      /* partial burst: scan again */
    }
  }
  throw new Error('keyboard-wedge scan never delivered the full code');
}
