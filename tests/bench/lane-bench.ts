/**
 * Lane bench (`npm run bench -- --only lane`; `--n <count>` per row, default 300).
 *
 * Time from `barrier.raise()` being called to the command's bytes arriving at the device, through
 * the real drivers and the lane simulator's peers in this process (performance.now() on both
 * sides, one clock): Modbus TCP (modbus-serial's ServerTCP; arrival = the socket's data event) and
 * the USB relay board (socat pty pair; arrival = the board end's data event). Each is beside a
 * bare write of the same bytes on the same transport in the same run: a raw TCP socket to the
 * same server writing the same MBAP + FC05 frame (waiting for its reply, as the driver does), and
 * a plain SerialPort on the same pty writing the same LCUS frame. Hold mode, so raise() and
 * lower() alternate and no pulse release runs in between. Target: driver p99 < 50 ms.
 */
import { connect, type Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { systemClock } from '../../src-main/core/clock.js';
import { lcusFrame } from '../../src-main/lane/barrier/serial-relay.js';
import { createLaneDevices } from '../../src-main/lane/devices.js';
import type { LaneDevices } from '../../src-main/lane/ports.js';
import type { RawFrame } from '../../src-sim/lane/modbus-peer.js';
import { startLaneSim } from '../../src-sim/lane/sim.js';

const nAt = process.argv.indexOf('--n');
const N = nAt >= 0 ? Number(process.argv[nAt + 1]) : 300;
const WARMUP = 20;
const TARGET_P99_MS = 50;

const quiet = () => undefined;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Resolves with the arrival time of the next frame the peer receives. */
function nextArrival(onRaw: (fn: (f: RawFrame) => void) => () => void): Promise<number> {
  return new Promise((resolve) => {
    const off = onRaw((f) => {
      off();
      resolve(f.at);
    });
  });
}

async function waitOk(d: LaneDevices): Promise<void> {
  const until = Date.now() + 10_000;
  while (d.health().some((h) => h.state !== 'ok')) {
    if (Date.now() > until) throw new Error(`device not ok: ${JSON.stringify(d.health())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function measure(n: number, once: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n + WARMUP; i++) {
    const ms = await once(i);
    if (i >= WARMUP) out.push(ms);
  }
  return out;
}

async function main(): Promise<void> {
  const sim = await startLaneSim({ modbusRtu: false, lane: { mode: 'hold', travelMs: 50 } });
  const tcp = sim.modbusTcp!;
  const relay = sim.relay!;
  const rows: [string, string, string][] = [];
  const row = (name: string, xs: number[], ref: number[] | null) => {
    const p50 = pct(xs, 50);
    const p99 = pct(xs, 99);
    const verdict = ref ? `; target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'PASS' : 'FAIL'}` : '';
    rows.push([name, `p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`, ref ? `bare write p50 ${pct(ref, 50).toFixed(2)} / p99 ${pct(ref, 99).toFixed(2)} ms${verdict}` : '(reference)']);
  };

  // ---- Modbus TCP ----
  const mb = createLaneDevices({ barrier: { driver: 'modbus-tcp', host: '127.0.0.1', port: tcp.tcpPort, mode: 'hold', timeoutMs: 1000 } }, { clock: systemClock, log: quiet });
  await waitOk(mb);
  const viaDriver = await measure(N, async (i) => {
    const arrived = nextArrival((fn) => tcp.onRaw(fn));
    const t0 = performance.now();
    await (i % 2 === 0 ? mb.barrier!.raise() : mb.barrier!.lower());
    return (await arrived) - t0;
  });
  await mb.close();

  const sock: Socket = await new Promise((resolve, reject) => {
    const s = connect(tcp.tcpPort, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  sock.setNoDelay(true);
  let replyWaiter: (() => void) | null = null;
  sock.on('data', () => replyWaiter?.());
  const bare = await measure(N, async (i) => {
    // MBAP (transaction id, protocol 0, length 6) + unit 1, FC05, coil 0, FF00 / 0000: what the driver sends.
    const frame = Buffer.from([(i >> 8) & 0xff, i & 0xff, 0, 0, 0, 6, 1, 5, 0, 0, i % 2 === 0 ? 0xff : 0, 0]);
    const arrived = nextArrival((fn) => tcp.onRaw(fn));
    const replied = new Promise<void>((r) => (replyWaiter = r));
    const t0 = performance.now();
    sock.write(frame);
    const at = await arrived;
    await replied;
    return at - t0;
  });
  sock.destroy();
  row('Modbus TCP raise()/lower() -> bytes at module', viaDriver, bare);
  row('  bare socket write, same frame', bare, null);

  // ---- USB relay board (socat pty) ----
  const rl = createLaneDevices({ barrier: { driver: 'serial-relay', path: relay.pty.kioskPath, mode: 'hold' } }, { clock: systemClock, log: quiet });
  await waitOk(rl);
  const relayDriver = await measure(N, async (i) => {
    const arrived = nextArrival((fn) => relay.onRaw(fn));
    const t0 = performance.now();
    await (i % 2 === 0 ? rl.barrier!.raise() : rl.barrier!.lower());
    return (await arrived) - t0;
  });
  await rl.close();

  const port = new SerialPort({ path: relay.pty.kioskPath, baudRate: 9600, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  const relayBare = await measure(N, async (i) => {
    const arrived = nextArrival((fn) => relay.onRaw(fn));
    const t0 = performance.now();
    await new Promise<void>((res, rej) => port.write(lcusFrame(1, i % 2 === 0), (e) => (e ? rej(e) : port.drain(() => res()))));
    return (await arrived) - t0;
  });
  await new Promise<void>((r) => port.close(() => r()));
  row('USB relay raise()/lower() -> bytes at board', relayDriver, relayBare);
  row('  bare SerialPort write, same frame', relayBare, null);

  await sim.stop();
  console.log(`lane bench: ${N} commands per row after ${WARMUP} warm-up, in one process (driver and peer share performance.now())`);
  for (const [k, v, ref] of rows) console.log(`${k.padEnd(48)} ${v.padEnd(32)} ${ref}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
