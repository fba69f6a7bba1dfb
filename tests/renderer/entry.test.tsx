// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Fail, installBridge, loginAs, resetStores, scanners, session, zoneA, zoneB } from './harness.js';
import { EntryScreen } from '../../src-renderer/screens/EntryScreen.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('./fake-scanners.js')).module);

beforeEach(() => {
  resetStores();
  loginAs('ATTENDANT');
});
afterEach(cleanup);

describe('Entry screen', () => {
  it('shows zones with free slots; a full zone cannot be picked', async () => {
    installBridge({ 'zones.list': () => [zoneA, zoneB] });
    render(<EntryScreen />);
    expect((await screen.findByTestId('zone-free-A')).textContent).toBe('7 of 10 free');
    expect(screen.getByTestId('zone-free-B').textContent).toBe('Full');
    const radios = screen.getAllByRole('radio') as HTMLInputElement[];
    expect(radios[0]!.checked).toBe(true);
    expect(radios[1]!.disabled).toBe(true);
    expect(screen.getByText('₹40.00 per hour')).toBeTruthy();
  });

  it('issues a walk-in ticket and shows a printable ticket with the QR of its code', async () => {
    const issued = session({ code: 'PG1.walkin', slotNumber: 'A-04' });
    const bridge = installBridge({ 'zones.list': () => [zoneA, zoneB], 'gate.issueTicket': () => issued });
    render(<EntryScreen />);
    await screen.findByTestId('zone-free-A');
    const issue = screen.getByRole('button', { name: 'Issue ticket' }) as HTMLButtonElement;
    expect(issue.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Vehicle number'), { target: { value: 'ka 01 ab-1234' } });
    fireEvent.click(issue);
    const ticket = await screen.findByTestId('ticket');
    expect(bridge.callsOf('gate.issueTicket')).toEqual([{ vehicleNumber: 'KA01AB1234', zoneId: 'z-a' }]);
    expect(within(ticket).getByTestId('ticket-slot').textContent).toBe('A-04');
    const qr = await within(ticket).findByAltText('Ticket QR code');
    expect(qr.getAttribute('data-qr-text')).toBe('PG1.walkin');
    expect(qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(screen.getByRole('button', { name: 'Print ticket' })).toBeTruthy();
    expect(screen.getByTestId('scan-result').dataset.kind).toBe('ok');
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByTestId('ticket')).toBeNull();
  });

  it('a camera scan of a booking shows the big green result with the slot', async () => {
    const bridge = installBridge({ 'zones.list': () => [zoneA], 'gate.scanEntry': () => session({ slotNumber: 'A-07' }) });
    render(<EntryScreen />);
    await waitFor(() => expect(scanners.cameraOnCode).not.toBeNull());
    act(() => scanners.cameraOnCode!('QR-ABCDEF123456'));
    await waitFor(() => expect(screen.getByTestId('scan-result').dataset.kind).toBe('ok'));
    const result = screen.getByTestId('scan-result');
    expect(result.textContent).toContain('Entry allowed');
    expect(result.textContent).toContain('Slot A-07');
    expect(bridge.callsOf('gate.scanEntry')).toEqual([{ code: 'QR-ABCDEF123456' }]);
  });

  it('a forged ticket shows red TICKET_INVALID with what to do', async () => {
    installBridge({ 'zones.list': () => [zoneA], 'gate.scanEntry': () => new Fail('TICKET_INVALID', 'bad signature') });
    render(<EntryScreen />);
    await waitFor(() => expect(scanners.wedgeOnCode).not.toBeNull());
    act(() => scanners.wedgeOnCode!('PG1.forged'));
    const result = await screen.findByRole('alert');
    expect(result.dataset.kind).toBe('error');
    expect(result.dataset.errorCode).toBe('TICKET_INVALID');
    expect(result.textContent).toContain('Invalid ticket');
    expect(result.textContent).toContain('Ask the driver for the original ticket');
  });

  it('manual code entry works as a fallback', async () => {
    const bridge = installBridge({ 'zones.list': () => [zoneA], 'gate.scanEntry': () => new Fail('ALREADY_ENTERED') });
    render(<EntryScreen camera={false} />);
    fireEvent.change(screen.getByLabelText('Ticket code'), { target: { value: ' QR-1 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('already been used to enter');
    expect(bridge.callsOf('gate.scanEntry')).toEqual([{ code: 'QR-1' }]);
  });

  it('the camera is released when the screen goes away', async () => {
    installBridge({ 'zones.list': () => [zoneA] });
    const before = scanners.cameraStops;
    const view = render(<EntryScreen />);
    await waitFor(() => expect(scanners.cameraOnCode).not.toBeNull());
    view.unmount();
    await waitFor(() => expect(scanners.cameraStops).toBe(before + 1));
  });
});
