/**
 * Scanner bench, run by tsx:  npx tsx tests/bench/scanner-bench.ts [--quick]
 *
 *  1. Fixture table: ZXing's 179 real-world QR images through the product's path next to plain
 *     html5-qrcode (and the undocumented-fix polyfill) in the same run and the same Chromium.
 *  2. Camera scan-to-result on the fake camera (QR appears -> onCode), polyfill on vs off, and
 *     renderer CPU on an empty lane.
 *  3. Soak: 1,000 camera scans with a camera restart and a hidden/visible cycle every 100,
 *     JS heap / DOM counters / renderer RSS before and after.
 *
 * Everything is served from 127.0.0.1 and every other request is blocked.
 * Exported `runScannerBench()` returns the rows for a combined `npm run bench` table.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, CDPSession, Page } from 'playwright-core';
import {
  buildHarness,
  cameraArgs,
  launch,
  loadFixtures,
  makeQrY4m,
  openHarness,
  percentile,
  removeDir,
  score,
  serve,
  type Fixture,
  type HarnessServer,
  type OpenedPage,
  type ScanOutcome,
} from '../scanner/harness';

const SOAK_ONLY = process.argv.includes('--soak-only');
const QUICK = process.argv.includes('--quick') || process.env.SCANNER_BENCH_QUICK === '1';
const LATENCY_SCANS = QUICK ? 10 : 30;
const SOAK_SCANS = QUICK ? 200 : 1000;
const TICKET = 'QR-0A1B2C3D4E5F';

export interface BenchRow {
  name: string;
  value: string;
  reference: string;
}

type Ev = { kind: string; value: string | null; t: number };

function call<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ([n, a]) => (window.harness[n as string] as (...x: unknown[]) => unknown)(...(a as unknown[])),
    [name, args] as const,
  ) as Promise<T>;
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

function assertOffline(p: OpenedPage, what: string): void {
  if (p.blocked.length) throw new Error(`${what}: non-local requests attempted: ${p.blocked.join(', ')}`);
  if (p.errors.length) throw new Error(`${what}: page errors: ${p.errors.join(' | ')}`);
}

// ---------------------------------------------------------------------------------------------
// 1. fixtures

interface FixtureRow {
  decoder: string;
  correct: number;
  wrong: number;
  total: number;
  median: number;
  p95: number;
}

async function fixtureRun(
  browser: Browser,
  server: HarnessServer,
  fixtures: Fixture[],
  page: string,
  fn: string,
  decoder: string,
): Promise<FixtureRow> {
  const opened = await openHarness(browser, server.origin, page);
  try {
    await call(opened.page, 'prepare');
    // warm-up (wasm compile, JIT) on a few images, not counted
    await call<ScanOutcome[]>(opened.page, fn, fixtures.slice(0, 5).map((f) => f.path));
    const outcomes = await call<ScanOutcome[]>(opened.page, fn, fixtures.map((f) => f.path));
    assertOffline(opened, decoder);
    const s = score(fixtures, outcomes);
    return {
      decoder,
      correct: s.correct,
      wrong: s.wrong.length,
      total: s.total,
      median: percentile(s.ms, 50),
      p95: percentile(s.ms, 95),
    };
  } finally {
    await opened.context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. camera latency + CPU

interface CpuSampler {
  sample(): Promise<number>; // renderer CPU seconds so far
}

async function rendererCpu(browser: Browser): Promise<CpuSampler> {
  const cdp: CDPSession = await browser.newBrowserCDPSession();
  return {
    async sample() {
      const info = (await cdp.send('SystemInfo.getProcessInfo')) as {
        processInfo: Array<{ type: string; id: number; cpuTime: number }>;
      };
      return info.processInfo.filter((p) => p.type === 'renderer').reduce((a, p) => a + p.cpuTime, 0);
    },
  };
}

async function rendererRss(browser: Browser): Promise<number> {
  const cdp: CDPSession = await browser.newBrowserCDPSession();
  const info = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: Array<{ type: string; id: number }>;
  };
  let total = 0;
  for (const p of info.processInfo.filter((x) => x.type === 'renderer')) {
    try {
      const status = await readFile(`/proc/${p.id}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      if (m) total += Number(m[1]) * 1024;
    } catch {
      /* process gone */
    }
  }
  await cdp.detach();
  return total;
}

interface LatencyResult {
  median: number;
  p95: number;
  n: number;
  missed: number;
  cpuPct: number;
}

async function cameraLatency(server: HarnessServer, y4m: string, page: string): Promise<LatencyResult> {
  const browser = await launch(cameraArgs(y4m));
  try {
    const opened = await openHarness(browser, server.origin, page);
    const cpu = await rendererCpu(browser);
    await call(opened.page, 'start', { duplicateWindowMs: 500, watch: true });
    const lat: number[] = [];
    let missed = 0;
    let appearAt: number | null = null;
    let read = false;
    const cpu0 = await cpu.sample();
    const t0 = Date.now();
    const deadline = Date.now() + (LATENCY_SCANS * 2 + 30) * 1000;
    while (lat.length < LATENCY_SCANS && Date.now() < deadline) {
      await opened.page.waitForTimeout(250);
      for (const e of await call<Ev[]>(opened.page, 'events')) {
        if (e.kind === 'appear') {
          appearAt = e.t;
          read = false;
        } else if (e.kind === 'vanish') {
          if (appearAt !== null && !read) missed++;
          appearAt = null;
        } else if (e.kind === 'code' && appearAt !== null && !read && e.value === TICKET) {
          lat.push(e.t - appearAt);
          read = true;
        } else if (e.kind === 'error') {
          throw new Error(`camera error: ${e.value}`);
        }
      }
    }
    const cpuPct = (((await cpu.sample()) - cpu0) / ((Date.now() - t0) / 1000)) * 100;
    await call(opened.page, 'stop');
    assertOffline(opened, page);
    await opened.context.close();
    return { median: percentile(lat, 50), p95: percentile(lat, 95), n: lat.length, missed, cpuPct };
  } finally {
    await browser.close();
  }
}

/** Renderer CPU with the scanner running on an empty (white) lane for `seconds`. */
async function idleCpu(server: HarnessServer, y4m: string, page: string, seconds: number): Promise<number> {
  const browser = await launch(cameraArgs(y4m));
  try {
    const opened = await openHarness(browser, server.origin, page);
    const cpu = await rendererCpu(browser);
    await call(opened.page, 'start', {});
    await opened.page.waitForTimeout(1500);
    const c0 = await cpu.sample();
    const t0 = Date.now();
    await opened.page.waitForTimeout(seconds * 1000);
    const pct = (((await cpu.sample()) - c0) / ((Date.now() - t0) / 1000)) * 100;
    await call(opened.page, 'stop');
    assertOffline(opened, page);
    await opened.context.close();
    return pct;
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. soak

interface Mem {
  heap: number;
  nodes: number;
  listeners: number;
  rss: number;
}

async function measureMem(browser: Browser, cdp: CDPSession): Promise<Mem> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  const dom = (await cdp.send('Memory.getDOMCounters')) as { nodes: number; jsEventListeners: number };
  return { heap: heap.usedSize, nodes: dom.nodes, listeners: dom.jsEventListeners, rss: await rendererRss(browser) };
}

interface SoakResult {
  scans: number;
  restarts: number;
  visibilityCycles: number;
  pausedWhileHidden: boolean;
  seconds: number;
  before: Mem;
  after: Mem;
  cpuPct: number;
  /** renderer RSS (no GC) after every 100 scans */
  rssSeries: number[];
}

async function soak(server: HarnessServer, y4m: string, page = '/camera.html'): Promise<SoakResult> {
  const product = page === '/camera.html';
  const browser = await launch(cameraArgs(y4m));
  try {
    const opened = await openHarness(browser, server.origin, page);
    const cdp = await opened.context.newCDPSession(opened.page);
    await cdp.send('HeapProfiler.enable');
    const cpu = await rendererCpu(browser);
    // every decode that succeeds is delivered (duplicate window 0): 1,000 real scans
    const opts = { duplicateWindowMs: 0, fps: 20 };
    await call(opened.page, 'start', opts);
    const waitScans = async (n: number) => {
      const deadline = Date.now() + 600_000;
      while ((await call<number>(opened.page, 'codes')) < n) {
        if (Date.now() > deadline) throw new Error('soak: scans stalled');
        await opened.page.waitForTimeout(100);
      }
    };
    await waitScans(50); // warm-up
    await call(opened.page, 'events');
    const before = await measureMem(browser, cdp);
    const base = await call<number>(opened.page, 'codes');
    const c0 = await cpu.sample();
    const t0 = Date.now();
    let restarts = 0;
    let cycles = 0;
    let pausedWhileHidden = true;
    const rssSeries: number[] = [];
    for (let k = 100; k <= SOAK_SCANS; k += 100) {
      await waitScans(base + k);
      rssSeries.push(await rendererRss(browser));
      if (k === SOAK_SCANS) break;
      if (product) {
      // a visibility cycle: hidden -> scanning and video paused; visible -> resumed
      await call(opened.page, 'setHidden', true);
      await opened.page.waitForTimeout(300);
      const codesHidden = await call<number>(opened.page, 'codes');
      const paused = await call<boolean | null>(opened.page, 'videoPaused');
      await opened.page.waitForTimeout(300);
      if (!paused || (await call<number>(opened.page, 'codes')) !== codesHidden) pausedWhileHidden = false;
      await call(opened.page, 'setHidden', false);
      cycles++;
      }
      // a camera restart
      await call(opened.page, 'stop');
      await call(opened.page, 'start', opts);
      restarts++;
    }
    const seconds = (Date.now() - t0) / 1000;
    const cpuPct = (((await cpu.sample()) - c0) / seconds) * 100;
    const scans = (await call<number>(opened.page, 'codes')) - base;
    const errs = (await call<Ev[]>(opened.page, 'events')).filter((e) => e.kind === 'error');
    if (errs.length) throw new Error(`soak errors: ${errs.map((e) => e.value).join(', ')}`);
    const after = await measureMem(browser, cdp); // still scanning, like `before`
    await call(opened.page, 'stop');
    assertOffline(opened, 'soak');
    await opened.context.close();
    return { scans, restarts, visibilityCycles: cycles, pausedWhileHidden, seconds, before, after, cpuPct, rssSeries };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------

export async function runScannerBench(log: (s: string) => void = console.log): Promise<BenchRow[]> {
  const fixtures = await loadFixtures();
  const outDir = await buildHarness();
  const clipDir = await mkdtemp(join(tmpdir(), 'parkgate-scanner-bench-'));
  const server = await serve(outDir);
  const rows: BenchRow[] = [];
  try {
    if (!SOAK_ONLY) {
    // 1. fixtures: all decoders in one browser, same run
    const browser = await launch();
    const fx: FixtureRow[] = [];
    try {
      fx.push(await fixtureRun(browser, server, fixtures, '/index.html', 'scan', 'PRODUCT: html5-qrcode + kiosk zxing-cpp polyfill (white bg), QR only'));
      fx.push(await fixtureRun(browser, server, fixtures, '/raw.html', 'scan', 'html5-qrcode + barcode-detector polyfill as shipped (transparent border), QR only'));
      fx.push(await fixtureRun(browser, server, fixtures, '/index.html', 'detectOnly', 'zxing-cpp polyfill alone (kiosk detector, white bg) on html5-qrcode\'s padded canvas'));
      fx.push(await fixtureRun(browser, server, fixtures, '/raw.html', 'detectOnly', 'zxing-cpp polyfill alone as shipped on html5-qrcode\'s padded canvas (transparent = black)'));
      fx.push(await fixtureRun(browser, server, fixtures, '/plain.html', 'scanQrOnly', 'plain html5-qrcode 2.3.8 (zxing-js), QR only'));
      fx.push(await fixtureRun(browser, server, fixtures, '/plain.html', 'scan', 'plain html5-qrcode 2.3.8 (zxing-js), all formats'));
    } finally {
      await browser.close();
    }
    log('\nScanner: ZXing real-world QR fixtures (179 images), headless Chromium, same run');
    log('| decoder | read correctly | wrong text | median / p95 ms per image |');
    log('|---|---|---|---|');
    for (const r of fx) {
      log(`| ${r.decoder} | ${r.correct}/${r.total} (${Math.round((r.correct / r.total) * 100)}%) | ${r.wrong} | ${fmt(r.median)} / ${fmt(r.p95)} |`);
    }
    const product = fx[0]!;
    const plain = fx[4]!;
    rows.push({
      name: 'scanner fixtures read (product path)',
      value: `${product.correct}/179, ${product.wrong} wrong, ${fmt(product.median)}/${fmt(product.p95)} ms`,
      reference: `plain html5-qrcode QR-only ${plain.correct}/179, ${plain.wrong} wrong, ${fmt(plain.median)}/${fmt(plain.p95)} ms`,
    });

    // 2. camera scan-to-result, polyfill on vs off (clip: 1 s empty lane, 1 s ticket, looping)
    const blinkY4m = await makeQrY4m(TICKET, clipDir, { seconds: 1, blankSeconds: 1, name: 'blink' });
    const on = await cameraLatency(server, blinkY4m, '/camera.html');
    const off = await cameraLatency(server, blinkY4m, '/camera-plain.html');
    const whiteY4m = await makeQrY4m(TICKET, clipDir, { seconds: 0, blankSeconds: 5, name: 'white' });
    const idleOn = await idleCpu(server, whiteY4m, '/camera.html', QUICK ? 4 : 8);
    const idleOff = await idleCpu(server, whiteY4m, '/camera-plain.html', QUICK ? 4 : 8);
    log(`\nScanner: camera scan-to-result (fake camera, ticket appears -> onCode), fps 10, ${LATENCY_SCANS} scans`);
    log('| camera path | median ms | p95 ms | read / missed appearances | renderer CPU (ticket cycling) | renderer CPU (empty lane) |');
    log('|---|---|---|---|---|---|');
    log(`| PRODUCT (zxing-cpp polyfill) | ${fmt(on.median, 0)} | ${fmt(on.p95, 0)} | ${on.n} / ${on.missed} | ${fmt(on.cpuPct, 0)}% | ${fmt(idleOn, 0)}% |`);
    log(`| plain html5-qrcode (zxing-js) | ${fmt(off.median, 0)} | ${fmt(off.p95, 0)} | ${off.n} / ${off.missed} | ${fmt(off.cpuPct, 0)}% | ${fmt(idleOff, 0)}% |`);
    rows.push({
      name: 'camera scan-to-result p95 (polyfill on)',
      value: `${fmt(on.p95, 0)} ms (median ${fmt(on.median, 0)})`,
      reference: `polyfill off ${fmt(off.p95, 0)} ms (median ${fmt(off.median, 0)})`,
    });

    }
    // 3. soak
    const steadyY4m = await makeQrY4m(TICKET, clipDir, { seconds: 2, name: 'steady' });
    const s = await soak(server, steadyY4m);
    const r = await soak(server, steadyY4m, '/camera-plain.html');
    log(`\nScanner soak: ${s.scans} camera scans, ${s.restarts} camera restarts, ${s.visibilityCycles} hidden/visible cycles in ${fmt(s.seconds, 0)} s (fps 20)`);
    log(`reference in the same run: plain html5-qrcode (zxing-js), same settings, ${r.scans} scans, ${r.restarts} restarts in ${fmt(r.seconds, 0)} s`);
    log('| measure | product before -> after (growth) | plain html5-qrcode before -> after (growth) |');
    log('|---|---|---|');
    const line = (name: string, f: (m: Mem) => number, u: (n: number) => string) =>
      log(`| ${name} | ${u(f(s.before))} -> ${u(f(s.after))} (${u(f(s.after) - f(s.before))}) | ${u(f(r.before))} -> ${u(f(r.after))} (${u(f(r.after) - f(r.before))}) |`);
    line('JS heap used (after GC)', (m) => m.heap, mb);
    line('renderer RSS', (m) => m.rss, mb);
    line('DOM nodes', (m) => m.nodes, String);
    line('JS event listeners', (m) => m.listeners, String);
    log(`renderer RSS every 100 scans, MB: product ${s.rssSeries.map((x) => (x / 1048576).toFixed(0)).join(' ')}; plain ${r.rssSeries.map((x) => (x / 1048576).toFixed(0)).join(' ')}`);
    log(`product: scanning + video paused while hidden: ${s.pausedWhileHidden ? 'yes' : 'NO'}; renderer CPU during soak ${fmt(s.cpuPct, 0)}% of one core (plain ${fmt(r.cpuPct, 0)}%)`);
    rows.push({
      name: `scanner soak heap growth (${s.scans} scans, ${s.restarts} restarts)`,
      value: `${mb(s.after.heap - s.before.heap)} heap, RSS ${mb(s.before.rss)} -> ${mb(s.after.rss)}`,
      reference: `plain html5-qrcode ${mb(r.after.heap - r.before.heap)} heap, RSS ${mb(r.before.rss)} -> ${mb(r.after.rss)}`,
    });
  } finally {
    await server.close();
    await removeDir(outDir);
    await removeDir(clipDir);
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runScannerBench().then(
    (rows) => {
      console.log('\n| scanner figure | value | reference (same run) |');
      console.log('|---|---|---|');
      for (const r of rows) console.log(`| ${r.name} | ${r.value} | ${r.reference} |`);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
