/**
 * The main action of every screen is on screen without scrolling, at the two smallest kiosk
 * screens (1024x768 and 1280x800), in Chromium against the real `npm run serve`. On the exit
 * screen the payment area (amount due, cash received, change, confirm) must also stay where it
 * is while the cashier goes from the fee to the cash keypad.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, screenshot } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/serve.js';
import { loginUi } from './ui-helpers.js';

interface Session { id: string; code: string; shortNumber?: string | null }
interface Zone { id: string; name: string }

/** Where an element is, and whether it is visible and unclipped inside the viewport. */
async function placement(loc: Locator): Promise<{ top: number; bottom: number; inside: boolean; why: string }> {
  await loc.waitFor({ state: 'visible', timeout: 20_000 });
  return loc.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const within = r.top >= 0 && r.left >= 0 && r.bottom <= vh + 0.5 && r.right <= vw + 0.5 && r.height > 0;
    // Clipped by a scrolled container or hidden under something: the centre must hit the element.
    const hit = within ? document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) : null;
    const reached = hit !== null && (hit === el || el.contains(hit));
    return {
      top: Math.round(r.top),
      bottom: Math.round(r.bottom),
      inside: within && reached,
      why: `rect ${Math.round(r.left)},${Math.round(r.top)} - ${Math.round(r.right)},${Math.round(r.bottom)} in ${vw}x${vh}, centre hits ${hit?.tagName ?? 'nothing'}`,
    };
  });
}

async function expectInView(loc: Locator, what: string): Promise<number> {
  const p = await placement(loc);
  expect(p.inside, `${what}: ${p.why}`).toBe(true);
  return p.top;
}

/**
 * Every screen (and supervisor tab) marks the one thing to do next, or the content to read first
 * where there is nothing to do, with `data-main-action`; a screen without one fails the check.
 */
const MAIN_ACTION = '[data-main-action]:visible';
const ROLES = ['attendant', 'cashier', 'supervisor', 'admin'] as const;

const VIEWPORTS = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
];

describe.skipIf(!chromiumAvailable())('main actions inside the viewport (e2e)', () => {
  let srv: ServeHandle;
  let browser: Browser;
  let admin: string;
  let attendant: string;
  let zoneA: Zone;

  beforeAll(async () => {
    srv = await startServe({ seedDemo: true, fakeClock: true });
    admin = await srv.login('admin');
    attendant = await srv.login('attendant');
    const cashier = await srv.login('cashier');
    zoneA = (await srv.call<Zone[]>('zones.list', {}, admin)).find((z) => z.name === 'A')!;
    // The cashier's drawer is open, as during a working shift.
    await srv.call('shifts.open', { openingFloatPaise: 100000 }, cashier);
    // A camera is present (Chromium's fake device), so the scan area has its real size.
    browser = await launchChromium({ args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await srv?.stop();
  });

  async function parkedForAnHour(vehicle: string): Promise<Session> {
    const s = await srv.call<Session>('gate.issueTicket', { vehicleNumber: vehicle, zoneId: zoneA.id }, attendant);
    const health = await srv.call<{ now: string }>('system.health', {});
    await srv.call('dev.setClock', { now: new Date(Date.parse(health.now) + 65 * 60_000).toISOString() });
    return s;
  }

  for (const vp of VIEWPORTS) {
    const tag = `${vp.width}x${vp.height}`;
    it(`${tag}: every screen of every role (nav tabs, supervisor tabs, session page, sign-on float, shift, setup wizard)`, async () => {
      const page: Page = await browser.newPage({ viewport: vp });
      const checked: string[] = [];
      const outside: string[] = [];
      const check = async (what: string, loc: Locator) => {
        const p = await placement(loc);
        if (!p.inside) outside.push(`${what}: ${p.why}`);
        checked.push(what);
      };
      /** Every marked main action in scope is on screen; none marked is a failure too. */
      const checkMarked = async (what: string, scope: string) => {
        const marked = page.locator(`${scope} ${MAIN_ACTION}`);
        await marked.first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
        const n = await marked.count();
        if (n === 0) outside.push(`${what}: no main action marked (data-main-action)`);
        for (let i = 0; i < n; i++) await check(n > 1 ? `${what} #${i + 1}` : what, marked.nth(i));
      };
      try {
        // A cashier at sign-on: the float by note and coin, its keypad and Open shift on screen.
        const cashier2 = `vp${vp.width}`;
        await srv.call('operators.create', { username: cashier2, name: `Viewport ${vp.width}`, role: 'CASHIER', pin: '2468' }, admin);
        await loginUi(page, srv.url, cashier2);
        await page.locator('[data-testid="nav-exit"][aria-current="page"]').waitFor();
        await check('exit sign-on: Open shift', page.getByTestId('shift-card').getByRole('button', { name: 'Open shift' }));
        await check('exit sign-on: count keypad', page.getByTestId('shift-card').getByRole('group', { name: 'Count keypad' }));
        await screenshot(page, `viewport-${tag}-signon`);
        // The Shift screen: open with the float, then the blind count's Close shift.
        await page.getByTestId('nav-shift').click();
        await check('shift: Open shift', page.locator('main').getByRole('button', { name: 'Open shift' }));
        await page.locator('main').getByTestId('denom-N500').click();
        await page.locator('main').getByRole('group', { name: 'Count keypad' }).getByRole('button', { name: '2', exact: true }).click();
        await page.locator('main').getByRole('button', { name: 'Open shift' }).click();
        await check('shift: Close shift', page.locator('main').getByRole('button', { name: 'Close shift' }));
        await screenshot(page, `viewport-${tag}-shift`);

        // A car inside, so Sessions has a session page to open.
        const plate = `KA01VA${vp.width}`;
        await srv.call('gate.issueTicket', { vehicleNumber: plate, zoneId: zoneA.id }, attendant);
        const seen: Record<string, string[]> = {};
        for (const role of ROLES) {
          await loginUi(page, srv.url, role);
          const tabs = await page.locator('nav[aria-label="Screens"] button').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!));
          seen[role] = tabs;
          // Every screen is reachable: its tab is on screen, not scrolled off the end of the row.
          for (const tab of tabs) await check(`${role} nav: ${tab}`, page.getByTestId(tab));
          for (const tab of tabs) {
            const name = tab.slice(4);
            await page.getByTestId(tab).click();
            await page.locator(`[data-testid="${tab}"][aria-current="page"]`).waitFor();
            // A screen with sub-tabs (Supervisor, Reports): every sub-tab is a screen of its own.
            const subtabs = page.locator('main').getByRole('tab');
            if (await subtabs.count() > 0) {
              const n = await subtabs.count();
              for (let i = 0; i < n; i++) {
                const sub = await subtabs.nth(i).innerText();
                await subtabs.nth(i).click();
                await page.locator(`[role="tab"][aria-selected="true"]`, { hasText: sub }).waitFor();
                await checkMarked(`${role} ${name} / ${sub}`, '[role="tabpanel"]');
                await screenshot(page, `viewport-${tag}-${role}-${name}-${i}`);
              }
              continue;
            }
            await checkMarked(`${role} ${name}`, 'main');
            await screenshot(page, `viewport-${tag}-${role}-${name}`);
            if (tab === 'nav-sessions') {
              await page.getByRole('button', { name: 'Search' }).click();
              await page.locator('main').getByRole('button', { name: `Open ${plate}` }).click();
              await check(`${role} session page: Back`, page.getByRole('button', { name: /Back/ }));
            }
          }
        }
        // The roles see what they should, so the loop above covered every screen of each.
        expect(seen.attendant).toEqual(['nav-entry', 'nav-exit', 'nav-sessions']);
        expect(seen.cashier).toEqual(['nav-entry', 'nav-exit', 'nav-sessions', 'nav-shift', 'nav-passes']);
        expect(seen.supervisor).toEqual([...seen.cashier!, 'nav-reports', 'nav-supervisor', 'nav-operators']);
        expect(seen.admin).toEqual([...seen.supervisor!, 'nav-lane']);

        // The first-run setup wizard on an empty kiosk.
        const fresh = await startServe({ seedDemo: false, fakeClock: false, env: { PARKGATE_BACKUP_INTERVAL_MINUTES: '0' } });
        try {
          await page.goto(fresh.url);
          await page.getByRole('heading', { name: 'First-run setup' }).waitFor();
          await check('setup 1: Create administrator', page.getByRole('button', { name: 'Create administrator' }));
          await page.getByLabel('Full name').fill('Viewport Admin');
          const pad = page.getByRole('group', { name: 'PIN pad' });
          for (const d of '2468') await pad.getByRole('button', { name: d, exact: true }).click();
          await page.getByRole('button', { name: 'Create administrator' }).click();
          await page.getByLabel('Confirm PIN').waitFor();
          for (const d of '2468') await pad.getByRole('button', { name: d, exact: true }).click();
          await page.getByRole('button', { name: 'Create administrator' }).click();
          await page.getByRole('heading', { name: 'Facility name and time zone' }).waitFor();
          await check('setup 2: Save and continue', page.getByRole('button', { name: 'Save and continue' }));
          await page.getByLabel('Facility name', { exact: true }).fill('Viewport Mall');
          await page.getByRole('button', { name: 'Save and continue' }).click();
          await page.getByRole('heading', { name: 'Zones and rates' }).waitFor();
          await check('setup 2b: Add zone', page.getByRole('button', { name: 'Add zone' }));
          await page.getByLabel('Hourly rate (₹)').fill('40');
          await page.getByLabel('Lost-ticket fee (₹)').fill('200');
          await page.getByRole('button', { name: 'Add zone' }).click();
          await page.getByTestId('setup-zones-list').getByText('Zone A: 10 slots').waitFor();
          await check('setup 2b: Save and continue', page.getByRole('button', { name: 'Save and continue' }));
          await page.getByRole('button', { name: 'Save and continue' }).click();
          await page.getByRole('heading', { name: 'Central server' }).waitFor();
          await check('setup 3: Save and continue', page.getByRole('button', { name: 'Save and continue' }));
          await check('setup 3: Skip this step', page.getByRole('button', { name: 'Skip this step' }));
          await page.getByRole('button', { name: 'Skip this step' }).click();
          await page.getByRole('heading', { name: 'Camera and test scan' }).waitFor();
          await check('setup 4: Save and continue', page.getByRole('button', { name: 'Save and continue' }));
          await page.getByRole('button', { name: 'Skip this step' }).click();
          await page.getByRole('heading', { name: 'Printer test' }).waitFor();
          await check('setup 5: Finish setup', page.getByRole('button', { name: 'Finish setup' }));
        } finally {
          await fresh.stop();
        }
        expect(outside, `checked: ${checked.join('; ')}`).toEqual([]);
      } catch (error) {
        await screenshot(page, `FAILED-viewport-all-${tag}`).catch(() => undefined);
        throw new Error(`${String(error)}\nchecked so far: ${checked.join('; ')}`, { cause: error });
      } finally {
        await page.close();
      }
    }, 420_000);

    it(`${tag}: login, entry, exit & pay (fee, cash, gate open), sessions and shift`, async () => {
      const page: Page = await browser.newPage({ viewport: vp });
      try {
        await page.goto(srv.url);
        await expectInView(page.getByTestId('tile-cashier'), 'login: operator tile');
        await page.getByTestId('tile-cashier').click();
        await expectInView(page.getByRole('button', { name: 'Log in' }), 'login: Log in');

        await loginUi(page, srv.url, 'attendant');
        await page.locator('[data-testid="nav-entry"][aria-current="page"]').waitFor();
        await expectInView(page.getByRole('button', { name: 'Issue ticket' }), 'entry: Issue ticket');

        const session = await parkedForAnHour(`KA01VP${vp.width}`);
        await loginUi(page, srv.url, 'cashier');
        // A lane for entry and exit: the cashier lands on Exit & pay (the attendant above on Entry).
        await page.locator('[data-testid="nav-exit"][aria-current="page"]').waitFor();
        await expectInView(page.getByTestId('scan-ready'), 'exit idle: scanner ready');
        const quoteIt = async () => {
          await page.getByLabel('Ticket code').fill(session.code);
          await page.getByRole('button', { name: 'Get fee' }).click();
          await page.getByTestId('quote').waitFor();
        };
        // "Cancel / not this car" drops the quote: the car is PARKED again and the lane is idle.
        await quoteIt();
        await expectInView(page.getByRole('button', { name: 'Cancel / not this car' }), 'exit quote: Cancel');
        await page.getByRole('button', { name: 'Cancel / not this car' }).click();
        await page.getByTestId('exit-idle').waitFor();
        expect((await srv.call<{ status: string }>('sessions.get', { sessionId: session.id }, admin)).status).toBe('PARKED');
        await quoteIt();
        const dueTop = await expectInView(page.getByTestId('amount-due'), 'exit quote: amount due');
        await expectInView(page.getByRole('group', { name: 'Take payment' }).getByRole('button', { name: /Cash/ }), 'exit quote: Cash');
        await screenshot(page, `viewport-${tag}-exit-quote`);

        await page.getByRole('group', { name: 'Take payment' }).getByRole('button', { name: /Cash/ }).click();
        await page.getByRole('button', { name: 'Exact' }).click();
        const dueTopCash = await expectInView(page.getByTestId('amount-due'), 'exit cash: amount due');
        await expectInView(page.getByLabel('Cash received (₹)'), 'exit cash: received');
        await expectInView(page.getByTestId('change'), 'exit cash: change');
        const confirm = page.getByRole('button', { name: /Confirm cash/ });
        await expectInView(confirm, 'exit cash: Confirm cash');
        expect(dueTopCash, 'the amount due stays where it was').toBe(dueTop);
        await screenshot(page, `viewport-${tag}-exit-cash`);
        await confirm.click();
        await page.getByText('GATE OPEN').waitFor();
        await expectInView(page.getByText('GATE OPEN'), 'exit: GATE OPEN');
        await expectInView(page.getByRole('button', { name: 'Next vehicle' }), 'exit: Next vehicle');
        await screenshot(page, `viewport-${tag}-exit-gate`);

        await page.getByTestId('nav-sessions').click();
        await expectInView(page.getByRole('button', { name: 'Search' }), 'sessions: Search');
      } catch (error) {
        await screenshot(page, `FAILED-viewport-${tag}`).catch(() => undefined);
        throw error;
      } finally {
        await page.close();
      }
    }, 180_000);
  }
});
