/**
 * Every lane driver against the lane simulator running as its own process (`src-sim/lane/main.ts`,
 * what `npm run lane-sim` starts): the device unplugged (`/_sim/unplug`: the Modbus TCP module's
 * connections end with a reset, the ptys of the RTU line and the relay board vanish, the ISAPI
 * controller resets every connection) shows as a fault, and once it is plugged back in
 * (`/_sim/replug`) the driver is healthy again by itself within a few seconds and its next command
 * reaches the device. close() always finishes quickly: while unplugged, and with a command on the
 * wire to a module that has stopped answering.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLaneDevices } from '../../src-main/lane/devices.js';
import type { LaneDevices } from '../../src-main/lane/ports.js';
import { freePort } from '../../src-sim/lane/modbus-peer.js';
import { clock, recordingLog, sim, waitFor } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
/**
 * What "by itself within a few seconds" means here: the reconnect backoff tops out at 2 s, and a
 * loaded machine (two test files at a time on two cores) may add seconds; a driver that stays
 * down still fails.
 */
const RECOVER_MS = 15_000;
/** close() is quick: well within the 10 s command timeout it must not wait for. */
const CLOSE_MS = 5000;

interface SimState {
  modbusTcp: { writes: { coil: number; value: boolean }[] };
  modbusRtu: { writes: { coil: number; value: boolean }[] };
  relay: { frames: unknown[] };
  isapi: { requests: { method: string; auth: string; status: number }[] };
}

let proc: ChildProcess;
let url: string;
let modbusPort: number;
const dir = mkdtempSync(join(tmpdir(), 'parkgate-lane-reconnect-'));
const open: LaneDevices[] = [];

beforeAll(async () => {
  const httpPort = await freePort();
  modbusPort = await freePort();
  url = `http://127.0.0.1:${httpPort}`;
  proc = spawn(process.execPath, ['--import', 'tsx', 'src-sim/lane/main.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LANE_SIM_PORT: String(httpPort), LANE_SIM_MODBUS_PORT: String(modbusPort), LANE_SIM_DIR: dir, LANE_SIM_TRAVEL_MS: '200' },
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor('the lane simulator process', () => out.includes('lane-sim running'), 60_000);
}, 90_000);

afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
  for (const device of ['modbus-tcp', 'modbus-rtu', 'relay', 'isapi']) await sim(url, `/_sim/replug?device=${device}`).catch(() => undefined);
  await sim(url, '/_sim/reset');
});

afterAll(() => {
  if (proc?.pid) {
    try {
      process.kill(-proc.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const state = async () => (await sim(url, '/_sim/state')) as SimState;
const allOk = (d: LaneDevices) => d.health().length > 0 && d.health().every((h) => h.state === 'ok');
const anyFault = (d: LaneDevices) => d.health().some((h) => h.state === 'fault');

type Kind = 'modbus-tcp' | 'modbus-rtu' | 'relay' | 'isapi';

function build(kind: Kind, extra: Record<string, unknown> = {}): LaneDevices {
  const settings =
    kind === 'modbus-tcp'
      ? { barrier: { driver: 'modbus-tcp', host: '127.0.0.1', port: modbusPort, ...extra }, loops: { driver: 'modbus-tcp', host: '127.0.0.1', port: modbusPort, ...extra } }
      : kind === 'modbus-rtu'
        ? { barrier: { driver: 'modbus-rtu', path: join(dir, 'rtuA'), ...extra }, loops: { driver: 'modbus-rtu', path: join(dir, 'rtuA'), ...extra } }
        : kind === 'relay'
          ? { barrier: { driver: 'serial-relay', path: join(dir, 'relayA'), ...extra } }
          : { barrier: { driver: 'isapi', host: '127.0.0.1', port: Number(new URL(url).port), username: 'admin', password: 'sim-password', ...extra } };
  const d = createLaneDevices(settings as never, { clock, log: recordingLog().log });
  open.push(d);
  return d;
}

/** How many commands of the barrier reached the simulated device so far. */
async function commands(kind: Kind): Promise<number> {
  const s = await state();
  if (kind === 'modbus-tcp') return s.modbusTcp.writes.filter((w) => w.coil === 0 && w.value).length;
  if (kind === 'modbus-rtu') return s.modbusRtu.writes.filter((w) => w.coil === 0 && w.value).length;
  if (kind === 'relay') return s.relay.frames.length;
  return s.isapi.requests.filter((r) => r.method === 'PUT' && r.status === 200).length;
}

async function timed(p: Promise<unknown>): Promise<number> {
  const t0 = Date.now();
  await p;
  return Date.now() - t0;
}

describe('lane drivers against the simulator process: unplugged, plugged back in, recovered', () => {
  for (const kind of ['modbus-tcp', 'modbus-rtu', 'relay', 'isapi'] as const) {
    it(`${kind}: fault while unplugged, ok again by itself after replug, the next command reaches the device, close() is quick`, async () => {
      const d = build(kind);
      await waitFor(`${kind} healthy`, () => allOk(d), 15_000);
      // Twice: a driver that recovered once must recover again (its second connection is the one that used to stay down).
      for (let round = 1; round <= 2; round++) {
        await sim(url, `/_sim/unplug?device=${kind}`);
        await waitFor(`${kind} fault (round ${round})`, () => anyFault(d), 8000);
        await expect(d.barrier!.raise()).rejects.toMatchObject({ reason: expect.stringMatching(/DISCONNECTED|TIMEOUT/) });
        // Long enough for the reconnect backoff to reach its ceiling.
        await new Promise((r) => setTimeout(r, round === 1 ? 300 : 2500));
        await sim(url, `/_sim/replug?device=${kind}`);
        const recoveredIn = await timed(waitFor(`${kind} ok after replug (round ${round})`, () => allOk(d), RECOVER_MS + 1000, 25));
        expect(recoveredIn).toBeLessThan(RECOVER_MS);
        const before = await commands(kind);
        await d.barrier!.raise();
        await waitFor(`${kind} command at the device (round ${round})`, async () => (await commands(kind)) > before, 3000);
      }
      expect(await timed(d.close())).toBeLessThan(CLOSE_MS);
    }, 120_000);
  }

  it('close() is quick while the device is unplugged and the driver keeps retrying', async () => {
    const d = build('modbus-tcp');
    const r = build('relay');
    await waitFor('healthy', () => allOk(d) && allOk(r), 15_000);
    await sim(url, '/_sim/unplug?device=modbus-tcp');
    await sim(url, '/_sim/unplug?device=relay');
    await waitFor('fault', () => anyFault(d) && anyFault(r), 8000);
    await new Promise((res) => setTimeout(res, 600));
    expect(await timed(Promise.all([d.close(), r.close()]))).toBeLessThan(CLOSE_MS);
  }, 60_000);

  it('close() with a command on the wire to a module that stopped answering (10 s timeout) ends within moments, and the command rejects', async () => {
    const d = build('modbus-tcp', { timeoutMs: 10_000 });
    await waitFor('healthy', () => allOk(d), 15_000);
    await sim(url, '/_sim/fault?device=modbus-tcp&mode=silent');
    const raise = d.barrier!.raise().then(
      () => 'raised',
      (e: { reason?: string }) => e.reason,
    );
    await new Promise((res) => setTimeout(res, 300));
    expect(await timed(d.close())).toBeLessThan(CLOSE_MS);
    expect(await raise).toBe('DISCONNECTED');
  }, 60_000);
});
