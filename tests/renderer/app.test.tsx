// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Fail, installBridge, loginAs, resetStores, zoneA, type Handlers } from './harness.js';
import { App } from '../../src-renderer/App.js';
import { useLanguage } from '../../src-renderer/stores/language.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('./fake-scanners.js')).module);

const health = (over: object = {}) => ({
  version: '0.1.0', db: 'ok', online: true, pendingEvents: 0, lastSyncAt: null, kioskId: 'k1', now: new Date().toISOString(), needsSetup: false, ...over,
});
const handlers = (h: object = {}): Handlers => ({
  'system.health': () => health(h),
  'auth.me': () => ({ id: 'op', username: 'x', name: 'x', role: 'ATTENDANT' }),
  'zones.list': () => [zoneA],
  'sessions.list': () => ({ items: [], nextCursor: null }),
  'operators.list': () => [],
  'slots.list': () => [],
});

beforeEach(resetStores);
afterEach(cleanup);

const tabs = () => screen.getAllByRole('button').filter((b) => b.className.includes('nav-tab')).map((b) => b.textContent);

describe('App shell', () => {
  it('shows the login screen when nobody is logged in', async () => {
    installBridge(handlers());
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Operator login' })).toBeTruthy();
    expect(screen.queryByRole('navigation')).toBeNull();
  });

  it('shows first-run setup when the core says needsSetup', async () => {
    installBridge(handlers({ needsSetup: true }));
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'First-run setup' })).toBeTruthy();
  });

  it.each([
    ['ATTENDANT', ['Entry', 'Exit', 'Sessions']],
    ['CASHIER', ['Entry', 'Exit & pay', 'Sessions', 'Cash shift', 'Passes']],
    ['SUPERVISOR', ['Entry', 'Exit & pay', 'Sessions', 'Cash shift', 'Passes', 'Reports', 'Supervisor', 'Operators']],
    ['ADMIN', ['Entry', 'Exit & pay', 'Sessions', 'Cash shift', 'Passes', 'Reports', 'Supervisor', 'Operators', 'Lane devices']],
  ] as const)('%s sees exactly its screens', async (role, expected) => {
    installBridge(handlers());
    loginAs(role);
    render(<App />);
    await screen.findByRole('navigation', { name: 'Screens' });
    expect(tabs()).toEqual(expected);
  });

  it('header: operator, role, connectivity with pending count, clock', async () => {
    installBridge(handlers({ online: true, pendingEvents: 4 }));
    loginAs('CASHIER', 'Ravi Kumar');
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('connectivity').dataset.state).toBe('syncing'));
    expect(screen.getByTestId('connectivity').textContent).toContain('4 pending');
    expect(screen.getByTestId('operator').textContent).toContain('Ravi Kumar');
    expect(screen.getByTestId('role').textContent).toBe('Cashier');
    expect(screen.getByTestId('clock').textContent).toMatch(/^\d\d:\d\d:\d\d$/);
  });

  it('shows offline when the kiosk has no link, and online after a health event', async () => {
    const bridge = installBridge(handlers({ online: false }));
    loginAs('ATTENDANT');
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('connectivity').dataset.state).toBe('offline'));
    act(() => bridge.emit({ type: 'health', online: true, pendingEvents: 0, lastSyncAt: null }));
    await waitFor(() => expect(screen.getByTestId('connectivity').dataset.state).toBe('online'));
  });

  it('navigates between screens and switches language', async () => {
    installBridge(handlers());
    loginAs('ADMIN');
    render(<App />);
    fireEvent.click(await screen.findByTestId('nav-sessions'));
    expect(await screen.findByRole('heading', { name: 'Sessions' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Switch language to Hindi/ }));
    expect(useLanguage.getState().lang).toBe('hi');
    expect(await screen.findByRole('heading', { name: 'सत्र' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('hi');
  });

  it('logs out when the core answers UNAUTHENTICATED', async () => {
    installBridge({ ...handlers(), 'auth.me': () => new Fail('UNAUTHENTICATED') });
    loginAs('ATTENDANT');
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Operator login' })).toBeTruthy();
  });
});
