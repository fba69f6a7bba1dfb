// @vitest-environment jsdom
/** The lockout on screen: "N tries left" (en + hi), the lock, and a supervisor's Unlock with a reason. */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Fail, installBridge, loginAs, resetStores } from './harness.js';
import { LoginScreen } from '../../src-renderer/screens/LoginScreen.js';
import { OperatorsScreen } from '../../src-renderer/screens/OperatorsScreen.js';
import { useLanguage } from '../../src-renderer/stores/language.js';
import { screensFor } from '../../src-renderer/stores/ui.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('./fake-scanners.js')).module);

beforeEach(resetStores);
afterEach(cleanup);

async function failLogin(details: unknown): Promise<HTMLElement> {
  installBridge({ 'auth.login': () => new Fail('UNAUTHENTICATED', 'Wrong username or PIN.', details) });
  render(<LoginScreen />);
  fireEvent.change(screen.getByLabelText(useLanguage.getState().lang === 'hi' ? 'यूज़रनेम' : 'Username'), { target: { value: 'cashier' } });
  for (const d of '1111') fireEvent.click(screen.getByRole('button', { name: d }));
  fireEvent.click(screen.getByRole('button', { name: useLanguage.getState().lang === 'hi' ? 'लॉग इन करें' : 'Log in' }));
  return screen.findByTestId('login-error');
}

describe('Login: tries left and locks', () => {
  it('says "2 tries left" after a wrong PIN', async () => {
    const box = await failLogin({ triesLeft: 2 });
    expect(box.textContent).toContain('Wrong username or PIN');
    expect(screen.getByTestId('login-tries-left').textContent).toBe('2 tries left before the account locks.');
  });

  it('says "1 try left" in the singular', async () => {
    await failLogin({ triesLeft: 1 });
    expect(screen.getByTestId('login-tries-left').textContent).toBe('1 try left before the account locks.');
  });

  it('in Hindi too', async () => {
    useLanguage.setState({ lang: 'hi' });
    await failLogin({ triesLeft: 2 });
    expect(screen.getByTestId('login-tries-left').textContent).toBe('खाता लॉक होने से पहले 2 कोशिशें बाकी हैं।');
  });

  it('a timed lock shows its end; a lock for a supervisor says to ask one', async () => {
    const box = await failLogin({ triesLeft: 0, lockedUntil: '2026-05-01T10:05:00.000Z' });
    expect(box.textContent).toContain('Account locked');
    expect(box.textContent).toContain('Try again after');
    expect(screen.queryByTestId('login-tries-left')).toBeNull();
    cleanup();
    const box2 = await failLogin({ triesLeft: 0, supervisorUnlock: true });
    expect(box2.textContent).toContain('Ask a supervisor to unlock the account.');
  });
});

describe('Operators screen for a supervisor', () => {
  const ops = [
    { id: 'o1', username: 'attendant', name: 'Gate Attendant', role: 'ATTENDANT' as const, isActive: true, locked: true, needsUnlock: true, lockedUntil: null, failedAttempts: 0 },
    { id: 'o2', username: 'boss', name: 'The Boss', role: 'ADMIN' as const, isActive: true, locked: true, needsUnlock: false, lockedUntil: '2026-05-01T10:05:00.000Z', failedAttempts: 0 },
    { id: 'o3', username: 'cashier', name: 'Cashier', role: 'CASHIER' as const, isActive: true, locked: false, needsUnlock: false, lockedUntil: null, failedAttempts: 2 },
  ];

  it('is reachable by a supervisor', () => {
    expect(screensFor('SUPERVISOR')).toContain('operators');
    expect(screensFor('CASHIER')).not.toContain('operators');
  });

  it('shows each lock and unlocks an attendant with a reason; no Unlock for an admin, no account editing', async () => {
    loginAs('SUPERVISOR');
    const bridge = installBridge({
      'operators.list': () => ops,
      'operators.unlock': (i) => ({ ...ops[0]!, locked: false, needsUnlock: false, ...i }),
    });
    render(<OperatorsScreen />);
    const table = await screen.findByTestId('operators-table');
    await within(table).findByText('Gate Attendant');
    expect(screen.getByTestId('lock-attendant').textContent).toBe('Locked: needs a supervisor');
    expect(screen.getByTestId('lock-boss').textContent).toContain('Locked until');
    expect(screen.getByTestId('lock-cashier').textContent).toBe('2 wrong PINs');
    expect(screen.queryByRole('heading', { name: 'Add operator' })).toBeNull();
    expect(screen.queryByLabelText('Role of Gate Attendant')).toBeNull();
    expect(within(table).getAllByRole('button', { name: 'Unlock' })).toHaveLength(1); // not the admin's row

    fireEvent.click(within(table).getByRole('button', { name: 'Unlock' }));
    const reason = screen.getByLabelText('Why unlock Gate Attendant? (recorded)');
    const submit = screen.getAllByRole('button', { name: 'Unlock' }).find((b) => b.getAttribute('type') === 'submit')!;
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(reason, { target: { value: 'ID checked' } });
    fireEvent.click(submit);
    await waitFor(() => expect(bridge.callsOf('operators.unlock')).toEqual([{ operatorId: 'o1', reason: 'ID checked' }]));
    expect(await screen.findByText('Gate Attendant unlocked')).toBeTruthy();
  });
});
