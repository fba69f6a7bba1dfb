#!/usr/bin/env node
/**
 * `npm run electron:fetch`: downloads the Electron binary that the `electron` npm package
 * normally fetches in its postinstall (disabled in package.json "allowScripts" because build
 * machines without internet would fail `npm install`). Runs node_modules/electron/install.js
 * and explains plainly what to do when the download is not possible.
 *
 * Honours Electron's own variables: ELECTRON_MIRROR (e.g. an internal mirror),
 * ELECTRON_CUSTOM_DIR, electron_config_cache, and the usual HTTPS_PROXY.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './start.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = path.join(root, 'node_modules', 'electron');

if (!existsSync(path.join(pkgDir, 'install.js'))) {
  console.error('electron:fetch: the electron npm package is not installed. Run `npm install` first.');
  process.exit(1);
}
const version = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
const already = electronBinary(root);
if (already && !process.argv.includes('--force')) {
  console.log(`electron:fetch: Electron ${version} is already installed (${path.relative(root, already)}).`);
  process.exit(0);
}

console.log(`electron:fetch: downloading Electron ${version} for ${process.platform}-${process.arch}...`);
const env = { ...process.env };
delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
const r = spawnSync(process.execPath, ['install.js'], { cwd: pkgDir, env, encoding: 'utf8', timeout: 15 * 60_000 });
process.stdout.write(r.stdout ?? '');
const bin = electronBinary(root);
if (r.status === 0 && bin) {
  console.log(`electron:fetch: done. Electron ${version} is at ${path.relative(root, bin)}.`);
  console.log('  `npm start` now runs the Electron shell; `npm run dist` builds the installers.');
  process.exit(0);
}

const err = `${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo|socket hang up|timed out/i.test(err);
console.error('');
console.error(`electron:fetch: could not download Electron ${version}.`);
if (offline) {
  console.error('  This machine cannot reach the download server (github.com / the Electron mirror).');
} else {
  console.error('  The Electron installer failed. Its last output:');
  for (const line of err.trim().split('\n').slice(-8)) console.error(`    ${line}`);
}
console.error('');
console.error('  What you can do:');
console.error('  - run `npm run electron:fetch` on a machine with internet access, or');
console.error('  - point ELECTRON_MIRROR at a reachable mirror (e.g. an internal artifact server), or');
console.error(`  - copy electron-v${version}-${process.platform}-${process.arch}.zip into Electron's cache`);
console.error('    (~/.cache/electron on Linux, %LOCALAPPDATA%\\electron\\Cache on Windows) and run this again.');
console.error('  Meanwhile `npm start` runs the kiosk in browser mode (core + UI on 127.0.0.1).');
process.exit(1);
