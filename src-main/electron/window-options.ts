/**
 * BrowserWindow options for the one kiosk window (DESIGN.md §6).
 * Pure: returns a plain object; main.ts passes it to `new BrowserWindow()`.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the bundled preload (dist-electron/preload.cjs). */
  preloadPath: string;
  /** Production: packaged app. Kiosk + fullscreen, no devtools. */
  production: boolean;
  /** Window/taskbar icon (Linux/Windows). */
  iconPath?: string;
}

/** The part of Electron's BrowserWindow class this module needs (a fake in tests). */
export type BrowserWindowCtor<W> = new (options: BrowserWindowConstructorOptions) => W;

/**
 * Creates the kiosk window. The options are written inline at the `new BrowserWindow(...)` call
 * on purpose: electronegativity inspects that call site, and this way it sees (and checks) the
 * real settings rather than an opaque variable.
 */
export function createKioskWindow<W>(BrowserWindow: BrowserWindowCtor<W>, input: WindowOptionsInput): W {
  const { production } = input;
  return new BrowserWindow({
    title: 'ParkGate',
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 600,
    backgroundColor: '#0b1220',
    show: false,
    kiosk: production,
    fullscreen: production,
    fullscreenable: true,
    autoHideMenuBar: true,
    frame: !production,
    closable: !production,
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Middle-click would open links in a new window (denied anyway); switch the event off.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools: !production,
      safeDialogs: true,
      enableWebSQL: false,
      autoplayPolicy: 'no-user-gesture-required',
      backgroundThrottling: false,
    },
  });
}

/** The options createKioskWindow passes to BrowserWindow (for tests and logging). */
export function buildWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  let captured: BrowserWindowConstructorOptions | null = null;
  class Capture {
    constructor(options: BrowserWindowConstructorOptions) {
      captured = options;
    }
  }
  createKioskWindow(Capture, input);
  return captured!;
}

/** Keyboard shortcuts a production kiosk swallows (reload, devtools, zoom, print, view source). */
export interface KeyInputLike {
  type: string;
  key: string;
  control?: boolean;
  meta?: boolean;
  shift?: boolean;
  alt?: boolean;
}

export function isBlockedShortcut(input: KeyInputLike): boolean {
  if (input.type !== 'keyDown') return false;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  const mod = Boolean(input.control || input.meta);
  if (key === 'F5' || key === 'F11' || key === 'F12' || key === 'BrowserRefresh') return true;
  if (mod && (key === 'r' || key === 'p' || key === 'u' || key === 'w' || key === 'q')) return true; // reload, print, source, close, quit
  if (mod && input.shift && (key === 'i' || key === 'j' || key === 'c')) return true; // devtools
  if (mod && (key === '+' || key === '=' || key === '-' || key === '0')) return true; // zoom
  if (input.alt && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'F4')) return true; // history, close
  return false;
}
