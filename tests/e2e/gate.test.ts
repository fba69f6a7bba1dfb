/**
 * End to end: Debian's Chromium (playwright-core) against the real `npm run serve` (real core,
 * real database file, --seed-demo --fake-clock). The camera is Chromium's fake capture device
 * playing a y4m made from a real ticket QR. Screenshots of each main screen go to
 * test-output/screenshots/, and each is checked with axe-core (no serious/critical violations).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, pngToY4m, screenshot } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/serve.js';
import { captureScreen, countDrawer, loginUi, navTabs, saveTicketQr, wedgeScan } from './ui-helpers.js';

interface Session { id: string; code: string; status: string; slotNumber: string; zoneId: string; amountPaidPaise: number; vehicleNumber: string }
interface Zone { id: string; name: string; hourlyRatePaise: number; availableSlots: number; totalSlots: number }

describe.skipIf(!chromiumAvailable())('gate kiosk in Chromium (e2e)', () => {
  let srv: ServeHandle;
  let browser: Browser;
  let page: Page;
  let failPage: Page | null = null;
  const cameraBrowsers: Browser[] = [];
  const work = mkdtempSync(join(tmpdir(), 'parkgate-ui-'));
  let admin: string;
  let zoneA: Zone;
  let walkIn: Session;
  let booked: Session;

  const sessionByCode = (code: string) => srv.call<Session>('sessions.get', { code }, admin);
  const zones = () => srv.call<Zone[]>('zones.list', {}, admin);

  beforeAll(async () => {
    srv = await startServe({ seedDemo: true, fakeClock: true });
    admin = await srv.login('admin');
    const z = (await zones()).find((x) => x.name === 'A');
    if (!z) throw new Error('demo zone A missing');
    zoneA = z;
    // The everyday browser has a fake camera too (Chromium's test pattern, no QR in it).
    browser = await launchChromium({ args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  }, 180_000);

  afterEach(async (ctx) => {
    const p = failPage ?? page;
    failPage = null;
    if (ctx.task.result?.state === 'fail' && p) await screenshot(p, `FAILED-${ctx.task.name.slice(0, 3)}`).catch(() => undefined);
  });

  afterAll(async () => {
    for (const b of cameraBrowsers) await b.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await srv?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('(1) login, walk-in ticket issued; a booking scanned in by the CAMERA becomes PARKED', async () => {
    await page.goto(srv.url);
    await page.getByRole('heading', { name: 'Operator login' }).waitFor();
    await captureScreen(page, '01-login');
    await loginUi(page, srv.url, 'attendant');
    expect(await navTabs(page)).toEqual(['Entry', 'Exit', 'Sessions']);
    await page.getByText('10 of 10 free').waitFor();
    await captureScreen(page, '02-entry');

    await page.getByLabel('Vehicle number').fill('KA 01 AB 1234');
    await page.getByRole('radio', { name: /^A/ }).check();
    await page.getByRole('button', { name: 'Issue ticket' }).click();
    const ticket = page.getByTestId('ticket');
    await ticket.waitFor();
    const slot = await ticket.getByTestId('ticket-slot').innerText();
    const code = await ticket.getByTestId('ticket-code').innerText();
    walkIn = await sessionByCode(code);
    expect(walkIn).toMatchObject({ status: 'PARKED', slotNumber: slot, vehicleNumber: 'KA01AB1234' });
    await captureScreen(page, '03-entry-ticket-issued');

    // The issued ticket's own QR (as drawn in the UI) becomes the video for the exit camera (test 2).
    await saveTicketQr(page, join(work, 'walkin.png'));
    pngToY4m(join(work, 'walkin.png'), join(work, 'walkin.y4m'));
    await page.getByRole('button', { name: 'Done' }).click();
    await page.locator('[data-testid="zone-free-A"]', { hasText: '9 of 10 free' }).waitFor();

    // A pre-booked ticket (BOOKED) is scanned in by the camera at the entry.
    const attendant = await srv.login('attendant');
    booked = await srv.call<Session>('gate.book', { vehicleNumber: 'MH12CD5678', zoneId: zoneA.id }, attendant);
    expect(booked.status).toBe('BOOKED');
    await QRCode.toFile(join(work, 'booked.png'), booked.code, { margin: 4, width: 240 });
    pngToY4m(join(work, 'booked.png'), join(work, 'booked.y4m'));

    const cam = await launchChromium({ fakeVideo: join(work, 'booked.y4m') });
    cameraBrowsers.push(cam);
    const camPage = await cam.newPage({ viewport: { width: 1280, height: 860 } });
    failPage = camPage;
    await loginUi(camPage, srv.url, 'attendant');
    const result = camPage.locator('[data-testid="scan-result"][data-kind="ok"]');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('data-code')).toBe(booked.code);
    expect(await result.innerText()).toContain(`Slot ${booked.slotNumber}`);
    expect((await sessionByCode(booked.code)).status).toBe('PARKED');
    await captureScreen(camPage, '04-entry-camera-scan');
    failPage = null;
    await cam.close();
  }, 180_000);

  it('(2) after 2 h 10 min the walk-in ticket is read by the exit CAMERA: 3 x rate, cash, change, slot freed', async () => {
    const health = await srv.call<{ now: string }>('system.health', {});
    const later = new Date(Date.parse(health.now) + (2 * 3600 + 10 * 60) * 1000).toISOString();
    await srv.call('dev.setClock', { now: later });

    const cam = await launchChromium({ fakeVideo: join(work, 'walkin.y4m') });
    cameraBrowsers.push(cam);
    const camPage = await cam.newPage({ viewport: { width: 1280, height: 860 } });
    failPage = camPage;
    await loginUi(camPage, srv.url, 'cashier');
    await camPage.getByTestId('nav-exit').click();
    const quote = camPage.getByTestId('quote');
    await quote.waitFor({ timeout: 30_000 });
    await camPage.getByRole('button', { name: 'Stop camera' }).click(); // no second read while paying
    const rate = zoneA.hourlyRatePaise;
    expect(await camPage.getByTestId('quote-hours').innerText()).toBe('3');
    expect(await camPage.getByTestId('quote-duration').innerText()).toMatch(/^2 h 1\d min$/);
    const due = await camPage.getByTestId('amount-due').innerText();
    expect(due).toBe(`₹${((3 * rate) / 100).toFixed(2)}`); // ₹120.00 for zone A (₹40/h)
    expect(await camPage.getByTestId('quote-vehicle').innerText()).toBe('KA01AB1234');
    await captureScreen(camPage, '05-exit-quote');

    // Cash needs the cashier's drawer open (opening float), then Cash is enabled.
    await countDrawer(camPage, { N500: 2 }); // Rs 1000 float: two Rs 500 notes on the touch keypad
    await camPage.getByRole('button', { name: 'Open shift' }).click();
    await camPage.locator('[data-testid="shift-card"][data-open="true"]').waitFor();
    await camPage.getByRole('group', { name: 'Take payment' }).getByRole('button', { name: /Cash/ }).click();
    const keypad = camPage.getByRole('group', { name: 'Cash keypad' });
    for (const k of ['2', '0', '0']) await keypad.getByRole('button', { name: k, exact: true }).click();
    const tendered = 20000;
    const change = tendered - 3 * rate;
    expect(await camPage.getByTestId('change-value').innerText()).toBe(`₹${(change / 100).toFixed(2)}`); // ₹80.00
    await captureScreen(camPage, '06-exit-cash');
    await camPage.getByRole('button', { name: /Confirm cash/ }).click();
    await camPage.getByText('GATE OPEN').waitFor();
    expect(await camPage.getByTestId('gate-change').innerText()).toBe(`Give change: ₹${(change / 100).toFixed(2)}`);
    await captureScreen(camPage, '07-exit-gate-open');
    failPage = null;
    await cam.close();

    const done = await sessionByCode(walkIn.code);
    expect(done.status).toBe('COMPLETED');
    expect(done.amountPaidPaise).toBe(3 * rate);

    // The slot is free again on the supervisor's zones screen.
    await loginUi(page, srv.url, 'supervisor');
    await page.getByTestId('nav-supervisor').click();
    await page.getByTestId(`zone-card-A`).click();
    const slotTile = page.getByTestId(`slot-${walkIn.slotNumber}`);
    await slotTile.waitFor();
    expect(await slotTile.getAttribute('data-occupied')).toBe('false');
    expect(await page.getByTestId(`slot-${booked.slotNumber}`).getAttribute('data-occupied')).toBe('true');
    // Occupied now: only the camera-scanned booking.
    expect(await page.getByTestId('zone-occupancy-A').innerText()).toBe('1 of 10 occupied');
    await captureScreen(page, '08-supervisor-zones');
    await page.getByRole('tab', { name: 'Integrity' }).click();
    await page.getByRole('button', { name: 'Run integrity check' }).click();
    await page.getByTestId('integrity-result').waitFor();
    expect(await page.getByTestId('integrity-result').innerText()).toContain('All checks passed');
    await captureScreen(page, '09-supervisor-integrity');
  }, 180_000);

  it('(3) keyboard-wedge scan at the exit (fast burst + Enter, no field focused)', async () => {
    await loginUi(page, srv.url, 'cashier');
    await page.getByTestId('nav-exit').click();
    await page.getByTestId('exit-idle').waitFor();
    expect((await sessionByCode(booked.code)).status).toBe('PARKED');
    await wedgeScan(page, booked.code);
    await page.getByTestId('quote').waitFor();
    expect(await page.getByTestId('quote-vehicle').innerText()).toBe('MH12CD5678');
    expect(await page.getByTestId('quote-hours').innerText()).toBe('3');
    await page.getByRole('group', { name: 'Take payment' }).getByRole('button', { name: /Cash/ }).click();
    await page.getByRole('button', { name: 'Exact' }).click();
    await page.getByRole('button', { name: /Confirm cash/ }).click();
    await page.getByText('GATE OPEN').waitFor();
    expect((await sessionByCode(booked.code)).status).toBe('COMPLETED');
  }, 120_000);

  it('(4) a forged ticket shows the red TICKET_INVALID state and changes nothing', async () => {
    const attendant = await srv.login('attendant');
    const real = await srv.call<Session>('gate.issueTicket', { vehicleNumber: 'DL3CAB0001', zoneId: zoneA.id }, attendant);
    // Change one character in the middle of the signed payload.
    const i = Math.floor(real.code.length / 2);
    const forged = real.code.slice(0, i) + (real.code[i] === 'A' ? 'B' : 'A') + real.code.slice(i + 1);
    const before = JSON.stringify([await srv.call('sessions.list', { limit: 200 }, admin), await zones()]);

    await loginUi(page, srv.url, 'attendant');
    await wedgeScan(page, forged);
    const red = page.locator('[data-testid="scan-result"][data-kind="error"]');
    await red.waitFor();
    expect(await red.getAttribute('data-error-code')).toBe('TICKET_INVALID');
    expect(await red.innerText()).toContain('Invalid ticket');
    await captureScreen(page, '10-entry-ticket-invalid');

    await page.getByTestId('nav-exit').click();
    await wedgeScan(page, forged);
    await page.locator('[data-testid="scan-result"][data-error-code="TICKET_INVALID"]').waitFor();
    const after = JSON.stringify([await srv.call('sessions.list', { limit: 200 }, admin), await zones()]);
    expect(after).toBe(before);
    expect((await sessionByCode(real.code)).status).toBe('PARKED');
  }, 120_000);

  it('(5) an attendant sees no cashier or supervisor screens, and gate.payCash is FORBIDDEN', async () => {
    // One more hour passes, so the ticket issued in (4) now owes a fee.
    const health = await srv.call<{ now: string }>('system.health', {});
    await srv.call('dev.setClock', { now: new Date(Date.parse(health.now) + 3600_000).toISOString() });
    await loginUi(page, srv.url, 'attendant');
    expect(await navTabs(page)).toEqual(['Entry', 'Exit', 'Sessions']);
    await page.getByTestId('nav-exit').click();
    const parked = (await srv.call<{ items: Session[] }>('sessions.list', { status: 'PARKED', limit: 1 }, admin)).items[0]!;
    await wedgeScan(page, parked.code);
    await page.getByTestId('quote').waitFor();
    expect(await page.getByRole('group', { name: 'Take payment' }).getByRole('button', { name: /Cash/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /UPI/ }).count()).toBe(0);
    await page.getByTestId('needs-cashier').waitFor();
    await captureScreen(page, '11-attendant-exit');

    const attendant = await srv.login('attendant');
    const r = await srv.api('gate.payCash', { sessionId: parked.id, tenderedPaise: 100000 }, attendant);
    expect(r.status).toBe(403);
    expect(r.error?.code).toBe('FORBIDDEN');
    expect((await sessionByCode(parked.code)).status).not.toBe('COMPLETED');
  }, 120_000);

  it('sessions, session timeline, operators and Hindi screens render and pass axe', async () => {
    await loginUi(page, srv.url, 'admin');
    await page.getByTestId('nav-sessions').click();
    await page.getByRole('button', { name: 'Open KA01AB1234' }).first().waitFor();
    await captureScreen(page, '12-sessions');
    await page.getByRole('button', { name: 'Open KA01AB1234' }).first().click();
    await page.getByTestId('timeline').locator('li').first().waitFor();
    await captureScreen(page, '13-session-timeline');
    await page.getByTestId('nav-operators').click();
    await page.getByTestId('operators-table').getByText('attendant', { exact: true }).waitFor();
    await captureScreen(page, '14-operators');
    await page.getByTestId('nav-entry').click();
    await page.getByRole('button', { name: /Switch language to Hindi/ }).click();
    await page.getByRole('heading', { name: 'बुक किया टिकट स्कैन करें' }).waitFor();
    await captureScreen(page, '15-entry-hindi');
    await page.getByRole('button', { name: /भाषा अंग्रेज़ी में बदलें/ }).click();
  }, 120_000);
});
