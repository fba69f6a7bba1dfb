// @vitest-environment jsdom
/** The header's lane status, its details and the manual-opening dialog, against a fake bridge. */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaneStatus } from '../../src-shared/contracts/lane.js';
import { LaneStatusPill } from '../../src-renderer/lane/LaneStatusPill.js';
import { emitKioskEvent } from '../../src-renderer/lib/events.js';
import { Fail, installBridge, resetStores } from './harness.js';

function status(over: Partial<LaneStatus> = {}): LaneStatus {
  return {
    kioskId: 'k1', role: 'both', configured: true, ready: true, barrier: 'DOWN', commandPending: null,
    loops: { arming: false, safety: false, barrierUp: null },
    devices: [{ device: 'barrier', driver: 'modbus-tcp', state: 'ok', reason: null, detail: null, since: new Date(0).toISOString() }],
    current: null, pending: [], occupancy: [{ zoneId: 'z', zoneName: 'A', capacity: 10, occupied: 10, free: 0, full: true }],
    today: { date: '2026-03-02', passes: 3, matchedPasses: 2, unmatchedPasses: 1, openings: 2, openingsWithoutCar: 0, exceptions: 1 },
    loopMismatch: true, manualReasons: ['BARRIER_FAULT', 'OTHER'], ...over,
  };
}

beforeEach(resetStores);
afterEach(cleanup);

describe('lane status in the header', () => {
  it('shows a device fault, and the details name the device and what is wrong', async () => {
    installBridge({
      'lane.status': () => status({ ready: false, devices: [{ device: 'loops', driver: 'modbus-tcp', state: 'fault', reason: 'TIMEOUT', detail: 'No reply from 10.0.0.5', since: new Date(0).toISOString() }] }),
    });
    render(<LaneStatusPill />);
    const pill = await screen.findByTestId('lane-status');
    expect(pill.dataset.state).toBe('fault');
    expect(pill.textContent).toContain('Lane device fault');
    fireEvent.click(pill);
    const details = await screen.findByTestId('lane-details');
    expect(details.textContent).toContain('No reply from 10.0.0.5');
    expect(details.textContent).toContain('A: FULL');
    expect(details.textContent).toContain('The loops counted cars that no opening accounts for');
  });

  it('re-reads the status on a lane event', async () => {
    let barrier: 'UP' | 'DOWN' = 'DOWN';
    installBridge({ 'lane.status': () => status({ barrier }) });
    render(<LaneStatusPill />);
    expect((await screen.findByTestId('lane-status')).dataset.state).toBe('down');
    barrier = 'UP';
    // What App's event stream hands to every screen (lib/events).
    emitKioskEvent({ type: 'lane', barrier: 'UP', commandPending: null, ready: true, pending: 0, opening: 'MANUAL' });
    await waitFor(() => expect(screen.getByTestId('lane-status').dataset.state).toBe('up'));
  });

  it('manual opening: a refused supervisor PIN says so and clears the PIN; OTHER asks for text; the core gets the request', async () => {
    let allow = false;
    const bridge = installBridge({
      'lane.status': () => status(),
      'lane.manualOpen': () => (allow ? { id: 'o1' } : new Fail('FORBIDDEN', 'Wrong supervisor username or PIN.')),
    });
    render(<LaneStatusPill />);
    fireEvent.click(await screen.findByTestId('lane-status'));
    fireEvent.click(await screen.findByTestId('lane-manual-open'));
    fireEvent.change(screen.getByTestId('manual-supervisor'), { target: { value: 'supervisor' } });
    fireEvent.change(screen.getByTestId('manual-pin'), { target: { value: '1111' } });
    fireEvent.change(screen.getByTestId('manual-reason'), { target: { value: 'OTHER' } });
    fireEvent.change(screen.getByTestId('manual-text'), { target: { value: 'Ambulance' } });
    fireEvent.submit(screen.getByTestId('manual-open'));
    expect((await screen.findByTestId('manual-open-error')).textContent).toContain('Wrong supervisor username or PIN');
    expect((screen.getByTestId('manual-pin') as HTMLInputElement).value).toBe('');
    allow = true;
    fireEvent.change(screen.getByTestId('manual-pin'), { target: { value: '2468' } });
    fireEvent.submit(screen.getByTestId('manual-open'));
    await screen.findByTestId('manual-open-done');
    expect(bridge.callsOf('lane.manualOpen').at(-1)).toEqual({ supervisorUsername: 'supervisor', supervisorPin: '2468', reasonCode: 'OTHER', reasonText: 'Ambulance' });
  });
});

describe('Admin > Lane devices > Lane rules', () => {
  const config = { role: 'both' as const, carWaitSeconds: 60, noCarCloseSeconds: 30, pendingExpiryMinutes: 30, heldUpSeconds: 60, tailgateWindowSeconds: 10, manualReasons: ['BARRIER_FAULT', 'STAFF_VEHICLE', 'OTHER'] };

  it('adds and removes reasons, saves once on a double tap, shows the core refusal with its detail', async () => {
    const { LaneRulesCard } = await import('../../src-renderer/lane/LaneRulesCard.js');
    let release: () => void = () => undefined;
    const bridge = installBridge({
      'lane.updateConfig': (i) =>
        (i.noCarCloseSeconds as number) > 600
          ? new Fail('VALIDATION_FAILED', 'noCarCloseSeconds: noCarCloseSeconds is at most 600')
          : new Promise((r) => (release = () => r({ config: { ...config, ...i }, devices: {} }))),
    });
    let saved: unknown = null;
    render(<LaneRulesCard config={config} onSaved={(c) => (saved = c)} />);
    fireEvent.click(screen.getByTestId('lane-reason-remove-STAFF_VEHICLE'));
    fireEvent.change(screen.getByTestId('lane-reason-new'), { target: { value: 'barrier fault' } });
    fireEvent.click(screen.getByTestId('lane-reason-add'));
    expect(screen.getByTestId('lane-reason-error').textContent).toContain('already in the list');
    fireEvent.change(screen.getByTestId('lane-reason-new'), { target: { value: 'x' } });
    fireEvent.click(screen.getByTestId('lane-reason-add'));
    expect(screen.getByTestId('lane-reason-error').textContent).toContain('2 to 40');
    fireEvent.change(screen.getByTestId('lane-reason-new'), { target: { value: 'vip guest' } });
    fireEvent.click(screen.getByTestId('lane-reason-add'));
    expect(screen.getByTestId('lane-reasons').textContent).toContain('VIP GUEST');

    fireEvent.change(screen.getByTestId('lane-timing-noCarCloseSeconds'), { target: { value: '601' } });
    fireEvent.click(screen.getByTestId('lane-rules-save'));
    const error = await screen.findByTestId('lane-rules-error');
    expect(error.textContent).toContain('Some details are missing or wrong');
    expect(error.textContent).toContain('at most 600');

    fireEvent.change(screen.getByTestId('lane-timing-noCarCloseSeconds'), { target: { value: '12' } });
    const save = screen.getByTestId('lane-rules-save') as HTMLButtonElement;
    fireEvent.click(save);
    fireEvent.click(save);
    await waitFor(() => expect(save.disabled).toBe(true));
    expect(bridge.callsOf('lane.updateConfig')).toHaveLength(2);
    expect(bridge.callsOf('lane.updateConfig')[1]).toMatchObject({ manualReasons: ['BARRIER_FAULT', 'VIP_GUEST', 'OTHER'], noCarCloseSeconds: 12, carWaitSeconds: 60 });
    release();
    await screen.findByTestId('lane-rules-saved');
    expect(screen.queryByTestId('lane-rules-error')).toBeNull();
    expect(saved).toMatchObject({ noCarCloseSeconds: 12 });
  });
});
