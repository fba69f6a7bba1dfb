/**
 * The cashier's desk in Chromium against the real core (standalone kiosk, fake clock): a lost
 * ticket found by plate without and with a supervisor's PIN, a supervisor-authorised refund of a
 * completed exit from the session's page, and the screens in Hindi, where no message the core
 * produces appears in Latin script.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, screenshot } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/serve.js';
import { captureScreen, loginUi } from './ui-helpers.js';

interface Session { id: string; code: string; status: string; vehicleNumber: string; amountPaidPaise: number; lostTicket: boolean; payments: { id: string; status: string; method: string }[] }
interface Zone { id: string; name: string }

/** Latin words in a text once the facts that are Latin anyway (plates, slots, amounts) are taken out. */
function latinWords(text: string, facts: string[]): string[] {
  let rest = text;
  for (const f of facts) rest = rest.split(f).join(' ');
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}

describe.skipIf(!chromiumAvailable())('cashier desk: lost ticket, refund, Hindi (e2e)', () => {
  let srv: ServeHandle;
  let browser: Browser;
  let page: Page;
  let supervisor: string;
  let attendant: string;
  let zoneA: Zone;
  let clock = Date.parse('2026-03-02T04:00:00.000Z');
  const setClock = (ms: number) => srv.call('dev.setClock', { now: new Date((clock = ms)).toISOString() });
  const park = (vehicleNumber: string) => srv.call<Session>('gate.issueTicket', { vehicleNumber, zoneId: zoneA.id }, attendant);
  const sessionOf = (id: string) => srv.call<Session>('sessions.get', { sessionId: id }, supervisor);

  beforeAll(async () => {
    srv = await startServe({ seedDemo: true, fakeClock: true, env: { PARKGATE_BACKUP_INTERVAL_MINUTES: '0' } });
    await setClock(clock);
    supervisor = await srv.login('supervisor');
    attendant = await srv.login('attendant');
    zoneA = (await srv.call<Zone[]>('zones.list', {}, supervisor)).find((z) => z.name === 'A')!;
    await srv.call('zones.update', { zoneId: zoneA.id, tariff: { lostTicketFeePaise: 20_000 } }, supervisor);
    // The screen's cashier needs an open drawer; opened here so the test does not depend on the shift form.
    const cashier = await srv.login('cashier');
    await srv.call('shifts.open', { openingFloatPaise: 100_000 }, cashier);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  }, 180_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, 'FAILED-cashier-desk').catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await srv?.stop();
  });

  async function lostTicketToQuote(plate: string, reason: string) {
    await page.getByTestId('nav-exit').click();
    await page.getByRole('button', { name: 'Lost ticket?' }).click();
    await page.getByLabel('Vehicle number').fill(plate.toLowerCase());
    await page.getByRole('button', { name: 'Find car' }).click();
    await page.getByTestId('plate-chosen').getByText(plate).waitFor();
    await page.getByLabel('What proves the car is theirs').selectOption('RC');
    await page.getByLabel('Document number or note (optional)').fill('RC seen, name matches');
    await page.getByLabel('Why the ticket is missing').fill(reason);
    await page.getByRole('button', { name: 'Charge lost ticket' }).click();
  }

  async function payExact() {
    await page.getByRole('group', { name: 'Take payment' }).getByRole('button', { name: /Cash/ }).click();
    await page.getByRole('button', { name: 'Exact' }).click();
    await page.getByRole('button', { name: /Confirm cash/ }).click();
    await page.getByText('GATE OPEN').waitFor();
  }

  it('a standalone kiosk says Standalone; a lost ticket under the limit needs no supervisor, above it the supervisor PIN', async () => {
    const t0 = clock;
    const small = await park('KA03LT1001');
    const big = await park('KA03LT1002');
    await setClock(t0 + 90 * 60_000); // 2 h x 40.00 + 200.00 = 280.00, under the default Rs 500 limit
    await loginUi(page, srv.url, 'cashier');
    const pill = page.getByTestId('connectivity');
    expect(await pill.getAttribute('data-state')).toBe('standalone');
    expect(await pill.innerText()).toContain('Standalone');

    await lostTicketToQuote('KA03LT1001', 'ticket lost in the mall');
    await page.getByTestId('quote').waitFor();
    expect(await page.getByTestId('amount-due').innerText()).toBe('₹280.00');
    await captureScreen(page, '30-exit-lost-ticket-quote');
    await payExact();
    expect(await sessionOf(small.id)).toMatchObject({ status: 'COMPLETED', lostTicket: true, amountPaidPaise: 28_000 });

    // 8 h: 8 x 40.00 + 200.00 = 520.00, above the limit
    await setClock(t0 + 8 * 3600_000);
    await page.getByRole('button', { name: 'Next vehicle' }).click();
    await lostTicketToQuote('KA03LT1002', 'ticket washed out');
    const error = page.getByTestId('plate-error');
    await error.waitFor();
    expect(await error.innerText()).toBe('₹520.00 is above the lost-ticket limit (₹500.00): a supervisor must enter their PIN.');
    expect((await sessionOf(big.id)).status).toBe('PARKED');
    await page.getByLabel('Supervisor username').fill('supervisor');
    await page.getByLabel('Supervisor PIN').fill('1357');
    await page.getByRole('button', { name: 'Charge lost ticket' }).click();
    await page.getByTestId('plate-error').getByText('Wrong supervisor username or PIN').waitFor();
    expect((await sessionOf(big.id)).status).toBe('PARKED');
    await page.getByLabel('Supervisor PIN').fill('2468');
    await captureScreen(page, '31-exit-lost-ticket-supervisor');
    await page.getByRole('button', { name: 'Charge lost ticket' }).click();
    await page.getByTestId('quote').waitFor();
    expect(await page.getByTestId('amount-due').innerText()).toBe('₹520.00');
    await payExact();
    expect(await sessionOf(big.id)).toMatchObject({ status: 'COMPLETED', lostTicket: true, amountPaidPaise: 52_000 });

    // Listed as lost-ticket exits on Sessions.
    await page.getByTestId('nav-sessions').click();
    await page.getByLabel('Lost tickets only').check();
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Open KA03LT1002' }).waitFor();
    expect(await page.getByTestId('sessions-table').getByTestId('lost-tag').count()).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('a supervisor PIN refunds a completed exit from its session page; the timeline says so in words', async () => {
    const s = await park('KA03RF2001');
    await setClock(clock + 90 * 60_000);
    await srv.call('gate.quoteExit', { code: s.code }, attendant);
    await loginUi(page, srv.url, 'cashier');
    await page.getByTestId('nav-exit').click();
    await page.getByTestId('exit-idle').waitFor();
    // Paid at the desk: the code typed in.
    await page.getByLabel('Ticket code').fill(s.code);
    await page.getByRole('button', { name: 'Get fee' }).click();
    await page.getByTestId('quote').waitFor();
    await payExact();

    await page.getByTestId('nav-sessions').click();
    await page.getByLabel('Search vehicle, ticket or slot').fill('KA03RF2001');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Open KA03RF2001' }).click();
    const paymentId = (await sessionOf(s.id)).payments[0]!.id;
    await page.getByTestId(`refund-open-${paymentId}`).click();
    const form = page.getByTestId('refund-form');
    await form.getByLabel('Reason for the refund').fill('charged for the wrong car');
    await form.getByLabel('Supervisor username').fill('supervisor');
    await form.getByLabel('Supervisor PIN').fill('2468');
    await captureScreen(page, '32-session-refund');
    await form.getByRole('button', { name: /^Refund/ }).click();
    expect(await page.getByTestId('refund-done').innerText()).toBe('Refunded ₹80.00 in cash from your drawer.');
    const after = await sessionOf(s.id);
    expect(after.payments[0]!.status).toBe('REFUNDED');
    await page.getByTestId('timeline').getByText('Payment refunded').first().waitFor();
    expect(await page.getByTestId('timeline').innerText()).not.toMatch(/session\.|payment\.|SUCCESS/);
    const shift = (await srv.call<{ status: string; cashRefundsPaise: number }[]>('shifts.list', {}, supervisor)).find((x) => x.status === 'OPEN')!;
    expect(shift.cashRefundsPaise).toBe(8000);
  }, 180_000);

  it('in Hindi every screen is in Hindi and the core\'s messages are translated, never shown in English', async () => {
    const s = await park('KA03HI3001');
    const inHindi = async (what: string, root: string) => {
      await page.waitForTimeout(300);
      const body = await page.locator(root).first().innerText();
      expect(body, what).toMatch(/[\u0900-\u097F]/);
      for (const alert of await page.getByRole('alert').allInnerTexts()) {
        expect(latinWords(alert, ['ParkGate']), `alert on ${what}: ${alert}`).toEqual([]);
      }
    };
    // The supervisor's screens, then the admin's (Lane devices and the rest), each sub-tab as a screen.
    const english = () => page.evaluate(() => localStorage.clear());
    for (const role of ['supervisor', 'admin'] as const) {
      await english(); // the login helper reads the English PIN pad
      await loginUi(page, srv.url, role);
      const hindi = page.getByRole('button', { name: /हिन्दी/ });
      if (await hindi.count()) await hindi.click();
      const tabs = page.locator('nav button');
      const n = await tabs.count();
      expect(n).toBeGreaterThan(3);
      for (let i = 0; i < n; i++) {
        await tabs.nth(i).click();
        await inHindi(`${role} screen ${i}`, 'main, .screen');
        const subtabs = page.locator('main').getByRole('tab');
        const m = await subtabs.count();
        for (let j = 0; j < m; j++) {
          await subtabs.nth(j).click();
          await inHindi(`${role} screen ${i} / tab ${j}`, '[role="tabpanel"]');
        }
      }
    }
    await english();
    await loginUi(page, srv.url, 'supervisor');
    if (await page.getByRole('button', { name: /हिन्दी/ }).count()) await page.getByRole('button', { name: /हिन्दी/ }).click();
    // A duplicate walk-in: the core's message, with its facts, in Hindi.
    await page.getByTestId('nav-entry').click();
    const walkIn = page.locator('form').filter({ has: page.locator('.field-vehicle') });
    await walkIn.locator('.field-vehicle input').fill(s.vehicleNumber);
    await walkIn.locator('input[name="zone"]').first().check();
    await walkIn.locator('button[type="submit"]').click();
    const alert = page.getByRole('alert').first();
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).toContain(`${s.vehicleNumber} पहले से A-`);
    expect(latinWords(text, [s.vehicleNumber, /A-\d\d/.exec(text)?.[0] ?? 'A-'])).toEqual([]);
    await captureScreen(page, '33-entry-duplicate-hi');

    // A lost ticket above the limit at the exit: the supervisor message in Hindi with rupees.
    await setClock(clock + 8 * 3600_000);
    await page.getByTestId('nav-exit').click();
    await page.getByRole('button', { name: 'टिकट खो गया?' }).click();
    await page.locator('[data-testid="plate-exit"] .field-vehicle input').fill(s.vehicleNumber);
    await page.locator('[data-testid="plate-exit"] form button[type="submit"]').first().click();
    await page.getByTestId('plate-chosen').waitFor();
    await page.locator('[data-testid="lost-form"] input').nth(1).fill('टिकट खो गया');
    await page.locator('[data-testid="lost-form"] button[type="submit"]').click();
    const err = page.getByTestId('plate-error');
    await err.waitFor();
    const msg = await err.innerText();
    expect(msg).toContain('सुपरवाइज़र');
    expect(msg).toContain('₹');
    expect(latinWords(msg, [])).toEqual([]);
  }, 180_000);
});
