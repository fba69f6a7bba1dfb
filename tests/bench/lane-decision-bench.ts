/**
 * Lane decision bench (`npm run bench -- --only lane`; `--n <count>`, default 100).
 *
 * Time from the core's exit decision (the `gate.completeExit` call of a car with nothing due, while
 * the car waits on the arming loop) to the barrier's coil command arriving at the Modbus TCP IO
 * module: the API dispatch, the exit transaction with its opening row, the lane state machine, the
 * lane service and the real driver, against the lane simulator's module running as its own
 * process (both sides stamp with the machine's monotonic clock). Beside it, in the same run: the same exit call with no barrier
 * configured (the gate operation's own cost) and the driver's own raise() to the same module.
 * Target: p99 < 50 ms.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src-main/core/clock.js';
import { createLaneDevices } from '../../src-main/lane/devices.js';
import { createKiosk } from '../../src-main/kiosk.js';
import { freePort, monoMs } from '../../src-sim/lane/modbus-peer.js';
import { sim } from '../lane/helpers.js';

const nAt = process.argv.indexOf('--n');
const N = nAt >= 0 ? Number(process.argv[nAt + 1]) : 100;
const WARMUP = 10;
const TARGET_P99_MS = 50;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An FC05 "close the coil" (FF00) request, MBAP header included; the loop polls (FC02) are not. */
const isCoilOn = (hex: string) => hex.slice(14, 16) === '05' && hex.slice(20, 24) === 'ff00';

interface SimRaw { modbusTcp: { raw: { mono: number; hex: string }[] }; lane: { barrier: { state: string } } }

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function main(): Promise<void> {
  // The IO module in its own process, as a real module is its own device: its arrival times are
  // then the bytes reaching it, not when this process's event loop gets round to reading them
  // (the core's own work after the command would otherwise count). Both sides stamp with the
  // machine's monotonic clock.
  const simDir = mkdtempSync(join(tmpdir(), 'parkgate-lane-bench-sim-'));
  const [httpPort, port] = [await freePort(), await freePort()];
  const simUrl = `http://127.0.0.1:${httpPort}`;
  const simProc = spawn(process.execPath, ['--import', 'tsx', 'src-sim/lane/main.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, LANE_SIM_PORT: String(httpPort), LANE_SIM_MODBUS_PORT: String(port), LANE_SIM_DIR: simDir,
      LANE_SIM_MODE: 'hold', LANE_SIM_TRAVEL_MS: '20', LANE_SIM_PASS_MS: '150', LANE_SIM_CLOSE_DELAY_MS: '10', LANE_SIM_GAP_MS: '10',
    },
  });
  let simOut = '';
  simProc.stdout!.on('data', (d: Buffer) => (simOut += d.toString()));
  simProc.stderr!.on('data', (d: Buffer) => (simOut += d.toString()));
  await until('lane simulator', () => simOut.includes('lane-sim running'), 60_000);
  const simState = async () => (await sim(simUrl, '/_sim/state')) as SimRaw;
  /** The monotonic arrival time of the first coil-on request at the module after `t0`. */
  const coilOnAfter = async (t0: number): Promise<number> => {
    let at = 0;
    await until('the coil command at the module', async () => {
      at = (await simState()).modbusTcp.raw.find((f) => f.mono >= t0 && isCoilOn(f.hex))?.mono ?? 0;
      return at > 0;
    });
    return at;
  };

  const dir = mkdtempSync(join(tmpdir(), 'parkgate-lane-bench-'));
  const kiosk = await createKiosk({ dbPath: join(dir, 'kiosk.db'), seedDemo: true, log: () => undefined });
  const call = async <T = any>(method: string, input: unknown, token: string | null): Promise<T> => {
    const r = await kiosk.call(method, input, token);
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.data as T;
  };
  const admin = (await call('auth.login', { username: 'admin', pin: '2468' }, null)).token;
  const cashier = (await call('auth.login', { username: 'cashier', pin: '2468' }, null)).token;
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
    await sim(simUrl, '/_sim/arrive');
    await until('arming seen', async () => Boolean((await status()).loops?.arming));
    const t0 = monoMs();
    await call('gate.completeExit', { sessionId: s.id }, cashier);
    const ms = (await coilOnAfter(t0)) - t0;
    if (i >= WARMUP) viaCore.push(ms);
    await until('barrier up', async () => (await simState()).lane.barrier.state === 'up');
    await sim(simUrl, '/_sim/pass');
    await until('opening closed', async () => (await status()).current === null);
  }
  await kiosk.close();
  rmSync(dir, { recursive: true, force: true });

  const mb = createLaneDevices({ barrier: { driver: 'modbus-tcp', host: '127.0.0.1', port, mode: 'hold' } }, { clock: systemClock, log: () => undefined });
  await until('driver ok', () => mb.health().every((h) => h.state === 'ok'));
  const viaDriver: number[] = [];
  for (let i = 0; i < N + WARMUP; i++) {
    const t0 = monoMs();
    await mb.barrier!.raise();
    const ms = (await coilOnAfter(t0)) - t0;
    if (i >= WARMUP) viaDriver.push(ms);
    await mb.barrier!.lower();
  }
  await mb.close();
  try {
    process.kill(-simProc.pid!, 'SIGTERM');
  } catch {
    /* already gone */
  }
  rmSync(simDir, { recursive: true, force: true });

  const p99 = pct(viaCore, 99);
  console.log(`lane decision bench: ${N} exits after ${WARMUP} warm-up, core + driver in this process, the IO module in its own (monotonic clock on both)`);
  console.log(`${'core exit decision -> coil at the Modbus TCP module'.padEnd(54)} p50 ${pct(viaCore, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'PASS' : 'FAIL'}`);
  console.log(`${'  gate.completeExit call, no barrier (reference)'.padEnd(54)} p50 ${pct(bareExit, 50).toFixed(2)} ms, p99 ${pct(bareExit, 99).toFixed(2)} ms`);
  console.log(`${'  driver raise() -> coil at the module (reference)'.padEnd(54)} p50 ${pct(viaDriver, 50).toFixed(2)} ms, p99 ${pct(viaDriver, 99).toFixed(2)} ms`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
