/**
 * End to end: a ticket issued at gate 1 reaches gate 2 through the central server; then the
 * server goes down and, at gate 2 (offline), the cashier types the ticket's short number into
 * the manual field in Chromium: the fee, cash, GATE OPEN. A typo in the number is refused there
 * by its check character, without the server. Real processes (tests/helpers/stack.ts): the
 * central server (SQLite) and two `npm run serve --server ...` kiosks.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKET_NUMBER_ALPHABET } from '../../src-shared/domain/ticket-number.js';
import { chromiumAvailable, launchChromium, screenshot } from '../helpers/chromium.js';
import { startStack, type Stack, type StackKiosk } from '../helpers/stack.js';
import { loginUi } from './ui-helpers.js';

interface Session { id: string; code: string; status: string; ticketNumber: string; vehicleNumber: string }
interface Zone { id: string; name: string }

async function until<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!chromiumAvailable())('short ticket number typed at another gate, offline (e2e)', () => {
  let stack: Stack | undefined;
  let gate1: StackKiosk;
  let gate2: StackKiosk;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ kiosks: [{ name: 'Gate 1', ui: true, seedDemo: true, fakeClock: true }, { name: 'Gate 2', ui: true, seedDemo: false, fakeClock: true }] });
    [gate1, gate2] = stack.kiosks as [StackKiosk, StackKiosk];
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await stack?.stop();
  }, 60_000);

  it('gate 2 learns the ticket by sync, loses the server, and still bills the typed number; a typo is refused', async () => {
    const attendant1 = await gate1.login('attendant');
    const zoneA = (await gate1.call<Zone[]>('zones.list', {}, attendant1)).find((z) => z.name === 'A')!;
    const ticket = await gate1.call<Session>('gate.issueTicket', { vehicleNumber: 'KA09SN4321', zoneId: zoneA.id }, attendant1);
    expect(ticket.ticketNumber).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);

    // Gate 2 starts empty: operators, zones and the session arrive through the server.
    const cashier2 = await until('operators at gate 2', async () => {
      const r = await gate2.api<{ token: string }>('auth.login', { username: 'cashier', pin: '2468' });
      return r.ok ? r.data.token : null;
    });
    await until('the session at gate 2', async () => {
      const r = await gate2.api<Session>('sessions.get', { code: ticket.ticketNumber }, cashier2);
      return r.ok && r.data.id === ticket.id ? r.data : null;
    });
    await gate2.call('shifts.open', { openingFloatPaise: 50_000 }, cashier2);

    // The server goes away; gate 2 notices.
    await stack!.stopServer();
    await until('gate 2 offline', async () => {
      const h = await gate2.call<{ online: boolean }>('system.health', {});
      return h.online ? null : true;
    });
    const health = await gate2.call<{ now: string }>('system.health', {});
    await gate2.call('dev.setClock', { now: new Date(Date.parse(health.now) + 70 * 60_000).toISOString() });

    await loginUi(page, gate2.url, 'cashier');
    await page.getByTestId('nav-exit').click();
    await page.getByTestId('exit-idle').waitFor();

    // A typo: refused by the check character at this offline gate.
    const n = ticket.ticketNumber;
    const typo = `${n.slice(0, 6)}${TICKET_NUMBER_ALPHABET[(TICKET_NUMBER_ALPHABET.indexOf(n[6]!) + 5) % 32]}${n.slice(7)}`;
    await page.getByLabel('Ticket code').fill(typo);
    await page.getByRole('button', { name: 'Get fee' }).click();
    await page.locator('[data-testid="scan-result"][data-error-code="TICKET_INVALID"]').waitFor();

    // The real number, typed as printed (two groups) in lower case.
    await page.getByLabel('Ticket code').fill(`${n.slice(0, 5)}-${n.slice(5)}`.toLowerCase());
    await page.getByRole('button', { name: 'Get fee' }).click();
    await page.getByTestId('quote').waitFor();
    expect(await page.getByTestId('quote-vehicle').innerText()).toBe('KA09SN4321');
    expect(await page.getByTestId('amount-due').innerText()).toBe('₹80.00'); // 2 h of zone A at ₹40
    await screenshot(page, 'ticket-number-offline-quote');
    await page.getByRole('group', { name: 'Take payment' }).getByRole('button', { name: /Cash/ }).click();
    await page.getByRole('button', { name: 'Exact' }).click();
    await page.getByRole('button', { name: /Confirm cash/ }).click();
    await page.getByText('GATE OPEN').waitFor();
    const done = await gate2.call<Session>('sessions.get', { sessionId: ticket.id }, cashier2);
    expect(done.status).toBe('COMPLETED');
    expect((await gate2.call<{ online: boolean }>('system.health', {})).online).toBe(false);
  }, 240_000);
});
