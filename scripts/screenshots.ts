/**
 * `npm run screenshots`: every screen of the kiosk at 1024x768, in English and in Hindi, into
 * test-output/screenshots/all/ (PNG files `<lang>-<nn>-<screen>.png` and an index.html that shows
 * them side by side), so a reviewer sees the whole UI at once. It starts a seeded kiosk
 * (`npm run serve --seed-demo --fake-clock` on a free port, temp database) and a fresh one for the
 * first-run setup, and drives Debian's Chromium through playwright-core.
 *
 * Options: --out <dir> (default test-output/screenshots/all), --width/--height (default 1024x768).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../tests/helpers/chromium.js';
import { ROOT, startServe, type ServeHandle } from '../tests/helpers/serve.js';

type Lang = 'en' | 'hi';
interface Shot { lang: Lang; name: string; file: string }

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const OUT = arg('out', join(ROOT, 'test-output', 'screenshots', 'all'));
const VIEWPORT = { width: Number(arg('width', '1024')), height: Number(arg('height', '768')) };
const shots: Shot[] = [];

async function settle(page: Page): Promise<void> {
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  await page.waitForTimeout(120);
}

async function shoot(page: Page, lang: Lang, name: string): Promise<void> {
  await settle(page);
  const file = join(OUT, `${lang}-${String(shots.filter((s) => s.lang === lang).length + 1).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file }); // the viewport only: what the operator sees without scrolling
  shots.push({ lang, name, file });
  console.log(`  ${relative(ROOT, file)}`);
}

async function setLanguage(page: Page, url: string, lang: Lang): Promise<void> {
  await page.goto(url);
  await page.evaluate((l) => localStorage.setItem('parkgate.lang', l), lang);
  await page.reload();
}

/** Logs in through the API and hands the token to the page (the UI's own session storage). */
async function loginAs(page: Page, srv: ServeHandle, username: string): Promise<void> {
  const r = await srv.call<{ token: string; operator: unknown; expiresAt: string }>('auth.login', { username, pin: '2468' });
  await page.evaluate(({ token, operator, expiresAt }) => {
    sessionStorage.clear();
    sessionStorage.setItem('parkgate.session', JSON.stringify({ token, operator, expiresAt }));
  }, r);
  await page.reload();
  await page.locator('nav.nav').waitFor();
}

async function go(page: Page, screen: string): Promise<void> {
  await page.getByTestId(`nav-${screen}`).click();
  await page.waitForTimeout(300);
}

async function seed(srv: ServeHandle): Promise<{ quoteCode: string }> {
  const attendant = await srv.login('attendant');
  const admin = await srv.login('admin');
  const zones = await srv.call<{ id: string; name: string }[]>('zones.list', {}, admin);
  const a = zones.find((z) => z.name === 'A')!;
  const b = zones.find((z) => z.name === 'B')!;
  const plates = ['KA01AB1234', 'MH12CD5678', 'DL3CAB0001', 'TN09EF4321', 'KA05GH8765', 'GJ01JK2468'];
  const issued: { code: string }[] = [];
  for (const [i, plate] of plates.entries()) {
    issued.push(await srv.call('gate.issueTicket', { vehicleNumber: plate, zoneId: i % 2 ? b.id : a.id }, attendant));
  }
  await srv.call('gate.book', { vehicleNumber: 'UP16LM1357', zoneId: a.id }, attendant);
  await srv.call('shifts.open', { openingFloatPaise: 200_000 }, admin);
  const health = await srv.call<{ now: string }>('system.health', {});
  await srv.call('dev.setClock', { now: new Date(Date.parse(health.now) + (2 * 3600 + 10 * 60) * 1000).toISOString() });
  // Two cars leave (paid), so sessions, reports and the shift have something to show.
  for (const s of issued.slice(0, 2)) {
    const q = await srv.call<{ sessionId: string; amountDuePaise: number }>('gate.quoteExit', { code: s.code }, admin);
    await srv.call('gate.payCash', { sessionId: q.sessionId, tenderedPaise: Math.ceil(q.amountDuePaise / 10_000) * 10_000 }, admin);
  }
  // Season passes: one for the month, one ending in 3 days (the expiry reminder list).
  const now = Date.parse((await srv.call<{ now: string }>('system.health', {})).now);
  await srv.call('passes.sell', { kind: 'MONTHLY', holderName: 'Meera Iyer', plates: ['KA03PS1001'], pricePaise: 150_000, tenderedPaise: 150_000 }, admin);
  await srv.call('passes.sell', {
    kind: 'CUSTOM', holderName: 'Ravi Kumar', plates: ['KA03PS2002'], pricePaise: 50_000, tenderedPaise: 50_000,
    validFrom: new Date(now - 20 * 86_400_000).toISOString(), validUntil: new Date(now + 3 * 86_400_000).toISOString(),
  }, admin);
  return { quoteCode: issued[2]!.code };
}

async function captureLanguage(page: Page, srv: ServeHandle, lang: Lang, quoteCode: () => Promise<string>): Promise<void> {
  console.log(`${lang}:`);
  await setLanguage(page, srv.url, lang);
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await page.locator('.login-card').waitFor();
  await shoot(page, lang, 'login');

  await loginAs(page, srv, 'admin');
  await go(page, 'entry');
  await shoot(page, lang, 'entry');
  await page.locator('.field-vehicle input').first().fill(lang === 'en' ? 'KA02XY1111' : 'KA02XY2222');
  await page.locator('.zone-option input').first().check();
  await page.locator('form button[type="submit"]').last().click();
  await page.getByTestId('ticket').waitFor();
  await shoot(page, lang, 'entry-ticket');

  await go(page, 'exit');
  await page.getByTestId('exit-idle').waitFor();
  await shoot(page, lang, 'exit-idle');
  await page.locator('.exit-scan .inline-form input').fill(await quoteCode());
  await page.locator('.exit-scan .inline-form button[type="submit"]').click();
  await page.getByTestId('quote').waitFor();
  await shoot(page, lang, 'exit-quote');
  await page.locator('.pay-methods .btn-cash').click();
  await page.locator('.quick-tenders .btn').first().click();
  await shoot(page, lang, 'exit-cash');
  await page.locator('.pay-foot .btn-go').click();
  await page.locator('.result-gate').waitFor();
  await shoot(page, lang, 'exit-gate-open');

  await go(page, 'sessions');
  await page.locator('.table tbody .link-btn').first().waitFor();
  await shoot(page, lang, 'sessions');
  await page.locator('.table tbody .link-btn').first().click();
  await page.getByTestId('timeline').waitFor();
  await shoot(page, lang, 'session-detail');

  await go(page, 'passes');
  await page.getByTestId('pass-list').waitFor();
  await shoot(page, lang, 'passes');
  await page.getByTestId('pass-holder').fill('Anil Shah');
  await page.getByTestId('pass-plate').fill(lang === 'en' ? 'KA03PS3003' : 'KA03PS4004');
  await page.getByTestId('pass-price').fill('1500');
  await page.getByTestId('pass-pay-cash').click();
  await page.getByTestId('pass-exact').click();
  await page.getByTestId('pass-confirm-cash').click();
  await page.getByTestId('pass-card').waitFor();
  await shoot(page, lang, 'passes-sold');

  for (const screen of ['shift', 'reports', 'supervisor', 'operators', 'lane']) {
    await go(page, screen);
    await shoot(page, lang, screen);
    if (screen === 'supervisor') {
      const tabs = page.getByRole('tab');
      for (let i = 1; i < (await tabs.count()); i++) {
        await tabs.nth(i).click();
        await page.waitForTimeout(250);
        await shoot(page, lang, `supervisor-tab${i + 1}`);
      }
    }
  }

  await loginAs(page, srv, 'attendant');
  await go(page, 'exit');
  await shoot(page, lang, 'attendant-exit');
}

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const srv = await startServe({ seedDemo: true, fakeClock: true });
  const fresh = await startServe({ seedDemo: false, fakeClock: true });
  // A fake camera (Chromium's test pattern): the scan area looks as it does at a gate.
  const browser = await launchChromium({ args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
  try {
    const { quoteCode } = await seed(srv);
    const attendant = await srv.login('attendant');
    const zones = await srv.call<{ id: string; availableSlots: number }[]>('zones.list', {}, attendant);
    let first = true;
    // The first language bills the seeded car; the second needs a car of its own.
    const nextCode = async () => {
      if (first) {
        first = false;
        return quoteCode;
      }
      const s = await srv.call<{ code: string }>('gate.issueTicket', { vehicleNumber: 'HR26ZZ9090', zoneId: zones.find((z) => z.availableSlots > 0)!.id }, attendant);
      const health = await srv.call<{ now: string }>('system.health', {});
      await srv.call('dev.setClock', { now: new Date(Date.parse(health.now) + 3600_000).toISOString() });
      return s.code;
    };
    for (const lang of ['en', 'hi'] as const) {
      const page = await browser.newPage({ viewport: VIEWPORT });
      await captureLanguage(page, srv, lang, nextCode);
      await setLanguage(page, fresh.url, lang);
      await page.locator('.setup-wizard').waitFor();
      await shoot(page, lang, 'first-run-setup');
      await page.close();
    }
  } finally {
    await browser.close().catch(() => undefined);
    await fresh.stop();
    await srv.stop();
  }
  const rows = [...new Set(shots.map((s) => s.name))].map((name) => {
    const cell = (lang: Lang) => {
      const s = shots.find((x) => x.lang === lang && x.name === name);
      return s ? `<td><img src="${relative(OUT, s.file)}" alt="${lang} ${name}" loading="lazy"></td>` : '<td></td>';
    };
    return `<tr><th>${name}</th>${cell('en')}${cell('hi')}</tr>`;
  });
  writeFileSync(join(OUT, 'index.html'), `<!doctype html><meta charset="utf-8"><title>ParkGate screens ${VIEWPORT.width}x${VIEWPORT.height}</title>
<style>body{font-family:sans-serif}img{width:512px;border:1px solid #999}th{text-align:left;vertical-align:top;padding-right:8px}</style>
<h1>ParkGate screens at ${VIEWPORT.width}x${VIEWPORT.height}</h1><table><tr><th></th><th>English</th><th>हिन्दी</th></tr>${rows.join('\n')}</table>\n`);
  console.log(`${shots.length} screenshots and ${relative(ROOT, join(OUT, 'index.html'))}`);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
