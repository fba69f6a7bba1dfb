// @vitest-environment node
/**
 * The product's camera scanner (startCameraScanner) end to end in Chromium with the fake capture
 * device playing a QR clip: read once while held in view, camera remembered, clean stop.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  buildHarness,
  cameraArgs,
  launch,
  makeQrY4m,
  openHarness,
  removeDir,
  serve,
  type HarnessServer,
  type OpenedPage,
} from './harness';

const TICKET = 'QR-0A1B2C3D4E5F';
type Ev = { kind: string; value: string | null; t: number };

let outDir = '';
let clipDir = '';
let server: HarnessServer;
let browser: Browser;
let opened: OpenedPage;

const call = <T>(name: string, ...args: unknown[]): Promise<T> =>
  opened.page.evaluate(
    ([n, a]) => (window.harness[n as string] as (...x: unknown[]) => unknown)(...(a as unknown[])),
    [name, args] as const,
  ) as Promise<T>;

beforeAll(async () => {
  clipDir = await mkdtemp(join(tmpdir(), 'parkgate-scanner-cam-'));
  const y4m = await makeQrY4m(TICKET, clipDir, { seconds: 5 });
  outDir = await buildHarness();
  server = await serve(outDir);
  browser = await launch(cameraArgs(y4m));
  opened = await openHarness(browser, server.origin, '/camera.html');
}, 180_000);

afterAll(async () => {
  await opened?.context.close();
  await browser?.close();
  await server?.close();
  if (outDir) await removeDir(outDir);
  if (clipDir) await removeDir(clipDir);
});

describe('startCameraScanner on the fake camera', () => {
  it('reads the ticket once while it stays in view, remembers the camera, stops cleanly', async () => {
    const started = await call<{ cameraId: string | null; hasTorch: boolean; t: number }>('start');
    expect(started.cameraId).toBeTruthy();
    expect(await call<string | null>('storedCamera')).toBe(started.cameraId);
    expect(started.hasTorch).toBe(false); // the fake device has no torch
    expect(await call<boolean>('torch', true)).toBe(false);

    // the clip shows the same QR for the whole time (and loops): exactly one scan
    await opened.page.waitForTimeout(4000);
    const events = await call<Ev[]>('events');
    const codes = events.filter((e) => e.kind === 'code');
    expect(codes.map((e) => e.value)).toEqual([TICKET]);
    expect(codes[0]!.t - started.t).toBeLessThan(2000);
    expect(events.filter((e) => e.kind === 'error')).toEqual([]);

    const cams = await call<Array<{ id: string; label: string }>>('cameras');
    expect(cams.map((c) => c.id)).toContain(started.cameraId);

    expect(await call<number>('stop')).toBe(0); // element emptied
    expect(await call<number>('videoCount')).toBe(0);

    // restart: uses the remembered camera and reads again (a new session = a new scan)
    const again = await call<{ cameraId: string | null }>('start');
    expect(again.cameraId).toBe(started.cameraId);
    await opened.page.waitForFunction(() => document.querySelector('#camera video') !== null);
    await opened.page.waitForTimeout(2000);
    expect((await call<Ev[]>('events')).filter((e) => e.kind === 'code').map((e) => e.value)).toEqual([
      TICKET,
    ]);
    await call('stop');

    expect(opened.blocked).toEqual([]);
    expect(opened.errors).toEqual([]);
  }, 60_000);
});
