/**
 * Electron main process: the kiosk shell (DESIGN.md §2/§6).
 *
 * Thin on purpose. It builds the core (`createKiosk`, the same composition root as the HTTP
 * bridge, the CLI and the tests), opens one hardened window on `app://parkgate/`, and forwards
 * IPC to the core. Every decision worth testing lives in a small module that takes Electron
 * objects as parameters: window-options, csp, permissions, navigation, ipc, app-protocol,
 * crash-recovery, update-policy/updater, settings. Secrets go through the core's own store
 * (src-main/ops/secret-store.ts) with the OS keyring injected as its cipher, so what the first-run
 * wizard saves is what the next start reads.
 *
 * Bundled by scripts/build-electron.mjs to dist-electron/main.cjs.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  powerSaveBlocker,
  protocol,
  safeStorage,
  session,
  type WebContents,
} from 'electron';
import log from 'electron-log/main';
import { autoUpdater } from 'electron-updater';
import { createKiosk } from '../kiosk.js';
import { resolveServer } from '../ops/cli-commands.js';
import { KIOSK_SECRET_NAME, kioskSecretStore, safeStorageCipher } from '../ops/secret-store.js';
import { ActivityTracker } from './activity.js';
import { APP_ORIGIN, APP_SCHEME, APP_START_URL, KIOSK_UI_LANG } from './constants.js';
import { createAppProtocolHandler, APP_SCHEME_PRIVILEGES } from './app-protocol.js';
import { installCrashRecovery } from './crash-recovery.js';
import { installCspHeader, installNetworkLockdown } from './csp.js';
import { forwardEvents, registerIpc, type KioskLike } from './ipc.js';
import { installNavigationGuards, type WebContentsNavLike } from './navigation.js';
import { installPermissionHandlers, type SessionPermissionsLike } from './permissions.js';
import { parseSettings, type ShellSettings } from './settings.js';
import { setupAutoUpdates, type AutoUpdaterLike, type UpdaterHandle } from './updater.js';
import { createKioskWindow, isBlockedShortcut } from './window-options.js';

type CoreKiosk = KioskLike & { close(): Promise<void>; activity?: () => Promise<{ sessionsMidPayment: number; openCashShifts: number }> };

// Must happen before 'ready': the app scheme gets a real, secure origin.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
app.enableSandbox();
// Native date fields and Intl defaults follow the browser language: India's day/month order.
app.commandLine.appendSwitch('lang', KIOSK_UI_LANG);

const production = app.isPackaged;
let win: BrowserWindow | null = null;
let kiosk: CoreKiosk | null = null;
let updater: UpdaterHandle | null = null;
let quitting = false;
let coreClosed = false;

function readSettings(dataDir: string): ShellSettings {
  const file = path.join(dataDir, 'settings.json');
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    text = null;
  }
  const { settings, problems } = parseSettings(text, process.env);
  for (const p of problems) log.warn(`settings: ${p}`);
  return settings;
}

function configureLogging(dataDir: string, level: ShellSettings['logLevel']): void {
  const logDir = path.join(dataDir, 'logs');
  log.transports.file.resolvePathFn = () => path.join(logDir, 'main.log');
  log.transports.file.level = level;
  log.transports.file.maxSize = 5 * 1024 * 1024;
  // Keep 5 rotated files: main.1.log (newest) .. main.5.log.
  log.transports.file.archiveLogFn = (oldLog) => {
    const file = oldLog.toString();
    const base = file.replace(/\.log$/, '');
    for (let i = 4; i >= 1; i -= 1) {
      try {
        fs.renameSync(`${base}.${i}.log`, `${base}.${i + 1}.log`);
      } catch {
        /* missing: fine */
      }
    }
    try {
      fs.renameSync(file, `${base}.1.log`);
    } catch (err) {
      console.error('log rotation failed', err);
    }
  };
  log.transports.console.level = production ? 'warn' : 'debug';
}

function createWindow(activity: ActivityTracker): BrowserWindow {
  const appPath = app.getAppPath();
  const w = createKioskWindow(BrowserWindow, {
    preloadPath: path.join(appPath, 'dist-electron', 'preload.cjs'),
    production,
    iconPath: path.join(appPath, 'assets', 'icons', '256x256.png'),
  });
  const wc = w.webContents;
  wc.on('before-input-event', (event, input) => {
    activity.markActivity();
    if (production && isBlockedShortcut(input)) event.preventDefault();
  });
  installCrashRecovery(wc, { load: () => void w.loadURL(APP_START_URL), log });
  w.on('close', (event) => {
    // An unattended kiosk is not closed from its own screen; technicians stop the service.
    if (production && !quitting) event.preventDefault();
  });
  w.on('closed', () => {
    if (win === w) win = null;
  });
  w.once('ready-to-show', () => w.show());
  void w.loadURL(APP_START_URL);
  return w;
}

async function shutdown(): Promise<void> {
  updater?.stop();
  if (kiosk && !coreClosed) {
    coreClosed = true;
    try {
      await kiosk.close();
    } catch (err) {
      log.error('core close failed', err);
    }
  }
}

async function start(): Promise<void> {
  const dataDir = process.env.PARKGATE_DATA_DIR || app.getPath('userData');
  fs.mkdirSync(dataDir, { recursive: true });
  const settings = readSettings(dataDir);
  configureLogging(dataDir, settings.logLevel);
  log.info(`ParkGate ${app.getVersion()} starting (production=${production}, data=${dataDir})`);

  const dbPath = path.join(dataDir, 'kiosk.db');
  const firstRun = !fs.existsSync(dbPath);
  const secretCipher = safeStorageCipher(safeStorage);
  const secrets = kioskSecretStore(dbPath, secretCipher);
  if (!secrets.encrypted()) log.warn('secrets: OS keyring unavailable; secrets protected by file permissions only');
  const kioskSecret = secrets.get(KIOSK_SECRET_NAME) ?? undefined;
  // settings.json wins; otherwise what the first-run wizard saved in the kiosk's settings (same rule as `npm run serve`).
  const server = resolveServer(dbPath, { serverUrl: settings.serverUrl, kioskId: settings.kioskId }, kioskSecret, (level, message, extra) => log[level](`core: ${message}`, extra ?? ''));

  const adminUser = process.env.KIOSK_ADMIN_USER;
  const adminPin = process.env.KIOSK_ADMIN_PIN;
  kiosk = (await createKiosk({
    dbPath,
    seedDemo: settings.seedDemo || (!production && firstRun),
    log: (level, message, extra) => log[level](`core: ${message}`, extra ?? ''),
    ...(adminUser && adminPin ? { initialAdmin: { username: adminUser, pin: adminPin } } : {}),
    ...(server.serverUrl ? { serverUrl: server.serverUrl } : {}),
    ...(server.kioskId ? { kioskId: server.kioskId } : {}),
    ...(kioskSecret ? { kioskSecret } : {}),
    ops: { secretCipher },
  })) as CoreKiosk;
  const core = kiosk;

  const activity = new ActivityTracker(core, { supervisorConsent: () => settings.updates.installDuringOpenShift });
  core.onEvent((e) => activity.onEvent(e));

  const ses = session.defaultSession;
  installCspHeader(ses.webRequest);
  installNetworkLockdown(ses.webRequest);
  installPermissionHandlers(ses as unknown as SessionPermissionsLike, APP_ORIGIN);
  const rootDir = path.join(app.getAppPath(), 'dist-renderer');
  ses.protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({
      rootDir,
      readFile: (file) => fs.promises.readFile(file),
      log: (m, u) => log.warn(m, u),
    }),
  );

  registerIpc({
    ipcMain,
    kiosk: core,
    getWindow: () => win,
    appOrigin: APP_ORIGIN,
    log,
    onActivity: () => activity.markActivity(),
  });
  forwardEvents(core, () => win, APP_ORIGIN);

  if (production) Menu.setApplicationMenu(null);
  powerSaveBlocker.start('prevent-display-sleep');
  win = createWindow(activity);

  if (settings.updateUrl && production) {
    autoUpdater.logger = log;
    updater = setupAutoUpdates({
      autoUpdater: autoUpdater as unknown as AutoUpdaterLike,
      feedUrl: settings.updateUrl,
      ...(settings.updateChannel ? { channel: settings.updateChannel } : {}),
      getActivity: () => activity.snapshot(),
      beforeInstall: async () => {
        quitting = true;
        await shutdown();
      },
      log,
      idleMs: settings.updates.idleMinutes * 60_000,
      checkEveryMs: settings.updates.checkEveryHours * 60 * 60_000,
    });
  }
}

function fatal(err: unknown): void {
  // Never show Electron's error dialog on an unattended kiosk: log and exit so the service
  // supervisor (systemd / scheduled task) restarts a clean process.
  log.error('fatal', err);
  app.exit(1);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  // Every WebContents the app ever creates gets the navigation guards, not only our window.
  app.on('web-contents-created', (_event, contents: WebContents) => {
    installNavigationGuards(contents as unknown as WebContentsNavLike, APP_ORIGIN, (m, u) => log.warn(m, u));
  });

  app.on('before-quit', (event) => {
    quitting = true;
    if (coreClosed || !kiosk) return;
    event.preventDefault();
    void shutdown().finally(() => app.quit());
  });

  app.on('window-all-closed', () => app.quit());

  app.whenReady().then(start).catch(fatal);
}
