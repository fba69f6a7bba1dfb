/**
 * End to end in Chromium against the real kiosk (`npm run serve`): wrong PINs count down on the
 * login screen, the third lock sends the operator to a supervisor, and a supervisor unlocks them
 * from the Operators screen with a reason. Screenshot + axe of the lock and the Operators screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/serve.js';
import { chooseOperator } from '../helpers/login.js';
import { captureScreen, loginUi } from './ui-helpers.js';

describe.skipIf(!chromiumAvailable())('PIN lockout and supervisor unlock in Chromium (e2e)', () => {
  let srv: ServeHandle;
  let browser: Browser;
  let page: Page;

  const tryUi = async (username: string, pin: string) => {
    await chooseOperator(page, username);
    const pad = page.getByRole('group', { name: 'PIN pad' });
    for (const d of pin) await pad.getByRole('button', { name: d, exact: true }).click();
    await page.getByRole('button', { name: 'Log in' }).click();
    const box = page.getByTestId('login-error');
    await box.waitFor();
    return box;
  };

  beforeAll(async () => {
    srv = await startServe({ seedDemo: true, fakeClock: true, env: { PARKGATE_BACKUP_INTERVAL_MINUTES: '0' } });
    await srv.call('dev.setClock', { now: '2026-05-01T10:00:00.000Z' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await srv?.stop();
  });

  it('counts tries down, then locks; after the third lock only a supervisor helps', async () => {
    await page.goto(srv.url);
    const first = await tryUi('attendant', '1111');
    await expect.poll(() => first.innerText(), { timeout: 15_000 }).toContain('4 tries left before the account locks.');
    for (let i = 0; i < 3; i += 1) await tryUi('attendant', '1111');
    await expect.poll(() => page.getByTestId('login-tries-left').innerText(), { timeout: 15_000 }).toBe('1 try left before the account locks.');
    await tryUi('attendant', '1111');
    await expect.poll(() => page.getByTestId('login-error').innerText(), { timeout: 15_000 }).toContain('Account locked');
    // The timed lock counts down on the kiosk's clock (held still here by the fake clock).
    expect(await page.getByTestId('login-lock-countdown').innerText()).toMatch(/^Try again in 0[45]:[0-5]\d\.$/);
    // Two more rounds (the API is quicker than the pad), each after its timed lock.
    for (let round = 0; round < 2; round += 1) {
      const now = Date.parse((await srv.call<{ now: string }>('system.health')).now);
      await srv.call('dev.setClock', { now: new Date(now + 31 * 60_000).toISOString() });
      for (let i = 0; i < 5; i += 1) await srv.api('auth.login', { username: 'attendant', pin: '1111' });
    }
    const box = await tryUi('attendant', '2468'); // the right PIN: still locked
    await expect.poll(() => box.innerText(), { timeout: 15_000 }).toContain('Ask a supervisor to unlock the account.');
    await captureScreen(page, 'login-locked-supervisor');
  });

  it('a supervisor unlocks the attendant from Operators with a reason; the attendant logs in', async () => {
    await loginUi(page, srv.url, 'supervisor');
    await page.getByTestId('nav-operators').click();
    const cell = page.getByTestId('lock-attendant');
    await expect.poll(() => cell.innerText(), { timeout: 15_000 }).toBe('Locked: needs a supervisor');
    await captureScreen(page, 'operators-supervisor-locked');
    await page.getByRole('row', { name: /attendant/ }).getByRole('button', { name: 'Unlock' }).click();
    await page.getByLabel('Why unlock Attendant? (recorded)').fill('Checked staff ID at the booth');
    await page.locator('form.inline-form').getByRole('button', { name: 'Unlock' }).click();
    await page.getByText('Attendant unlocked').waitFor({ timeout: 15_000 });
    await expect.poll(() => cell.innerText(), { timeout: 15_000 }).toBe('No');
    await page.getByRole('button', { name: 'Log out' }).click();
    await loginUi(page, srv.url, 'attendant');
    const sup = await srv.login('supervisor');
    const audit = await srv.call<Array<{ action: string; details: { reason?: string } }>>('audit.list', { limit: 50 }, sup);
    expect(audit.find((a) => a.action === 'operator.unlocked')?.details.reason).toBe('Checked staff ID at the booth');
  });
});
