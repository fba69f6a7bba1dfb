/**
 * End to end, the README's "Paying online with the simulator": the central server
 * (`src-server/main.ts`, what `npm run server` runs; SQLite), the gateway simulator
 * (`src-server/sim/main.ts`) and the kiosk (`npm run serve --server ...`) as real processes
 * (tests/helpers/stack.ts), the cashier's screen in Chromium. The UPI QR
 * is shown and the gate stays closed — also through a forged webhook — until the simulator's
 * signed webhook reaches the server; then the exit completes by itself and the screen says
 * GATE OPEN. The kiosk runs a fake clock 2 h 10 min ahead of the server's: its requests still
 * authenticate (signed in server time as measured) and the QR's countdown is right.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/chromium.js';
import type { StackKiosk } from '../helpers/stack.js';
import { captureScreen, loginUi, onFailure, startUpiDesk, stopUpiDesk, wedgeScan, type UpiDesk } from './ui-helpers.js';

interface Session { id: string; code: string; status: string; amountPaidPaise: number; zoneId: string }
interface Payment { id: string; status: string; method: string; amountPaise: number; gatewayRef: string | null }
interface Zone { id: string; name: string; hourlyRatePaise: number }

describe.skipIf(!chromiumAvailable())('UPI payment from the cashier screen through server + simulator (e2e)', () => {
  let desk: UpiDesk | undefined;
  let kiosk: StackKiosk;
  let page: Page;
  let serverUrl = '';
  let simUrl = '';

  beforeAll(async () => {
    desk = await startUpiDesk({ name: 'UI gate', fakeClock: true }, { width: 1280, height: 860 });
    ({ kiosk, page } = desk);
    serverUrl = desk.stack.serverUrl;
    simUrl = desk.stack.simUrl;
  }, 180_000);

  afterEach(async (ctx) => onFailure(ctx, desk, 'online-payment'));

  afterAll(async () => stopUpiDesk(desk), 60_000);

  it('QR shown, gate closed until the verified webhook, then GATE OPEN and the session COMPLETED', async () => {
    const admin = await kiosk.login('admin');
    const zoneA = (await kiosk.call<Zone[]>('zones.list', {}, admin)).find((z) => z.name === 'A')!;
    const attendant = await kiosk.login('attendant');
    const ticket = await kiosk.call<Session>('gate.issueTicket', { vehicleNumber: 'KA05UP1234', zoneId: zoneA.id }, attendant);
    const health = await kiosk.call<{ now: string }>('system.health', {});
    await kiosk.call('dev.setClock', { now: new Date(Date.parse(health.now) + (2 * 3600 + 10 * 60) * 1000).toISOString() });

    await loginUi(page, kiosk.url, 'cashier');
    await page.getByTestId('nav-exit').click();
    await page.getByTestId('exit-idle').waitFor();
    await wedgeScan(page, ticket.code);
    await page.getByTestId('quote').waitFor();
    const due = 3 * zoneA.hourlyRatePaise;
    expect(await page.getByTestId('amount-due').innerText()).toBe(`₹${(due / 100).toFixed(2)}`);

    await page.getByRole('group', { name: 'Take payment' }).getByRole('button', { name: /UPI/ }).click();
    const status = page.getByTestId('payment-status');
    await page.locator('[data-testid="payment-status"][data-status="PENDING"]').waitFor({ timeout: 20_000 });
    await page.getByRole('img', { name: 'UPI payment QR code' }).waitFor();
    // The server's 5-minute deadline, counted on this kiosk's clock (2 h 10 min ahead of the server's).
    expect(await page.getByTestId('countdown').innerText()).toMatch(/ 0[1-5]:\d\d$/); // not 00:00
    await captureScreen(page, '20-exit-upi-pending');

    // (The test reads through the admin's token: logging in as the cashier again would end the screen's session.)
    const withPayments = async () => kiosk.call<Session & { payments: Payment[] }>('sessions.get', { sessionId: ticket.id }, admin);
    const attempt = (await withPayments()).payments.find((p) => p.method === 'ONLINE')!;
    expect(attempt).toMatchObject({ status: 'PENDING', amountPaise: due });
    expect(attempt.gatewayRef).toMatch(/^qr_/);

    // A forged "captured" webhook for this very QR: refused by the server, the gate stays closed.
    const forged = JSON.stringify({
      entity: 'event', event: 'qr_code.credited', contains: ['payment', 'qr_code'], created_at: 1,
      payload: { payment: { entity: { id: 'pay_forged', amount: due, currency: 'INR', status: 'captured' } }, qr_code: { entity: { id: attempt.gatewayRef } } },
    });
    const refused = await fetch(`${serverUrl}/webhooks/razorpay`, {
      method: 'POST', body: forged, headers: { 'content-type': 'application/json', 'x-razorpay-signature': 'f'.repeat(64), 'x-razorpay-event-id': 'evt_forged' },
    });
    expect(refused.status).toBe(401);
    await page.waitForTimeout(1500);
    expect(await status.getAttribute('data-status')).toBe('PENDING');
    expect(await page.getByText('GATE OPEN').count()).toBe(0);
    expect((await withPayments()).status).toBe('EXITING');

    // The parker pays: the simulator sends the gateway's signed webhook to the server.
    const paid = await fetch(`${simUrl}/_sim/payments/${attempt.gatewayRef}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(paid.status).toBe(200);
    expect((await paid.json() as { delivered: unknown }).delivered, 'the webhook reached the server and was applied').toMatchObject({ status: 200, body: expect.stringContaining('"outcome":"applied"') });
    await page.getByText('GATE OPEN').waitFor({ timeout: 15_000 });
    await captureScreen(page, '21-exit-upi-gate-open');

    const done = await withPayments();
    expect(done).toMatchObject({ status: 'COMPLETED', amountPaidPaise: due });
    expect(done.payments.filter((p) => p.status === 'SUCCESS')).toEqual([expect.objectContaining({ method: 'ONLINE', amountPaise: due, gatewayRef: attempt.gatewayRef })]);
  }, 120_000);
});
