/**
 * IPC between the kiosk window and the core (DESIGN.md §2 and §6).
 *
 * - One request channel, `parkgate:call` (ipcMain.handle / ipcRenderer.invoke), forwarding to the
 *   same API table as the HTTP bridge: `kiosk.call(method, input, token)`.
 * - The sender is checked on every call: it must be our window's WebContents, the frame must be
 *   that window's main frame, and the frame's URL must be the app's origin. Anything else gets
 *   FORBIDDEN and is logged; the core is never reached.
 * - The operator's session token stays in the main process: it is taken from a successful
 *   `auth.login` / `auth.setup` and attached to later calls, and dropped on `auth.logout` or when
 *   the core answers UNAUTHENTICATED. The preload therefore exposes only `call(method, input)`.
 * - Core events are pushed to the window with `webContents.send('parkgate:event', event)`.
 *
 * Electron objects are taken as parameters (structurally typed) so the checks are unit-tested
 * with fakes.
 */
import type { ApiResponse } from '../../src-shared/contracts/errors.js';
import type { KioskEvent } from '../../src-shared/contracts/api.js';
import { APP_ORIGIN, IPC_CALL, IPC_EVENT } from './constants.js';
import { isAppOrigin } from './permissions.js';

/** The part of the core (src-main/kiosk.ts `Kiosk`) the Electron shell uses. */
export interface KioskLike {
  call(method: string, input: unknown, token?: string | null): Promise<ApiResponse<unknown>>;
  onEvent(listener: (e: KioskEvent) => void): () => void;
}

export interface FrameLike {
  url: string;
  parent: FrameLike | null;
  processId: number;
  routingId: number;
}

export interface WebContentsLike {
  id: number;
  mainFrame: FrameLike;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export interface WindowLike {
  webContents: WebContentsLike;
  isDestroyed(): boolean;
}

export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcLogger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export type SenderCheck = { ok: true } | { ok: false; reason: string };

/** Is this IPC message from our window's main frame, showing our own origin? */
export function checkSender(
  event: InvokeEventLike,
  win: WindowLike | null,
  appOrigin: string = APP_ORIGIN,
): SenderCheck {
  if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return { ok: false, reason: 'no window' };
  if (!event || !event.sender || event.sender.id !== win.webContents.id) return { ok: false, reason: 'foreign webContents' };
  const frame = event.senderFrame;
  if (!frame) return { ok: false, reason: 'no sender frame' };
  if (frame.parent !== null) return { ok: false, reason: 'sub frame' };
  const main = win.webContents.mainFrame;
  if (frame !== main && (frame.processId !== main.processId || frame.routingId !== main.routingId)) {
    return { ok: false, reason: 'not the main frame' };
  }
  if (!isAppOrigin(frame.url, appOrigin)) return { ok: false, reason: 'foreign origin' };
  return { ok: true };
}

const METHOD_RE = /^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/;

export function forbidden(message: string): ApiResponse<never> {
  return { ok: false, error: { code: 'FORBIDDEN', message } };
}

function invalid(message: string): ApiResponse<never> {
  return { ok: false, error: { code: 'VALIDATION_FAILED', message } };
}

function readToken(data: unknown): string | null {
  if (data && typeof data === 'object' && 'token' in data) {
    const t = (data as { token: unknown }).token;
    if (typeof t === 'string' && t.length > 0) return t;
  }
  return null;
}

export interface IpcOptions {
  ipcMain: IpcMainLike;
  kiosk: KioskLike;
  getWindow: () => WindowLike | null;
  appOrigin?: string;
  log?: IpcLogger;
  /** Called on every accepted call (used to track "idle" for the update policy). */
  onActivity?: (method: string) => void;
}

export interface IpcHandle {
  /** The session token main attaches to calls (for tests and for a forced logout). */
  currentToken(): string | null;
  clearToken(): void;
  /** The handler itself (exported for tests). */
  handleCall(event: InvokeEventLike, method: unknown, input: unknown): Promise<ApiResponse<unknown>>;
  dispose(): void;
}

export function registerIpc(opts: IpcOptions): IpcHandle {
  const appOrigin = opts.appOrigin ?? APP_ORIGIN;
  const log = opts.log ?? { warn: () => {}, error: () => {} };
  let token: string | null = null;

  async function handleCall(event: InvokeEventLike, method: unknown, input: unknown): Promise<ApiResponse<unknown>> {
    const check = checkSender(event, opts.getWindow(), appOrigin);
    if (!check.ok) {
      log.warn('ipc: rejected call', { reason: check.reason, url: event?.senderFrame?.url ?? null });
      return forbidden('This request did not come from the kiosk screen.');
    }
    if (typeof method !== 'string' || method.length > 64 || !METHOD_RE.test(method)) {
      return invalid('Unknown request.');
    }
    opts.onActivity?.(method);
    let res: ApiResponse<unknown>;
    try {
      res = await opts.kiosk.call(method, input === undefined ? {} : input, token);
    } catch (err) {
      log.error('ipc: core threw', method, err);
      return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong. Try again; if it repeats, call a supervisor.' } };
    }
    if (res.ok) {
      if (method === 'auth.login' || method === 'auth.setup') token = readToken(res.data) ?? token;
      else if (method === 'auth.logout') token = null;
    } else if (res.error.code === 'UNAUTHENTICATED') {
      token = null;
    }
    return res;
  }

  opts.ipcMain.handle(IPC_CALL, (event, method, input) => handleCall(event, method, input));

  return {
    currentToken: () => token,
    clearToken: () => {
      token = null;
    },
    handleCall,
    dispose: () => opts.ipcMain.removeHandler(IPC_CALL),
  };
}

/**
 * Pushes every core event to the window, but only while it shows our own page.
 * Returns the unsubscribe function.
 */
export function forwardEvents(
  kiosk: KioskLike,
  getWindow: () => WindowLike | null,
  appOrigin: string = APP_ORIGIN,
): () => void {
  return kiosk.onEvent((e) => {
    const win = getWindow();
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
    if (!isAppOrigin(win.webContents.mainFrame.url, appOrigin)) return;
    win.webContents.send(IPC_EVENT, e);
  });
}
