#!/usr/bin/env node
/**
 * `npm start`: run the kiosk.
 *
 * 1. Makes sure the UI build is current (scripts/ensure-ui.mjs).
 * 2. If Electron's binary is installed (node_modules/electron/path.txt and the file it names in
 *    node_modules/electron/dist/): bundles main + preload and runs the Electron shell.
 * 3. Otherwise (or with PARKGATE_MODE=browser): browser kiosk mode. Starts the core with the HTTP
 *    bridge on 127.0.0.1 (`src-main/cli.ts serve`; demo data on the first run), prints the URL,
 *    and opens Chromium in --kiosk mode when one is installed and a display is available.
 *
 * Environment:
 *   PARKGATE_MODE=electron|browser   force a shell (default: electron when installed)
 *   PARKGATE_DATA_DIR=<dir>          browser mode data folder (default .data/)
 *   PARKGATE_PORT=<n>                browser mode port (default 8765; 0 = any free port)
 *   PARKGATE_NO_BROWSER=1            do not open Chromium (also when CI is set)
 *   PARKGATE_SKIP_UI_BUILD=1         skip step 1 (the caller already built the UI)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Path of the installed Electron executable, or null when only the npm package is present. */
export function electronBinary(projectRoot = root) {
  const pkgDir = path.join(projectRoot, 'node_modules', 'electron');
  const pathTxt = path.join(pkgDir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const rel = readFileSync(pathTxt, 'utf8').trim();
  if (!rel) return null;
  const exe = path.join(pkgDir, 'dist', rel);
  return existsSync(exe) ? exe : null;
}

/** First Chromium-family browser on PATH, or null. */
export function findChromium(envPath = process.env.PATH ?? '', exists = existsSync) {
  const names =
    process.platform === 'win32'
      ? ['chrome.exe', 'msedge.exe']
      : ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge'];
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    for (const n of names) {
      const p = path.join(dir, n);
      if (exists(p)) return p;
    }
  }
  return null;
}

/** Chromium flags for a full-screen kiosk on our URL, with its own profile (camera grant persists). */
export function chromiumKioskArgs(url, profileDir) {
  return [
    `--app=${url}`,
    '--kiosk',
    // Native date fields follow the browser language: India's day/month order (03/12/2026).
    '--lang=en-IN',
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--noerrdialogs',
    '--disable-translate',
    '--disable-features=Translate,TranslateUI',
    '--disable-session-crashed-bubble',
    '--autoplay-policy=no-user-gesture-required',
    '--password-store=basic',
  ];
}

/** Which shell to run. */
export function chooseMode(env = process.env, binary = electronBinary()) {
  if (env.PARKGATE_MODE === 'browser') return { mode: 'browser', reason: 'PARKGATE_MODE=browser' };
  if (binary) return { mode: 'electron', reason: `Electron found at ${binary}` };
  if (env.PARKGATE_MODE === 'electron') return { mode: 'missing-electron', reason: 'PARKGATE_MODE=electron but no Electron binary' };
  return { mode: 'browser', reason: 'the Electron binary is not installed (run `npm run electron:fetch` where the internet is reachable)' };
}

export function shouldOpenBrowser(env = process.env, platform = process.platform) {
  if (env.PARKGATE_NO_BROWSER === '1' || env.CI) return false;
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
  return true;
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
}

function ensureUi() {
  if (process.env.PARKGATE_SKIP_UI_BUILD === '1') return;
  const script = path.join(root, 'scripts', 'ensure-ui.mjs');
  if (existsSync(script)) {
    const r = run(process.execPath, [script]);
    if (r.status !== 0) throw new Error('building the UI failed (see above)');
  } else if (!existsSync(path.join(root, 'dist-renderer', 'index.html'))) {
    const r = run(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build']);
    if (r.status !== 0) throw new Error('building the UI failed (see above)');
  }
}

function startElectron(binary) {
  const b = run(process.execPath, [path.join(root, 'scripts', 'build-electron.mjs'), '--quiet']);
  if (b.status !== 0) throw new Error('bundling the Electron main process failed (see above)');
  console.log('ParkGate: starting the Electron kiosk shell');
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [root], { cwd: root, stdio: 'inherit', env });
  const forward = (sig) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startBrowserMode(reason) {
  console.log(`ParkGate: browser kiosk mode — ${reason}.`);
  const dataDir = path.resolve(root, process.env.PARKGATE_DATA_DIR || '.data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = path.join(dataDir, 'kiosk.db');
  const firstRun = !existsSync(db);
  const port = process.env.PARKGATE_PORT ?? '8765';
  const args = [path.join(root, 'scripts', 'run-cli.mjs'), 'serve', '--db', db, '--port', String(port)];
  if (firstRun) args.push('--seed-demo');
  const server = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  let browser = null;
  let stopping = false;
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    browser?.kill('SIGTERM');
    server.kill('SIGTERM');
    setTimeout(() => process.exit(code), 3000).unref();
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  let buffered = '';
  server.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (browser || stopping) return;
    buffered += chunk.toString();
    const m = buffered.match(/listening on (http:\/\/\S+)/);
    if (!m) return;
    const url = m[1].replace(/\/$/, '') + '/';
    console.log('');
    console.log(`  ParkGate is running at ${url}`);
    if (firstRun) console.log('  Demo operators: admin, supervisor, cashier, attendant — PIN 2468');
    console.log('  Open it in Chromium/Chrome (full screen: chromium --kiosk --app=' + url + ')');
    console.log('  Stop with Ctrl+C.');
    console.log('');
    if (!shouldOpenBrowser()) return;
    const chromium = findChromium();
    if (!chromium) {
      console.log('  (no Chromium found on PATH; open the URL in any Chromium-based browser)');
      return;
    }
    browser = spawn(chromium, chromiumKioskArgs(url, path.join(dataDir, 'chromium-profile')), { stdio: 'ignore', detached: false });
    browser.on('error', (err) => console.log(`  could not start ${chromium}: ${err.message}`));
    // Closing the kiosk browser ends the session; a service supervisor restarts both.
    browser.on('exit', () => stop(0));
  });
  server.on('exit', (code, signal) => {
    if (!stopping) console.error(`ParkGate: the kiosk core stopped (${signal ?? `exit ${code}`}).`);
    stopping = true;
    browser?.kill('SIGTERM');
    process.exit(code ?? (signal ? 1 : 0));
  });
}

function main() {
  ensureUi();
  const choice = chooseMode();
  if (choice.mode === 'electron') startElectron(electronBinary());
  else if (choice.mode === 'missing-electron') {
    console.error(`ParkGate: ${choice.reason}. Run \`npm run electron:fetch\`, or unset PARKGATE_MODE for browser mode.`);
    process.exit(1);
  } else startBrowserMode(choice.reason);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (err) {
    console.error(`ParkGate: ${err.message}`);
    process.exit(1);
  }
}
