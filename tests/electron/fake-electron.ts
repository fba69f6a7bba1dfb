/**
 * Electron's main-process API as plain objects, for tests that load the real shell (main.ts) with
 * `vi.mock('electron', () => electronModule(h))`. `vi` is passed in: the fakes are built inside
 * `vi.hoisted`, before the test file's imports run.
 */
import type { vi as Vi } from 'vitest';

export function fakeElectron(vi: typeof Vi) {

  type Listener = (...args: any[]) => any;
  class Emitter {
    listeners = new Map<string, Listener[]>();
    on(ev: string, l: Listener) {
      this.listeners.set(ev, [...(this.listeners.get(ev) ?? []), l]);
      return this;
    }
    once(ev: string, l: Listener) {
      return this.on(ev, l);
    }
    emit(ev: string, ...args: any[]) {
      for (const l of this.listeners.get(ev) ?? []) l(...args);
    }
    has(ev: string) {
      return (this.listeners.get(ev) ?? []).length > 0;
    }
  }
  const state = {
    dataDir: '',
    appPath: '',
    windows: [] as any[],
    webContents: null as any,
    kioskCalls: [] as Array<[string, unknown, unknown]>,
    kioskListeners: [] as Array<(e: unknown) => void>,
    kioskClosed: 0,
    kioskOptions: [] as any[],
  };
  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    enableSandbox: vi.fn(),
    commandLine: { appendSwitch: vi.fn() },
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => Promise.resolve()),
    getPath: vi.fn(() => state.dataDir),
    getAppPath: vi.fn(() => state.appPath),
    getVersion: vi.fn(() => '0.1.0'),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
  const ses = Object.assign(new Emitter(), {
    webRequest: { onHeadersReceived: vi.fn(), onBeforeRequest: vi.fn() },
    protocol: { handle: vi.fn() },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
  });
  const ipcMain = { handle: vi.fn(), removeHandler: vi.fn() };
  const powerSaveBlocker = { start: vi.fn(() => 1), stop: vi.fn() };
  const Menu = { setApplicationMenu: vi.fn() };
  const safeStorage = {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    // Really transforms the bytes, so a plain value on disk would show.
    encryptString: (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
  };
  class BrowserWindow extends Emitter {
    options: any;
    webContents: any;
    loadURL = vi.fn(async () => {});
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    isMinimized = () => false;
    isDestroyed = () => false;
    constructor(options: any) {
      super();
      this.options = options;
      const wc = Object.assign(new Emitter(), {
        id: 7,
        mainFrame: { url: 'app://parkgate/index.html', parent: null, processId: 3, routingId: 1 },
        isDestroyed: () => false,
        send: vi.fn(),
        reload: vi.fn(),
        forcefullyCrashRenderer: vi.fn(),
        setWindowOpenHandler: vi.fn(),
      });
      this.webContents = wc;
      state.webContents = wc;
      state.windows.push(this);
    }
  }
  return { Emitter, state, app, protocol, ses, ipcMain, powerSaveBlocker, Menu, safeStorage, BrowserWindow };
}

export type FakeElectron = ReturnType<typeof fakeElectron>;

/** The module `electron` as main.ts imports it. */
export function electronModule(h: FakeElectron) {
  return {
    app: h.app,
    protocol: h.protocol,
    session: { defaultSession: h.ses },
    ipcMain: h.ipcMain,
    powerSaveBlocker: h.powerSaveBlocker,
    Menu: h.Menu,
    safeStorage: h.safeStorage,
    BrowserWindow: h.BrowserWindow,
  };
}

/** electron-log/main, silent. */
export function electronLogModule() {
  const noop = () => {};
  return { default: { info: noop, warn: noop, error: noop, debug: noop, transports: { file: { level: 'info' }, console: { level: 'info' } } } };
}
