// @vitest-environment node
/**
 * Issue 8: the kiosk's QR path (src-renderer/scanner/decoder-setup: html5-qrcode + zxing-cpp
 * polyfill, QR only, transparent pixels on white) must read >= 169 of ZXing's 179 real-world
 * QR images with the exact expected text and NEVER a wrong text, in Chromium, fully offline.
 *
 * Build the harness page with Vite (it imports the product module), serve it on 127.0.0.1 with
 * the kiosk's CSP, block every other origin, scan every fixture through Html5Qrcode.scanFile
 * (the product's createQrReader instance).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  buildHarness,
  launch,
  loadFixtures,
  openHarness,
  percentile,
  removeDir,
  score,
  serve,
  type Fixture,
  type HarnessServer,
  type OpenedPage,
  type ScanOutcome,
} from './harness';

const MIN_CORRECT = 169;

let outDir = '';
let server: HarnessServer;
let browser: Browser;
let opened: OpenedPage;
let fixtures: Fixture[];

beforeAll(async () => {
  fixtures = await loadFixtures();
  outDir = await buildHarness();
  server = await serve(outDir);
  browser = await launch();
  opened = await openHarness(browser, server.origin, '/index.html');
}, 180_000);

afterAll(async () => {
  await opened?.context.close();
  await browser?.close();
  await server?.close();
  if (outDir) await removeDir(outDir);
});

describe('QR fixtures through the product scanner path', () => {
  it('has all 179 fixture images', () => {
    expect(fixtures).toHaveLength(179);
  });

  it('installs the kiosk decoder with the wasm served by the app itself', async () => {
    const info = await opened.page.evaluate(
      () =>
        (window.harness.prepare as () => Promise<{
          wasmUrl: string;
          wasmSha256: string;
          windowHasKioskDetector: boolean;
          marker: boolean;
        }>)(),
    );
    expect(info.windowHasKioskDetector).toBe(true);
    expect(info.marker).toBe(true);
    expect(info.wasmUrl.startsWith(server.origin + '/')).toBe(true);
    // the file we serve is exactly the wasm the polyfill's JS glue was built for
    const served = await readFile(join(outDir, new URL(info.wasmUrl).pathname));
    expect(createHash('sha256').update(served).digest('hex')).toBe(info.wasmSha256);
    expect(server.requests).toContain(new URL(info.wasmUrl).pathname);
  });

  it(`reads >= ${MIN_CORRECT}/179 with the exact text and no wrong text, offline`, async () => {
    const outcomes = await opened.page.evaluate(
      (paths) => (window.harness.scan as (p: string[]) => Promise<ScanOutcome[]>)(paths),
      fixtures.map((f) => f.path),
    );
    const s = score(fixtures, outcomes);
    console.log(
      `[scanner fixtures] product path: ${s.correct}/${s.total} correct, ${s.wrong.length} wrong, ` +
        `${s.missed.length} unread; median ${percentile(s.ms, 50).toFixed(1)} ms, ` +
        `p95 ${percentile(s.ms, 95).toFixed(1)} ms per image; unread: ${s.missed.join(' ')}`,
    );
    expect(s.wrong).toEqual([]);
    expect(s.correct).toBeGreaterThanOrEqual(MIN_CORRECT);
    // offline: nothing but our origin was ever requested, and no CSP violation or page error
    expect(opened.blocked).toEqual([]);
    expect(opened.errors).toEqual([]);
  }, 300_000);
});
