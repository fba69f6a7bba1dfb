// @vitest-environment jsdom
/**
 * A kiosk the central server refuses for its sync protocol version says so in the header, in the
 * operator's language (system.health `syncProblem`, src-shared/contracts/sync.ts).
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src-renderer/App.js';
import { useLanguage } from '../../src-renderer/stores/language.js';
import { installBridge, loginAs, resetStores, zoneA } from './harness.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('./fake-scanners.js')).module);

const health = (syncProblem: string | null) => ({
  version: '0.1.0', db: 'ok', online: false, pendingEvents: 3, lastSyncAt: null, kioskId: 'k1', now: new Date().toISOString(), needsSetup: false, syncProblem,
});
const handlers = (syncProblem: string | null) => ({
  'system.health': () => health(syncProblem),
  'auth.me': () => ({ id: 'op', username: 'x', name: 'x', role: 'ATTENDANT' }),
  'zones.list': () => [zoneA],
  'sessions.list': () => ({ items: [], nextCursor: null }),
});

beforeEach(resetStores);
afterEach(cleanup);

describe('sync protocol problem in the header', () => {
  it('a kiosk too old for the server: tells the attendant to update this kiosk (English and Hindi)', async () => {
    installBridge(handlers('KIOSK_TOO_OLD'));
    loginAs('ATTENDANT');
    render(<App />);
    const notice = await screen.findByTestId('sync-problem');
    expect(notice.getAttribute('role')).toBe('alert');
    expect(notice.textContent).toBe('Sync stopped: this kiosk is too old for the central server. Update this kiosk.');
    useLanguage.setState({ lang: 'hi' });
    await waitFor(() => expect(screen.getByTestId('sync-problem').textContent).toContain('इस कियोस्क को अपडेट करें'));
  });

  it('a server older than the kiosk: tells them to update the central server', async () => {
    installBridge(handlers('SERVER_TOO_OLD'));
    loginAs('ATTENDANT');
    render(<App />);
    expect((await screen.findByTestId('sync-problem')).textContent).toContain('Update the central server.');
  });

  it('no problem: no notice', async () => {
    installBridge(handlers(null));
    loginAs('ATTENDANT');
    render(<App />);
    await screen.findByTestId('connectivity');
    await waitFor(() => expect(screen.getByTestId('connectivity').dataset.state).toBe('offline'));
    expect(screen.queryByTestId('sync-problem')).toBeNull();
  });
});
