// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Fail, installBridge, resetStores } from './harness.js';
import { LoginScreen } from '../../src-renderer/screens/LoginScreen.js';
import { useConnectivity } from '../../src-renderer/stores/connectivity.js';
import { useSession } from '../../src-renderer/stores/session.js';
import { useLanguage } from '../../src-renderer/stores/language.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('./fake-scanners.js')).module);

const operator = { id: 'op-1', username: 'cashier', name: 'Cashier One', role: 'CASHIER' as const };

beforeEach(resetStores);
afterEach(cleanup);

function typePin(pin: string) {
  for (const d of pin) fireEvent.click(screen.getByRole('button', { name: d }));
}

describe('Login screen', () => {
  it('touch login: tap a name tile, then the PIN pad; "Not you?" goes back; no typing', async () => {
    const bridge = installBridge({
      'auth.tiles': () => ({ operators: [{ username: 'cashier', name: 'Cashier One' }, { username: 'attendant', name: 'Asha' }] }),
      'auth.login': () => ({ token: 'tok', operator, expiresAt: '2030-01-01T00:00:00Z' }),
    });
    render(<LoginScreen />);
    fireEvent.click(await screen.findByTestId('tile-attendant'));
    expect(screen.queryByLabelText('Username')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Not you?' }));
    fireEvent.click(await screen.findByTestId('tile-cashier'));
    expect(screen.getByTestId('login-picked').textContent).toContain('Cashier One');
    typePin('2468');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(useSession.getState().operator).toEqual(operator));
    expect(bridge.callsOf('auth.login')).toEqual([{ username: 'cashier', pin: '2468' }]);
  });

  it('"Someone else" opens the username field', async () => {
    installBridge({ 'auth.tiles': () => ({ operators: [{ username: 'cashier', name: 'Cashier One' }] }) });
    render(<LoginScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Someone else (type a username)' }));
    expect(screen.getByLabelText('Username')).toBeTruthy();
  });

  it('has labelled username and PIN fields and a PIN pad that fills the PIN', () => {
    installBridge({});
    render(<LoginScreen />);
    expect(screen.getByLabelText('Username')).toBeTruthy();
    const pin = screen.getByLabelText('PIN') as HTMLInputElement;
    expect(pin.type).toBe('password');
    typePin('2468');
    expect(pin.value).toBe('2468');
    fireEvent.click(screen.getByRole('button', { name: 'Delete last digit' }));
    expect(pin.value).toBe('246');
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(pin.value).toBe('');
  });

  it('logs in with username + PIN and stores the operator', async () => {
    const bridge = installBridge({ 'auth.login': () => ({ token: 'tok', operator, expiresAt: '2030-01-01T00:00:00Z' }) });
    render(<LoginScreen />);
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'cashier' } });
    typePin('2468');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(useSession.getState().operator).toEqual(operator));
    expect(bridge.callsOf('auth.login')).toEqual([{ username: 'cashier', pin: '2468' }]);
    expect(useSession.getState().token).toBe('tok');
  });

  it('a wrong PIN shows a clear message and clears the PIN', async () => {
    installBridge({ 'auth.login': () => new Fail('UNAUTHENTICATED', 'Wrong username or PIN') });
    render(<LoginScreen />);
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'cashier' } });
    typePin('1111');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect((await screen.findByTestId('login-error')).textContent).toContain('Wrong username or PIN');
    expect((screen.getByLabelText('PIN') as HTMLInputElement).value).toBe('');
  });

  it('a locked account shows the lockout message with the time', async () => {
    installBridge({
      'auth.login': () => {
        throw Object.assign(new Fail('RATE_LIMITED', 'Locked after 5 wrong PINs'));
      },
    });
    render(<LoginScreen />);
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'cashier' } });
    typePin('1111');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    const box = await screen.findByTestId('login-error');
    expect(box.textContent).toContain('Account locked');
    expect(box.textContent).toContain('Locked after 5 wrong PINs');
  });

  it('first run: creates the administrator through auth.setup after confirming the PIN', async () => {
    useConnectivity.setState({ needsSetup: true });
    const bridge = installBridge({
      'auth.setup': () => ({ token: 'tok', operator: { ...operator, role: 'ADMIN', name: 'Asha Rao' }, expiresAt: '2030-01-01T00:00:00Z' }),
      'system.health': () => ({ version: '1', db: 'ok', online: false, pendingEvents: 0, lastSyncAt: null, kioskId: 'k', now: new Date().toISOString(), needsSetup: false }),
    });
    render(<LoginScreen />);
    expect(screen.getByRole('heading', { name: 'First-run setup' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Full name'), { target: { value: 'Asha Rao' } });
    typePin('135790');
    fireEvent.click(screen.getByRole('button', { name: 'Create administrator' }));
    expect(await screen.findByLabelText('Confirm PIN')).toBeTruthy();
    typePin('135790');
    fireEvent.click(screen.getByRole('button', { name: 'Create administrator' }));
    await waitFor(() => expect(useSession.getState().operator?.role).toBe('ADMIN'));
    expect(bridge.callsOf('auth.setup')).toEqual([{ username: 'admin', name: 'Asha Rao', pin: '135790' }]);
  });

  it('first run: mismatching PINs are refused', async () => {
    useConnectivity.setState({ needsSetup: true });
    const bridge = installBridge({});
    render(<LoginScreen />);
    fireEvent.change(screen.getByLabelText('Full name'), { target: { value: 'Asha' } });
    typePin('1234');
    fireEvent.click(screen.getByRole('button', { name: 'Create administrator' }));
    await screen.findByLabelText('Confirm PIN');
    typePin('4321');
    fireEvent.click(screen.getByRole('button', { name: 'Create administrator' }));
    expect((await screen.findByRole('alert')).textContent).toContain('do not match');
    expect(bridge.callsOf('auth.setup')).toEqual([]);
  });

  it('switches to Hindi', () => {
    installBridge({});
    useLanguage.setState({ lang: 'hi' });
    render(<LoginScreen />);
    expect(screen.getByRole('heading', { name: 'ऑपरेटर लॉगिन' })).toBeTruthy();
    expect(screen.getByLabelText('पिन')).toBeTruthy();
  });
});
