/**
 * End to end, the lane: real processes (`npm run serve` with its real core and database, the
 * lane simulator `src-sim/lane/main.ts` speaking Modbus TCP), the real Modbus drivers, and
 * Debian's Chromium on the real screens. A car arrives (arming loop) -> walk-in ticket -> the coil
 * pulses -> the car passes the safety loop -> the barrier closes; at the exit: cash -> the barrier
 * opens; a tailgater is an unmatched pass on the report; a manual opening without a supervisor
 * PIN is refused and with one is on the Z report; the IO module unplugged mid-shift: the status
 * shows it, cash is still taken, the barrier opens when the module is plugged back in; the same when
 * the module only stops answering (cable pulled).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, screenshot } from '../helpers/chromium.js';
import { freePort, ROOT, startServe, type ServeHandle } from '../helpers/serve.js';
import { captureScreen, loginUi, wedgeScan } from './ui-helpers.js';

interface Session { id: string; code: string; status: string }
interface SimSnapshot { lane: { barrier: { state: string }; openings: number; passes: number; loops: { arming: boolean } } }

async function waitFor<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!chromiumAvailable())('the lane end to end (kiosk + lane simulator + Chromium)', () => {
  let srv: ServeHandle;
  let simProc: ChildProcess;
  let simUrl: string;
  let modbusPort: number;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let cashier: string;
  const simDir = mkdtempSync(join(tmpdir(), 'parkgate-lane-e2e-'));

  const sim = async (path: string): Promise<SimSnapshot> => {
    const res = await fetch(`${simUrl}${path}`, { method: path === '/_sim/state' ? 'GET' : 'POST' });
    const body = (await res.json()) as SimSnapshot;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const simState = async () => (await sim('/_sim/state')).lane;
  const barrierIs = (state: string) => waitFor(`barrier ${state} in the simulator`, async () => (await simState()).barrier.state === state);
  const lane = () => srv.call<{ ready: boolean; current: unknown; pending: unknown[]; today: { passes: number; matchedPasses: number; unmatchedPasses: number; date: string }; loops: { arming: boolean } | null }>('lane.status', {}, cashier);

  beforeAll(async () => {
    const httpPort = await freePort();
    modbusPort = await freePort();
    simUrl = `http://127.0.0.1:${httpPort}`;
    simProc = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src-sim/lane/main.ts'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LANE_SIM_PORT: String(httpPort), LANE_SIM_MODBUS_PORT: String(modbusPort), LANE_SIM_DIR: simDir, LANE_SIM_TRAVEL_MS: '300' },
    });
    let simOut = '';
    simProc.stdout?.on('data', (d: Buffer) => (simOut += d.toString()));
    simProc.stderr?.on('data', (d: Buffer) => (simOut += d.toString()));
    await waitFor('lane simulator', () => simOut.includes('lane-sim running'), 60_000);
    srv = await startServe({ seedDemo: true, fakeClock: true });
    admin = await srv.login('admin');
    cashier = await srv.login('cashier');
    browser = await launchChromium({ args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `FAILED-lane-${ctx.task.name.slice(0, 3)}`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await srv?.stop();
    if (simProc?.pid) {
      try {
        process.kill(-simProc.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    rmSync(simDir, { recursive: true, force: true });
  });

  it('(1) Admin > Lane devices: Modbus TCP barrier and loops saved, "read inputs" answers live', async () => {
    await loginUi(page, srv.url, 'admin');
    await page.getByTestId('nav-lane').click();
    await page.getByTestId('lane-devices-screen').waitFor();
    await page.getByTestId('barrier-driver').selectOption('modbus-tcp');
    await page.getByTestId('barrier-host').fill('127.0.0.1');
    await page.getByTestId('barrier-port').fill(String(modbusPort));
    await page.getByTestId('barrier-coil').fill('0');
    await page.getByTestId('loops-driver').selectOption('modbus-tcp');
    await page.getByTestId('loops-host').fill('127.0.0.1');
    await page.getByTestId('loops-port').fill(String(modbusPort));
    await page.getByTestId('lane-save').click();
    await page.getByTestId('lane-admin-message').filter({ hasText: 'Saved' }).waitFor();
    await sim('/_sim/arrive');
    await page.getByTestId('lane-read-inputs').click();
    await page.getByTestId('lane-test-result').filter({ hasText: 'OK' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('lane-test-result').innerText()).toContain('Arming loop: Car on it');
    await captureScreen(page, 'lane-01-admin-devices');
    await sim('/_sim/reset');
    await waitFor('lane ready', async () => (await lane()).ready);
  }, 120_000);

  it('(2) a car on the arming loop -> walk-in ticket -> the coil pulses -> the car passes -> the barrier closes', async () => {
    await loginUi(page, srv.url, 'cashier');
    await page.getByTestId('nav-entry').click(); // a cashier lands on Exit & pay
    await page.getByTestId('lane-status').waitFor();
    await sim('/_sim/arrive');
    await waitFor('arming loop seen by the kiosk', async () => (await lane()).loops?.arming);
    await page.getByLabel('Vehicle number').fill('KA 01 LN 0001');
    await page.getByRole('radio', { name: /^A/ }).check();
    await page.getByRole('button', { name: 'Issue ticket' }).click();
    await page.getByTestId('ticket').waitFor();
    await barrierIs('up');
    expect((await simState()).openings).toBe(1);
    await page.locator('[data-testid="lane-status"][data-state="up"]').waitFor({ timeout: 15_000 });
    await captureScreen(page, 'lane-02-barrier-up');
    await sim('/_sim/pass');
    await barrierIs('down');
    await waitFor('pass matched', async () => (await lane()).today.matchedPasses === 1);
    await page.locator('[data-testid="lane-status"][data-state="down"]').waitFor({ timeout: 15_000 });
  }, 120_000);

  it('(3) at the exit: cash -> the barrier opens for the car', async () => {
    const walkIn = (await srv.call<{ items: Session[] }>('sessions.list', { status: 'PARKED' }, admin)).items[0]!;
    const health = await srv.call<{ now: string }>('system.health', {});
    await srv.call('dev.setClock', { now: new Date(Date.parse(health.now) + 3600_000).toISOString() });
    await srv.call('shifts.open', { openingFloatPaise: 100000 }, cashier);
    await page.getByTestId('nav-exit').click();
    await wedgeScan(page, walkIn.code);
    await page.getByTestId('quote').waitFor({ timeout: 30_000 });
    await page.getByRole('group', { name: 'Take payment' }).getByRole('button', { name: /Cash/ }).click();
    const keypad = page.getByRole('group', { name: 'Cash keypad' });
    for (const k of ['2', '0', '0']) await keypad.getByRole('button', { name: k, exact: true }).click();
    await page.getByRole('button', { name: /Confirm cash/ }).click();
    await page.getByText('GATE OPEN').waitFor();
    await sim('/_sim/arrive');
    await barrierIs('up');
    const status = await lane();
    expect(status.current).toMatchObject({ cause: 'EXIT_ALLOWED', basis: 'PAID', sessionId: walkIn.id });
    await sim('/_sim/pass');
    await barrierIs('down');
  }, 120_000);

  it('(4) a tailgater is an unmatched pass on the Reports screen', async () => {
    await srv.call('gate.issueTicket', { vehicleNumber: 'KA01LN0002' }, cashier);
    await sim('/_sim/arrive');
    await barrierIs('up');
    await sim('/_sim/tailgate');
    const date = (await lane()).today.date;
    await waitFor('tailgate on the report', async () => {
      const list = await srv.call<{ kind: string }[]>('lane.exceptions', { date }, await srv.login('supervisor'));
      return list.some((e) => e.kind === 'TAILGATE');
    });
    await loginUi(page, srv.url, 'supervisor');
    await page.getByTestId('nav-reports').click();
    const row = page.locator('[data-testid="report-vend-exceptions"] tr[data-kind="TAILGATE"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toContain('Second car on one opening');
    await captureScreen(page, 'lane-04-report-vend-exceptions');
    await barrierIs('down');
  }, 120_000);

  it('(5) a manual opening without the supervisor PIN is refused; with it, it opens and is on the Z report', async () => {
    await loginUi(page, srv.url, 'cashier');
    await page.getByTestId('lane-status').click();
    await page.getByTestId('lane-manual-open').click();
    const dialog = page.getByTestId('manual-open');
    await dialog.getByTestId('manual-supervisor').fill('supervisor');
    await dialog.getByTestId('manual-pin').fill('1111');
    await dialog.getByTestId('manual-reason').selectOption('OTHER');
    await dialog.getByTestId('manual-text').fill('Ambulance waiting');
    await dialog.getByRole('button', { name: 'Open barrier' }).click();
    await page.getByTestId('manual-open-error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('manual-open-error').innerText()).toContain('Wrong supervisor username or PIN');
    expect((await lane()).pending).toHaveLength(0);
    await captureScreen(page, 'lane-05-manual-open-refused');
    await dialog.getByTestId('manual-pin').fill('2468');
    await dialog.getByRole('button', { name: 'Open barrier' }).click();
    await page.getByTestId('manual-open-done').waitFor({ timeout: 30_000 });
    await sim('/_sim/arrive');
    await barrierIs('up');
    await sim('/_sim/pass');
    await barrierIs('down');
    const shift = await srv.call<{ id: string }>('shifts.current', {}, cashier);
    const supervisor = await srv.login('supervisor');
    const z = await srv.call<{ text: string }>('shifts.report', { shiftId: shift.id }, supervisor);
    expect(z.text).toContain('Manual openings (1)');
    expect(z.text).toContain('Ambulance waiting');
  }, 120_000);

  /** A device trouble mid-shift: the status shows it, cash is still taken, the barrier opens once the module is back. */
  async function faultMidShift(vehicle: string, shot: string, fail: string, heal: string): Promise<void> {
    const car = await srv.call<Session>('gate.issueTicket', { vehicleNumber: vehicle }, admin);
    await sim(fail);
    await page.locator('[data-testid="lane-status"][data-state="fault"]').waitFor({ timeout: 30_000 });
    await captureScreen(page, shot);
    const health = await srv.call<{ now: string }>('system.health', {});
    await srv.call('dev.setClock', { now: new Date(Date.parse(health.now) + 3600_000).toISOString() });
    const quote = await srv.call<{ sessionId: string; amountDuePaise: number }>('gate.quoteExit', { code: car.code }, cashier);
    const paid = await srv.call<{ session: Session }>('gate.payCash', { sessionId: quote.sessionId, tenderedPaise: quote.amountDuePaise }, cashier);
    expect(paid.session.status).toBe('COMPLETED');
    const before = (await simState()).openings;
    await sim('/_sim/arrive');
    await sim(heal);
    await barrierIs('up').catch(async (e: unknown) => {
      throw new Error(`${String(e)}\nlane: ${JSON.stringify(await lane())}\nsim: ${JSON.stringify(await simState())}\nkiosk: ${srv.output().slice(-3000)}`);
    });
    expect((await simState()).openings).toBe(before + 1);
    await sim('/_sim/pass');
    await barrierIs('down');
    await waitFor('nothing waiting', async () => {
      const s = await lane();
      return s.pending.length === 0 && s.current === null;
    });
    await page.locator('[data-testid="lane-status"][data-state="down"]').waitFor({ timeout: 30_000 });
  }

  it('(6) the IO module unplugged mid-shift (its server gone, connections reset): the status shows it, cash is taken, the barrier opens when it is plugged back in', async () => {
    await page.keyboard.press('Escape');
    await loginUi(page, srv.url, 'cashier');
    await faultMidShift('KA01LN0003', 'lane-06-device-fault', '/_sim/unplug?device=modbus-tcp', '/_sim/replug?device=modbus-tcp');
  }, 120_000);

  it('(7) the IO module stops answering mid-shift (network cable pulled: no reply, no reset): the same, when it answers again', async () => {
    await faultMidShift('KA01LN0004', 'lane-07-device-silent', '/_sim/fault?device=modbus-tcp&mode=silent', '/_sim/fault?device=modbus-tcp&mode=none');
  }, 120_000);
  it('(8) Admin > Lane devices > Lane rules: a reason and a timing changed (a bad timing refused on screen); the manual opening offers the new reason and the barrier closes after the new no-car time', async () => {
    await page.keyboard.press('Escape');
    await loginUi(page, srv.url, 'admin');
    await page.getByTestId('nav-lane').click();
    const rules = page.getByTestId('lane-rules');
    await rules.waitFor();
    await rules.getByTestId('lane-timing-noCarCloseSeconds').fill('601');
    await rules.getByTestId('lane-rules-save').click();
    await rules.getByTestId('lane-rules-error').waitFor();
    expect(await rules.getByTestId('lane-rules-error').innerText()).toContain('at most 600');
    expect((await srv.call<{ config: { noCarCloseSeconds: number } }>('lane.getSettings', {}, admin)).config.noCarCloseSeconds).toBe(30);
    await rules.getByTestId('lane-reason-remove-STAFF_VEHICLE').click();
    await rules.getByTestId('lane-reason-new').fill('vip guest');
    await rules.getByTestId('lane-reason-add').click();
    await rules.getByTestId('lane-timing-noCarCloseSeconds').fill('5');
    await rules.getByTestId('lane-rules-save').click();
    await rules.getByTestId('lane-rules-saved').waitFor();
    await captureScreen(page, 'lane-08-lane-rules');

    await loginUi(page, srv.url, 'cashier');
    await page.getByTestId('lane-status').click();
    await page.getByTestId('lane-manual-open').click();
    const dialog = page.getByTestId('manual-open');
    const offered = await dialog.getByTestId('manual-reason').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toContain('VIP_GUEST');
    expect(offered).not.toContain('STAFF_VEHICLE');
    await dialog.getByTestId('manual-supervisor').fill('supervisor');
    await dialog.getByTestId('manual-pin').fill('2468');
    await dialog.getByTestId('manual-reason').selectOption('VIP_GUEST');
    await dialog.getByRole('button', { name: 'Open barrier' }).click();
    await page.getByTestId('manual-open-done').waitFor({ timeout: 30_000 });
    await sim('/_sim/arrive');
    await barrierIs('up');
    const opened = await waitFor('the manual opening raised', async () => {
      const st = await srv.call<{ current: { id: string; cause: string; reasonCode: string | null; status: string } | null }>('lane.status', {}, cashier);
      return st.current?.status === 'OPEN' ? st.current : null;
    });
    expect(opened).toMatchObject({ cause: 'MANUAL', reasonCode: 'VIP_GUEST' });
    // No car drives through: 6 s on the kiosk clock is past the new 5 s (the old 30 s would keep it up).
    const health = await srv.call<{ now: string }>('system.health', {});
    await srv.call('dev.setClock', { now: new Date(Date.parse(health.now) + 6000).toISOString() });
    await waitFor('the opening closed with no car', async () => (await lane()).current === null);
    const date = (await lane()).today.date;
    const manual = await srv.call<{ id: string; reasonCode: string; closeReason: string | null }[]>('lane.manualOpenings', { date }, await srv.login('supervisor'));
    expect(manual.find((o) => o.id === opened.id)).toMatchObject({ reasonCode: 'VIP_GUEST', closeReason: 'NO_CAR' });
    await sim('/_sim/leave');
  }, 120_000);
});
