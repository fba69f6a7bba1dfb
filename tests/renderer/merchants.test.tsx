// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installBridge, loginAs, resetStores } from './harness.js';
import { SupervisorScreen } from '../../src-renderer/screens/SupervisorScreen.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('./fake-scanners.js')).module);

beforeEach(() => {
  resetStores();
  loginAs('SUPERVISOR');
});
afterEach(cleanup);

const mall = { id: 'm1', name: 'Inorbit Mall', prepaid: false, balancePaise: null, isActive: true };
const cinema = { id: 'm2', name: 'PVR', prepaid: true, balancePaise: 150000, isActive: true };
const program = {
  id: 'p1', merchantId: 'm1', merchantName: 'Inorbit Mall', name: 'Bill, up to 1 hour', kind: 'FULL_EXEMPTION', minutesOff: null, amountOffPaise: null,
  percentOff: null, capPaise: null, reasonCode: 'MALL-BILL', billRule: 'MIN_AMOUNT', minBillPaise: 1, stayOverMinutes: null, stayUpToMinutes: 60, isActive: true,
};

describe('Supervisor: merchants', () => {
  it('lists merchants with balance and programs; adds a merchant, a preset, a top-up; switches a program off', async () => {
    const bridge = installBridge({
      'zones.list': () => [], 'slots.list': () => [],
      'merchants.list': () => [mall, cinema],
      'validations.programs': () => [program],
      'merchants.create': (i) => ({ ...mall, id: 'm3', name: i.name as string }),
      'validations.applyPreset': () => ({ programs: [program], tariff: { graceMinutes: 30 } }),
      'merchants.topUp': () => ({ ...cinema, balancePaise: 200000 }),
      'validations.updateProgram': () => ({ ...program, isActive: false }),
    });
    render(<SupervisorScreen />);
    fireEvent.click(screen.getByRole('tab', { name: 'Merchants' }));
    const card = await screen.findByTestId('merchant-PVR');
    expect(within(card).getByRole('heading', { level: 3 }).textContent).toBe('PVR · Balance ₹1,500.00');
    const mallCard = screen.getByTestId('merchant-Inorbit Mall');
    expect(within(mallCard).getByText(/Bill, up to 1 hour/)).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Merchant name'), { target: { value: 'Apollo desk' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add merchant' }));
    await waitFor(() => expect(bridge.callsOf('merchants.create')).toEqual([{ name: 'Apollo desk', prepaid: false }]));

    fireEvent.click(within(mallCard).getByRole('button', { name: 'Add Hyderabad mall rule' }));
    expect(await within(mallCard).findByText("Set the zones' grace to 30 minutes for the mall rule.")).toBeTruthy();
    expect(bridge.callsOf('validations.applyPreset')).toEqual([{ merchantId: 'm1', preset: 'HYDERABAD_MALL' }]);

    fireEvent.change(within(card).getByLabelText('Top-up (₹)'), { target: { value: '500' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Top up' }));
    await waitFor(() => expect(bridge.callsOf('merchants.topUp')).toEqual([{ merchantId: 'm2', amountPaise: 50000 }]));

    fireEvent.click(within(mallCard).getByRole('button', { name: 'On' }));
    await waitFor(() => expect(bridge.callsOf('validations.updateProgram')).toEqual([{ programId: 'p1', isActive: false }]));
    expect(within(mallCard).queryByRole('button', { name: 'Add merchant' })).toBeNull();
  });
});
