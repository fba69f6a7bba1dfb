// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Fail, installBridge, resetStores, scanners } from './harness.js';
import { App } from '../../src-renderer/App.js';
import { LoginScreen } from '../../src-renderer/screens/LoginScreen.js';
import { useSetupWizard } from '../../src-renderer/screens/SetupWizard.js';
import { useConnectivity } from '../../src-renderer/stores/connectivity.js';
import { useSession } from '../../src-renderer/stores/session.js';
import { useLanguage } from '../../src-renderer/stores/language.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('./fake-scanners.js')).module);

const admin = { id: 'op-1', username: 'admin', name: 'Asha Rao', role: 'ADMIN' as const };
const baseSettings = { facilityName: 'ParkGate', timeZone: 'Asia/Kolkata', shiftTolerancePaise: 5000, serverUrl: null, kioskId: null, kioskSecretSaved: false };

function health(needsSetup: boolean) {
  return { version: '1', db: 'ok', online: false, pendingEvents: 0, lastSyncAt: null, kioskId: 'k', now: new Date().toISOString(), needsSetup };
}

function fakeCore() {
  let settings = { ...baseSettings };
  let hasAdmin = false;
  const zones: Record<string, unknown>[] = [];
  return installBridge({
    'zones.list': () => zones,
    'zones.create': (i) => {
      const zone = { id: `z-${zones.length + 1}`, name: i.name, hourlyRatePaise: i.hourlyRatePaise, isActive: true, tariff: { graceMinutes: 5, dailyCapPaise: null, exitGraceMinutes: 15, ...(i.tariff as object) }, totalSlots: 0, availableSlots: 0 };
      zones.push(zone);
      return zone;
    },
    'slots.create': (i) => {
      const z = zones.find((x) => x.id === i.zoneId)!;
      z.totalSlots = (i.slotNumbers as string[]).length;
      return [];
    },
    'system.health': () => health(!hasAdmin),
    'auth.setup': () => {
      hasAdmin = true;
      return { token: 'tok', operator: admin, expiresAt: '2030-01-01T00:00:00Z' };
    },
    'auth.me': () => admin,
    'settings.get': () => settings,
    'settings.update': (i) => {
      if (i.timeZone === 'Mars/Olympus') return new Fail('VALIDATION_FAILED', 'Unknown time zone');
      const { kioskSecret, ...rest } = i;
      settings = { ...settings, ...rest, kioskSecretSaved: settings.kioskSecretSaved || Boolean(kioskSecret) } as typeof settings;
      return settings;
    },
  });
}

function typePin(pin: string) {
  const pad = screen.getByRole('group', { name: 'PIN pad' });
  for (const d of pin) fireEvent.click(Array.from(pad.querySelectorAll('button')).find((b) => b.textContent === d)!);
}

async function createAdmin() {
  fireEvent.change(screen.getByLabelText('Full name'), { target: { value: 'Asha Rao' } });
  typePin('135790');
  fireEvent.click(screen.getByRole('button', { name: 'Create administrator' }));
  await screen.findByLabelText('Confirm PIN');
  typePin('135790');
  fireEvent.click(screen.getByRole('button', { name: 'Create administrator' }));
  await screen.findByRole('heading', { name: 'Facility name and time zone' });
}

/** The zones step: one zone with its rate and lost-ticket fee, then on. */
async function addZone() {
  await screen.findByRole('heading', { name: 'Zones and rates' });
  expect((screen.getByRole('button', { name: 'Save and continue' }) as HTMLButtonElement).disabled).toBe(true);
  fireEvent.change(screen.getByLabelText('Hourly rate (₹)'), { target: { value: '40' } });
  fireEvent.click(screen.getByRole('button', { name: 'Add zone' }));
  expect((await screen.findByRole('alert')).textContent).toContain('lost-ticket fee');
  fireEvent.change(screen.getByLabelText('Lost-ticket fee (₹)'), { target: { value: '200' } });
  fireEvent.click(screen.getByRole('button', { name: 'Add zone' }));
  expect((await screen.findByTestId('setup-zones-list')).textContent).toContain('Zone A: 10 slots, ₹40.00 per hour, lost ticket ₹200.00');
  fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
}

beforeEach(() => {
  resetStores();
  useSetupWizard.getState().finish();
  window.print = vi.fn();
});
afterEach(cleanup);

describe('First-run setup wizard', () => {
  it('walks admin -> facility -> server -> camera -> printer, then shows the normal app', async () => {
    const bridge = fakeCore();
    useConnectivity.setState({ needsSetup: true, reachable: true });
    render(<App />);
    expect(screen.getByRole('heading', { name: 'First-run setup' })).toBeTruthy();
    expect(screen.getByTestId('setup-progress').textContent).toBe('Step 1 of 6');

    await createAdmin();
    expect(useSession.getState().operator?.role).toBe('ADMIN');
    expect(bridge.callsOf('auth.setup')).toEqual([{ username: 'admin', name: 'Asha Rao', pin: '135790' }]);
    // The admin is logged in, but the wizard stays (no navigation yet), even once health says set up.
    await act(() => useConnectivity.getState().refresh());
    expect(useConnectivity.getState().needsSetup).toBe(false);
    expect(screen.queryByRole('navigation', { name: 'Screens' })).toBeNull();
    expect(screen.getByTestId('setup-progress').textContent).toBe('Step 2 of 6');

    // (2) facility + time zone, from a list that includes Asia/Kolkata (default) and UTC
    const tz = screen.getByLabelText('Time zone') as HTMLSelectElement;
    expect(tz.value).toBe('Asia/Kolkata');
    expect(Array.from(tz.options).map((o) => o.value)).toEqual(expect.arrayContaining(['Asia/Kolkata', 'UTC']));
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Enter the facility name');
    fireEvent.change(screen.getByLabelText('Facility name'), { target: { value: 'Metro Mall' } });
    fireEvent.change(tz, { target: { value: 'UTC' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
    await addZone();
    await screen.findByRole('heading', { name: 'Central server' });
    expect(bridge.callsOf('settings.update')).toEqual([{ facilityName: 'Metro Mall', timeZone: 'UTC' }]);
    expect(bridge.callsOf('zones.create')).toEqual([{ name: 'A', hourlyRatePaise: 4000, tariff: { lostTicketFeePaise: 20000 } }]);
    expect(bridge.callsOf('slots.create')[0]!.slotNumbers).toEqual(['A-01', 'A-02', 'A-03', 'A-04', 'A-05', 'A-06', 'A-07', 'A-08', 'A-09', 'A-10']);

    // (3) server: all three needed; says it connects after restart; the secret is a password field
    expect(screen.getByTestId('setup-restart-note').textContent).toContain('connects after restart');
    expect((screen.getByLabelText('Kiosk secret') as HTMLInputElement).type).toBe('password');
    fireEvent.change(screen.getByLabelText('Server URL'), { target: { value: 'https://central.example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
    expect((await screen.findByRole('alert')).textContent).toContain('kiosk secret');
    fireEvent.change(screen.getByLabelText('Kiosk id'), { target: { value: 'kiosk-7' } });
    fireEvent.change(screen.getByLabelText('Kiosk secret'), { target: { value: 's3cret-value-123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
    await screen.findByRole('heading', { name: 'Camera and test scan' });
    expect(bridge.callsOf('settings.update')[1]).toEqual({ serverUrl: 'https://central.example.com', kioskId: 'kiosk-7', kioskSecret: 's3cret-value-123' });

    // (4) camera: the decoded text of any QR is shown
    await waitFor(() => expect(scanners.cameraOnCode).not.toBeNull());
    expect(screen.getByTestId('setup-scan-waiting')).toBeTruthy();
    act(() => scanners.cameraOnCode?.('HELLO-PARKGATE-42'));
    expect((await screen.findByTestId('setup-scan-text')).textContent).toBe('HELLO-PARKGATE-42');
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));

    // (5) printer: a test receipt with the facility name, window.print()
    await screen.findByRole('heading', { name: 'Printer test' });
    const receipt = screen.getByTestId('test-receipt');
    await waitFor(() => expect(receipt.textContent).toContain('Metro Mall'));
    expect(receipt.className).toContain('print-area');
    fireEvent.click(screen.getByRole('button', { name: 'Print test receipt' }));
    expect(window.print).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Finish setup' }));

    await screen.findByRole('navigation', { name: 'Screens' });
    expect(screen.queryByTestId('setup-wizard')).toBeNull();
    expect(useSetupWizard.getState().token).toBeNull();
  });

  it('the server, camera and printer steps can be skipped (standalone kiosk)', async () => {
    const bridge = fakeCore();
    useConnectivity.setState({ needsSetup: true, reachable: true });
    render(<App />);
    await createAdmin();
    fireEvent.change(screen.getByLabelText('Facility name'), { target: { value: 'Metro Mall' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
    await addZone();
    await screen.findByRole('heading', { name: 'Central server' });
    fireEvent.click(screen.getByRole('button', { name: 'Skip this step' }));
    await screen.findByRole('heading', { name: 'Camera and test scan' });
    expect((screen.getByRole('button', { name: 'Save and continue' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Skip this step' }));
    await screen.findByRole('heading', { name: 'Printer test' });
    fireEvent.click(screen.getByRole('button', { name: 'Skip this step' }));
    await screen.findByRole('navigation', { name: 'Screens' });
    expect(bridge.callsOf('settings.update')).toEqual([{ facilityName: 'Metro Mall', timeZone: 'Asia/Kolkata' }]);
    expect(window.print).not.toHaveBeenCalled();
  });

  it('shows the core refusing a value (e.g. an unknown time zone) and stays on the step', async () => {
    const bridge = fakeCore();
    bridge.handlers['settings.update'] = () => new Fail('VALIDATION_FAILED', 'Unknown time zone "X"');
    useConnectivity.setState({ needsSetup: true, reachable: true });
    render(<App />);
    await createAdmin();
    fireEvent.change(screen.getByLabelText('Facility name'), { target: { value: 'Metro Mall' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Unknown time zone');
    expect(screen.getByRole('heading', { name: 'Facility name and time zone' })).toBeTruthy();
  });

  it('the server URL field takes several URLs (failover order), says so, and shows which URL the core refused', async () => {
    const bridge = fakeCore();
    const core = bridge.handlers['settings.update']!;
    bridge.handlers['settings.update'] = (i) => {
      if (typeof i.serverUrl === 'string' && i.serverUrl.includes('pg2.example.com') && !i.serverUrl.includes('https://pg2')) {
        return new Fail('VALIDATION_FAILED', 'Server URL 2 (pg2.example.com) is not an address', { reason: 'BAD_SERVER_URL', problem: 'NOT_A_URL', entry: 'pg2.example.com', position: 2 },
          'serverUrl.NOT_A_URL', { entry: 'pg2.example.com', position: 2, max: 8 });
      }
      return core(i);
    };
    useConnectivity.setState({ needsSetup: true, reachable: true });
    render(<App />);
    await createAdmin();
    fireEvent.change(screen.getByLabelText('Facility name'), { target: { value: 'Metro Mall' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
    await addZone();
    await screen.findByRole('heading', { name: 'Central server' });
    const field = screen.getByLabelText('Server URL') as HTMLInputElement;
    expect(field.type).toBe('text'); // a type="url" field would refuse a list
    expect(screen.getByText(/several separated by commas, in the order to try them/)).toBeTruthy();
    fireEvent.change(field, { target: { value: 'https://pg1.example.com, pg2.example.com' } });
    fireEvent.change(screen.getByLabelText('Kiosk id'), { target: { value: 'kiosk-7' } });
    fireEvent.change(screen.getByLabelText('Kiosk secret'), { target: { value: 's3cret-value-123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Server URL 2 (pg2.example.com) is not an address. Write it as https://parkgate.example.com');
    fireEvent.change(field, { target: { value: 'https://pg1.example.com, https://pg2.example.com' } });
    fireEvent.change(screen.getByLabelText('Kiosk secret'), { target: { value: 's3cret-value-123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
    await screen.findByRole('heading', { name: 'Camera and test scan' });
    expect(bridge.callsOf('settings.update').at(-1)).toMatchObject({ serverUrl: 'https://pg1.example.com, https://pg2.example.com' });
  });

  it('every input has a visible label, in Hindi too', async () => {
    fakeCore();
    useConnectivity.setState({ needsSetup: true, reachable: true });
    useLanguage.setState({ lang: 'hi' });
    const { container } = render(<LoginScreen />);
    const check = () => {
      for (const el of Array.from(container.querySelectorAll('input, select'))) {
        const label = container.querySelector(`label[for="${el.id}"]`);
        expect(label?.textContent?.trim(), `label for ${el.outerHTML}`).toBeTruthy();
      }
    };
    check();
    expect(screen.getByText('चरण 1 / 6')).toBeTruthy();
    act(() => useLanguage.setState({ lang: 'en' }));
    await createAdmin();
    check();
    fireEvent.change(screen.getByLabelText('Facility name'), { target: { value: 'Metro Mall' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
    await screen.findByRole('heading', { name: 'Zones and rates' });
    check();
    await addZone();
    await screen.findByRole('heading', { name: 'Central server' });
    check();
  });

  it('another session never sees a wizard left unfinished by the admin; a set-up kiosk shows the login form', () => {
    installBridge({});
    useSetupWizard.getState().begin('admin-token');
    useSession.setState({ token: 'other-token', operator: { ...admin, role: 'ATTENDANT' } });
    useConnectivity.setState({ needsSetup: false, reachable: true });
    render(<LoginScreen />);
    expect(screen.queryByTestId('setup-wizard')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Operator login' })).toBeTruthy();
  });
});
