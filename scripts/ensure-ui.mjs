#!/usr/bin/env node
/**
 * Makes sure dist-renderer/ holds a UI build of the current sources. `npm run serve`, `npm start`
 * and `npm test` call it, so nobody needs a separate build step.
 *
 * Fresh = dist-renderer/.build-stamp records a source time >= the newest file under
 * src-renderer/, src-shared/, index.html, vite.config.ts, package.json, and says the build is a
 * production one. Otherwise Vite builds into a temporary folder which then replaces dist-renderer/
 * (a running server never sees a half-written build).
 *
 * Always the production build the kiosk ships: Vite takes React's development build whenever
 * NODE_ENV is not "production" in its environment (vitest sets NODE_ENV=test, and the serve it
 * starts inherits it), so the build gets NODE_ENV=production and is checked for development
 * markers before it replaces dist-renderer/. A lock folder serialises concurrent callers (parallel test workers, two serves).
 *
 * Flags: --force (always build), --quiet.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'dist-renderer');
const STAMP = join(OUT, '.build-stamp');
const LOCK = join(root, '.dist-renderer.lock');
const SOURCES = ['src-renderer', 'src-shared', 'index.html', 'vite.config.ts', 'src-main/electron/csp.ts', 'package.json'];
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const log = (m) => {
  if (!quiet) console.error(`[ensure-ui] ${m}`);
};

function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    max = Math.max(max, newest(join(path, name)));
  }
  return max;
}

function sourceTime() {
  return Math.max(...SOURCES.map((s) => newest(join(root, s))));
}

const MODE = 'production';

function builtTime() {
  try {
    if (!existsSync(join(OUT, 'index.html'))) return -1;
    const [time, mode] = readFileSync(STAMP, 'utf8').trim().split(/\s+/);
    if (mode !== MODE) return -1; // a build from before the mode was recorded, or a development one
    return Number(time) || -1;
  } catch {
    return -1;
  }
}

// Strings only React's development builds contain (react/jsx-dev-runtime, react-dom's DOM-nesting warning).
const DEV_MARKERS = ['jsxDEV', 'In HTML, %s cannot be a child of'];

const fresh = () => !args.has('--force') && builtTime() >= sourceTime();

/** Files of a build holding React's development code (its dev-only JSX runtime or warnings). */
function developmentMarkers(dir) {
  const found = [];
  const assets = join(dir, 'assets');
  if (!existsSync(assets)) return found;
  for (const name of readdirSync(assets)) {
    if (!name.endsWith('.js')) continue;
    const text = readFileSync(join(assets, name), 'utf8');
    for (const marker of DEV_MARKERS) if (text.includes(marker)) found.push(`${name}: ${marker}`);
  }
  return found;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function acquireLock() {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return true;
    } catch {
      // Someone else is building. A lock older than 3 minutes is from a crashed build.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 3 * 60_000) {
          rmSync(LOCK, { recursive: true, force: true });
          continue;
        }
      } catch {
        continue;
      }
      if (Date.now() > deadline) return false;
      sleep(250);
    }
  }
}

if (fresh()) {
  log('UI build is up to date');
  process.exit(0);
}
if (!acquireLock()) {
  console.error('[ensure-ui] timed out waiting for another UI build');
  process.exit(1);
}
let status = 0;
try {
  if (fresh()) {
    log('UI build is up to date (built by another process)');
  } else {
    const started = sourceTime();
    const tmp = join(root, `.dist-renderer-tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    log('building the UI (vite build)…');
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    const r = spawnSync(process.execPath, [vite, 'build', '--mode', MODE, '--outDir', tmp, '--emptyOutDir', '--logLevel', quiet ? 'error' : 'warn'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NODE_ENV: MODE },
    });
    const dev = r.status === 0 ? developmentMarkers(tmp) : [];
    if (r.status !== 0 || dev.length > 0) {
      rmSync(tmp, { recursive: true, force: true });
      console.error(r.status !== 0 ? '[ensure-ui] vite build failed' : `[ensure-ui] the UI build is a development build (${dev.join(', ')})`);
      status = 1;
    } else {
      writeFileSync(join(tmp, '.build-stamp'), `${started} ${MODE}`);
      const old = join(root, `.dist-renderer-old-${process.pid}`);
      if (existsSync(OUT)) renameSync(OUT, old);
      renameSync(tmp, OUT);
      rmSync(old, { recursive: true, force: true });
      log('UI built into dist-renderer/');
    }
  }
} finally {
  rmSync(LOCK, { recursive: true, force: true });
}
process.exit(status);
