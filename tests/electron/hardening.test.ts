/**
 * Electron hardening (DESIGN.md §6): the window options, the CSP header,
 * the permission handlers (camera only, own origin only), navigation + window.open denial and the
 * IPC sender checks, tested on the small modules main.ts wires together. Electron objects are
 * plain fakes; main.test.ts checks the wiring with `vi.mock('electron')`.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APP_ORIGIN, APP_START_URL, IPC_CALL, IPC_EVENT } from '../../src-main/electron/constants.js';
import { buildWindowOptions, isBlockedShortcut } from '../../src-main/electron/window-options.js';
import {
  BLOCKED_URL_PATTERNS,
  buildCsp,
  CSP_DIRECTIVES,
  ELECTRON_CSP,
  installCspHeader,
  installNetworkLockdown,
  withSecurityHeaders,
} from '../../src-main/electron/csp.js';
import {
  installPermissionHandlers,
  shouldGrantPermissionCheck,
  shouldGrantPermissionRequest,
} from '../../src-main/electron/permissions.js';
import { installNavigationGuards } from '../../src-main/electron/navigation.js';
import { checkSender, forwardEvents, registerIpc, type InvokeEventLike, type WindowLike } from '../../src-main/electron/ipc.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, resolveAppPath } from '../../src-main/electron/app-protocol.js';

function parseCsp(csp: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) m.set(name, sources);
  }
  return m;
}

describe('BrowserWindow options', () => {
  const prod = buildWindowOptions({ preloadPath: '/app/dist-electron/preload.cjs', production: true });
  const dev = buildWindowOptions({ preloadPath: '/app/dist-electron/preload.cjs', production: false });

  it('isolates and sandboxes the renderer in every mode', () => {
    for (const o of [prod, dev]) {
      const wp = o.webPreferences!;
      expect(wp.contextIsolation).toBe(true);
      expect(wp.sandbox).toBe(true);
      expect(wp.nodeIntegration).toBe(false);
      expect(wp.nodeIntegrationInWorker).toBe(false);
      expect(wp.nodeIntegrationInSubFrames).toBe(false);
      expect(wp.webSecurity).toBe(true);
      expect(wp.allowRunningInsecureContent).toBe(false);
      expect(wp.webviewTag).toBe(false);
      expect(wp.experimentalFeatures).toBe(false);
      expect(wp.navigateOnDragDrop).toBe(false);
      expect(wp.preload).toBe('/app/dist-electron/preload.cjs');
      expect(wp).not.toHaveProperty('enableBlinkFeatures');
      expect(wp).not.toHaveProperty('additionalArguments');
    }
  });

  it('is a fullscreen kiosk without devtools in production, a normal window in development', () => {
    expect(prod.kiosk).toBe(true);
    expect(prod.fullscreen).toBe(true);
    expect(prod.webPreferences!.devTools).toBe(false);
    expect(dev.kiosk).toBe(false);
    expect(dev.fullscreen).toBe(false);
    expect(dev.webPreferences!.devTools).toBe(true);
  });

  it('swallows reload, devtools, zoom and close shortcuts', () => {
    const k = (key: string, m: Partial<{ control: boolean; shift: boolean; alt: boolean; meta: boolean }> = {}) =>
      isBlockedShortcut({ type: 'keyDown', key, ...m });
    expect(k('F5')).toBe(true);
    expect(k('r', { control: true })).toBe(true);
    expect(k('R', { control: true, shift: true })).toBe(true);
    expect(k('I', { control: true, shift: true })).toBe(true);
    expect(k('F12')).toBe(true);
    expect(k('=', { control: true })).toBe(true);
    expect(k('ArrowLeft', { alt: true })).toBe(true);
    expect(k('w', { control: true })).toBe(true);
    // Typing and the keyboard-wedge scanner's keys pass through.
    expect(k('r')).toBe(false);
    expect(k('R', { shift: true })).toBe(false);
    expect(k('Enter')).toBe(false);
    expect(k('5')).toBe(false);
    expect(isBlockedShortcut({ type: 'keyUp', key: 'F5' })).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  const csp = parseCsp(ELECTRON_CSP);

  it('allows only the app itself, plus wasm compilation for the QR decoder', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
  });

  it('lets the camera stream and the drawn QR codes show', () => {
    expect(csp.get('media-src')).toEqual(expect.arrayContaining(["'self'", 'mediastream:', 'blob:']));
    expect(csp.get('img-src')).toEqual(expect.arrayContaining(["'self'", 'data:']));
  });

  it('never allows script eval, inline script or any remote origin', () => {
    const scripts = csp.get('script-src')!;
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(scripts).not.toContain("'unsafe-inline'");
    for (const [name, sources] of csp) {
      for (const s of sources) {
        expect(s, `${name} ${s}`).not.toMatch(/^(https?:|wss?:|\*|http|\/\/)/);
        expect(s, `${name} ${s}`).not.toContain('*');
      }
    }
    expect(Object.keys(CSP_DIRECTIVES)).toContain('worker-src');
  });

  it('extra connect-src origins are added only when asked (browser mode)', () => {
    expect(buildCsp()).toBe(ELECTRON_CSP);
    expect(parseCsp(buildCsp({ extraConnectSrc: ['http://127.0.0.1:8765'] })).get('connect-src')).toEqual([
      "'self'",
      'http://127.0.0.1:8765',
    ]);
  });

  it('is set on every response, replacing any CSP the response had', () => {
    let listener: Parameters<Parameters<typeof installCspHeader>[0]['onHeadersReceived']>[0] | null = null;
    installCspHeader({ onHeadersReceived: (l) => (listener = l) });
    expect(listener).not.toBeNull();
    const cb = vi.fn();
    listener!(
      {
        url: 'app://parkgate/index.html',
        responseHeaders: { 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] },
      },
      cb,
    );
    const headers = cb.mock.calls[0]![0].responseHeaders as Record<string, string[]>;
    expect(headers['Content-Security-Policy']).toEqual([ELECTRON_CSP]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(headers['X-Content-Type-Options']).toEqual(['nosniff']);
    // A response with no headers at all still gets the policy.
    expect(withSecurityHeaders(undefined)['Content-Security-Policy']).toEqual([ELECTRON_CSP]);
  });

  it('the renderer session cancels every http(s)/ws(s) request', () => {
    const onBeforeRequest = vi.fn();
    installNetworkLockdown({ onBeforeRequest });
    const [filter, listener] = onBeforeRequest.mock.calls[0]!;
    expect(filter.urls).toEqual(BLOCKED_URL_PATTERNS);
    expect(filter.urls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']));
    const cb = vi.fn();
    listener({ url: 'https://evil.example/x.js' }, cb);
    expect(cb).toHaveBeenCalledWith({ cancel: true });
  });
});

describe('permissions: camera only, own origin only', () => {
  const own = `${APP_ORIGIN}/index.html`;

  it('grants a video-only media request from the app main frame', () => {
    expect(shouldGrantPermissionRequest('media', { isMainFrame: true, requestingUrl: own, mediaTypes: ['video'] })).toBe(true);
    expect(
      shouldGrantPermissionRequest('media', {
        isMainFrame: true,
        requestingUrl: own,
        mediaTypes: ['video'],
        securityOrigin: `${APP_ORIGIN}/`,
      }),
    ).toBe(true);
  });

  it('denies microphone, other permissions, other origins and sub frames', () => {
    const ok = { isMainFrame: true, requestingUrl: own, mediaTypes: ['video'] as Array<'video' | 'audio'> };
    expect(shouldGrantPermissionRequest('media', { ...ok, mediaTypes: ['audio'] })).toBe(false);
    expect(shouldGrantPermissionRequest('media', { ...ok, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(shouldGrantPermissionRequest('media', { ...ok, mediaTypes: [] })).toBe(false);
    expect(shouldGrantPermissionRequest('media', { ...ok, mediaTypes: undefined })).toBe(false);
    expect(shouldGrantPermissionRequest('media', { ...ok, isMainFrame: false })).toBe(false);
    for (const url of ['https://evil.example/', 'app://other/index.html', 'file:///etc/passwd', 'http://127.0.0.1:8765/', 'garbage', '']) {
      expect(shouldGrantPermissionRequest('media', { ...ok, requestingUrl: url }), url).toBe(false);
    }
    expect(shouldGrantPermissionRequest('media', { ...ok, securityOrigin: 'https://evil.example' })).toBe(false);
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'display-capture', 'openExternal', 'fullscreen', 'midiSysex', 'unknown']) {
      expect(shouldGrantPermissionRequest(p, ok), p).toBe(false);
    }
  });

  it('permission checks follow the same rule', () => {
    expect(shouldGrantPermissionCheck('media', APP_ORIGIN, { isMainFrame: true, mediaType: 'video', requestingUrl: own })).toBe(true);
    expect(shouldGrantPermissionCheck('media', APP_ORIGIN, { isMainFrame: true, mediaType: 'audio' })).toBe(false);
    expect(shouldGrantPermissionCheck('media', APP_ORIGIN, { isMainFrame: true, mediaType: 'unknown' })).toBe(false);
    expect(shouldGrantPermissionCheck('media', 'https://evil.example', { isMainFrame: true, mediaType: 'video' })).toBe(false);
    expect(
      shouldGrantPermissionCheck('media', APP_ORIGIN, { isMainFrame: false, mediaType: 'video', embeddingOrigin: 'https://evil.example' }),
    ).toBe(false);
    expect(shouldGrantPermissionCheck('geolocation', APP_ORIGIN, { isMainFrame: true })).toBe(false);
    expect(shouldGrantPermissionCheck('hid', APP_ORIGIN, { isMainFrame: true })).toBe(false);
  });

  it('installs request, check and device handlers on the session', () => {
    const ses = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
      on: vi.fn(),
    };
    installPermissionHandlers(ses);
    const request = ses.setPermissionRequestHandler.mock.calls[0]![0];
    const cb = vi.fn();
    request({}, 'media', cb, { isMainFrame: true, requestingUrl: own, mediaTypes: ['video'] });
    request({}, 'media', cb, { isMainFrame: true, requestingUrl: 'https://evil.example/', mediaTypes: ['video'] });
    request({}, 'geolocation', cb, { isMainFrame: true, requestingUrl: own });
    expect(cb.mock.calls.map((c) => c[0])).toEqual([true, false, false]);
    const check = ses.setPermissionCheckHandler.mock.calls[0]![0];
    expect(check({}, 'media', APP_ORIGIN, { isMainFrame: true, mediaType: 'video' })).toBe(true);
    expect(check({}, 'media', 'https://evil.example', { isMainFrame: true, mediaType: 'video' })).toBe(false);
    const device = ses.setDevicePermissionHandler.mock.calls[0]![0];
    expect(device({ deviceType: 'usb', origin: APP_ORIGIN })).toBe(false);
    // Device pickers are cancelled.
    const picker = ses.on.mock.calls.find((c) => c[0] === 'select-usb-device')![1];
    const ev = { preventDefault: vi.fn() };
    const pick = vi.fn();
    picker(ev, {}, pick);
    expect(ev.preventDefault).toHaveBeenCalled();
    expect(pick).toHaveBeenCalledWith();
  });
});

describe('navigation and new windows', () => {
  function fakeContents() {
    const handlers = new Map<string, (...a: any[]) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    return {
      handlers,
      open: (url: string) => openHandler!({ url }),
      on: (ev: string, l: (...a: any[]) => void) => handlers.set(ev, l),
      setWindowOpenHandler: (h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }) => {
        openHandler = h;
      },
    };
  }

  it('denies navigation away from the app, allows reloading the app', () => {
    const wc = fakeContents();
    const log = vi.fn();
    installNavigationGuards(wc as any, APP_ORIGIN, log);
    const nav = (url: string) => {
      const ev = { preventDefault: vi.fn(), url };
      wc.handlers.get('will-navigate')!(ev, url);
      return ev.preventDefault.mock.calls.length > 0;
    };
    expect(nav('https://evil.example/')).toBe(true);
    expect(nav('file:///etc/passwd')).toBe(true);
    expect(nav('http://127.0.0.1:8765/')).toBe(true);
    expect(nav('app://other/index.html')).toBe(true);
    expect(nav('javascript:alert(1)')).toBe(true);
    expect(nav(APP_START_URL)).toBe(false);
    expect(log).toHaveBeenCalledWith('blocked navigation', 'https://evil.example/');

    for (const ev of ['will-frame-navigate']) {
      const e = { preventDefault: vi.fn(), url: 'https://evil.example/' };
      wc.handlers.get(ev)!(e);
      expect(e.preventDefault).toHaveBeenCalled();
    }
    const redirect = { preventDefault: vi.fn() };
    wc.handlers.get('will-redirect')!(redirect, 'https://evil.example/');
    expect(redirect.preventDefault).toHaveBeenCalled();
  });

  it('denies window.open (any URL, even our own) and <webview>', () => {
    const wc = fakeContents();
    installNavigationGuards(wc as any);
    expect(wc.open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(wc.open(APP_START_URL)).toEqual({ action: 'deny' });
    const ev = { preventDefault: vi.fn() };
    wc.handlers.get('will-attach-webview')!(ev, {}, {});
    expect(ev.preventDefault).toHaveBeenCalled();
  });
});

describe('IPC sender checks', () => {
  const mainFrame = { url: APP_START_URL, parent: null, processId: 7, routingId: 1 };
  function fakeWindow(frame = mainFrame): WindowLike & { sent: unknown[][] } {
    const sent: unknown[][] = [];
    return {
      sent,
      isDestroyed: () => false,
      webContents: { id: 42, mainFrame: frame, isDestroyed: () => false, send: (...a: unknown[]) => sent.push(a) },
    };
  }
  const good: InvokeEventLike = { sender: { id: 42 }, senderFrame: mainFrame };

  it('accepts only our window, its main frame, our origin', () => {
    const win = fakeWindow();
    expect(checkSender(good, win)).toEqual({ ok: true });
    // Same frame identity reported through another object (Electron may wrap frames anew).
    expect(checkSender({ sender: { id: 42 }, senderFrame: { ...mainFrame } }, win)).toEqual({ ok: true });
    expect(checkSender({ sender: { id: 43 }, senderFrame: mainFrame }, win).ok).toBe(false);
    expect(checkSender({ sender: { id: 42 }, senderFrame: null }, win).ok).toBe(false);
    expect(checkSender({ sender: { id: 42 }, senderFrame: { ...mainFrame, parent: mainFrame } }, win).ok).toBe(false);
    expect(checkSender({ sender: { id: 42 }, senderFrame: { ...mainFrame, routingId: 9 } }, win).ok).toBe(false);
    expect(checkSender(good, null).ok).toBe(false);
    const foreign = fakeWindow({ ...mainFrame, url: 'https://evil.example/' });
    expect(checkSender({ sender: { id: 42 }, senderFrame: foreign.webContents.mainFrame }, foreign)).toEqual({
      ok: false,
      reason: 'foreign origin',
    });
  });

  function setup() {
    const win = fakeWindow();
    const handlers = new Map<string, (...a: any[]) => unknown>();
    const ipcMain = { handle: (ch: string, l: (...a: any[]) => unknown) => handlers.set(ch, l), removeHandler: vi.fn() };
    const call = vi.fn(async (method: string, _input: unknown, _token?: string | null) => {
      if (method === 'auth.login') return { ok: true as const, data: { token: 'tok-1', operator: { id: 'o1' } } };
      if (method === 'auth.me') return { ok: true as const, data: { id: 'o1' } };
      if (method === 'auth.logout') return { ok: true as const, data: { ok: true } };
      if (method === 'boom.now') throw new Error('kaboom');
      return { ok: false as const, error: { code: 'UNAUTHENTICATED' as const, message: 'Please log in again.' } };
    });
    const log = { warn: vi.fn(), error: vi.fn() };
    const handle = registerIpc({ ipcMain, kiosk: { call, onEvent: () => () => {} }, getWindow: () => win, log });
    const invoke = (ev: InvokeEventLike, method: unknown, input?: unknown) => handlers.get(IPC_CALL)!(ev, method, input) as Promise<any>;
    return { win, call, log, handle, invoke, handlers };
  }

  it('forwards calls from our window to the core, and keeps the token in main', async () => {
    const { call, handle, invoke } = setup();
    const login = await invoke(good, 'auth.login', { username: 'cashier', pin: '2468' });
    expect(login.ok).toBe(true);
    expect(call).toHaveBeenLastCalledWith('auth.login', { username: 'cashier', pin: '2468' }, null);
    expect(handle.currentToken()).toBe('tok-1');
    await invoke(good, 'auth.me', undefined);
    expect(call).toHaveBeenLastCalledWith('auth.me', {}, 'tok-1');
    await invoke(good, 'auth.logout', {});
    expect(handle.currentToken()).toBeNull();
    await invoke(good, 'auth.login', {});
    await invoke(good, 'gate.payCash', {}); // answers UNAUTHENTICATED -> token dropped
    expect(handle.currentToken()).toBeNull();
  });

  it('rejects calls from anything else without reaching the core', async () => {
    const { call, log, invoke } = setup();
    const bad = await invoke({ sender: { id: 99 }, senderFrame: mainFrame }, 'gate.payCash', {});
    expect(bad).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } });
    const sub = await invoke({ sender: { id: 42 }, senderFrame: { ...mainFrame, parent: mainFrame } }, 'auth.me', {});
    expect(sub.error.code).toBe('FORBIDDEN');
    expect(call).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalled();
  });

  it('validates the method name and maps a thrown core error to INTERNAL', async () => {
    const { call, invoke } = setup();
    for (const m of [42, null, '', '__proto__', 'a'.repeat(100), 'gate.payCash; rm', '../x']) {
      expect((await invoke(good, m, {})).error.code).toBe('VALIDATION_FAILED');
    }
    expect(call).not.toHaveBeenCalled();
    expect((await invoke(good, 'boom.now', {})).error.code).toBe('INTERNAL');
  });

  it('pushes core events to our window only while it shows our page', () => {
    const win = fakeWindow();
    let listener: ((e: any) => void) | null = null;
    forwardEvents({ call: vi.fn(), onEvent: (l) => ((listener = l), () => {}) }, () => win);
    listener!({ type: 'gate.open', sessionId: 's1', reason: 'PAID' });
    expect(win.sent).toEqual([[IPC_EVENT, { type: 'gate.open', sessionId: 's1', reason: 'PAID' }]]);
    (win.webContents.mainFrame as { url: string }).url = 'https://evil.example/';
    listener!({ type: 'gate.open', sessionId: 's2', reason: 'PAID' });
    expect(win.sent).toHaveLength(1);
  });
});

describe('app:// protocol', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pg-proto-'));
  mkdirSync(path.join(root, 'assets'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>ParkGate</title>');
  writeFileSync(path.join(root, 'assets', 'zxing_reader.wasm'), Buffer.from([0, 97, 115, 109]));
  const handler = createAppProtocolHandler({ rootDir: root, readFile: async (f) => (await import('node:fs/promises')).readFile(f) });

  it('is a standard, secure scheme that does not bypass CSP', () => {
    expect(APP_SCHEME_PRIVILEGES.standard).toBe(true);
    expect(APP_SCHEME_PRIVILEGES.secure).toBe(true);
    expect(APP_SCHEME_PRIVILEGES.bypassCSP).toBe(false);
    expect(APP_SCHEME_PRIVILEGES.allowServiceWorkers).toBe(false);
  });

  it('serves the renderer with the CSP and the right MIME types', async () => {
    const html = await handler(new Request(APP_START_URL));
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toBe(ELECTRON_CSP);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const wasm = await handler(new Request(`${APP_ORIGIN}/assets/zxing_reader.wasm`));
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.headers.get('content-security-policy')).toBe(ELECTRON_CSP);
    // Client-side routes fall back to index.html.
    expect(await (await handler(new Request(`${APP_ORIGIN}/exit`))).text()).toContain('ParkGate');
  });

  it('never serves outside the renderer folder or for another host', async () => {
    expect(resolveAppPath(`${APP_ORIGIN}/../../etc/passwd`, root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(`${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd.txt`, root)).toBe(path.join(root, 'etc', 'passwd.txt'));
    expect(resolveAppPath(`${APP_ORIGIN}/..%5c..%5cwin.ini`, root)).toBeNull();
    expect(resolveAppPath(`${APP_ORIGIN}/a%00.js`, root)).toBeNull();
    expect(resolveAppPath('app://other/index.html', root)).toBeNull();
    expect(resolveAppPath('file:///etc/passwd', root)).toBeNull();
    const missing = await handler(new Request(`${APP_ORIGIN}/nope.js`));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(ELECTRON_CSP);
    expect((await handler(new Request(APP_START_URL, { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});
