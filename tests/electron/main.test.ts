/**
 * main.ts wiring, with Electron replaced at the module boundary (`vi.mock('electron')`): the
 * binary cannot run here, so this loads the real main.ts against fakes and checks that it builds
 * the hardened window, installs the CSP / permission / navigation / IPC guards on the real
 * session objects it is given, keeps the display awake, holds the single-instance lock, and
 * reloads a crashed renderer.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const h = await vi.hoisted(async () => (await import('./fake-electron.js')).fakeElectron(vi));

vi.mock('electron', async () => (await import('./fake-electron.js')).electronModule(h));
vi.mock('electron-log/main', async () => (await import('./fake-electron.js')).electronLogModule());
vi.mock('electron-updater', () => ({ autoUpdater: { on: vi.fn(), setFeedURL: vi.fn(), checkForUpdates: vi.fn() } }));

vi.mock('../../src-main/kiosk.js', () => ({
  createKiosk: vi.fn(async () => ({
    call: async (method: string, input: unknown, token?: string | null) => {
      h.state.kioskCalls.push([method, input, token]);
      if (method === 'auth.login') return { ok: true, data: { token: 'T1' } };
      return { ok: true, data: { method } };
    },
    onEvent: (l: (e: unknown) => void) => {
      h.state.kioskListeners.push(l);
      return () => {};
    },
    close: async () => {
      h.state.kioskClosed += 1;
    },
  })),
}));

const { APP_START_URL, IPC_CALL, IPC_EVENT, APP_SCHEME, APP_ORIGIN } = await import('../../src-main/electron/constants.js');
const { ELECTRON_CSP } = await import('../../src-main/electron/csp.js');

let before: { exc: NodeJS.UncaughtExceptionListener[]; rej: NodeJS.UnhandledRejectionListener[] };

beforeAll(async () => {
  h.state.dataDir = mkdtempSync(path.join(tmpdir(), 'pg-main-data-'));
  h.state.appPath = mkdtempSync(path.join(tmpdir(), 'pg-main-app-'));
  mkdirSync(path.join(h.state.appPath, 'dist-renderer'));
  writeFileSync(path.join(h.state.appPath, 'dist-renderer', 'index.html'), '<!doctype html><title>ParkGate</title>');
  before = { exc: process.listeners('uncaughtException'), rej: process.listeners('unhandledRejection') };
  delete process.env.PARKGATE_DATA_DIR;
  // What the first-run wizard leaves behind: the server in the kiosk's settings, the secret in the 0600 store.
  const db = new Database(path.join(h.state.dataDir, 'kiosk.db'));
  db.exec('CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  db.prepare('INSERT INTO settings VALUES (?, ?), (?, ?)').run('serverUrl', JSON.stringify('http://central.example:8080'), 'kioskId', JSON.stringify('kiosk-wizard-1'));
  db.close();
  mkdirSync(path.join(h.state.dataDir, 'secrets'));
  writeFileSync(path.join(h.state.dataDir, 'secrets', 'kiosk-secret.secret'), 'PGS1P:wizard-secret-123', { mode: 0o600 });
  await import('../../src-main/electron/main.js');
  await vi.waitFor(() => expect(h.state.windows.length).toBe(1));
});

afterAll(() => {
  for (const l of process.listeners('uncaughtException')) if (!before.exc.includes(l)) process.removeListener('uncaughtException', l as any);
  for (const l of process.listeners('unhandledRejection')) if (!before.rej.includes(l)) process.removeListener('unhandledRejection', l as any);
  rmSync(h.state.dataDir, { recursive: true, force: true });
  rmSync(h.state.appPath, { recursive: true, force: true });
});

describe('main.ts with Electron mocked at the boundary', () => {
  it('starts the core with the central server the first-run wizard saved (url, kiosk id, secret)', async () => {
    const { createKiosk } = await import('../../src-main/kiosk.js');
    const options = vi.mocked(createKiosk).mock.calls[0]![0];
    expect(options).toMatchObject({ serverUrl: 'http://central.example:8080', kioskId: 'kiosk-wizard-1', kioskSecret: 'wizard-secret-123' });
  });

  it('registers app:// as a privileged secure scheme and enables the sandbox before ready', () => {
    expect(h.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: APP_SCHEME, privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false }) }),
    ]);
    expect(h.app.enableSandbox).toHaveBeenCalled();
    expect(h.app.commandLine.appendSwitch).toHaveBeenCalledWith('lang', 'en-IN');
    expect(h.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(h.app.has('second-instance')).toBe(true);
  });

  it('opens one hardened kiosk window on app://parkgate/', () => {
    const [win] = h.state.windows;
    const wp = win.options.webPreferences;
    expect(wp).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false });
    expect(wp.preload).toBe(path.join(h.state.appPath, 'dist-electron', 'preload.cjs'));
    expect(win.options.kiosk).toBe(true);
    expect(win.options.fullscreen).toBe(true);
    expect(win.loadURL).toHaveBeenCalledWith(APP_START_URL);
    expect(h.Menu.setApplicationMenu).toHaveBeenCalledWith(null);
    expect(h.powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');
  });

  it('puts the CSP on every response of the session and on the app protocol', async () => {
    expect(h.ses.webRequest.onHeadersReceived).toHaveBeenCalledTimes(1);
    const listener = h.ses.webRequest.onHeadersReceived.mock.calls[0]![0];
    const cb = vi.fn();
    listener({ url: APP_START_URL, responseHeaders: {} }, cb);
    expect(cb.mock.calls[0]![0].responseHeaders['Content-Security-Policy']).toEqual([ELECTRON_CSP]);
    expect(h.ses.webRequest.onBeforeRequest).toHaveBeenCalled();
    const [scheme, handler] = h.ses.protocol.handle.mock.calls[0]!;
    expect(scheme).toBe(APP_SCHEME);
    const res: Response = await handler(new Request(APP_START_URL));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(ELECTRON_CSP);
  });

  it('grants the camera to the app only', () => {
    const request = h.ses.setPermissionRequestHandler.mock.calls[0]![0];
    const cb = vi.fn();
    request({}, 'media', cb, { isMainFrame: true, requestingUrl: APP_START_URL, mediaTypes: ['video'] });
    request({}, 'media', cb, { isMainFrame: true, requestingUrl: APP_START_URL, mediaTypes: ['audio'] });
    request({}, 'media', cb, { isMainFrame: true, requestingUrl: 'https://evil.example/', mediaTypes: ['video'] });
    request({}, 'notifications', cb, { isMainFrame: true, requestingUrl: APP_START_URL });
    expect(cb.mock.calls.map((c) => c[0])).toEqual([true, false, false, false]);
    const check = h.ses.setPermissionCheckHandler.mock.calls[0]![0];
    expect(check({}, 'media', APP_ORIGIN, { isMainFrame: true, mediaType: 'video' })).toBe(true);
    expect(check({}, 'media', 'https://evil.example', { isMainFrame: true, mediaType: 'video' })).toBe(false);
  });

  it('guards navigation and window.open on every web contents', () => {
    const wc = new h.Emitter() as any;
    wc.setWindowOpenHandler = vi.fn();
    h.app.emit('web-contents-created', {}, wc);
    const ev = { preventDefault: vi.fn() };
    wc.emit('will-navigate', ev, 'https://evil.example/');
    expect(ev.preventDefault).toHaveBeenCalled();
    expect(wc.setWindowOpenHandler.mock.calls[0][0]({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('handles parkgate:call only from the window main frame, with main holding the token', async () => {
    const [channel, handler] = h.ipcMain.handle.mock.calls.find((c) => c[0] === IPC_CALL)!;
    expect(channel).toBe(IPC_CALL);
    const wc = h.state.webContents;
    const good = { sender: { id: wc.id }, senderFrame: wc.mainFrame };
    expect(await handler(good, 'auth.login', { username: 'admin', pin: '2468' })).toEqual({ ok: true, data: { token: 'T1' } });
    await handler(good, 'zones.list', {});
    expect(h.state.kioskCalls.at(-1)).toEqual(['zones.list', {}, 'T1']);
    const n = h.state.kioskCalls.length;
    const bad = await handler({ sender: { id: 999 }, senderFrame: wc.mainFrame }, 'zones.list', {});
    expect(bad.error.code).toBe('FORBIDDEN');
    const foreign = await handler({ sender: { id: wc.id }, senderFrame: { ...wc.mainFrame, url: 'https://evil.example/' } }, 'zones.list', {});
    expect(foreign.error.code).toBe('FORBIDDEN');
    expect(h.state.kioskCalls.length).toBe(n);
  });

  it('pushes core events to the window', () => {
    const wc = h.state.webContents;
    for (const l of h.state.kioskListeners) l({ type: 'gate.open', sessionId: 's1', reason: 'ZERO_DUE' });
    expect(wc.send).toHaveBeenCalledWith(IPC_EVENT, { type: 'gate.open', sessionId: 's1', reason: 'ZERO_DUE' });
  });

  it('blocks reload/devtools shortcuts and keeps the window from being closed in production', () => {
    const wc = h.state.webContents;
    const f5 = { preventDefault: vi.fn() };
    wc.emit('before-input-event', f5, { type: 'keyDown', key: 'F5' });
    expect(f5.preventDefault).toHaveBeenCalled();
    const letter = { preventDefault: vi.fn() };
    wc.emit('before-input-event', letter, { type: 'keyDown', key: 'A', shift: true });
    expect(letter.preventDefault).not.toHaveBeenCalled();
    const close = { preventDefault: vi.fn() };
    h.state.windows[0].emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();
  });

  it('reloads the app page when the renderer process dies', async () => {
    vi.useFakeTimers();
    try {
      const win = h.state.windows[0];
      const before = win.loadURL.mock.calls.length;
      h.state.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(win.loadURL.mock.calls.length).toBe(before + 1);
      expect(win.loadURL).toHaveBeenLastCalledWith(APP_START_URL);
    } finally {
      vi.useRealTimers();
    }
  });

  it('closes the core once before quitting', async () => {
    const ev = { preventDefault: vi.fn() };
    h.app.emit('before-quit', ev);
    expect(ev.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(h.app.quit).toHaveBeenCalled());
    expect(h.state.kioskClosed).toBe(1);
    const again = { preventDefault: vi.fn() };
    h.app.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });
});
