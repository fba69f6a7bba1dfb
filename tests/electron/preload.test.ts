/**
 * The preload exposes exactly `window.parkgate = { call, onEvent }` through contextBridge, and
 * its bundle is CommonJS requiring nothing but 'electron' (a sandboxed preload can do no more).
 */
import { describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const h = vi.hoisted(() => {
  const listeners = new Map<string, Set<(...a: any[]) => void>>();
  return {
    exposed: new Map<string, any>(),
    listeners,
    invoke: vi.fn(async (..._a: unknown[]) => ({ ok: true, data: 1 })),
  };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => h.exposed.set(key, api) },
  ipcRenderer: {
    invoke: h.invoke,
    on: (ch: string, l: (...a: any[]) => void) => {
      if (!h.listeners.has(ch)) h.listeners.set(ch, new Set());
      h.listeners.get(ch)!.add(l);
    },
    removeListener: (ch: string, l: (...a: any[]) => void) => h.listeners.get(ch)?.delete(l),
  },
}));

await import('../../src-main/electron/preload.js');
const { IPC_CALL, IPC_EVENT } = await import('../../src-main/electron/constants.js');

describe('preload', () => {
  it('exposes only window.parkgate with call and onEvent', () => {
    expect([...h.exposed.keys()]).toEqual(['parkgate']);
    const api = h.exposed.get('parkgate');
    expect(Object.keys(api).sort()).toEqual(['call', 'onEvent']);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('call(method, input) invokes parkgate:call', async () => {
    const api = h.exposed.get('parkgate');
    await expect(api.call('zones.list', { includeInactive: true })).resolves.toEqual({ ok: true, data: 1 });
    expect(h.invoke).toHaveBeenLastCalledWith(IPC_CALL, 'zones.list', { includeInactive: true });
    await api.call('auth.me');
    expect(h.invoke).toHaveBeenLastCalledWith(IPC_CALL, 'auth.me', {});
    await expect(api.call(42)).rejects.toThrow(TypeError);
  });

  it('onEvent passes the payload only and unsubscribes', () => {
    const api = h.exposed.get('parkgate');
    const cb = vi.fn();
    const off = api.onEvent(cb);
    const fire = (payload: unknown) => {
      for (const l of h.listeners.get(IPC_EVENT) ?? []) l({ sender: 'SECRET-IPC-EVENT' }, payload);
    };
    fire({ type: 'health', online: true, pendingEvents: 0, lastSyncAt: null });
    expect(cb).toHaveBeenCalledWith({ type: 'health', online: true, pendingEvents: 0, lastSyncAt: null });
    expect(cb.mock.calls[0]).toHaveLength(1);
    off();
    off();
    fire({ type: 'health' });
    expect(cb).toHaveBeenCalledTimes(1);
    expect(() => api.onEvent('nope')).toThrow(TypeError);
  });
});

describe('bundles', () => {
  it('build to CommonJS; the preload requires only electron; main keeps only runtime externals', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    execFileSync(process.execPath, ['scripts/build-electron.mjs', '--quiet'], { cwd: root, stdio: 'pipe' });
    const preload = readFileSync(path.join(root, 'dist-electron/preload.cjs'), 'utf8');
    const requires = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    expect(preload).toContain('exposeInMainWorld');
    const main = readFileSync(path.join(root, 'dist-electron/main.cjs'), 'utf8');
    const pkgs = new Set(
      [...main.matchAll(/require\(["']([^"'.][^"']*)["']\)/g)].map((m) => m[1]!).filter((p) => !p.startsWith('node:') && !builtinModules.includes(p)),
    );
    for (const p of pkgs) {
      expect(['electron', 'better-sqlite3', 'electron-log/main', 'electron-updater', 'pdfkit', 'pino', 'url', '@napi-rs/canvas', 'serialport', 'modbus-serial']).toContain(p);
    }
    expect(pkgs.has('electron')).toBe(true);
  });
});
