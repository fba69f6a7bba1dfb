// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Fail, connectEvents, installBridge, loginAs, payment, quote, resetStores, scanners, session, type Handlers } from './harness.js';
import { ExitScreen } from '../../src-renderer/screens/exit/ExitScreen.js';
import { useConnectivity } from '../../src-renderer/stores/connectivity.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('./fake-scanners.js')).module);

beforeEach(() => {
  resetStores();
  loginAs('CASHIER');
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const openShift = {
  id: 'sh-1', operatorId: 'op-1', operatorName: 'Cashier', openedAt: '2026-11-24T03:00:00Z', closedAt: null, openingFloatPaise: 100000,
  cashInPaise: 0, cashOutPaise: 0, cashSalesPaise: null, cashRefundsPaise: null, cashPayments: null, expectedPaise: null,
  countedPaise: null, differencePaise: null, tolerancePaise: 0, status: 'OPEN', note: null,
};
const base: Handlers = {
  'shifts.current': () => openShift,
  'gate.quoteExit': () => quote(),
  'sessions.get': () => ({ ...session({ status: 'EXITING' }), payments: [] }),
};

async function scanAtExit(code = 'PG1.ticket-code') {
  await waitFor(() => expect(scanners.wedgeOnCode).not.toBeNull());
  act(() => scanners.wedgeOnCode!(code));
  return screen.findByTestId('quote');
}

function key(k: string) {
  fireEvent.click(screen.getByRole('group', { name: 'Cash keypad' }).querySelector(`button:nth-child(${k === '0' ? 11 : Number(k)})`)!);
}

describe('Exit / cashier screen', () => {
  it('shows duration, billable hours and amount due for a scanned ticket', async () => {
    const bridge = installBridge(base);
    render(<ExitScreen camera={false} />);
    await scanAtExit();
    expect(screen.getByTestId('quote-duration').textContent).toBe('2 h 10 min');
    expect(screen.getByTestId('quote-hours').textContent).toBe('3');
    expect(screen.getByTestId('amount-due').textContent).toBe('₹120.00');
    expect(screen.getByTestId('quote-vehicle').textContent).toBe('KA01AB1234');
    expect(bridge.callsOf('gate.quoteExit')).toEqual([{ code: 'PG1.ticket-code' }]);
  });

  it('cash: keypad tender, change shown, confirm -> GATE OPEN with change', async () => {
    const bridge = installBridge({
      ...base,
      'gate.payCash': (i) => ({
        session: session({ status: 'COMPLETED' }),
        payment: payment({ method: 'CASH', status: 'SUCCESS', amountPaise: 12000 }),
        changePaise: (i.tenderedPaise as number) - 12000,
      }),
    });
    render(<ExitScreen camera={false} />);
    await scanAtExit();
    fireEvent.click(screen.getByRole('button', { name: /Cash/ }));
    key('1');
    key('0');
    expect(screen.getByTestId('change').textContent).toContain('Short by ₹110.00');
    expect((screen.getByRole('button', { name: /Confirm cash/ }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: '00' }));
    expect(screen.getByTestId('change-value').textContent).toBe('₹880.00');
    fireEvent.click(screen.getByRole('button', { name: 'Confirm cash ₹1,000.00' }));
    const gate = await screen.findByText('GATE OPEN');
    expect(gate).toBeTruthy();
    expect(screen.getByTestId('gate-change').textContent).toBe('Give change: ₹880.00');
    expect(bridge.callsOf('gate.payCash')).toEqual([{ sessionId: 's-1', tenderedPaise: 100000 }]);
  });

  it('cash needs an open shift: the cashier opens one with a float, then Cash is enabled', async () => {
    let current: typeof openShift | null = null;
    const bridge = installBridge({
      ...base,
      'shifts.current': () => current,
      'shifts.open': () => (current = { ...openShift, openingFloatPaise: 50000 }),
    });
    render(<ExitScreen camera={false} />);
    await scanAtExit();
    expect((screen.getByRole('button', { name: /Cash/ }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('shift-needed').textContent).toBe('Open your cash shift first');
    // The float by note and coin on the keypad: 1 x Rs 200 note tapped, 3 x Rs 100 typed on a keyboard.
    const pad = screen.getByRole('group', { name: 'Count keypad' });
    fireEvent.focus(screen.getByLabelText('Number of ₹200 notes'));
    fireEvent.click(within(pad).getByRole('button', { name: '1' }));
    fireEvent.change(screen.getByLabelText('Number of ₹100 notes'), { target: { value: '3' } });
    expect(screen.getByTestId('shift-float-total').textContent).toContain('₹500.00');
    fireEvent.click(screen.getByRole('button', { name: 'Open shift' }));
    await waitFor(() => expect((screen.getByRole('button', { name: /Cash/ }) as HTMLButtonElement).disabled).toBe(false));
    expect(bridge.callsOf('shifts.open')).toEqual([{ floatCounts: { N200: 1, N100: 3 } }]);
    expect(screen.getByTestId('shift-card').textContent).toContain('float ₹500.00');
  });

  it('closing the shift is a blind count; the expected figure is shown after', async () => {
    const bridge = installBridge({
      ...base,
      'shifts.close': () => ({ shift: { ...openShift, status: 'CLOSED', expectedPaise: 112000, countedPaise: 110000, differencePaise: -2000 } }),
    });
    render(<ExitScreen camera={false} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Close shift' }));
    expect(screen.getByTestId('shift-card').textContent).not.toContain('1,120');
    const pad = screen.getByRole('group', { name: 'Count keypad' });
    fireEvent.focus(screen.getByLabelText('Number of ₹500 notes'));
    fireEvent.click(within(pad).getByRole('button', { name: '2' }));
    fireEvent.focus(screen.getByLabelText('Number of ₹50 notes'));
    fireEvent.click(within(pad).getByRole('button', { name: '2' }));
    fireEvent.click(within(pad).getByRole('button', { name: '3' }));
    fireEvent.click(within(pad).getByRole('button', { name: 'Delete last digit' }));
    expect(screen.getByTestId('shift-count-total').textContent).toContain('₹1,100.00');
    fireEvent.click(screen.getByRole('button', { name: 'Close shift' }));
    expect(await screen.findByText('Shift closed. Expected ₹1,120.00, counted ₹1,100.00, difference -₹20.00.')).toBeTruthy();
    expect(bridge.callsOf('shifts.close')).toEqual([{ countedCounts: { N500: 2, N50: 2 } }]);
  });

  it('zero due opens the gate at once (completeExit), without payment', async () => {
    const bridge = installBridge({ ...base, 'gate.quoteExit': () => quote({ amountDuePaise: 0, feePaise: 0, billableHours: 0, durationSeconds: 180 }), 'gate.completeExit': () => session({ status: 'COMPLETED' }) });
    render(<ExitScreen camera={false} />);
    await waitFor(() => expect(scanners.wedgeOnCode).not.toBeNull());
    act(() => scanners.wedgeOnCode!('PG1.t'));
    expect(await screen.findByText('GATE OPEN')).toBeTruthy();
    expect(screen.getByText('No fee due — drive safely')).toBeTruthy();
    expect(bridge.callsOf('gate.completeExit')).toEqual([{ sessionId: 's-1' }]);
    expect(bridge.callsOf('gate.payCash')).toEqual([]);
  });

  it('an attendant sees the fee but no payment buttons', async () => {
    loginAs('ATTENDANT');
    installBridge(base);
    render(<ExitScreen camera={false} />);
    await scanAtExit();
    expect(screen.getByTestId('needs-cashier').textContent).toContain('cashier');
    expect(screen.queryByRole('button', { name: /Cash/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /UPI/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Lost ticket?' })).toBeNull();
  });

  it('offline kiosk: ONLINE is visibly unavailable with the reason', async () => {
    useConnectivity.setState({ online: false });
    installBridge(base);
    render(<ExitScreen camera={false} />);
    await scanAtExit();
    expect((screen.getByRole('button', { name: 'UPI / online' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('online-unavailable').textContent).toContain('Online payment unavailable: the kiosk is offline');
  });

  it('OFFLINE answer from the core disables ONLINE with the core reason', async () => {
    installBridge({ ...base, 'gate.startOnlinePayment': () => new Fail('OFFLINE', 'No link to the payment server') });
    render(<ExitScreen camera={false} />);
    await scanAtExit();
    fireEvent.click(screen.getByRole('button', { name: 'UPI / online' }));
    expect((await screen.findByTestId('online-unavailable')).textContent).toContain('No link to the payment server');
    expect((screen.getByRole('button', { name: 'UPI / online' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('ONLINE: UPI QR with countdown, PENDING until SUCCESS, then completeExit -> GATE OPEN', async () => {
    let status: 'PENDING' | 'SUCCESS' = 'PENDING';
    const bridge = installBridge({
      ...base,
      'gate.startOnlinePayment': () => payment(),
      'payments.get': () => payment({ status }),
      'gate.completeExit': () => session({ status: 'COMPLETED' }),
    });
    connectEvents();
    render(<ExitScreen camera={false} />);
    await scanAtExit();
    fireEvent.click(screen.getByRole('button', { name: 'UPI / online' }));
    const qr = await screen.findByAltText('UPI payment QR code');
    expect(qr.getAttribute('data-qr-text')).toContain('upi://pay?');
    expect(screen.getByTestId('payment-status').dataset.status).toBe('PENDING');
    expect(screen.getByTestId('countdown').textContent).toMatch(/Expires in 0[45]:\d\d/);
    status = 'SUCCESS';
    act(() => bridge.emit({ type: 'payment.changed', paymentId: 'p-1', sessionId: 's-1', status: 'SUCCESS' }));
    expect(await screen.findByText('GATE OPEN')).toBeTruthy();
    expect(bridge.callsOf('gate.completeExit')).toEqual([{ sessionId: 's-1' }]);
  });

  it('ONLINE under StrictMode (double effects): a SUCCESS still opens the gate, once', async () => {
    let status: 'PENDING' | 'SUCCESS' = 'PENDING';
    const bridge = installBridge({
      ...base,
      'gate.startOnlinePayment': () => payment(),
      'payments.get': () => payment({ status }),
      'gate.completeExit': () => session({ status: 'COMPLETED' }),
    });
    connectEvents();
    render(<StrictMode><ExitScreen camera={false} /></StrictMode>);
    await scanAtExit();
    fireEvent.click(screen.getByRole('button', { name: 'UPI / online' }));
    await screen.findByAltText('UPI payment QR code');
    status = 'SUCCESS';
    act(() => bridge.emit({ type: 'payment.changed', paymentId: 'p-1', sessionId: 's-1', status: 'SUCCESS' }));
    expect(await screen.findByText('GATE OPEN')).toBeTruthy();
    expect(bridge.callsOf('gate.completeExit')).toEqual([{ sessionId: 's-1' }]);
    expect(bridge.callsOf('gate.startOnlinePayment')).toHaveLength(1);
  });

  it('ONLINE: FAILED offers retry and switching to cash; the gate stays closed', async () => {
    const bridge = installBridge({ ...base, 'gate.startOnlinePayment': () => payment(), 'payments.get': () => payment({ status: 'FAILED' }) });
    connectEvents();
    render(<ExitScreen camera={false} />);
    await scanAtExit();
    fireEvent.click(screen.getByRole('button', { name: 'UPI / online' }));
    await screen.findByAltText('UPI payment QR code');
    act(() => bridge.emit({ type: 'payment.changed', paymentId: 'p-1', sessionId: 's-1', status: 'FAILED' }));
    await waitFor(() => expect(screen.getByTestId('payment-status').dataset.status).toBe('FAILED'));
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Take cash instead' }));
    expect(screen.getByLabelText('Cash received (₹)')).toBeTruthy();
    expect(screen.queryByText('GATE OPEN')).toBeNull();
    expect(bridge.callsOf('gate.completeExit')).toEqual([]);
  });

  it('lost ticket: the car found by plate, proof and reason recorded, a supervisor asked above the limit, lost-ticket fee shown', async () => {
    const candidate = { sessionId: 's-1', vehicleNumber: 'KA01AB1234', match: 'EXACT', zoneName: 'A', slotNumber: 'A-01', entryAt: '2026-11-24T04:00:00Z' };
    let supervisorGiven = false;
    const bridge = installBridge({
      ...base,
      'gate.findByPlate': () => ({ plate: 'KA01AB1234', candidates: [candidate], unique: 's-1' }),
      'gate.lostTicket': (i) => {
        supervisorGiven = Boolean(i.supervisorPin);
        return supervisorGiven
          ? quote({ lostTicketFeePaise: 20000, amountDuePaise: 52000 })
          : new Fail('FORBIDDEN', 'needs a supervisor', { supervisorRequired: true }, 'lostTicket.supervisorRequired', { amountDuePaise: 52000, limitPaise: 50000 });
      },
    });
    render(<ExitScreen camera={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Lost ticket?' }));
    fireEvent.change(screen.getByLabelText('Vehicle number'), { target: { value: 'ka01ab1234' } });
    fireEvent.click(screen.getByRole('button', { name: 'Find car' }));
    expect((await screen.findByTestId('plate-chosen')).textContent).toContain('KA01AB1234');
    fireEvent.change(screen.getByLabelText('Why the ticket is missing'), { target: { value: 'lost in the mall' } });
    fireEvent.click(screen.getByRole('button', { name: 'Charge lost ticket' }));
    // The core's message, filled in with the amounts, in the operator's language.
    expect((await screen.findByTestId('plate-error')).textContent).toBe('₹520.00 is above the lost-ticket limit (₹500.00): a supervisor must enter their PIN.');
    fireEvent.change(screen.getByLabelText('Supervisor username'), { target: { value: 'supervisor' } });
    fireEvent.change(screen.getByLabelText('Supervisor PIN'), { target: { value: '2468' } });
    fireEvent.click(screen.getByRole('button', { name: 'Charge lost ticket' }));
    await screen.findByTestId('quote');
    expect(screen.getByText('Lost-ticket fee applied')).toBeTruthy();
    expect(screen.getByTestId('amount-due').textContent).toBe('₹520.00');
    expect(bridge.callsOf('gate.lostTicket')).toEqual([
      { vehicleNumber: 'KA01AB1234', sessionId: 's-1', proof: 'RC', reason: 'lost in the mall' },
      { vehicleNumber: 'KA01AB1234', sessionId: 's-1', proof: 'RC', reason: 'lost in the mall', supervisorUsername: 'supervisor', supervisorPin: '2468' },
    ]);
  });

  it('plate look-alikes are listed for the cashier to pick; nothing is quoted before the pick', async () => {
    const c = (id: string, plate: string, match: string) => ({ sessionId: id, vehicleNumber: plate, match, zoneName: 'A', slotNumber: id, entryAt: '2026-11-24T04:00:00Z' });
    const bridge = installBridge({
      ...base,
      'gate.findByPlate': () => ({ plate: 'MH12AB1034', candidates: [c('A-01', 'MH12AB1034', 'EXACT'), c('A-02', 'MH12AB1O34', 'NEAR')], unique: null }),
      'gate.quoteByPlate': () => quote({ amountDuePaise: 8000 }),
    });
    render(<ExitScreen camera={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Lost ticket?' }));
    fireEvent.change(screen.getByLabelText('Vehicle number'), { target: { value: 'MH12AB1034' } });
    fireEvent.click(screen.getByRole('button', { name: 'Find car' }));
    const list = await screen.findByTestId('plate-candidates');
    expect(list.textContent).toContain('Looks alike');
    expect(screen.queryByRole('button', { name: 'Show fee by plate' })).toBeNull();
    fireEvent.click(within(list).getByRole('button', { name: /MH12AB1O34/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Show fee by plate' }));
    await screen.findByTestId('quote');
    expect(bridge.callsOf('gate.quoteByPlate')).toEqual([{ vehicleNumber: 'MH12AB1034', sessionId: 'A-02' }]);
  });

  it('ONLINE with the server lost: status unknown, the UPI reference, and a warned switch to cash that cancels the UPI attempt', async () => {
    const bridge = installBridge({
      ...base,
      'gate.startOnlinePayment': () => payment(),
      'payments.get': () => ({ ...payment(), statusUnknown: true }),
      'payments.cancel': () => payment({ status: 'EXPIRED' }),
    });
    connectEvents();
    render(<ExitScreen camera={false} />);
    await scanAtExit();
    fireEvent.click(screen.getByRole('button', { name: 'UPI / online' }));
    await screen.findByAltText('UPI payment QR code');
    fireEvent.click(screen.getByRole('button', { name: 'Check status' }));
    expect((await screen.findByTestId('upi-unknown')).textContent).toContain('Payment status unknown');
    expect(screen.getByTestId('upi-ref').textContent).toContain(payment().gatewayRef!);
    fireEvent.click(screen.getByRole('button', { name: 'Take cash instead' }));
    expect(screen.getByTestId('upi-cash-warning').textContent).toContain('flagged for a supervisor');
    expect(bridge.callsOf('payments.cancel')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Take cash anyway' }));
    expect(await screen.findByLabelText('Cash received (₹)')).toBeTruthy();
    expect(bridge.callsOf('payments.cancel')).toEqual([{ paymentId: 'p-1' }]);
  });

  it('a forged ticket at exit is red TICKET_INVALID', async () => {
    installBridge({ ...base, 'gate.quoteExit': () => new Fail('TICKET_INVALID') });
    render(<ExitScreen camera={false} />);
    await waitFor(() => expect(scanners.wedgeOnCode).not.toBeNull());
    act(() => scanners.wedgeOnCode!('PG1.forged'));
    const alert = await screen.findByRole('alert');
    expect(alert.dataset.errorCode).toBe('TICKET_INVALID');
  });
});
