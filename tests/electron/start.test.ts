/**
 * `npm start` (scripts/start.mjs): picks Electron only when its binary is really installed, and
 * otherwise runs browser kiosk mode: core + HTTP bridge on 127.0.0.1, demo data on the first run,
 * the URL printed, Chromium opened in --kiosk mode unless told not to.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error plain .mjs script without type declarations
import * as start from '../../scripts/start.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGTERM');
});

describe('shell choice', () => {
  it('uses Electron only when path.txt names an existing binary', () => {
    const fake = mkdtempSync(path.join(tmpdir(), 'pg-start-'));
    const pkg = path.join(fake, 'node_modules', 'electron');
    mkdirSync(path.join(pkg, 'dist'), { recursive: true });
    expect(start.electronBinary(fake)).toBeNull();
    writeFileSync(path.join(pkg, 'path.txt'), 'electron');
    expect(start.electronBinary(fake)).toBeNull(); // npm package without its download
    writeFileSync(path.join(pkg, 'dist', 'electron'), '');
    expect(start.electronBinary(fake)).toBe(path.join(pkg, 'dist', 'electron'));

    expect(start.chooseMode({}, null).mode).toBe('browser');
    expect(start.chooseMode({}, '/x/electron').mode).toBe('electron');
    expect(start.chooseMode({ PARKGATE_MODE: 'browser' }, '/x/electron').mode).toBe('browser');
    expect(start.chooseMode({ PARKGATE_MODE: 'electron' }, null).mode).toBe('missing-electron');
  });

  it('opens Chromium in kiosk mode only when wanted and possible', () => {
    expect(start.shouldOpenBrowser({ DISPLAY: ':0' }, 'linux')).toBe(true);
    expect(start.shouldOpenBrowser({ DISPLAY: ':0', CI: 'true' }, 'linux')).toBe(false);
    expect(start.shouldOpenBrowser({ DISPLAY: ':0', PARKGATE_NO_BROWSER: '1' }, 'linux')).toBe(false);
    expect(start.shouldOpenBrowser({}, 'linux')).toBe(false);
    const args: string[] = start.chromiumKioskArgs('http://127.0.0.1:8765/', '/d/profile');
    expect(args).toEqual(expect.arrayContaining(['--kiosk', '--app=http://127.0.0.1:8765/', '--user-data-dir=/d/profile', '--lang=en-IN']));
    const bin = path.join('/opt/x', 'chromium');
    expect(start.findChromium(['/nope', '/opt/x'].join(path.delimiter), (p: string) => p === bin)).toBe(bin);
    expect(start.findChromium('/nope', () => false)).toBeNull();
  });
});

describe('browser kiosk mode', () => {
  it('serves the UI and the API on 127.0.0.1 with demo data on the first run', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pg-start-data-'));
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      env: { ...process.env, PARKGATE_MODE: 'browser', PARKGATE_NO_BROWSER: '1', PARKGATE_DATA_DIR: dataDir, PARKGATE_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL within 90 s:\n${out}`)), 90_000);
      child.stdout!.on('data', () => {
        const m = out.match(/ParkGate is running at (http:\/\/127\.0\.0\.1:\d+\/)/);
        if (m && out.includes('Stop with Ctrl+C.')) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`start.mjs exited ${code}:\n${out}`)));
    });
    expect(out).toContain('browser kiosk mode');
    expect(out).toMatch(/PIN 2468/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const login = await fetch(`${url}api/v1/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'attendant', pin: '2468' }),
    });
    expect(((await login.json()) as { ok: boolean }).ok).toBe(true);
    expect(existsSync(path.join(dataDir, 'kiosk.db'))).toBe(true);
    const exited = new Promise((r) => child.on('exit', r));
    process.kill(child.pid!, 'SIGTERM');
    await exited;
  }, 120_000);
});
