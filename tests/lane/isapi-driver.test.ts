/**
 * The Hikvision ISAPI barrier driver against the simulator's ISAPI endpoint, which checks the
 * digest auth itself (its own implementation) and the barrierGate XML: open/close bodies, the
 * 401 -> digest round trip, a wrong password, a device error, a hung device, a device that resets
 * connections and comes back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLaneDevices } from '../../src-main/lane/devices.js';
import type { LaneDevices } from '../../src-main/lane/ports.js';
import { startLaneSim, type LaneSim } from '../../src-sim/lane/sim.js';
import { clock, deviceError, expectTimeout, recordingLog, sim, waitFor, waitHealth } from './helpers.js';

let s: LaneSim;
const open: LaneDevices[] = [];

beforeAll(async () => {
  s = await startLaneSim({ modbusTcp: false, modbusRtu: false, relay: false, isapiUser: 'admin', isapiPassword: 'Gate#2026', lane: { travelMs: 200 } });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
  await sim(s.url, '/_sim/reset');
});
afterAll(async () => {
  await s.stop();
  // Nothing the driver logged or reported carries the password.
  expect(JSON.stringify(logs.lines)).not.toContain('Gate#2026');
});

const logs = recordingLog();

function devices(barrier: Record<string, unknown> = {}): LaneDevices {
  const d = createLaneDevices(
    { barrier: { driver: 'isapi', host: '127.0.0.1', port: s.httpPort, channel: 1, username: 'admin', password: 'Gate#2026', timeoutMs: 500, ...barrier } as never },
    { clock, log: logs.log },
  );
  open.push(d);
  return d;
}

const commands = (from: number) => s.isapi.requests.slice(from).filter((r) => r.method === 'PUT');

describe('ISAPI barrier', () => {
  it('raise() PUTs ctrlMode open to /ISAPI/Parking/channels/1/barrierGate with digest auth; lower() PUTs close', async () => {
    const d = devices();
    await waitHealth(d, 'barrier', 'ok');
    const from = s.isapi.requests.length;
    await d.barrier!.raise();
    const puts = commands(from);
    expect(puts.at(-1)).toMatchObject({ path: '/ISAPI/Parking/channels/1/barrierGate', auth: 'ok', status: 200 });
    expect(puts.at(-1)!.body).toBe('<?xml version="1.0" encoding="UTF-8"?><BarrierGate><ctrlMode>open</ctrlMode></BarrierGate>');
    // The probe already holds the challenge, so the command is one authenticated round trip.
    expect(puts.filter((p) => p.auth !== 'ok')).toEqual([]);
    await waitFor('arm up', () => s.lane.barrierUp(), 3000);
    await d.barrier!.lower();
    expect(commands(from).at(-1)!.body).toContain('<ctrlMode>close</ctrlMode>');
    await waitFor('arm down', () => s.lane.barrierState() === 'down', 3000);
  });

  it('a wrong password is DEVICE_EXCEPTION (refused), never a success', async () => {
    const d = devices({ password: 'wrong' });
    const h = await waitHealth(d, 'barrier', 'fault', 'DEVICE_EXCEPTION');
    expect(h.detail).toMatch(/user name or password/);
    const from = s.isapi.requests.length;
    const e = await deviceError(d.barrier!.raise());
    expect(e.reason).toBe('DEVICE_EXCEPTION');
    // The saved challenge's answer is refused, the client answers one fresh challenge, then gives up.
    expect(commands(from).map((r) => r.auth)).toEqual(['bad', 'bad']);
    expect(s.lane.barrierState()).toBe('down');
  });

  it('no saved password is NOT_CONFIGURED', async () => {
    const d = devices({ password: undefined });
    await waitHealth(d, 'barrier', 'fault', 'NOT_CONFIGURED');
    await expect(d.barrier!.raise()).rejects.toMatchObject({ reason: 'NOT_CONFIGURED' });
  });

  it('an unknown channel is refused with the device status (DEVICE_EXCEPTION)', async () => {
    const d = devices({ channel: 2 });
    await waitHealth(d, 'barrier', 'ok');
    const e = await deviceError(d.barrier!.raise());
    expect(e.reason).toBe('DEVICE_EXCEPTION');
    expect(e.message).toMatch(/invalidChannel/);
  });

  it('a device error (HTTP 500, statusCode 3) is DEVICE_EXCEPTION; a hung device is TIMEOUT within the timeout', async () => {
    const d = devices({ timeoutMs: 400 });
    await waitHealth(d, 'barrier', 'ok');
    await sim(s.url, '/_sim/fault?device=isapi&mode=error');
    expect((await deviceError(d.barrier!.raise())).reason).toBe('DEVICE_EXCEPTION');
    await sim(s.url, '/_sim/fault?device=isapi&mode=slow');
    await expectTimeout(d.barrier!.raise(), 400);
    await waitHealth(d, 'barrier', 'fault', 'TIMEOUT');
    await sim(s.url, '/_sim/fault?device=isapi&mode=none');
    await d.barrier!.raise();
    await waitHealth(d, 'barrier', 'ok');
  });

  it('a controller that resets connections (unplugged) is DISCONNECTED; back, the probe heals the health and a command works', async () => {
    const d = devices();
    await waitHealth(d, 'barrier', 'ok');
    await sim(s.url, '/_sim/unplug?device=isapi');
    expect((await deviceError(d.barrier!.raise())).reason).toBe('DISCONNECTED');
    await waitHealth(d, 'barrier', 'fault', 'DISCONNECTED');
    await sim(s.url, '/_sim/replug?device=isapi');
    await waitHealth(d, 'barrier', 'ok', undefined, 12_000);
    await d.barrier!.raise();
  });
});
