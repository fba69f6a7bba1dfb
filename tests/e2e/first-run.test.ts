/**
 * First-run setup end to end: Debian's Chromium against the real `npm run serve` on a
 * fresh database WITHOUT --seed-demo (no operator yet), with a fake camera playing a QR code. The
 * wizard: administrator -> facility "Metro Mall" + Asia/Kolkata -> central server (saved for the
 * next start) -> camera test scan -> printer test -> the normal app. Then the API shows what was
 * saved, the kiosk secret is only in the 0600 secret file, and a second `serve` on the same
 * database (no --server flags) links to the saved server. Screenshot + axe on every step.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import QRCode from 'qrcode';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, pngToY4m, screenshot, seriousA11yViolations } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/serve.js';
import { fileMode } from '../../src-main/ops/secret-store.js';

const PIN = '135790';
const QR_TEXT = 'PARKGATE-CAMERA-TEST-7';
const SERVER_URL = 'http://127.0.0.1:9'; // nothing listens: the kiosk stays offline, which is fine here
const KIOSK_ID = 'kiosk-metro-01';
const KIOSK_SECRET = 'e2e-secret-Zq8vX2mL0pRt';

interface Settings { facilityName: string; timeZone: string; serverUrl?: string | null; kioskId?: string | null; kioskSecretSaved?: boolean; kioskSecret?: unknown }

describe.skipIf(!chromiumAvailable())('first-run setup wizard in Chromium (e2e)', () => {
  let srv: ServeHandle;
  let browser: Browser;
  let page: Page;
  const work = mkdtempSync(join(tmpdir(), 'parkgate-first-run-'));
  const a11y: Record<string, unknown[]> = {};

  async function checkA11y(name: string): Promise<void> {
    await page.waitForTimeout(150);
    const v = await seriousA11yViolations(page);
    a11y[name] = v;
    expect(v, `${name}: ${JSON.stringify(v, null, 1)}`).toEqual([]);
  }

  beforeAll(async () => {
    srv = await startServe({ seedDemo: false, fakeClock: false, env: { PARKGATE_BACKUP_INTERVAL_MINUTES: '0' } });
    await QRCode.toFile(join(work, 'any.png'), QR_TEXT, { margin: 4, width: 240 });
    pngToY4m(join(work, 'any.png'), join(work, 'any.y4m'));
    browser = await launchChromium({ fakeVideo: join(work, 'any.y4m') });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Count print calls instead of opening a print dialog in the headless browser.
    await page.addInitScript(() => {
      const w = window as unknown as { __prints: number };
      w.__prints = 0;
      window.print = () => {
        w.__prints++;
      };
    });
  }, 180_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, 'FAILED-first-run').catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await srv?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('goes through the wizard and saves the admin, facility, server (secret write-only) for the next start', async () => {
    expect((await srv.call<{ needsSetup: boolean }>('system.health', {})).needsSetup).toBe(true);
    await page.goto(srv.url);

    // (1) first administrator
    await page.getByRole('heading', { name: 'First-run setup' }).waitFor();
    expect(await page.getByTestId('setup-progress').innerText()).toBe('Step 1 of 6');
    await checkA11y('setup-1-admin');
    await page.getByLabel('Full name').fill('Asha Rao');
    const pad = page.getByRole('group', { name: 'PIN pad' });
    for (const d of PIN) await pad.getByRole('button', { name: d, exact: true }).click();
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByLabel('Confirm PIN').waitFor();
    for (const d of PIN) await pad.getByRole('button', { name: d, exact: true }).click();
    await page.getByRole('button', { name: 'Create administrator' }).click();

    // (2) facility name + time zone
    await page.getByRole('heading', { name: 'Facility name and time zone' }).waitFor();
    await checkA11y('setup-2-facility');
    await page.getByLabel('Facility name', { exact: true }).fill('Metro Mall');
    expect(await page.getByLabel('Time zone', { exact: true }).locator('option').allInnerTexts()).toEqual(expect.arrayContaining(['Asia/Kolkata', 'UTC']));
    await page.getByLabel('Time zone', { exact: true }).selectOption('Asia/Kolkata');
    await page.getByRole('button', { name: 'Save and continue' }).click();

    // (2b) zones and rates: one zone with its lost-ticket fee, so the admin does not end on "No open zones"
    await page.getByRole('heading', { name: 'Zones and rates' }).waitFor();
    await checkA11y('setup-2b-zones');
    await page.getByLabel('Hourly rate (₹)').fill('40');
    await page.getByLabel('Lost-ticket fee (₹)').fill('200');
    await page.getByRole('button', { name: 'Add zone' }).click();
    await page.getByTestId('setup-zones-list').getByText('Zone A: 10 slots').waitFor();
    await page.getByRole('button', { name: 'Save and continue' }).click();

    // (3) central server + enrolment credentials
    await page.getByRole('heading', { name: 'Central server' }).waitFor();
    expect(await page.getByTestId('setup-restart-note').innerText()).toContain('connects after restart');
    await checkA11y('setup-3-server');
    await page.getByLabel('Server URL', { exact: true }).fill(SERVER_URL);
    await page.getByLabel('Kiosk id', { exact: true }).fill(KIOSK_ID);
    await page.getByLabel('Kiosk secret', { exact: true }).fill(KIOSK_SECRET);
    await page.getByRole('button', { name: 'Save and continue' }).click();

    // (4) camera + test scan: the fake camera plays a QR; its text appears on screen
    await page.getByRole('heading', { name: 'Camera and test scan' }).waitFor();
    const scanned = page.getByTestId('setup-scan-text');
    await scanned.waitFor({ timeout: 30_000 });
    expect(await scanned.innerText()).toBe(QR_TEXT);
    await page.waitForTimeout(150);
    await screenshot(page, '16-first-run');
    await checkA11y('setup-4-camera');
    await page.getByRole('button', { name: 'Save and continue' }).click();

    // (5) printer test: the test receipt (print-friendly view) + window.print()
    await page.getByRole('heading', { name: 'Printer test' }).waitFor();
    const receipt = page.getByTestId('test-receipt');
    await receipt.getByText('Metro Mall').waitFor();
    expect(await receipt.getAttribute('class')).toContain('print-area');
    await page.getByRole('button', { name: 'Print test receipt' }).click();
    expect(await page.evaluate(() => (window as unknown as { __prints: number }).__prints)).toBe(1);
    await checkA11y('setup-5-printer');
    await page.getByRole('button', { name: 'Finish setup' }).click();

    // Then the normal app, logged in as the new admin.
    await page.getByRole('navigation', { name: 'Screens' }).waitFor();
    expect(await page.getByTestId('setup-wizard').count()).toBe(0);
    await checkA11y('setup-done-app');

    // The API: the admin exists and can log in; the settings are saved; the secret is never returned.
    expect((await srv.call<{ needsSetup: boolean }>('system.health', {})).needsSetup).toBe(false);
    const token = await srv.login('admin', PIN);
    const operators = await srv.call<{ username: string; name: string; role: string }[]>('operators.list', {}, token);
    expect(operators).toEqual([expect.objectContaining({ username: 'admin', name: 'Asha Rao', role: 'ADMIN' })]);
    const settings = await srv.call<Settings>('settings.get', {}, token);
    expect(settings).toMatchObject({ facilityName: 'Metro Mall', timeZone: 'Asia/Kolkata', serverUrl: SERVER_URL, kioskId: KIOSK_ID, kioskSecretSaved: true });
    expect(settings.kioskSecret).toBeUndefined();
    expect(JSON.stringify(settings)).not.toContain(KIOSK_SECRET);

    // The secret: only in the owner-only secret file, never in the database.
    const secretFile = join(dirname(srv.dbPath), 'secrets', 'kiosk-secret.secret');
    expect(existsSync(secretFile)).toBe(true);
    if (process.platform !== 'win32') expect(fileMode(secretFile)).toBe(0o600);
    expect(readFileSync(secretFile, 'utf8')).toContain(KIOSK_SECRET);
    for (const f of [srv.dbPath, `${srv.dbPath}-wal`]) {
      if (existsSync(f)) expect(readFileSync(f).includes(Buffer.from(KIOSK_SECRET)), f).toBe(false);
    }
    // A bad time zone is refused by the core.
    const bad = await srv.api('settings.update', { timeZone: 'Mars/Olympus' }, token);
    expect(bad.error?.code).toBe('VALIDATION_FAILED');
    const badUrl = await srv.api('settings.update', { serverUrl: 'ftp://central.example.com' }, token);
    expect(badUrl.error?.code).toBe('VALIDATION_FAILED');
    // Only a supervisor or admin may change them.
    expect((await srv.api('settings.update', { facilityName: 'X' })).status).toBe(401);
  }, 240_000);

  it('the next start of `serve` (no --server flags) uses the saved server, id and secret', async () => {
    const next = await startServe({ seedDemo: false, fakeClock: false, extraArgs: ['--db', srv.dbPath], env: { PARKGATE_BACKUP_INTERVAL_MINUTES: '0' } });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const out = next.output();
      expect(out).toContain('central server from the saved settings');
      expect(out).toContain(KIOSK_ID);
      expect(out).not.toContain(KIOSK_SECRET);
      const health = await next.call<{ needsSetup: boolean; kioskId: string }>('system.health', {});
      expect(health.needsSetup).toBe(false);
      const token = await next.login('admin', PIN);
      const sync = await next.call<{ enabled: boolean }>('sync.status', {}, token);
      expect(sync.enabled).toBe(true);
    } finally {
      await next.stop();
    }
  }, 120_000);
});
