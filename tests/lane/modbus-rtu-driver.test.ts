/**
 * The Modbus RTU drivers over a socat pty pair, with modbus-serial's ServerSerial (the lane
 * simulator's RS-485 module) on the other end: the exact RTU frames with their CRC, barrier and
 * loops sharing one serial line, garbage on the line, a silent unit, and the adapter unplugged
 * (the pty removed) then back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLaneDevices } from '../../src-main/lane/devices.js';
import type { LaneDevices, LoopState } from '../../src-main/lane/ports.js';
import { startLaneSim, type LaneSim } from '../../src-sim/lane/sim.js';
import { clock, deviceError, recordingLog, sim, waitFor, waitHealth } from './helpers.js';

let s: LaneSim;
const open: LaneDevices[] = [];

beforeAll(async () => {
  s = await startLaneSim({ modbusTcp: false, relay: false, lane: { travelMs: 200, passMs: 450, closeDelayMs: 100 } });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
  if (!s.modbusRtu!.running) await sim(s.url, '/_sim/replug?device=modbus-rtu');
  await sim(s.url, '/_sim/reset');
});
afterAll(async () => {
  await s.stop();
});

function devices(barrier: Record<string, unknown>, withLoops = false): LaneDevices {
  const path = s.modbusRtu!.pty!.kioskPath;
  const d = createLaneDevices(
    {
      barrier: { driver: 'modbus-rtu', path, baudRate: 9600, timeoutMs: 400, ...barrier } as never,
      loops: withLoops ? { driver: 'modbus-rtu', path, baudRate: 9600, timeoutMs: 400, pollMs: 40, debounceMs: 60, arming: { input: 0 }, safety: { input: 1 }, barrierUp: { input: 2 } } : { driver: 'none' },
    },
    { clock, log: recordingLog().log },
  );
  open.push(d);
  return d;
}

/** The RTU frames the module received that are FC05 (write single coil). */
function coilFrames(from: number): string[] {
  return s.modbusRtu!.raw.slice(from).map((f) => f.hex).filter((h) => h.slice(2, 4) === '05');
}

describe('Modbus RTU barrier and loops on one RS-485 line', () => {
  it('raise() puts the exact RTU frame on the line: 01 05 0000 FF00 8C3A, then the release 01 05 0000 0000 CDCA', async () => {
    const d = devices({ unitId: 1, coil: 0, pulseMs: 150 });
    await waitHealth(d, 'barrier', 'ok');
    const from = s.modbusRtu!.raw.length;
    await d.barrier!.raise();
    expect(coilFrames(from)).toEqual(['01050000ff008c3a']);
    await waitFor('released', () => s.modbusRtu!.coils.get(0) === false, 3000);
    expect(coilFrames(from)).toEqual(['01050000ff008c3a', '010500000000cdca']);
    await waitFor('arm up', () => s.lane.barrierUp(), 3000);
  });

  it('barrier and loops share the one serial port: a car is seen while the barrier is commanded', async () => {
    const d = devices({ pulseMs: 120 }, true);
    await waitHealth(d, 'barrier', 'ok');
    await waitHealth(d, 'loops', 'ok');
    const seen: LoopState[] = [];
    d.loops!.onChange((x) => seen.push(x));
    await sim(s.url, '/_sim/arrive');
    await waitFor('arming on', () => seen.at(-1)?.arming === true, 3000);
    await d.barrier!.raise();
    await waitFor('barrier-up input', () => seen.at(-1)?.barrierUp === true, 3000);
    await sim(s.url, '/_sim/pass');
    await waitFor('safety off and arm down', () => seen.at(-1)?.barrierUp === false && seen.at(-1)?.safety === false, 3000);
    expect(seen.filter((x) => x.safety).length).toBeGreaterThan(0);
  });

  it('garbage on the line instead of a reply is BAD_REPLY; the line heals when the module answers properly', async () => {
    const d = devices({ pulseMs: 100 });
    await waitHealth(d, 'barrier', 'ok');
    await sim(s.url, '/_sim/fault?device=modbus-rtu&mode=garbage');
    const e = await deviceError(d.barrier!.raise());
    expect(e.reason).toBe('BAD_REPLY');
    expect(e.message).toMatch(/CRC/);
    await waitHealth(d, 'barrier', 'fault', 'BAD_REPLY');
    await sim(s.url, '/_sim/fault?device=modbus-rtu&mode=none');
    await waitHealth(d, 'barrier', 'ok');
    await d.barrier!.raise();
  });

  it('a silent unit rejects with TIMEOUT after the timeout (the port stays open)', async () => {
    const d = devices({ pulseMs: 100, timeoutMs: 300 });
    await waitHealth(d, 'barrier', 'ok');
    await sim(s.url, '/_sim/fault?device=modbus-rtu&mode=silent');
    const t0 = Date.now();
    const e = await deviceError(d.barrier!.raise());
    expect(e.reason).toBe('TIMEOUT');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    await sim(s.url, '/_sim/fault?device=modbus-rtu&mode=none');
    await waitHealth(d, 'barrier', 'ok');
  });

  it('the USB-RS485 adapter unplugged (pty gone): fault DISCONNECTED, commands refused; back: ok and a command works', async () => {
    const d = devices({ pulseMs: 100 }, true);
    await waitHealth(d, 'barrier', 'ok');
    await waitHealth(d, 'loops', 'ok');
    await sim(s.url, '/_sim/unplug?device=modbus-rtu');
    await waitHealth(d, 'loops', 'fault');
    await waitHealth(d, 'barrier', 'fault');
    const e = await deviceError(d.barrier!.raise());
    expect(['DISCONNECTED', 'TIMEOUT']).toContain(e.reason);
    await sim(s.url, '/_sim/replug?device=modbus-rtu');
    await waitHealth(d, 'barrier', 'ok');
    await waitHealth(d, 'loops', 'ok');
    const from = s.modbusRtu!.raw.length;
    await d.barrier!.raise();
    expect(coilFrames(from)[0]).toBe('01050000ff008c3a');
  });
});
