/**
 * UI bench: scan-to-result in the REAL UI through Chromium's fake camera.
 *
 *  - latency: a y4m plays 30 different booked tickets, each as white frames then the QR. In the
 *    page, every video frame is sampled (requestVideoFrameCallback + a 32x24 canvas): the first
 *    frame of a QR after white is "QR appeared"; a MutationObserver stamps the moment the
 *    matching result banner (green, slot) is in the DOM. scan-to-result = result - appeared.
 *    Target: p95 < 500 ms.
 *  - memory: a second y4m alternates two tickets every 0.4 s (each switch is a new scan -> red
 *    ALREADY_ENTERED result). JS heap after a forced GC, after 10 scans and after 500 scans.
 *    Target: growth < 20 MB.
 *
 * Run: npx tsx tests/bench/ui-bench.ts [--scans 30] [--memory-scans 500]
 * Prints a table; `runUiBench()` returns the figures for tests/bench/run.ts.
 */
import { chooseOperator } from '../helpers/login.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import QRCode from 'qrcode';
import type { Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/serve.js';

const FPS = 10;

export interface UiBenchResult {
  scans: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  memoryAfter10MB: number;
  memoryAfterNMB: number;
  memoryScans: number;
  memoryGrowthMB: number;
  domNodesAfter10: number;
  domNodesAfterN: number;
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', ...args]);
}

/** 640x480 PNG: the QR (300x300) centred on white, like a ticket held up to the camera. */
async function qrFrame(code: string, file: string, work: string): Promise<void> {
  const raw = join(work, `raw-${Math.random().toString(36).slice(2)}.png`);
  await QRCode.toFile(raw, code, { margin: 4, width: 240 });
  ffmpeg(['-i', raw, '-vf', 'scale=300:300:flags=neighbor,pad=640:480:(ow-iw)/2:(oh-ih)/2:white', file]);
}

/** y4m from a list of [png, frames] segments. */
function buildY4m(segments: [string, number][], out: string, work: string): void {
  const dir = mkdtempSync(join(work, 'frames-'));
  let n = 0;
  for (const [png, frames] of segments) for (let i = 0; i < frames; i++) symlinkSync(png, join(dir, `f${String(n++).padStart(5, '0')}.png`));
  ffmpeg(['-framerate', String(FPS), '-i', join(dir, 'f%05d.png'), '-pix_fmt', 'yuv420p', out]);
  rmSync(dir, { recursive: true, force: true });
}

async function login(page: Page, url: string, username: string): Promise<void> {
  await page.goto(url);
  await chooseOperator(page, username);
  await page.getByLabel('PIN', { exact: true }).fill('2468');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Screens' }).waitFor();
}

/** In-page probe: QR-appearance times from the video, result times from the DOM. */
const PROBE = () => {
  const w = window as unknown as { __bench: { appear: number[]; results: { t: number; code: string; kind: string }[] } };
  w.__bench = { appear: [], results: [] };
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 24;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  let white = true;
  const watch = () => {
    const video = document.querySelector('[data-testid="camera-view"] video') as (HTMLVideoElement & { requestVideoFrameCallback?: (cb: (now: number) => void) => void }) | null;
    if (!video || !video.requestVideoFrameCallback || video.readyState < 2) {
      setTimeout(watch, 50);
      return;
    }
    const onFrame = (now: number) => {
      ctx.drawImage(video, 0, 0, 32, 24);
      const d = ctx.getImageData(8, 4, 16, 16).data; // centre, where the QR is
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) sum += d[i]! + d[i + 1]! + d[i + 2]!;
      const mean = sum / (d.length / 4) / 3;
      const isWhite = mean > 235;
      if (white && !isWhite) w.__bench.appear.push(now);
      white = isWhite;
      video.requestVideoFrameCallback!(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  watch();
  let lastSeq = '';
  new MutationObserver(() => {
    const el = document.querySelector('[data-testid="scan-result"]') as HTMLElement | null;
    if (!el || !el.dataset.scanSeq || el.dataset.kind === 'info') return;
    if (el.dataset.scanSeq === lastSeq) return;
    lastSeq = el.dataset.scanSeq;
    w.__bench.results.push({ t: performance.now(), code: el.dataset.code ?? '', kind: el.dataset.kind ?? '' });
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-scan-seq', 'data-kind'] });
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function heap(page: Page): Promise<{ mb: number; nodes: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const get = (n: string) => metrics.find((m) => m.name === n)?.value ?? NaN;
  return { mb: get('JSHeapUsedSize') / 1024 / 1024, nodes: get('Nodes') };
}

async function seq(page: Page): Promise<number> {
  return page.evaluate(() => Number((document.querySelector('[data-testid="scan-result"]') as HTMLElement | null)?.dataset.scanSeq ?? 0));
}

async function setup(srv: ServeHandle, count: number): Promise<{ codes: string[] }> {
  const admin = await srv.login('admin');
  const zone = await srv.call<{ id: string }>('zones.create', { name: 'BENCH', hourlyRatePaise: 3000 }, admin);
  await srv.call('slots.create', { zoneId: zone.id, slotNumbers: Array.from({ length: count + 4 }, (_, i) => `BN-${String(i + 1).padStart(3, '0')}`) }, admin);
  const codes: string[] = [];
  for (let i = 0; i < count + 2; i++) {
    const s = await srv.call<{ code: string }>('gate.book', { vehicleNumber: `BN${String(i).padStart(4, '0')}X`, zoneId: zone.id }, admin);
    codes.push(s.code);
  }
  return { codes };
}

export async function runUiBench(opts: { scans?: number; memoryScans?: number; log?: (m: string) => void } = {}): Promise<UiBenchResult> {
  const scans = opts.scans ?? 30;
  const memoryScans = opts.memoryScans ?? 500;
  const log = opts.log ?? ((m: string) => console.error(`[ui-bench] ${m}`));
  const work = mkdtempSync(join(tmpdir(), 'parkgate-uibench-'));
  const srv = await startServe({ seedDemo: true, fakeClock: true });
  try {
    const { codes } = await setup(srv, scans);
    log(`prepared ${codes.length} bookings; drawing the videos…`);
    const whitePng = join(work, 'white.png');
    ffmpeg(['-f', 'lavfi', '-i', 'color=white:s=640x480', '-frames:v', '1', whitePng]);
    const pngs: string[] = [];
    for (let i = 0; i < codes.length; i++) {
      const f = join(work, `qr-${i}.png`);
      await qrFrame(codes[i]!, f, work);
      pngs.push(f);
    }
    // Latency video: white 0.8 s, QR 1.0 s, for each of the first `scans` bookings; then white.
    const latencySegments: [string, number][] = [[whitePng, 20]];
    for (let i = 0; i < scans; i++) latencySegments.push([whitePng, 8], [pngs[i]!, 10]);
    latencySegments.push([whitePng, 600]);
    buildY4m(latencySegments, join(work, 'latency.y4m'), work);
    // Memory video: the two spare bookings alternate every 0.4 s.
    const a = pngs[scans]!;
    const b = pngs[scans + 1]!;
    const memorySegments: [string, number][] = [];
    for (let i = 0; i < 60; i++) memorySegments.push([a, 4], [b, 4]);
    buildY4m(memorySegments, join(work, 'memory.y4m'), work);

    // ---- latency ----
    const browser = await launchChromium({ fakeVideo: join(work, 'latency.y4m') });
    let latencies: number[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      await login(page, srv.url, 'attendant');
      // tsx (esbuild keepNames) wraps inner functions in __name(); give the page a no-op one.
      await page.evaluate('window.__name = (f) => f');
      await page.evaluate(PROBE);
      const deadline = Date.now() + (scans * 1.8 + 60) * 1000;
      while (Date.now() < deadline) {
        const n = await page.evaluate(() => (window as unknown as { __bench: { results: unknown[] } }).__bench.results.length);
        if (n >= scans) break;
        await page.waitForTimeout(500);
      }
      const data = await page.evaluate(() => (window as unknown as { __bench: { appear: number[]; results: { t: number; code: string; kind: string }[] } }).__bench);
      const wanted = new Set(codes.slice(0, scans));
      const results = data.results.filter((r) => wanted.has(r.code) && r.kind === 'ok');
      // Pair each result with the latest QR appearance before it.
      for (const r of results) {
        const before = data.appear.filter((t) => t <= r.t);
        const appeared = before[before.length - 1];
        if (appeared !== undefined) latencies.push(r.t - appeared);
      }
      log(`latency: ${results.length} results, ${data.appear.length} QR appearances`);
    } finally {
      await browser.close();
    }
    latencies = latencies.sort((x, y) => x - y);

    // ---- memory ----
    const mem = await launchChromium({ fakeVideo: join(work, 'memory.y4m'), args: ['--enable-precise-memory-info'] });
    let after10 = { mb: NaN, nodes: NaN };
    let afterN = { mb: NaN, nodes: NaN };
    let done = 0;
    try {
      const page = await mem.newPage({ viewport: { width: 1280, height: 860 } });
      await login(page, srv.url, 'attendant');
      const waitFor = async (n: number) => {
        const deadline = Date.now() + n * 2000 + 60_000;
        let last = 0;
        while (Date.now() < deadline) {
          last = await seq(page);
          if (last >= n) return last;
          await page.waitForTimeout(250);
        }
        return last;
      };
      await waitFor(10);
      after10 = await heap(page);
      log(`after 10 scans: ${after10.mb.toFixed(1)} MB; running to ${memoryScans}…`);
      done = await waitFor(memoryScans);
      afterN = await heap(page);
    } finally {
      await mem.close();
    }
    return {
      scans: latencies.length,
      medianMs: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      minMs: latencies[0] ?? NaN,
      maxMs: latencies[latencies.length - 1] ?? NaN,
      memoryAfter10MB: after10.mb,
      memoryAfterNMB: afterN.mb,
      memoryScans: done,
      memoryGrowthMB: afterN.mb - after10.mb,
      domNodesAfter10: after10.nodes,
      domNodesAfterN: afterN.nodes,
    };
  } finally {
    await srv.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

export function printUiBench(r: UiBenchResult): void {
  const rows: [string, string, string, string][] = [
    ['scan-to-result median (camera)', `${r.medianMs.toFixed(0)} ms`, `n=${r.scans}`, ''],
    ['scan-to-result p95 (camera)', `${r.p95Ms.toFixed(0)} ms`, `min ${r.minMs.toFixed(0)} / max ${r.maxMs.toFixed(0)} ms`, r.p95Ms < 500 ? 'OK (< 500 ms)' : 'OVER 500 ms'],
    ['renderer JS heap after 10 scans', `${r.memoryAfter10MB.toFixed(1)} MB`, `${r.domNodesAfter10} DOM nodes`, ''],
    [`renderer JS heap after ${r.memoryScans} scans`, `${r.memoryAfterNMB.toFixed(1)} MB`, `${r.domNodesAfterN} DOM nodes`, ''],
    ['heap growth', `${r.memoryGrowthMB.toFixed(1)} MB`, '', r.memoryGrowthMB < 20 ? 'OK (< 20 MB)' : 'OVER 20 MB'],
  ];
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length), ['figure', 'value', 'detail', 'target'][i]!.length));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  console.log(line(['figure', 'value', 'detail', 'target']));
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  mkdirSync('test-output', { recursive: true });
  runUiBench({ scans: arg('--scans', 30), memoryScans: arg('--memory-scans', 500) })
    .then((r) => {
      printUiBench(r);
      process.exit(0);
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
