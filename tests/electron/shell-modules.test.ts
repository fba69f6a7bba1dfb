/** Settings parsing, the secret store with the safeStorage cipher, and renderer crash recovery. */
import { describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_SETTINGS, parseSettings } from '../../src-main/electron/settings.js';
import { kioskSecretStore, safeStorageCipher } from '../../src-main/ops/secret-store.js';
import { installCrashRecovery } from '../../src-main/electron/crash-recovery.js';

describe('settings', () => {
  it('defaults, file values and env overrides', () => {
    expect(parseSettings(null).settings).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.updates).toEqual({ idleMinutes: 5, checkEveryHours: 6, installDuringOpenShift: false });
    const { settings, problems } = parseSettings(
      JSON.stringify({ updateUrl: 'https://u.example/', updates: { idleMinutes: 10 } }),
      { PARKGATE_SERVER_URL: 'https://central.example/' },
    );
    expect(problems).toEqual([]);
    expect(settings.updateUrl).toBe('https://u.example/');
    expect(settings.serverUrl).toBe('https://central.example/');
    expect(settings.updates.idleMinutes).toBe(10);
  });

  it('bad settings never stop the kiosk: defaults plus a reported problem', () => {
    const bad = parseSettings('{nope');
    expect(bad.settings).toEqual(DEFAULT_SETTINGS);
    expect(bad.problems[0]).toMatch(/not valid JSON/);
    const wrong = parseSettings(JSON.stringify({ updateUrl: 'javascript:alert(1)', kioskSecret: 'x' }));
    expect(wrong.settings).toEqual(DEFAULT_SETTINGS);
    expect(wrong.problems.join('\n')).toMatch(/updateUrl/);
  });
});

describe('secret store', () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), 'pg-sec-'));
  const storeIn = (d: string, safe: typeof enc) => kioskSecretStore(path.join(d, 'kiosk.db'), safeStorageCipher(safe));
  const enc = {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (s: string) => Buffer.from(Buffer.from(s).map((b) => b ^ 0x5a)),
    decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString(),
  };

  it('encrypts with safeStorage into a 0600 file, never plain on disk', () => {
    const d = dir();
    const s = storeIn(d, enc);
    s.set('kioskSecret', 'super-secret-value');
    const raw = fs.readFileSync(path.join(d, 'secrets', 'kioskSecret.secret'));
    expect(raw.toString('latin1')).not.toContain('super-secret-value');
    expect(s.get('kioskSecret')).toBe('super-secret-value');
    expect(s.encrypted()).toBe(true);
    if (process.platform !== 'win32') expect(fs.statSync(path.join(d, 'secrets', 'kioskSecret.secret')).mode & 0o777).toBe(0o600);
    expect(s.get('missing')).toBeNull();
    expect(() => s.get('../etc/passwd')).toThrow();
  });

  it('without a usable keyring (basic_text) falls back to an owner-only file and says so', () => {
    const d = dir();
    const s = storeIn(d, { ...enc, getSelectedStorageBackend: () => 'basic_text' });
    expect(s.encrypted()).toBe(false);
    s.set('kioskSecret', 'v');
    expect(s.get('kioskSecret')).toBe('v');
    if (process.platform !== 'win32') expect(fs.statSync(path.join(d, 'secrets', 'kioskSecret.secret')).mode & 0o777).toBe(0o600);
  });
});

describe('crash recovery', () => {
  function fakeWc() {
    const h = new Map<string, (...a: any[]) => void>();
    return {
      h,
      on: (ev: string, l: (...a: any[]) => void) => h.set(ev, l),
      isDestroyed: () => false,
      reload: vi.fn(),
      forcefullyCrashRenderer: vi.fn(),
    };
  }

  it('reloads after a crash, backs off in a crash loop, ignores a clean exit', () => {
    const wc = fakeWc();
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const load = vi.fn();
    let now = 0;
    installCrashRecovery(wc as any, { load, now: () => now, setTimer: (fn, ms) => timers.push({ fn, ms }), clearTimer: () => {} });
    wc.h.get('render-process-gone')!({}, { reason: 'clean-exit', exitCode: 0 });
    expect(timers).toHaveLength(0);
    for (let i = 0; i < 4; i++) {
      wc.h.get('render-process-gone')!({}, { reason: 'oom', exitCode: 1 });
      now += 1_000;
    }
    expect(timers.map((t) => t.ms)).toEqual([500, 500, 500, 15_000]);
    timers[0]!.fn();
    expect(load).toHaveBeenCalledTimes(1);
    now += 120_000;
    wc.h.get('render-process-gone')!({}, { reason: 'crashed', exitCode: 1 });
    expect(timers.at(-1)!.ms).toBe(500);
  });

  it('kills a renderer that stays unresponsive, but not one that recovers', () => {
    const wc = fakeWc();
    const timers: Array<{ fn: () => void; ms: number; cleared?: boolean }> = [];
    installCrashRecovery(wc as any, {
      load: () => {},
      setTimer: (fn, ms) => {
        const t = { fn, ms };
        timers.push(t);
        return t;
      },
      clearTimer: (t) => ((t as { cleared?: boolean }).cleared = true),
    });
    wc.h.get('unresponsive')!();
    wc.h.get('responsive')!();
    expect(timers[0]!.cleared).toBe(true);
    wc.h.get('unresponsive')!();
    timers[1]!.fn();
    expect(wc.forcefullyCrashRenderer).toHaveBeenCalledTimes(1);
  });
});
