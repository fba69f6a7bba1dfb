#!/usr/bin/env node
/**
 * Makes sure dist-renderer/ holds a UI build of the current sources. `npm run serve`, `npm start`
 * and `npm test` call it, so nobody needs a separate build step.
 *
 * Fresh = dist-renderer/.build-stamp records a source time >= the newest file under
 * src-renderer/, src-shared/, index.html, vite.config.ts, package.json. Otherwise Vite builds into
 * a temporary folder which then replaces dist-renderer/ (a running server never sees a half-written
 * build). A lock folder serialises concurrent callers (parallel test workers, two serves).
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

function builtTime() {
  try {
    if (!existsSync(join(OUT, 'index.html'))) return -1;
    return Number(readFileSync(STAMP, 'utf8').trim()) || -1;
  } catch {
    return -1;
  }
}

const fresh = () => !args.has('--force') && builtTime() >= sourceTime();

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
    const r = spawnSync(process.execPath, [vite, 'build', '--outDir', tmp, '--emptyOutDir', '--logLevel', quiet ? 'error' : 'warn'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (r.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      console.error('[ensure-ui] vite build failed');
      status = 1;
    } else {
      writeFileSync(join(tmp, '.build-stamp'), String(started));
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
