/**
 * Lane decision bench (`npm run bench -- --only lane`; `--n <count>`, default 100).
 *
 * Time from the core's exit decision (the `gate.completeExit` call of a car with nothing due, while
 * the car waits on the arming loop) to the barrier's coil command arriving at the Modbus TCP IO
 * module: the API dispatch, the exit transaction with its opening row, the lane state machine, the
 * lane service and the real driver, against the lane simulator's module in this process
 * (performance.now() on both sides). Beside it, in the same run: the same exit call with no barrier
 * configured (the gate operation's own cost) and the driver's own raise() to the same module.
 * Target: p99 < 50 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src-main/core/clock.js';
import { createLaneDevices } from '../../src-main/lane/devices.js';
import { createKiosk } from '../../src-main/kiosk.js';
import type { RawFrame } from '../../src-sim/lane/modbus-peer.js';
import { startLaneSim } from '../../src-sim/lane/sim.js';

const nAt = process.argv.indexOf('--n');
const N = nAt >= 0 ? Number(process.argv[nAt + 1]) : 100;
const WARMUP = 10;
const TARGET_P99_MS = 50;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The arrival time of the next "close the open coil" write (FC05, FF00); the loop polls (FC02) are skipped. */
function nextCoilOn(onRaw: (fn: (f: RawFrame) => void) => () => void): Promise<number> {
  return new Promise((resolve) => {
    const off = onRaw((f) => {
      if (f.hex.slice(14, 16) === '05' && f.hex.slice(20, 24) === 'ff00') {
        off();
        resolve(f.at);
      }
    });
  });
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function main(): Promise<void> {
  const sim = await startLaneSim({ modbusRtu: false, relay: false, lane: { mode: 'hold', travelMs: 20, passMs: 150, closeDelayMs: 10, gapMs: 10 } });
  const tcp = sim.modbusTcp!;
  const dir = mkdtempSync(join(tmpdir(), 'parkgate-lane-bench-'));
  const kiosk = await createKiosk({ dbPath: join(dir, 'kiosk.db'), seedDemo: true, log: () => undefined });
  const call = async <T = any>(method: string, input: unknown, token: string | null): Promise<T> => {
    const r = await kiosk.call(method, input, token);
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.data as T;
  };
  const admin = (await call('auth.login', { username: 'admin', pin: '2468' }, null)).token;
  const cashier = (await call('auth.login', { username: 'cashier', pin: '2468' }, null)).token;
  const port = tcp.tcpPort;
  // Reference 1, same run, same database: the exit call itself with no barrier configured.
  const bareExit: number[] = [];
  for (let i = 0; i < N + WARMUP; i++) {
    const s = await call('gate.issueTicket', { vehicleNumber: `KA02BN${String(i).padStart(4, '0')}` }, cashier);
    const t0 = performance.now();
    await call('gate.completeExit', { sessionId: s.id }, cashier);
    if (i >= WARMUP) bareExit.push(performance.now() - t0);
  }
  await call('lane.saveDevices', {
    devices: {
      barrier: { driver: 'modbus-tcp', host: '127.0.0.1', port, mode: 'hold' },
      loops: { driver: 'modbus-tcp', host: '127.0.0.1', port, pollMs: 20, debounceMs: 0 },
    },
  }, admin);
  await call('lane.updateConfig', { role: 'exit' }, admin); // the entry tickets below give no cause here
  const status = () => call('lane.status', {}, cashier);
  await until('lane ready', async () => (await status()).ready);

  const viaCore: number[] = [];
  for (let i = 0; i < N + WARMUP; i++) {
    const s = await call('gate.issueTicket', { vehicleNumber: `KA01BN${String(i).padStart(4, '0')}` }, cashier);
    sim.lane.arrive();
    await until('arming seen', async () => Boolean((await status()).loops?.arming));
    const arrived = nextCoilOn((fn) => tcp.onRaw(fn));
    const t0 = performance.now();
    await call('gate.completeExit', { sessionId: s.id }, cashier);
    const ms = (await arrived) - t0;
    if (i >= WARMUP) viaCore.push(ms);
    await until('barrier up', () => sim.lane.barrierState() === 'up');
    await sim.lane.pass();
    await until('opening closed', async () => (await status()).current === null);
  }
  await kiosk.close();
  rmSync(dir, { recursive: true, force: true });

  const mb = createLaneDevices({ barrier: { driver: 'modbus-tcp', host: '127.0.0.1', port, mode: 'hold' } }, { clock: systemClock, log: () => undefined });
  await until('driver ok', () => mb.health().every((h) => h.state === 'ok'));
  const viaDriver: number[] = [];
  for (let i = 0; i < N + WARMUP; i++) {
    const arrived = nextCoilOn((fn) => tcp.onRaw(fn));
    const t0 = performance.now();
    await mb.barrier!.raise();
    const ms = (await arrived) - t0;
    if (i >= WARMUP) viaDriver.push(ms);
    await mb.barrier!.lower();
  }
  await mb.close();
  await sim.stop();

  const p99 = pct(viaCore, 99);
  console.log(`lane decision bench: ${N} exits after ${WARMUP} warm-up, core + driver + simulator in one process`);
  console.log(`${'core exit decision -> coil at the Modbus TCP module'.padEnd(54)} p50 ${pct(viaCore, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'PASS' : 'FAIL'}`);
  console.log(`${'  gate.completeExit call, no barrier (reference)'.padEnd(54)} p50 ${pct(bareExit, 50).toFixed(2)} ms, p99 ${pct(bareExit, 99).toFixed(2)} ms`);
  console.log(`${'  driver raise() -> coil at the module (reference)'.padEnd(54)} p50 ${pct(viaDriver, 50).toFixed(2)} ms, p99 ${pct(viaDriver, 99).toFixed(2)} ms`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
