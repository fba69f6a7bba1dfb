/**
 * electron-updater wiring: generic provider URL from settings, background
 * download, install only when `decideUpdateInstall` says so. `autoInstallOnAppQuit` is off: a
 * restart by the supervisor (systemd / scheduled task) must not install behind the policy's back.
 *
 * The updater object is a parameter (electron-updater's `autoUpdater` in production, a fake in
 * tests). Database migrations run when the new version starts (the core takes a backup first).
 */
import { decideUpdateInstall, type UpdateDecision, type UpdateGateState } from './update-policy.js';

export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  setFeedURL(options: { provider: 'generic'; url: string; channel?: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export interface UpdaterLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export type KioskActivitySnapshot = Omit<UpdateGateState, 'updateDownloaded' | 'now'>;

export interface UpdaterOptions {
  autoUpdater: AutoUpdaterLike;
  /** Generic provider base URL (where latest.yml / latest-linux.yml and the installers live). */
  feedUrl: string;
  channel?: string;
  getActivity: () => Promise<KioskActivitySnapshot>;
  /** Runs before quitAndInstall (close the core so the database is checkpointed). */
  beforeInstall?: () => Promise<void>;
  log?: UpdaterLogger;
  idleMs?: number;
  checkEveryMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => { unref?(): void } | unknown;
  clearTimer?: (t: unknown) => void;
}

export interface UpdaterHandle {
  /** Asks the policy now; installs if it says so. Returns the decision. */
  evaluate(): Promise<UpdateDecision>;
  check(): Promise<void>;
  stop(): void;
  readonly downloadedVersion: string | null;
}

/** Accepts https URLs, and http only for loopback (a local update mirror during testing). */
export function isAcceptableFeedUrl(url: string): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === 'https:') return true;
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

export function setupAutoUpdates(opts: UpdaterOptions): UpdaterHandle {
  const log = opts.log ?? { info: () => {}, warn: () => {}, error: () => {} };
  const now = opts.now ?? Date.now;
  const setTimer = opts.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const checkEveryMs = opts.checkEveryMs ?? 6 * 60 * 60_000;
  const { autoUpdater } = opts;

  if (!isAcceptableFeedUrl(opts.feedUrl)) throw new Error(`update feed URL must be https: ${opts.feedUrl}`);

  autoUpdater.autoDownload = true; // download in the background
  autoUpdater.autoInstallOnAppQuit = false; // install only through the policy below
  autoUpdater.allowDowngrade = false;
  autoUpdater.allowPrerelease = false;
  autoUpdater.setFeedURL({ provider: 'generic', url: opts.feedUrl, ...(opts.channel ? { channel: opts.channel } : {}) });

  let downloadedVersion: string | null = null;
  let stopped = false;
  let installing = false;
  let evalTimer: unknown = null;
  let checkTimer: unknown = null;

  const schedule = (fn: () => void, ms: number): unknown => {
    const t = setTimer(fn, ms) as { unref?(): void } | undefined;
    t?.unref?.();
    return t;
  };

  async function evaluate(): Promise<UpdateDecision> {
    let activity: KioskActivitySnapshot;
    try {
      activity = await opts.getActivity();
    } catch (err) {
      log.warn('update: could not read kiosk activity', err);
      activity = { sessionsMidPayment: null, openCashShifts: null, supervisorConsent: false, lastActivityAt: null };
    }
    const decision = decideUpdateInstall(
      { ...activity, updateDownloaded: downloadedVersion !== null, now: now() },
      opts.idleMs !== undefined ? { idleMs: opts.idleMs } : {},
    );
    if (stopped || installing) return decision;
    if (decision.action === 'install-now') {
      installing = true;
      log.info('update: installing', downloadedVersion, decision.reason);
      try {
        await opts.beforeInstall?.();
      } catch (err) {
        log.error('update: beforeInstall failed; installing anyway', err);
      }
      autoUpdater.quitAndInstall(true, true);
    } else if (downloadedVersion !== null) {
      log.info('update: waiting', decision.reason);
      if (evalTimer) clearTimer(evalTimer);
      evalTimer = schedule(() => void evaluate(), decision.retryInMs);
    }
    return decision;
  }

  async function check(): Promise<void> {
    if (stopped) return;
    try {
      await autoUpdater.checkForUpdates();
    } catch (err) {
      // Offline is normal for a kiosk: log and try again at the next interval.
      log.warn('update: check failed', err instanceof Error ? err.message : err);
    }
  }

  autoUpdater.on('update-downloaded', (info) => {
    downloadedVersion = info.version;
    log.info('update: downloaded', info.version);
    void evaluate();
  });
  autoUpdater.on('error', (err) => log.warn('update: error', err?.message ?? err));

  const loop = () => {
    void check();
    checkTimer = schedule(loop, checkEveryMs);
  };
  checkTimer = schedule(loop, 30_000); // first check shortly after start, not during boot

  return {
    evaluate,
    check,
    stop() {
      stopped = true;
      if (evalTimer) clearTimer(evalTimer);
      if (checkTimer) clearTimer(checkTimer);
    },
    get downloadedVersion() {
      return downloadedVersion;
    },
  };
}
