/**
 * The Modbus TCP barrier and loop drivers against modbus-serial's own ServerTCP (the lane
 * simulator's IO module): the exact request bytes on the wire, pulse and hold, debounced loops,
 * and every failure a module can show (exception reply, no reply, garbage, unplugged and back).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLaneDevices } from '../../src-main/lane/devices.js';
import { ModbusLink } from '../../src-main/lane/modbus/link.js';
import type { LaneDevices, LoopState } from '../../src-main/lane/ports.js';
import { startLaneSim, type LaneSim } from '../../src-sim/lane/sim.js';
import { clock, deviceError, expectTimeout, recordingLog, sim, waitFor, waitHealth } from './helpers.js';

let s: LaneSim;
const open: LaneDevices[] = [];

beforeAll(async () => {
  s = await startLaneSim({ modbusRtu: false, relay: false, lane: { travelMs: 200, passMs: 450, closeDelayMs: 100, gapMs: 250 } });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
  if (!s.modbusTcp!.running) await sim(s.url, '/_sim/replug?device=modbus-tcp');
  await sim(s.url, '/_sim/reset');
});
afterAll(async () => {
  await s.stop();
});

function devices(barrier: Record<string, unknown>, loops: Record<string, unknown> | null = null, log = recordingLog().log): LaneDevices {
  const d = createLaneDevices(
    {
      barrier: { driver: 'modbus-tcp', host: '127.0.0.1', port: s.modbusTcp!.tcpPort, timeoutMs: 300, ...barrier } as never,
      loops: loops ? ({ driver: 'modbus-tcp', host: '127.0.0.1', port: s.modbusTcp!.tcpPort, timeoutMs: 300, pollMs: 20, debounceMs: 60, ...loops } as never) : { driver: 'none' },
    },
    { clock, log },
  );
  open.push(d);
  return d;
}

/** FC05 frames (MBAP stripped) received since `from`: [unit, 05, addr hi, addr lo, FF|00, 00]. */
function coilWrites(from: number): string[] {
  return s.modbusTcp!.raw.slice(from).map((f) => f.hex.slice(12)).filter((pdu) => pdu.slice(2, 4) === '05');
}

describe('Modbus TCP barrier', () => {
  it('pulse: raise() writes coil 0 ON (FC05 FF00), the sim arm rises, and the coil is released after pulseMs', async () => {
    const d = devices({ unitId: 3, coil: 0, mode: 'pulse', pulseMs: 150 });
    await waitHealth(d, 'barrier', 'ok');
    const from = s.modbusTcp!.raw.length;
    const t0 = Date.now();
    await d.barrier!.raise();
    expect(coilWrites(from)).toEqual(['030500' + '00ff00']);
    expect(s.modbusTcp!.coils.get(0)).toBe(true);
    await waitFor('coil released', () => s.modbusTcp!.coils.get(0) === false, 3000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(coilWrites(from)).toEqual(['03050000ff00', '030500000000']);
    await waitFor('arm up', () => s.lane.barrierUp(), 3000);
  });

  it('hold: the coil stays closed until lower(); lower() with a close coil pulses that coil', async () => {
    const d = devices({ coil: 4, closeCoil: 5, mode: 'hold', pulseMs: 120 });
    await waitHealth(d, 'barrier', 'ok');
    await d.barrier!.raise();
    await new Promise((r) => setTimeout(r, 300));
    expect(s.modbusTcp!.coils.get(4)).toBe(true);
    const from = s.modbusTcp!.raw.length;
    await d.barrier!.lower();
    expect(s.modbusTcp!.coils.get(4)).toBe(false);
    expect(s.modbusTcp!.coils.get(5)).toBe(true);
    await waitFor('close coil released', () => s.modbusTcp!.coils.get(5) === false, 3000);
    expect(coilWrites(from)).toEqual(['010500040000', '01050005ff00', '010500050000']);
  });

  it('a raise() during a close pulse releases the close coil first: open and close are never closed together', async () => {
    const d = devices({ coil: 8, closeCoil: 9, mode: 'pulse', pulseMs: 400 });
    await waitHealth(d, 'barrier', 'ok');
    const from = s.modbusTcp!.raw.length;
    await d.barrier!.lower();
    await d.barrier!.raise();
    expect(s.modbusTcp!.coils.get(9)).toBe(false);
    expect(s.modbusTcp!.coils.get(8)).toBe(true);
    expect(coilWrites(from)).toEqual(['010500080000', '01050009ff00', '010500090000', '01050008ff00']);
    await waitFor('open coil released', () => s.modbusTcp!.coils.get(8) === false, 3000);
  });

  it('testPulse() pulses even a hold-type barrier, so a test never leaves it up', async () => {
    const d = devices({ coil: 6, mode: 'hold', pulseMs: 100 });
    await waitHealth(d, 'barrier', 'ok');
    await d.barrier!.testPulse!();
    expect(s.modbusTcp!.coils.get(6)).toBe(true);
    await waitFor('released', () => s.modbusTcp!.coils.get(6) === false, 3000);
  });

  it('a Modbus exception reply rejects with DEVICE_EXCEPTION and shows on health; the next good reply heals it', async () => {
    const { log, lines } = recordingLog();
    const d = devices({ pulseMs: 100 }, null, log);
    await waitHealth(d, 'barrier', 'ok');
    await sim(s.url, '/_sim/fault?device=modbus-tcp&mode=exception&code=2');
    const e = await deviceError(d.barrier!.raise());
    expect(e.reason).toBe('DEVICE_EXCEPTION');
    expect(e.message).toMatch(/exception 2, illegal data address/);
    const h = await waitHealth(d, 'barrier', 'fault', 'DEVICE_EXCEPTION');
    expect(h.detail).toMatch(/refused the command/);
    expect(lines.some((l) => l.level === 'warn' && l.message === 'barrier device fault')).toBe(true);
    await sim(s.url, '/_sim/fault?device=modbus-tcp&mode=none');
    await waitHealth(d, 'barrier', 'ok');
    await d.barrier!.raise();
  });

  it('a module that does not answer rejects with TIMEOUT within the timeout, then reconnects by itself', async () => {
    const d = devices({ pulseMs: 100, timeoutMs: 300 });
    await waitHealth(d, 'barrier', 'ok');
    await sim(s.url, '/_sim/fault?device=modbus-tcp&mode=silent');
    await expectTimeout(d.barrier!.raise(), 300);
    await sim(s.url, '/_sim/fault?device=modbus-tcp&mode=none');
    await waitHealth(d, 'barrier', 'ok');
    await d.barrier!.raise();
  });

  it('garbage in reply to a command is BAD_REPLY, not a success', async () => {
    const d = devices({ pulseMs: 100 });
    await waitHealth(d, 'barrier', 'ok');
    await sim(s.url, '/_sim/fault?device=modbus-tcp&mode=garbage');
    const e = await deviceError(d.barrier!.raise());
    expect(e.reason).toBe('BAD_REPLY');
    await sim(s.url, '/_sim/fault?device=modbus-tcp&mode=none');
    await waitHealth(d, 'barrier', 'ok');
  });

  it('unplugged: health goes fault DISCONNECTED, a command rejects at once; plugged back: ok again and a command works', async () => {
    // A long timeout, so "rejects at once" cannot be a timeout that happened to be short.
    const d = devices({ pulseMs: 100, timeoutMs: 10_000 }, { arming: { input: 0 }, safety: { input: 1 } });
    await waitHealth(d, 'barrier', 'ok');
    await waitHealth(d, 'loops', 'ok');
    await sim(s.url, '/_sim/unplug?device=modbus-tcp');
    await waitHealth(d, 'barrier', 'fault', 'DISCONNECTED');
    await waitHealth(d, 'loops', 'fault', 'DISCONNECTED');
    const t0 = Date.now();
    const e = await deviceError(d.barrier!.raise());
    expect(e.reason).toBe('DISCONNECTED');
    expect(Date.now() - t0).toBeLessThan(5000); // generous for a loaded machine, and half the timeout
    await expect(d.loops!.read()).rejects.toMatchObject({ reason: 'DISCONNECTED' });
    await sim(s.url, '/_sim/replug?device=modbus-tcp');
    await waitHealth(d, 'barrier', 'ok');
    await waitHealth(d, 'loops', 'ok');
    const from = s.modbusTcp!.raw.length;
    await d.barrier!.raise();
    expect(coilWrites(from)[0]).toBe('01050000ff00');
  });

  it('a release lost to an unplug mid-pulse is sent once the module is back (no contact left closed)', async () => {
    const d = devices({ coil: 7, pulseMs: 300 });
    await waitHealth(d, 'barrier', 'ok');
    await d.barrier!.raise();
    await sim(s.url, '/_sim/unplug?device=modbus-tcp');
    await new Promise((r) => setTimeout(r, 450));
    expect(s.modbusTcp!.coils.get(7)).toBe(true);
    await sim(s.url, '/_sim/replug?device=modbus-tcp');
    await waitFor('coil 7 released after reconnect', () => s.modbusTcp!.coils.get(7) === false, 12_000);
  });
});

describe('Modbus TCP loops', () => {
  it('a car arriving and passing gives arming on, safety on, arming off, safety off; barrier-up follows the arm', async () => {
    const d = devices({ pulseMs: 100 }, { arming: { input: 0 }, safety: { input: 1 }, barrierUp: { input: 2 } });
    await waitHealth(d, 'loops', 'ok');
    const seen: LoopState[] = [];
    d.loops!.onChange((st) => seen.push(st));
    expect(await d.loops!.read()).toEqual({ arming: false, safety: false, barrierUp: false });
    await sim(s.url, '/_sim/arrive');
    await waitFor('arming on', () => seen.at(-1)?.arming === true, 3000);
    await d.barrier!.raise();
    await waitFor('barrier up input', () => seen.at(-1)?.barrierUp === true, 3000);
    await sim(s.url, '/_sim/pass');
    await waitFor('arm down again', () => seen.at(-1)?.barrierUp === false, 3000);
    const arming = seen.map((x) => x.arming);
    const safety = seen.map((x) => x.safety);
    // One car: arming rose once and fell once, safety rose once and fell once.
    expect(edges(arming)).toEqual(['on', 'off']);
    expect(edges(safety)).toEqual(['on', 'off']);
    expect(await d.loops!.readNow!()).toEqual({ arming: false, safety: false, barrierUp: false });
  });

  it('a chattering loop (flickers shorter than the debounce) yields no change at all; a real car after it yields one', async () => {
    const d = devices({ pulseMs: 100 }, { arming: { input: 0 }, safety: { input: 1 }, debounceMs: 150, pollMs: 20 });
    await waitHealth(d, 'loops', 'ok');
    const seen: LoopState[] = [];
    d.loops!.onChange((st) => seen.push(st));
    await sim(s.url, '/_sim/chatter?loop=arming&times=30&ms=20');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
    expect(s.modbusTcp!.raw.length).toBeGreaterThan(10);
    await sim(s.url, '/_sim/arrive');
    await waitFor('arming on', () => seen.length === 1, 3000);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([{ arming: true, safety: false, barrierUp: null }]);
    await sim(s.url, '/_sim/leave');
    await waitFor('arming off', () => seen.length === 2, 3000);
  });

  it('active-low polarity inverts an input (normally-closed detector wiring)', async () => {
    const d = devices({ pulseMs: 100 }, { arming: { input: 0, polarity: 'active-low' }, safety: { input: 1 } });
    await waitHealth(d, 'loops', 'ok');
    expect((await d.loops!.read()).arming).toBe(true);
    await sim(s.url, '/_sim/arrive');
    await waitFor('arming reads false with a car on it', async () => (await d.loops!.read()).arming === false, 3000);
    await sim(s.url, '/_sim/leave');
  });

  it('a Modbus exception on the inputs marks the loops fault DEVICE_EXCEPTION and read() refuses, until it answers again', async () => {
    const d = devices({ pulseMs: 100 }, { arming: { input: 0 }, safety: { input: 1 } });
    await waitHealth(d, 'loops', 'ok');
    await sim(s.url, '/_sim/fault?device=modbus-tcp&mode=exception&code=4');
    await waitHealth(d, 'loops', 'fault', 'DEVICE_EXCEPTION');
    await expect(d.loops!.read()).rejects.toMatchObject({ reason: 'DEVICE_EXCEPTION' });
    await sim(s.url, '/_sim/fault?device=modbus-tcp&mode=none');
    await waitHealth(d, 'loops', 'ok');
  });
});

function edges(levels: boolean[]): string[] {
  const out: string[] = [];
  let prev = false;
  for (const l of levels) {
    if (l !== prev) out.push(l ? 'on' : 'off');
    prev = l;
  }
  return out;
}

describe('Modbus TCP link', () => {
  it('a barrier command (urgent) goes right after the request on the wire, ahead of the polls waiting; polls keep their order', async () => {
    const link = new ModbusLink({ kind: 'tcp', host: '127.0.0.1', port: s.modbusTcp!.tcpPort }, { connectTimeoutMs: 1000, log: recordingLog().log });
    link.start();
    try {
      await waitFor('link up', () => link.state === 'up');
      const order: string[] = [];
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => (release = r));
      const onWire = link.request(1, 1000, async (c) => {
        await held;
        order.push('on the wire');
        return c.readDiscreteInputs(0, 3);
      });
      const poll = (name: string) => link.request(1, 1000, async (c) => {
        order.push(name);
        return c.readDiscreteInputs(0, 3);
      });
      const polls = [poll('poll 1'), poll('poll 2')];
      const command = link.request(1, 1000, async (c) => {
        order.push('command');
        return c.writeCoil(0, true);
      }, true);
      const later = link.request(1, 1000, async (c) => {
        order.push('second command');
        return c.writeCoil(0, false);
      }, true);
      release();
      await Promise.all([onWire, ...polls, command, later]);
      expect(order).toEqual(['on the wire', 'command', 'second command', 'poll 1', 'poll 2']);
    } finally {
      await link.close();
    }
  });
});
