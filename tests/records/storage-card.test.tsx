// @vitest-environment jsdom
/** The Supervisor screen's storage card: figures from system.health and the low-space alert at its boundary. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SupervisorScreen } from '../../src-renderer/screens/SupervisorScreen.js';
import type { StorageHealth } from '../../src-shared/contracts/entities.js';
import { installBridge, loginAs, resetStores, zoneA } from '../renderer/harness.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('../renderer/fake-scanners.js')).module);

beforeEach(() => {
  resetStores();
  loginAs('SUPERVISOR');
});
afterEach(cleanup);

const storage = (free: number, limit: number): StorageHealth => ({
  databaseBytes: 5 * 1024 * 1024, freePagesBytes: 0, archiveBytes: 300 * 1024, freeBytes: free, lowSpace: free < limit, alertBelowBytes: limit,
  oldestSessionAt: '2026-01-05T08:00:00.000Z', oldestAuditAt: '2026-11-20T08:00:00.000Z', oldestOutboxAt: null, autoVacuum: 'incremental',
});

function show(s: StorageHealth) {
  installBridge({
    'zones.list': () => [zoneA], 'slots.list': () => [],
    'system.health': () => ({ version: 'x', db: 'ok', online: true, pendingEvents: 0, lastSyncAt: null, kioskId: 'k', now: new Date().toISOString(), needsSetup: false, storage: s }),
  });
  render(<SupervisorScreen />);
  fireEvent.click(screen.getByRole('tab', { name: 'Integrity' }));
}

describe('Supervisor storage card', () => {
  it('shows database, archive and free space; no alert at exactly the threshold', async () => {
    show(storage(1024 ** 3, 1024 ** 3));
    const card = await screen.findByTestId('storage-card');
    expect(card.textContent).toContain('5.0 MB');
    expect(card.textContent).toContain('300 KB');
    expect(card.textContent).toContain('1.0 GB');
    expect(screen.queryByTestId('storage-low')).toBeNull();
  });

  it('alerts one byte below the threshold', async () => {
    show(storage(1024 ** 3 - 1, 1024 ** 3));
    expect((await screen.findByTestId('storage-low')).getAttribute('role')).toBe('alert');
  });
});
