/**
 * End to end: the supervisor's "Payments review" in Chromium against the real kiosk (`npm run
 * serve --server …`) talking to the real central server (buildServer, in this process) and the
 * gateway simulator with the Razorpay adapter. A payment that expired and was then paid is
 * refunded from the screen; the simulator records exactly one refund. Screenshot + axe.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/serve.js';
import { simControl, startHarness, type Harness } from '../server/helpers/harness.js';
import { captureScreen, loginUi } from './ui-helpers.js';

interface Pay { id: string; gatewayRef: string; status: string; amountPaise: number }

describe.skipIf(!chromiumAvailable())('supervisor payments review in Chromium (e2e)', () => {
  let h: Harness;
  let srv: ServeHandle;
  let browser: Browser;
  let page: Page;
  let late: Pay;

  beforeAll(async () => {
    h = await startHarness('sqlite', 'razorpay');
    srv = await startServe({
      seedDemo: true, fakeClock: true,
      extraArgs: ['--server', h.serverUrl, '--kiosk-id', h.kiosk.id],
      env: { PARKGATE_BACKUP_INTERVAL_MINUTES: '0', PARKGATE_KIOSK_SECRET: h.kiosk.secret },
    });
    // Kiosk and server on the same (test) time, so signed requests are inside the window.
    await srv.call('dev.setClock', { now: new Date(h.clock.now()).toISOString() });
    const attendant = await srv.login('attendant');
    const cashier = await srv.login('cashier');
    const s = await srv.call<{ id: string; code: string }>('gate.issueTicket', { vehicleNumber: 'KA09LP4321' }, attendant);
    h.clock.advance(3600_000 + 60_000);
    await srv.call('dev.setClock', { now: new Date(h.clock.now()).toISOString() });
    await srv.call('gate.quoteExit', { code: s.code }, attendant);
    late = await srv.call<Pay>('gate.startOnlinePayment', { sessionId: s.id }, cashier);
    h.clock.advance(300_000);
    await srv.call('dev.setClock', { now: new Date(h.clock.now()).toISOString() });
    await h.server.ctx.reconciler.tick();
    await simControl(h, `/_sim/payments/${late.gatewayRef}/pay`);
    // The kiosk refreshes an ended attempt from the server: it becomes a late success here too.
    const seen = await srv.call<{ status: string }>('payments.get', { paymentId: late.id }, cashier);
    expect(seen.status).toBe('SUCCESS');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await srv?.stop();
    await h?.close();
  });

  it('lists the late payment and refunds it through the gateway with a reason', async () => {
    await loginUi(page, srv.url, 'supervisor');
    await page.getByTestId('nav-supervisor').click();
    await page.getByRole('tab', { name: 'Payments review' }).click();
    const row = page.getByTestId(`flagged-${late.id}`);
    await row.waitFor();
    expect(await row.innerText()).toContain('KA09LP4321');
    expect(await row.innerText()).toContain('Paid late');
    await captureScreen(page, '20-supervisor-payments-review');

    const refund = row.getByRole('button', { name: /^Refund/ });
    expect(await refund.isDisabled()).toBe(true);
    await row.getByLabel('Reason for the decision on KA09LP4321').fill('Driver also paid cash');
    await refund.click();
    await page.getByText(/Refund of ₹\d+\.\d\d for KA09LP4321 sent through the gateway/).waitFor();
    await page.getByTestId('flagged-empty').waitFor();
    await captureScreen(page, '21-supervisor-payments-refunded');

    expect(h.sim.find(late.gatewayRef)!.refunds.size).toBe(1);
    const admin = await srv.login('admin');
    const p = await srv.call<{ status: string }>('payments.get', { paymentId: late.id }, admin);
    expect(p.status).toBe('REFUNDED');
    const audit = await srv.call<{ action: string; details: { reason: string } }[]>('audit.list', { entityId: late.id }, admin);
    expect(audit.find((e) => e.action === 'payment.reviewResolved')?.details.reason).toBe('Driver also paid cash');
  }, 120_000);
});
