// @vitest-environment jsdom
/** The GST section of the Supervisor screen: shows the settings, saves them, shows the core's GSTIN message. */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SupervisorScreen } from '../../src-renderer/screens/SupervisorScreen.js';
import { Fail, installBridge, loginAs, resetStores, zoneA } from '../renderer/harness.js';

vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('../renderer/fake-scanners.js')).module);

beforeEach(() => {
  resetStores();
  loginAs('ADMIN');
});
afterEach(cleanup);

const settings = {
  legalName: '', address: '', stateName: '', stateCode: '', gstin: null, inclusive: true, sac: '996743',
  rates: [{ from: '2017-07-01', rateBp: 1800 }], seriesPrefix: 'F3A', invoicing: false,
};

describe('GST settings section', () => {
  it('saves the details; a new rate goes with its start day', async () => {
    const bridge = installBridge({
      'zones.list': () => [zoneA], 'slots.list': () => [], 'tax.settings': () => settings,
      'tax.configure': (i) => ({ ...settings, ...i, stateName: 'Maharashtra', invoicing: true, rates: [...settings.rates] }),
    });
    render(<SupervisorScreen />);
    fireEvent.click(screen.getByRole('tab', { name: 'GST' }));
    expect(await screen.findByText('No tax invoices yet: enter the legal name, address, state code and GSTIN.')).toBeTruthy();
    expect((screen.getByLabelText('SAC') as HTMLInputElement).value).toBe('996743');
    expect((screen.getByLabelText('GST rate (%)') as HTMLInputElement).value).toBe('18');
    fireEvent.change(screen.getByLabelText('Legal name (as registered)'), { target: { value: 'Fort Parking LLP' } });
    fireEvent.change(screen.getByLabelText('Address of the facility'), { target: { value: '1 Marine Drive' } });
    fireEvent.change(screen.getByLabelText('State code (2 digits)'), { target: { value: '27' } });
    fireEvent.change(screen.getByLabelText('GSTIN (15 characters)'), { target: { value: '27aapfu0939f1zv' } });
    fireEvent.change(screen.getByLabelText('GST rate (%)'), { target: { value: '12' } });
    fireEvent.change(screen.getByLabelText('New rate takes effect from'), { target: { value: '2027-01-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save GST details' }));
    await waitFor(() => expect(bridge.callsOf('tax.configure')).toHaveLength(1));
    expect(bridge.callsOf('tax.configure')[0]).toEqual({
      legalName: 'Fort Parking LLP', address: '1 Marine Drive', stateCode: '27', gstin: '27AAPFU0939F1ZV', inclusive: true,
      sac: '996743', seriesPrefix: 'F3A', rateBp: 1200, rateFrom: '2027-01-01',
    });
    expect(await screen.findByText('GST details saved.')).toBeTruthy();
  });

  it('a wrong GSTIN: the core\'s message says what is wrong', async () => {
    const message = 'The GSTIN check character is wrong: a character was mistyped. Check it against the GST certificate.';
    installBridge({ 'zones.list': () => [zoneA], 'slots.list': () => [], 'tax.settings': () => settings, 'tax.configure': () => { throw new Fail('VALIDATION_FAILED', message); } });
    render(<SupervisorScreen />);
    fireEvent.click(screen.getByRole('tab', { name: 'GST' }));
    fireEvent.change(await screen.findByLabelText('GSTIN (15 characters)'), { target: { value: '27AAPFU0939F1ZX' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save GST details' }));
    expect(await screen.findByText(message)).toBeTruthy();
  });
});
