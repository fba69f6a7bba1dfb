/**
 * Node side of the scanner harness, shared by tests/scanner/*.test.ts and
 * tests/bench/scanner-bench.ts: builds the harness pages with Vite (they import the product's
 * src-renderer/scanner modules), serves them on 127.0.0.1, and drives Debian's Chromium with
 * every non-local request blocked.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { BASE_ARGS, CHROMIUM_PATH } from '../helpers/chromium.js';

const here = fileURLToPath(new URL('.', import.meta.url));
export const REPO_ROOT = resolve(here, '../..');
export const FIXTURES_DIR = resolve(REPO_ROOT, '../shared/fixtures/zxing-qrcode');
export const PAGE_ROOT = join(here, 'fixture-page');

/**
 * The renderer CSP the harness pages are served with: the same policy the kiosk needs for the
 * scanner. 'wasm-unsafe-eval' lets zxing-cpp compile; blob: images are how html5-qrcode
 * loads a file; media-src blob:/mediastream for the camera preview.
 */
export const SCANNER_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "style-src 'self'",
  "connect-src 'self'",
].join('; ');

export { fakeCameraArgs as cameraArgs } from '../helpers/chromium.js';

export interface Fixture {
  /** URL path on the harness server, e.g. /fixtures/qrcode-3/07.png */
  path: string;
  expected: string;
}

export async function loadFixtures(dir = FIXTURES_DIR): Promise<Fixture[]> {
  const out: Fixture[] = [];
  const sets = (await readdir(dir)).filter((d) => d.startsWith('qrcode-')).sort();
  for (const set of sets) {
    const files = (await readdir(join(dir, set))).filter((f) => f.endsWith('.png'));
    files.sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
    for (const f of files) {
      const expected = (await readFile(join(dir, set, f.replace(/\.png$/, '.txt')), 'utf8')).trim();
      out.push({ path: `/fixtures/${set}/${f}`, expected });
    }
  }
  return out;
}

/** Builds the harness pages (product, plain reference, camera) with Vite into a temp dir. */
export async function buildHarness(): Promise<string> {
  const { build } = await import('vite');
  const outDir = await mkdtemp(join(tmpdir(), 'parkgate-scanner-harness-'));
  await build({
    configFile: false,
    root: PAGE_ROOT,
    base: '/',
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      sourcemap: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: {
          index: join(PAGE_ROOT, 'index.html'),
          plain: join(PAGE_ROOT, 'plain.html'),
          camera: join(PAGE_ROOT, 'camera.html'),
          raw: join(PAGE_ROOT, 'raw.html'),
          cameraPlain: join(PAGE_ROOT, 'camera-plain.html'),
        },
      },
    },
  });
  return outDir;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface HarnessServer {
  origin: string;
  /** every request path served, for assertions (e.g. the wasm came from here) */
  requests: string[];
  close(): Promise<void>;
}

/** Static server for the built pages plus /fixtures/ -> the fixture directory. */
export async function serve(outDir: string, fixturesDir = FIXTURES_DIR): Promise<HarnessServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const p = decodeURIComponent(url.pathname);
      requests.push(p);
      const [base, rel] = p.startsWith('/fixtures/')
        ? [fixturesDir, p.slice('/fixtures/'.length)]
        : [outDir, p === '/' ? 'index.html' : p.slice(1)];
      const file = normalize(join(base, rel));
      if (!file.startsWith(normalize(base) + sep)) {
        res.writeHead(403).end();
        return;
      }
      try {
        const st = await stat(file);
        if (!st.isFile()) throw new Error('not a file');
        const body = await readFile(file);
        const type = MIME[extname(file)] ?? 'application/octet-stream';
        const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-store' };
        if (type.startsWith('text/html')) headers['content-security-policy'] = SCANNER_CSP;
        res.writeHead(200, headers).end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, ...extraArgs] });
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** non-local requests that were attempted and blocked (must stay empty) */
  blocked: string[];
  /** console errors / page errors / CSP violations */
  errors: string[];
}

/** Opens `path` on the harness origin with every other origin blocked; waits for the harness. */
export async function openHarness(browser: Browser, origin: string, path: string): Promise<OpenedPage> {
  const context = await browser.newContext();
  const blocked: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin + '/') || url.startsWith('blob:') || url.startsWith('data:')) {
      return route.continue();
    }
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(origin + path);
  await page.waitForFunction(() => window.harnessReady === true, null, { timeout: 30_000 });
  return { context, page, blocked, errors };
}

export interface ScanOutcome {
  path: string;
  text: string | null;
  error: string | null;
  ms: number;
}

export interface Score {
  total: number;
  correct: number;
  wrong: Array<{ path: string; expected: string; got: string }>;
  missed: string[];
  ms: number[];
}

export function score(fixtures: Fixture[], outcomes: ScanOutcome[]): Score {
  const byPath = new Map(outcomes.map((o) => [o.path, o]));
  const s: Score = { total: fixtures.length, correct: 0, wrong: [], missed: [], ms: [] };
  for (const f of fixtures) {
    const o = byPath.get(f.path);
    if (!o) throw new Error(`no outcome for ${f.path}`);
    s.ms.push(o.ms);
    if (o.text === null) s.missed.push(f.path);
    else if (o.text.trim() === f.expected) s.correct++;
    else s.wrong.push({ path: f.path, expected: f.expected, got: o.text });
  }
  return s;
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Writes a QR code PNG for `text` and turns it into a y4m clip for Chromium's fake camera
 * (300x300 QR centred on a white 640x480 frame). Optionally a blank lead-in of `blankSeconds`;
 * `seconds: 0` = an empty (white) lane only.
 */
export async function makeQrY4m(
  text: string,
  dir: string,
  opts: { seconds?: number; blankSeconds?: number; name?: string } = {},
): Promise<string> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const QRCode = (await import('qrcode')).default;
  const name = opts.name ?? 'qr';
  const png = join(dir, `${name}.png`);
  const y4m = join(dir, `${name}.y4m`);
  await QRCode.toFile(png, text, { errorCorrectionLevel: 'M', margin: 4, width: 300 });
  const seconds = String(opts.seconds ?? 5);
  const qrClip = ['-loop', '1', '-i', png];
  const vf = 'scale=300:300,pad=640:480:(ow-iw)/2:(oh-ih)/2:white,format=yuv420p';
  const args = opts.seconds === 0
    ? ['-y', '-f', 'lavfi', '-i', `color=c=white:s=640x480:r=10:d=${opts.blankSeconds ?? 5}`, '-pix_fmt', 'yuv420p', y4m]
    : opts.blankSeconds
    ? [
        '-y',
        '-f', 'lavfi', '-i', `color=c=white:s=640x480:r=10:d=${opts.blankSeconds}`,
        ...qrClip,
        '-filter_complex',
        `[1:v]${vf},fps=10,trim=duration=${seconds}[q];[0:v]format=yuv420p[b];[b][q]concat=n=2:v=1:a=0[out]`,
        '-map', '[out]', '-r', '10', y4m,
      ]
    : ['-y', ...qrClip, '-vf', vf, '-t', seconds, '-r', '10', y4m];
  await promisify(execFile)('ffmpeg', ['-loglevel', 'error', ...args]);
  return y4m;
}
