// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Fail, installBridge, loginAs, payment, resetStores, session, zoneA, zoneB } from './harness.js';
import { SupervisorScreen } from '../../src-renderer/screens/SupervisorScreen.js';
import { OperatorsScreen } from '../../src-renderer/screens/OperatorsScreen.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('./fake-scanners.js')).module);

beforeEach(() => {
  resetStores();
  loginAs('SUPERVISOR');
});
afterEach(cleanup);

const slots = [
  { id: 'sl1', zoneId: 'z-a', slotNumber: 'A-01', isOccupied: true, currentVehicle: 'KA01AB1234', currentSessionId: 's-1' },
  { id: 'sl2', zoneId: 'z-a', slotNumber: 'A-02', isOccupied: false, currentVehicle: null, currentSessionId: null },
];

describe('Supervisor screen', () => {
  it('zones: occupancy, slots with current vehicle, edit rate/tariff/active', async () => {
    const bridge = installBridge({ 'zones.list': () => [zoneA, zoneB], 'slots.list': () => slots, 'zones.update': (i) => ({ ...zoneA, ...i }) });
    render(<SupervisorScreen />);
    expect((await screen.findByTestId('zone-occupancy-A')).textContent).toBe('3 of 10 occupied');
    const grid = await screen.findByTestId('slot-grid');
    await within(grid).findByText('KA01AB1234');
    expect(within(grid).getByText('Free')).toBeTruthy();
    expect((screen.getByLabelText('Hourly rate (₹)') as HTMLInputElement).value).toBe('40');
    expect((screen.getByLabelText('Lost-ticket fee (₹, empty = none)') as HTMLInputElement).value).toBe('200');
    fireEvent.change(screen.getByLabelText('Hourly rate (₹)'), { target: { value: '45.50' } });
    fireEvent.click(screen.getByLabelText('Zone open'));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('zones.update')).toHaveLength(1));
    expect(bridge.callsOf('zones.update')[0]).toEqual({
      zoneId: 'z-a', name: 'A', hourlyRatePaise: 4550, isActive: false,
      tariff: { graceMinutes: 5, dailyCapPaise: null, lostTicketFeePaise: 20000, exitGraceMinutes: 15 },
    });
  });

  it('adds slots', async () => {
    const bridge = installBridge({ 'zones.list': () => [zoneA], 'slots.list': () => slots, 'slots.create': (i) => (i.slotNumbers as string[]).map((n) => ({ ...slots[1]!, slotNumber: n })) });
    render(<SupervisorScreen />);
    await screen.findByTestId('slot-grid');
    fireEvent.change(screen.getByLabelText('New slot numbers (comma separated)'), { target: { value: 'A-11, A-12' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add slots' }));
    expect(await screen.findByText('2 slots added')).toBeTruthy();
    expect(bridge.callsOf('slots.create')).toEqual([{ zoneId: 'z-a', slotNumbers: ['A-11', 'A-12'] }]);
  });

  it('integrity check shows findings and the audit chain result', async () => {
    installBridge({
      'zones.list': () => [zoneA],
      'slots.list': () => [],
      'integrity.check': () => ({ ok: false, findings: [{ check: 'slot-occupancy', message: 'Slot A-02 occupied without a session', ids: ['sl2'] }] }),
      'audit.verify': () => ({ ok: true, checked: 42, brokenAt: null, message: 'ok' }),
    });
    render(<SupervisorScreen />);
    fireEvent.click(screen.getByRole('tab', { name: 'Integrity' }));
    fireEvent.click(screen.getByRole('button', { name: 'Run integrity check' }));
    const result = await screen.findByTestId('integrity-result');
    expect(result.textContent).toContain('1 problems found');
    expect(result.textContent).toContain('Slot A-02 occupied without a session');
    expect(await screen.findByText(/Audit chain verified \(42 entries\)/)).toBeTruthy();
  });

  it('cancel with a reason shows the refund', async () => {
    const booked = session({ status: 'BOOKED', entryAt: null });
    const bridge = installBridge({
      'zones.list': () => [zoneA],
      'slots.list': () => [],
      'sessions.get': () => ({ ...booked, payments: [] }),
      'sessions.refundCheck': () => ({ eligible: true, refundPaise: 4000, reason: 'within 5 minutes' }),
      'sessions.cancel': () => ({ session: { ...booked, status: 'CANCELLED' }, refundPaise: 4000 }),
    });
    render(<SupervisorScreen />);
    fireEvent.click(screen.getByRole('tab', { name: 'Cancel / refund' }));
    fireEvent.change(screen.getByLabelText('Ticket code or vehicle number'), { target: { value: 'QR-ABC' } });
    fireEvent.click(screen.getByRole('button', { name: 'Find session' }));
    expect(await screen.findByText('Refund due: ₹40.00')).toBeTruthy();
    const confirm = screen.getByRole('button', { name: 'Cancel this session' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Reason for cancelling'), { target: { value: 'Driver changed plans' } });
    fireEvent.click(confirm);
    expect(await screen.findByText('Session cancelled. Refund: ₹40.00')).toBeTruthy();
    expect(bridge.callsOf('sessions.cancel')).toEqual([{ sessionId: 's-1', reason: 'Driver changed plans' }]);
  });

  it('payments review: a late payment is refunded with a reason; offline the decision buttons stay off', async () => {
    const late = payment({ id: 'p-late', status: 'SUCCESS', amountPaise: 8000, gateway: 'razorpay', gatewayRef: 'qr_1', completedAt: '2026-11-24T06:30:00.000Z' });
    const item = { payment: late, reviewReason: 'LATE_PAYMENT', late: true, vehicleNumber: 'KA01AB1234', source: 'kiosk', resolvable: true, localOnly: false };
    const mismatch = { ...item, payment: { ...late, id: 'p-mm', status: 'PENDING' }, reviewReason: 'AMOUNT_MISMATCH', vehicleNumber: 'KA02CD5678', resolvable: false };
    let items = [item, mismatch];
    const bridge = installBridge({
      'zones.list': () => [zoneA],
      'slots.list': () => [],
      'payments.flagged': () => ({ items, serverReachable: true }),
      'payments.resolveFlagged': (i) => {
        items = items.filter((x) => x.payment.id !== i.paymentId);
        return { action: i.action, payment: { ...late, status: 'REFUNDED' }, refundedPaise: 8000, repeated: false };
      },
    });
    render(<SupervisorScreen />);
    fireEvent.click(screen.getByRole('tab', { name: 'Payments review' }));
    const row = await screen.findByTestId('flagged-p-late');
    expect(row.textContent).toContain('KA01AB1234');
    expect(row.textContent).toContain('Paid late');
    expect(screen.getByTestId('flagged-p-mm').textContent).toContain('never confirmed this amount');
    const refund = within(row).getByRole('button', { name: 'Refund ₹80.00' }) as HTMLButtonElement;
    expect(refund.disabled).toBe(true);
    fireEvent.change(within(row).getByLabelText('Reason for the decision on KA01AB1234'), { target: { value: 'Paid cash as well' } });
    expect(refund.disabled).toBe(false);
    fireEvent.click(refund);
    expect(await screen.findByText('Refund of ₹80.00 for KA01AB1234 sent through the gateway.')).toBeTruthy();
    expect(bridge.callsOf('payments.resolveFlagged')).toEqual([{ paymentId: 'p-late', action: 'refund', reason: 'Paid cash as well' }]);
    await waitFor(() => expect(screen.queryByTestId('flagged-p-late')).toBeNull());
  });

  it('payments review: offline notice, and a refused decision shows the error', async () => {
    const late = payment({ id: 'p-late', status: 'SUCCESS', amountPaise: 4000 });
    const item = { payment: late, reviewReason: 'LATE_PAYMENT', late: true, vehicleNumber: 'KA01AB1234', source: 'parker', resolvable: true, localOnly: true };
    let reachable = false;
    installBridge({
      'zones.list': () => [zoneA],
      'slots.list': () => [],
      'payments.flagged': () => ({ items: [item], serverReachable: reachable }),
      'payments.resolveFlagged': () => new Fail('CONFLICT', 'This payment is not flagged for review.'),
    });
    const { unmount } = render(<SupervisorScreen />);
    fireEvent.click(screen.getByRole('tab', { name: 'Payments review' }));
    expect((await screen.findByRole('status')).textContent).toContain('central server is not reachable');
    const row = await screen.findByTestId('flagged-p-late');
    expect(row.textContent).toContain('Parker booking');
    expect(row.textContent).toContain('Only on this kiosk');
    fireEvent.change(within(row).getByLabelText('Reason for the decision on KA01AB1234'), { target: { value: 'keep it' } });
    expect((within(row).getByRole('button', { name: 'Accept (keep as income)' }) as HTMLButtonElement).disabled).toBe(true);
    unmount();

    reachable = true;
    render(<SupervisorScreen />);
    fireEvent.click(screen.getByRole('tab', { name: 'Payments review' }));
    const row2 = await screen.findByTestId('flagged-p-late');
    fireEvent.change(within(row2).getByLabelText('Reason for the decision on KA01AB1234'), { target: { value: 'keep it' } });
    fireEvent.click(within(row2).getByRole('button', { name: 'Accept (keep as income)' }));
    expect((await within(row2).findByRole('alert')).textContent).toContain('This payment is not flagged for review.');
  });
});

describe('Operators screen (ADMIN)', () => {
  it('lists operators, creates one and changes a role', async () => {
    loginAs('ADMIN');
    const ops = [{ id: 'o1', username: 'attendant', name: 'Gate Attendant', role: 'ATTENDANT' as const, isActive: true }];
    const bridge = installBridge({
      'operators.list': () => ops,
      'operators.create': (i) => ({ id: 'o2', isActive: true, ...i }),
      'operators.update': (i) => ({ ...ops[0]!, ...i }),
    });
    render(<OperatorsScreen />);
    const table = await screen.findByTestId('operators-table');
    await within(table).findByText('Gate Attendant');
    fireEvent.change(screen.getByLabelText('Role of Gate Attendant'), { target: { value: 'CASHIER' } });
    await waitFor(() => expect(bridge.callsOf('operators.update')).toEqual([{ operatorId: 'o1', role: 'CASHIER' }]));
    const form = screen.getByRole('heading', { name: 'Add operator' }).closest('form')!;
    fireEvent.change(within(form).getByLabelText('Username'), { target: { value: 'meena' } });
    fireEvent.change(within(form).getByLabelText('Full name'), { target: { value: 'Meena S' } });
    fireEvent.change(within(form).getByLabelText('Role'), { target: { value: 'SUPERVISOR' } });
    fireEvent.change(within(form).getByLabelText('PIN'), { target: { value: '97531' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add operator' }));
    expect(await screen.findByText('Operator Meena S added')).toBeTruthy();
    expect(bridge.callsOf('operators.create')).toEqual([{ username: 'meena', name: 'Meena S', role: 'SUPERVISOR', pin: '97531' }]);
  });
});
