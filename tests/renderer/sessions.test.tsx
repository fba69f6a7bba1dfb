// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installBridge, loginAs, resetStores, session, zoneA, zoneB } from './harness.js';
import { SessionsScreen } from '../../src-renderer/screens/SessionsScreen.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('./fake-scanners.js')).module);

beforeEach(() => {
  resetStores();
  loginAs('ATTENDANT');
});
afterEach(cleanup);

const page1 = [session({ id: 's-1', vehicleNumber: 'KA01AA0001' }), session({ id: 's-2', vehicleNumber: 'KA01AA0002', status: 'COMPLETED', amountPaidPaise: 12000 })];
const page2 = [session({ id: 's-3', vehicleNumber: 'KA01AA0003', status: 'BOOKED' })];

describe('Sessions screen', () => {
  it('lists sessions, filters by text/status/zone and pages with the cursor', async () => {
    const bridge = installBridge({
      'zones.list': () => [zoneA, zoneB],
      'sessions.list': (i) => (i.cursor === 'c2' ? { items: page2, nextCursor: null } : { items: page1, nextCursor: 'c2' }),
    });
    render(<SessionsScreen />);
    const table = await screen.findByTestId('sessions-table');
    await within(table).findByText('KA01AA0001');
    expect(within(table).getByText('₹120.00')).toBeTruthy();
    expect(within(table).getByText('Completed')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: /Next page/ }));
    await within(table).findByText('KA01AA0003');
    expect(bridge.callsOf('sessions.list').at(-1)).toMatchObject({ cursor: 'c2' });
    expect((screen.getByRole('button', { name: /Next page/ }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: /Previous page/ }));
    await within(table).findByText('KA01AA0001');

    fireEvent.change(screen.getByLabelText('Search vehicle, ticket or slot'), { target: { value: 'KA01' } });
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'PARKED' } });
    await waitFor(() => expect(screen.getByRole('option', { name: 'B' })).toBeTruthy());
    fireEvent.change(screen.getByLabelText('Zone'), { target: { value: 'z-b' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(bridge.callsOf('sessions.list').at(-1)).toEqual({ limit: 12, q: 'KA01', status: 'PARKED', zoneId: 'z-b' }));
  });

  it('opens a session with its payments and audit timeline', async () => {
    installBridge({
      'zones.list': () => [zoneA],
      'sessions.list': () => ({ items: page1, nextCursor: null }),
      'sessions.get': () => ({ ...page1[1]!, payments: [{ id: 'p', sessionId: 's-2', method: 'CASH', status: 'SUCCESS', amountPaise: 12000, gateway: null, gatewayRef: null, upiUri: null, createdAt: '2026-11-24T06:10:00Z', expiresAt: null, completedAt: '2026-11-24T06:10:00Z' }] }),
      'sessions.timeline': () => [
        { id: 1, at: '2026-11-24T04:00:00Z', operatorId: 'o', operatorName: 'Attendant', action: 'session.entered', entityType: 'session', entityId: 's-2', details: { slotNumber: 'A-03' }, hash: 'h1' },
        { id: 2, at: '2026-11-24T06:10:00Z', operatorId: 'o', operatorName: 'Cashier', action: 'payment.success', entityType: 'payment', entityId: 'p', details: { amountPaise: 12000 }, hash: 'h2' },
      ],
    });
    render(<SessionsScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Open KA01AA0002' }));
    const timeline = await screen.findByTestId('timeline');
    // Human names, never the internal action names.
    await within(timeline).findByText('Entered');
    expect(within(timeline).getByText('Payment received')).toBeTruthy();
    expect(within(timeline).queryByText(/session\.|payment\./)).toBeNull();
    expect(within(timeline).getByText('₹120.00')).toBeTruthy();
    expect(await screen.findByText('Cash')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Back/ }));
    expect(await screen.findByTestId('sessions-table')).toBeTruthy();
  });
});
