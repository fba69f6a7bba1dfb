#!/usr/bin/env node
/**
 * Bundles the Electron main process and preload with esbuild (installed with vite/tsx):
 *   src-main/electron/main.ts    -> dist-electron/main.cjs     (platform node, CommonJS)
 *   src-main/electron/preload.ts -> dist-electron/preload.cjs  (sandboxed preload: CommonJS,
 *                                                               only 'electron' may be required)
 *
 * Main bundles the core (src-main, src-shared, migrations) and its pure-JS dependencies (kysely,
 * zod, @noble/hashes, ...). It keeps external only what must be loaded from node_modules at run
 * time, which electron-builder ships inside app.asar:
 *   - electron (provided by the runtime), better-sqlite3 (native addon, rebuilt for Electron and
 *     unpacked from the asar), pdfkit and pino (read data files / spawn workers relative to
 *     their own folder), electron-updater and electron-log (CommonJS, loaded lazily),
 *     serialport (its native binding is found relative to its own folder by node-gyp-build) and
 *     modbus-serial (requires serialport at run time).
 *
 * Usage: node scripts/build-electron.mjs [--watch] [--quiet]
 */
import { build, context } from 'esbuild';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist-electron');
const watch = process.argv.includes('--watch');
const quiet = process.argv.includes('--quiet');

export const MAIN_EXTERNALS = ['electron', 'better-sqlite3', 'pdfkit', 'pino', 'electron-updater', 'electron-log', 'serialport', 'modbus-serial', '@napi-rs/canvas'];

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const electronVersion = (() => {
  try {
    return JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  } catch {
    return '38.0.0';
  }
})();
// Electron 38 ships Node 22.
const nodeTarget = 'node22';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: nodeTarget,
  sourcemap: 'linked',
  logLevel: quiet ? 'warning' : 'info',
  legalComments: 'none',
  define: {
    'process.env.PARKGATE_BUNDLED': '"1"',
    // Code written as ESM may read import.meta.url; give it this file's URL in the CJS bundle.
    'import.meta.url': '__parkgate_import_meta_url',
  },
  banner: { js: `/* ParkGate ${pkg.version} (Electron ${electronVersion}) */\nconst __parkgate_import_meta_url = require('url').pathToFileURL(__filename).href;` },
};

/** @type {import('esbuild').BuildOptions[]} */
export const configs = [
  {
    ...common,
    entryPoints: [path.join(root, 'src-main/electron/main.ts')],
    outfile: path.join(outdir, 'main.cjs'),
    external: MAIN_EXTERNALS,
  },
  {
    ...common,
    entryPoints: [path.join(root, 'src-main/electron/preload.ts')],
    outfile: path.join(outdir, 'preload.cjs'),
    // A sandboxed preload can require only a few built-ins; everything else is bundled.
    external: ['electron'],
    platform: 'browser',
    target: 'chrome130',
    define: {},
    banner: {},
    sourcemap: false,
  },
];

async function main() {
  mkdirSync(outdir, { recursive: true });
  if (watch) {
    const ctxs = await Promise.all(configs.map((c) => context(c)));
    await Promise.all(ctxs.map((c) => c.watch()));
    console.log('build-electron: watching');
    return;
  }
  await Promise.all(configs.map((c) => build(c)));
  if (!quiet) {
    for (const f of ['main.cjs', 'preload.cjs']) {
      const size = statSync(path.join(outdir, f)).size;
      console.log(`build-electron: dist-electron/${f} ${(size / 1024).toFixed(1)} KiB`);
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err?.message ?? err);
    process.exit(1);
  });
}
