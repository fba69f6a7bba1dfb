/**
 * The CH340 LCUS relay-board driver through a socat pty pair, the simulator's board on the
 * other end checking the exact bytes: `A0 01 01 A2` to close relay 1, `A0 01 00 A1` to open it,
 * the checksum of other relays, pulse and hold, garbage coming back from the "board", and the
 * board unplugged (the pty removed) then plugged back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lcusFrame } from '../../src-main/lane/barrier/serial-relay.js';
import { createLaneDevices } from '../../src-main/lane/devices.js';
import type { LaneDevices } from '../../src-main/lane/ports.js';
import { startLaneSim, type LaneSim } from '../../src-sim/lane/sim.js';
import { clock, deviceError, recordingLog, sim, waitFor, waitHealth } from './helpers.js';

let s: LaneSim;
const open: LaneDevices[] = [];

beforeAll(async () => {
  s = await startLaneSim({ modbusTcp: false, modbusRtu: false, lane: { travelMs: 200 } });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
  if (!s.relay!.running) await sim(s.url, '/_sim/replug?device=relay');
  await sim(s.url, '/_sim/reset');
});
afterAll(async () => {
  await s.stop();
});

function devices(barrier: Record<string, unknown>, log = recordingLog().log): LaneDevices {
  const d = createLaneDevices({ barrier: { driver: 'serial-relay', path: s.relay!.pty.kioskPath, timeoutMs: 300, ...barrier } as never }, { clock, log });
  open.push(d);
  return d;
}

const received = (from: number) => s.relay!.frames.slice(from).map((f) => f.hex);

describe('LCUS frames', () => {
  it('are A0, relay, 01|00, and the sum of the three', () => {
    expect(lcusFrame(1, true).toString('hex')).toBe('a00101a2');
    expect(lcusFrame(1, false).toString('hex')).toBe('a00100a1');
    expect(lcusFrame(2, true).toString('hex')).toBe('a00201a3');
    expect(lcusFrame(8, false).toString('hex')).toBe('a00800a8');
  });
});

describe('USB serial relay barrier', () => {
  it('pulse: A0 01 01 A2 on raise(), A0 01 00 A1 pulseMs later; the sim arm rises', async () => {
    const d = devices({ relay: 1, mode: 'pulse', pulseMs: 200 });
    await waitHealth(d, 'barrier', 'ok');
    const from = s.relay!.frames.length;
    const t0 = Date.now();
    await d.barrier!.raise();
    await waitFor('close frame received', () => received(from).length === 1, 2000);
    expect(received(from)).toEqual(['a00101a2']);
    expect(s.relay!.relays.get(1)).toBe(true);
    await waitFor('open frame received', () => received(from).length === 2, 3000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(received(from)).toEqual(['a00101a2', 'a00100a1']);
    expect(s.relay!.frames.slice(from).every((f) => f.valid)).toBe(true);
    await waitFor('arm up', () => s.lane.barrierUp(), 3000);
  });

  it('hold with a close relay: relay 1 stays closed; lower() opens it and pulses relay 2', async () => {
    const d = devices({ relay: 1, closeRelay: 2, mode: 'hold', pulseMs: 150 });
    await waitHealth(d, 'barrier', 'ok');
    const from = s.relay!.frames.length;
    await d.barrier!.raise();
    await new Promise((r) => setTimeout(r, 300));
    expect(received(from)).toEqual(['a00101a2']);
    await d.barrier!.lower();
    await waitFor('close pulse done', () => received(from).length === 4, 3000);
    expect(received(from)).toEqual(['a00101a2', 'a00100a1', 'a00201a3', 'a00200a2']);
  });

  it('bytes coming back from the port (not a relay board) are BAD_REPLY: health fault, commands refused, ok again once quiet', async () => {
    const { log, lines } = recordingLog();
    const d = devices({ pulseMs: 100 }, log);
    await waitHealth(d, 'barrier', 'ok');
    await sim(s.url, '/_sim/fault?device=relay&mode=garbage');
    const h = await waitHealth(d, 'barrier', 'fault', 'BAD_REPLY');
    expect(h.detail).toMatch(/sends data/);
    expect(lines.some((l) => l.level === 'warn' && l.extra?.reason === 'BAD_REPLY')).toBe(true);
    const from = s.relay!.frames.length;
    const e = await deviceError(d.barrier!.raise());
    expect(e.reason).toBe('BAD_REPLY');
    expect(received(from)).toEqual([]);
    await waitHealth(d, 'barrier', 'ok', undefined, 5000);
    await d.barrier!.raise();
    await waitFor('frame after recovery', () => received(from).includes('a00101a2'), 2000);
  });

  it('unplugged (pty removed): fault DISCONNECTED and raise() rejects; plugged back: ok and raise() reaches the board', async () => {
    const d = devices({ pulseMs: 100 });
    await waitHealth(d, 'barrier', 'ok');
    await sim(s.url, '/_sim/unplug?device=relay');
    const h = await waitHealth(d, 'barrier', 'fault', 'DISCONNECTED');
    expect(h.detail).toMatch(/plugged in/);
    const e = await deviceError(d.barrier!.raise());
    expect(e.reason).toBe('DISCONNECTED');
    await sim(s.url, '/_sim/replug?device=relay');
    await waitHealth(d, 'barrier', 'ok');
    const from = s.relay!.frames.length;
    await d.barrier!.raise();
    await waitFor('frame after replug', () => received(from)[0] === 'a00101a2', 2000);
  });

  it('a port that does not exist is fault DISCONNECTED from the start, with the path in the detail', async () => {
    const d = createLaneDevices({ barrier: { driver: 'serial-relay', path: `${s.dir}/no-such-tty` } }, { clock, log: recordingLog().log });
    open.push(d);
    const h = await waitHealth(d, 'barrier', 'fault', 'DISCONNECTED');
    expect(h.detail).toContain('no-such-tty');
    await expect(d.barrier!.raise()).rejects.toMatchObject({ reason: 'DISCONNECTED' });
  });
});
