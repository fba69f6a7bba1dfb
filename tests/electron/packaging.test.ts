/**
 * Packaging config checks. The Electron download is unreachable here, so
 * instead of building installers this test:
 * - loads electron-builder.yml with electron-builder's own loader and validates it against
 *   electron-builder's JSON schema, then checks targets, icons, asar / better-sqlite3, rebuild;
 * - runs the afterPack fuse hook on a fake "Electron binary" that carries a real fuse wire
 *   (sentinel + version + length + states) and reads the fuses back with @electron/fuses;
 * - checks the icon files are real PNG / ICO images of the right sizes;
 * - checks the supervisor units (systemd Restart=always, Windows task restart settings).
 */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');

type Cfg = Record<string, any>;
async function loadBuilderConfig(): Promise<Cfg> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
  const cfg: Cfg = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
  await validateConfiguration(cfg, { isEnabled: false, add: () => {} });
  return cfg;
}

describe('electron-builder.yml', async () => {
  const cfg = await loadBuilderConfig();

  it('passes electron-builder schema validation and names the product', () => {
    expect(cfg.appId).toBe('in.parkgate.kiosk');
    expect(cfg.productName).toBe('ParkGate');
    expect(cfg.extraMetadata.main).toBe('dist-electron/main.cjs');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist-electron/main.cjs');
  });

  it('targets Linux AppImage + deb and Windows nsis, with icons from assets/icons', () => {
    expect(cfg.linux.target).toEqual(['AppImage', 'deb']);
    expect(cfg.win.target.map((t: { target: string }) => t.target)).toEqual(['nsis']);
    expect(cfg.linux.icon).toBe('assets/icons');
    expect(cfg.win.icon).toBe('assets/icons/icon.ico');
    for (const f of ['assets/icons/256x256.png', 'assets/icons/512x512.png', 'assets/icons/icon.ico', cfg.nsis.include]) {
      expect(existsSync(path.join(root, f)), f).toBe(true);
    }
  });

  it('ships the built app, unpacks better-sqlite3 from the asar and rebuilds it for Electron', () => {
    expect(cfg.asar).toBe(true);
    const files: string[] = cfg.files.flatMap((f: any) => (typeof f === 'string' ? [f] : f.filter ?? []));
    for (const want of ['dist-electron/**/*', 'dist-renderer/**/*', 'migrations/**/*', 'package.json']) expect(files).toContain(want);
    expect(cfg.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**/*', '**/*.node']));
    expect(cfg.npmRebuild).toBe(true);
    expect(cfg.afterPack).toBe('./build/afterPack.cjs');
    expect(existsSync(path.join(root, cfg.afterPack))).toBe(true);
    // The fuses are flipped by our hook only; a second, differently configured flip would race it.
    expect(cfg.electronFuses ?? null).toBeNull();
  });

  it('publishes a generic update feed (the kiosk URL itself comes from settings)', () => {
    expect(cfg.publish).toEqual([expect.objectContaining({ provider: 'generic' })]);
  });
});

describe('afterPack fuse hook', () => {
  const hook = require(path.join(root, 'build/afterPack.cjs'));
  const fuses = require('@electron/fuses');
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

  it('turns off RunAsNode, NODE_OPTIONS and --inspect; turns on asar-only + integrity', () => {
    expect(hook.FUSE_SETTINGS).toMatchObject({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      OnlyLoadAppFromAsar: true,
      EnableEmbeddedAsarIntegrityValidation: true,
      GrantFileProtocolExtraPrivileges: false,
    });
    const config = hook.buildFuseConfig(fuses, 'linux', 'x64');
    expect(config.version).toBe(fuses.FuseVersion.V1);
    expect(config[fuses.FuseV1Options.RunAsNode]).toBe(false);
    expect(config[fuses.FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });

  it('finds the executable electron-builder produced on each platform', () => {
    const packager = { executableName: 'parkgate', appInfo: { productFilename: 'ParkGate' } };
    expect(hook.fusedBinaryPath({ appOutDir: '/o', electronPlatformName: 'linux', packager })).toBe(path.join('/o', 'parkgate'));
    expect(hook.fusedBinaryPath({ appOutDir: '/o', electronPlatformName: 'win32', packager })).toBe(path.join('/o', 'ParkGate.exe'));
  });

  it('flips the fuses in a binary and verifies them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pg-fuses-'));
    const bin = path.join(dir, 'parkgate');
    // A fake Electron executable: junk, sentinel, wire version 1, 8 fuses in Electron's default state.
    const defaults = Buffer.from('10110000', 'ascii'); // RunAsNode on, cookies off, NODE_OPTIONS on, inspect on, ...
    writeFileSync(bin, Buffer.concat([Buffer.alloc(4096, 0xcc), Buffer.from(SENTINEL, 'ascii'), Buffer.from([1, 8]), defaults, Buffer.alloc(64)]));
    await hook.afterPack({
      appOutDir: dir,
      electronPlatformName: 'linux',
      arch: 1,
      packager: { executableName: 'parkgate', appInfo: { productFilename: 'ParkGate' } },
    });
    const wire = await fuses.getCurrentFuseWire(bin);
    const on = 49;
    const off = 48;
    expect(wire[fuses.FuseV1Options.RunAsNode]).toBe(off);
    expect(wire[fuses.FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(off);
    expect(wire[fuses.FuseV1Options.EnableNodeCliInspectArguments]).toBe(off);
    expect(wire[fuses.FuseV1Options.OnlyLoadAppFromAsar]).toBe(on);
    expect(wire[fuses.FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(on);
    expect(wire[fuses.FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(off);
  });

  it('fails the build when the binary has no fuse wire', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pg-fuses-'));
    writeFileSync(path.join(dir, 'parkgate'), Buffer.alloc(1024, 0xcc));
    await expect(
      hook.afterPack({ appOutDir: dir, electronPlatformName: 'linux', arch: 1, packager: { executableName: 'parkgate', appInfo: {} } }),
    ).rejects.toThrow(/sentinel/);
  });
});

describe('icons', () => {
  function pngSize(file: string): [number, number] {
    const b = readFileSync(file);
    expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(b.subarray(12, 16).toString('ascii')).toBe('IHDR');
    return [b.readUInt32BE(16), b.readUInt32BE(20)];
  }

  it('has real PNGs at 256 and 512 and a multi-size ICO', () => {
    expect(pngSize(path.join(root, 'assets/icons/256x256.png'))).toEqual([256, 256]);
    expect(pngSize(path.join(root, 'assets/icons/512x512.png'))).toEqual([512, 512]);
    const ico = readFileSync(path.join(root, 'assets/icons/icon.ico'));
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico[6 + i * 16] || 256);
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
  });
});

describe('supervisor units', () => {
  it('systemd user unit restarts always and starts with the graphical session', () => {
    const unit = readFileSync(path.join(root, 'deploy/linux/parkgate.service'), 'utf8');
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^StartLimitIntervalSec=0$/m);
    expect(unit).toMatch(/^WantedBy=graphical-session.target$/m);
    expect(unit).toMatch(/^ExecStart=\/opt\/ParkGate\/parkgate$/m);
  });

  it('Windows task starts at logon, never times out and restarts on failure', () => {
    const xml = readFileSync(path.join(root, 'deploy/windows/parkgate-task.xml'), 'utf8');
    expect(xml).toContain('<LogonTrigger>');
    expect(xml).toContain('<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>');
    expect(xml).toMatch(/<RestartOnFailure>\s*<Interval>PT1M<\/Interval>/);
    expect(xml).toContain('parkgate-watchdog.ps1');
    expect(existsSync(path.join(root, 'deploy/windows/parkgate-watchdog.ps1'))).toBe(true);
  });
});
