/**
 * Update gating: install only when idle (no session mid-payment, no recent
 * input), never while a cash shift is open without the supervisor's consent, and wait when the
 * kiosk's state is unknown. Plus the electron-updater wiring and the activity tracker.
 */
import { describe, expect, it, vi } from 'vitest';
import { decideUpdateInstall, DEFAULT_IDLE_MS, type UpdateGateState } from '../../src-main/electron/update-policy.js';
import { isAcceptableFeedUrl, setupAutoUpdates } from '../../src-main/electron/updater.js';
import { ActivityTracker } from '../../src-main/electron/activity.js';

const NOW = 1_750_000_000_000;
const idle: UpdateGateState = {
  updateDownloaded: true,
  sessionsMidPayment: 0,
  openCashShifts: 0,
  supervisorConsent: false,
  lastActivityAt: NOW - DEFAULT_IDLE_MS,
  now: NOW,
};

describe('decideUpdateInstall', () => {
  it('installs when an update is ready and the gate is idle', () => {
    expect(decideUpdateInstall(idle)).toEqual({ action: 'install-now', reason: 'IDLE' });
    expect(decideUpdateInstall({ ...idle, lastActivityAt: null }).action).toBe('install-now');
  });

  it('waits without a downloaded update', () => {
    expect(decideUpdateInstall({ ...idle, updateDownloaded: false })).toMatchObject({ action: 'wait', reason: 'NO_UPDATE' });
  });

  it('never installs mid-payment, whatever else is true', () => {
    for (const consent of [false, true]) {
      expect(decideUpdateInstall({ ...idle, sessionsMidPayment: 1, supervisorConsent: consent, lastActivityAt: null })).toMatchObject({
        action: 'wait',
        reason: 'PAYMENT_IN_PROGRESS',
      });
    }
  });

  it('waits for the idle period after the last input (boundary inclusive)', () => {
    const d = decideUpdateInstall({ ...idle, lastActivityAt: NOW - DEFAULT_IDLE_MS + 1 });
    expect(d).toMatchObject({ action: 'wait', reason: 'RECENT_ACTIVITY' });
    expect(d.action === 'wait' && d.retryInMs).toBe(1_000);
    expect(decideUpdateInstall({ ...idle, lastActivityAt: NOW - 60_000 })).toMatchObject({ retryInMs: DEFAULT_IDLE_MS - 60_000 });
    expect(decideUpdateInstall({ ...idle, lastActivityAt: NOW - 60_000 }, { idleMs: 60_000 }).action).toBe('install-now');
  });

  it('does not install while a cash shift is open unless a supervisor consented', () => {
    expect(decideUpdateInstall({ ...idle, openCashShifts: 1 })).toMatchObject({ action: 'wait', reason: 'SHIFT_OPEN' });
    expect(decideUpdateInstall({ ...idle, openCashShifts: 2, supervisorConsent: true })).toEqual({
      action: 'install-now',
      reason: 'IDLE_WITH_SUPERVISOR_CONSENT',
    });
    // Consent does not skip the idle requirement.
    expect(decideUpdateInstall({ ...idle, openCashShifts: 1, supervisorConsent: true, lastActivityAt: NOW })).toMatchObject({
      action: 'wait',
      reason: 'RECENT_ACTIVITY',
    });
  });

  it('waits when the kiosk state is unknown', () => {
    expect(decideUpdateInstall({ ...idle, openCashShifts: null })).toMatchObject({ action: 'wait', reason: 'STATE_UNKNOWN' });
    expect(decideUpdateInstall({ ...idle, sessionsMidPayment: null })).toMatchObject({ action: 'wait', reason: 'STATE_UNKNOWN' });
  });
});

describe('electron-updater wiring', () => {
  function fakeUpdater() {
    const handlers = new Map<string, (...a: any[]) => void>();
    return {
      handlers,
      autoDownload: false,
      autoInstallOnAppQuit: true,
      allowDowngrade: true,
      allowPrerelease: true,
      setFeedURL: vi.fn(),
      checkForUpdates: vi.fn(async () => null),
      quitAndInstall: vi.fn(),
      on: vi.fn((ev: string, l: (...a: any[]) => void) => handlers.set(ev, l)),
    };
  }

  it('uses the generic provider from settings, downloads in the background, never installs on quit', () => {
    const u = fakeUpdater();
    const handle = setupAutoUpdates({
      autoUpdater: u,
      feedUrl: 'https://updates.example.in/parkgate/',
      channel: 'stable',
      getActivity: async () => ({ sessionsMidPayment: 0, openCashShifts: 0, supervisorConsent: false, lastActivityAt: null }),
      setTimer: () => null,
    });
    expect(u.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.example.in/parkgate/', channel: 'stable' });
    expect(u.autoDownload).toBe(true);
    expect(u.autoInstallOnAppQuit).toBe(false);
    expect(u.allowDowngrade).toBe(false);
    handle.stop();
  });

  it('rejects a plain-http feed except on loopback', () => {
    expect(isAcceptableFeedUrl('http://updates.example.in/')).toBe(false);
    expect(isAcceptableFeedUrl('http://127.0.0.1:9000/')).toBe(true);
    expect(() =>
      setupAutoUpdates({ autoUpdater: fakeUpdater(), feedUrl: 'http://evil.example/', getActivity: async () => ({}) as any }),
    ).toThrow(/https/);
  });

  it('installs a downloaded update only when the policy allows, re-checking later otherwise', async () => {
    const u = fakeUpdater();
    let activity = { sessionsMidPayment: 1, openCashShifts: 0, supervisorConsent: false, lastActivityAt: null as number | null };
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const beforeInstall = vi.fn(async () => {});
    const handle = setupAutoUpdates({
      autoUpdater: u,
      feedUrl: 'https://updates.example.in/',
      getActivity: async () => activity,
      beforeInstall,
      now: () => NOW,
      setTimer: (fn, ms) => timers.push({ fn, ms }),
      clearTimer: () => {},
    });
    u.handlers.get('update-downloaded')!({ version: '0.2.0' });
    await vi.waitFor(() => expect(timers.some((t) => t.ms === 60_000)).toBe(true));
    expect(u.quitAndInstall).not.toHaveBeenCalled();
    expect(handle.downloadedVersion).toBe('0.2.0');

    activity = { ...activity, sessionsMidPayment: 0, openCashShifts: 1 };
    expect(await handle.evaluate()).toMatchObject({ action: 'wait', reason: 'SHIFT_OPEN' });
    expect(u.quitAndInstall).not.toHaveBeenCalled();

    activity = { ...activity, openCashShifts: 0 };
    expect(await handle.evaluate()).toMatchObject({ action: 'install-now' });
    expect(beforeInstall).toHaveBeenCalled();
    expect(u.quitAndInstall).toHaveBeenCalledWith(true, true);
  });

  it('a failing activity probe means wait, and a failing check is only logged', async () => {
    const u = fakeUpdater();
    u.checkForUpdates.mockRejectedValueOnce(new Error('getaddrinfo ENOTFOUND'));
    const warn = vi.fn();
    const handle = setupAutoUpdates({
      autoUpdater: u,
      feedUrl: 'https://updates.example.in/',
      getActivity: async () => {
        throw new Error('db closed');
      },
      log: { info: () => {}, warn, error: () => {} },
      setTimer: () => null,
    });
    await handle.check();
    expect(warn).toHaveBeenCalledWith('update: check failed', 'getaddrinfo ENOTFOUND');
    u.handlers.get('update-downloaded')!({ version: '0.2.0' });
    expect(await handle.evaluate()).toMatchObject({ action: 'wait', reason: 'STATE_UNKNOWN' });
    expect(u.quitAndInstall).not.toHaveBeenCalled();
  });
});

describe('ActivityTracker', () => {
  it('folds payment state from core events and knows shifts only when the core tells it', async () => {
    let now = NOW;
    const t = new ActivityTracker({}, { now: () => now });
    t.onEvent({ type: 'session.changed', sessionId: 's1', status: 'EXITING' });
    t.onEvent({ type: 'payment.changed', paymentId: 'p1', sessionId: 's2', status: 'PENDING' });
    expect(t.eventMidPayment()).toBe(2);
    t.onEvent({ type: 'session.changed', sessionId: 's1', status: 'COMPLETED' });
    t.onEvent({ type: 'payment.changed', paymentId: 'p1', sessionId: 's2', status: 'EXPIRED' });
    expect(t.eventMidPayment()).toBe(0);
    // An abandoned quote stops blocking after the stale period.
    t.onEvent({ type: 'session.changed', sessionId: 's3', status: 'EXITING' });
    now += 31 * 60_000;
    expect(t.eventMidPayment()).toBe(0);
    t.markActivity();
    expect(await t.snapshot()).toEqual({ sessionsMidPayment: 0, openCashShifts: null, supervisorConsent: false, lastActivityAt: now });

    const withCore = new ActivityTracker(
      { activity: async () => ({ sessionsMidPayment: 0, openCashShifts: 1 }) },
      { now: () => now, supervisorConsent: () => true },
    );
    expect(await withCore.snapshot()).toMatchObject({ sessionsMidPayment: 0, openCashShifts: 1, supervisorConsent: true });
  });
});
