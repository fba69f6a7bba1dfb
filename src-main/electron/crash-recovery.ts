/**
 * Renderer crash -> reload. The renderer keeps its screen state in
 * sessionStorage and the core (and main keeps the operator's token), so a reload brings the
 * attendant back where they were. Crash loops are slowed down: after `burst` crashes within
 * `windowMs`, reloads wait `backoffMs`. A renderer that stays unresponsive for
 * `unresponsiveMs` is killed (and then reloaded by the crash path).
 */

export interface CrashRecoveryWebContents {
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string; exitCode: number }) => void): unknown;
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown;
  on(
    event: 'did-fail-load',
    listener: (event: unknown, errorCode: number, errorDescription: string, validatedURL: string, isMainFrame: boolean) => void,
  ): unknown;
  isDestroyed(): boolean;
  reload(): void;
  forcefullyCrashRenderer(): void;
}

export interface CrashRecoveryOptions {
  /** Loads the app page again (main.ts: `win.loadURL(APP_START_URL)`). */
  load: () => void;
  log?: { warn(...a: unknown[]): void; error(...a: unknown[]): void };
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
  burst?: number;
  windowMs?: number;
  reloadDelayMs?: number;
  backoffMs?: number;
  unresponsiveMs?: number;
}

export function installCrashRecovery(wc: CrashRecoveryWebContents, opts: CrashRecoveryOptions): { crashes(): number } {
  const now = opts.now ?? Date.now;
  const setTimer = opts.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const burst = opts.burst ?? 3;
  const windowMs = opts.windowMs ?? 60_000;
  const reloadDelayMs = opts.reloadDelayMs ?? 500;
  const backoffMs = opts.backoffMs ?? 15_000;
  const unresponsiveMs = opts.unresponsiveMs ?? 30_000;
  let recent: number[] = [];
  let total = 0;
  let hangTimer: unknown = null;

  const reloadSoon = (why: string) => {
    const t = now();
    recent = recent.filter((x) => t - x < windowMs);
    recent.push(t);
    total += 1;
    const delay = recent.length > burst ? backoffMs : reloadDelayMs;
    opts.log?.warn(`renderer: ${why}; reloading in ${delay} ms`);
    setTimer(() => {
      if (!wc.isDestroyed()) opts.load();
    }, delay);
  };

  wc.on('render-process-gone', (_e, details) => {
    if (details.reason === 'clean-exit') return;
    reloadSoon(`process gone (${details.reason}, exit ${details.exitCode})`);
  });
  wc.on('did-fail-load', (_e, code, desc, url, isMainFrame) => {
    if (!isMainFrame || code === -3 /* ERR_ABORTED: superseded navigation */) return;
    reloadSoon(`load failed ${code} ${desc} ${url}`);
  });
  wc.on('unresponsive', () => {
    opts.log?.warn('renderer: unresponsive');
    if (hangTimer) clearTimer(hangTimer);
    hangTimer = setTimer(() => {
      hangTimer = null;
      if (!wc.isDestroyed()) {
        opts.log?.error('renderer: still unresponsive; killing it');
        wc.forcefullyCrashRenderer();
      }
    }, unresponsiveMs);
  });
  wc.on('responsive', () => {
    if (hangTimer) clearTimer(hangTimer);
    hangTimer = null;
  });
  return { crashes: () => total };
}
