/**
 * The lane service with the REAL drivers (Modbus TCP coil barrier + discrete-input loops) against
 * the lane simulator's Modbus TCP IO module (modbus-serial's own server): a real kiosk core on a
 * real SQLite file, the settings saved through the API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { startLaneSim, type LaneSim } from '../../src-sim/lane/sim.js';
import { mustCall } from '../helpers/core-call.js';
import { sim, waitFor } from './helpers.js';

let s: LaneSim;
let kiosk: Kiosk;
let dir: string;
let cashier: string;

const ok = <T = any>(method: string, input: unknown, token: string | null) => mustCall<T>(kiosk, method, input, token);
const lane = () => s.lane.snapshot() as { barrier: { state: string }; passes: number; openings: number };
const status = () => ok('lane.status', {}, cashier);

beforeAll(async () => {
  s = await startLaneSim({ modbusRtu: false, relay: false, lane: { travelMs: 200, passMs: 450, closeDelayMs: 100, gapMs: 250 } });
  dir = mkdtempSync(join(tmpdir(), 'parkgate-lane-sim-'));
  kiosk = await createKiosk({ dbPath: join(dir, 'kiosk.db'), seedDemo: true });
  const admin = (await ok('auth.login', { username: 'admin', pin: '2468' }, null)).token;
  cashier = (await ok('auth.login', { username: 'cashier', pin: '2468' }, null)).token;
  const port = s.modbusTcp!.tcpPort;
  await ok('lane.saveDevices', {
    devices: {
      barrier: { driver: 'modbus-tcp', host: '127.0.0.1', port, coil: 0, mode: 'pulse', pulseMs: 200, timeoutMs: 500 },
      loops: { driver: 'modbus-tcp', host: '127.0.0.1', port, arming: { input: 0 }, safety: { input: 1 }, barrierUp: { input: 2 }, pollMs: 20, debounceMs: 40, timeoutMs: 500 },
    },
  }, admin);
  await ok('shifts.open', { openingFloatPaise: 0 }, cashier);
  await waitFor('lane ready', async () => (await status()).ready);
}, 60_000);

afterAll(async () => {
  await kiosk?.close();
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('walk-in -> the coil pulses when the car is on the arming loop -> the car passes -> closed, matched; a tailgater is an unmatched pass', async () => {
  await sim(s.url, '/_sim/arrive');
  await waitFor('arming seen', async () => (await status()).loops?.arming);
  await ok('gate.issueTicket', { vehicleNumber: 'KA01SIM001' }, cashier);
  await waitFor('barrier up in the simulator', () => lane().barrier.state === 'up');
  expect(lane().openings).toBe(1);
  await sim(s.url, '/_sim/pass');
  await waitFor('opening closed with its car', async () => {
    const st = await status();
    return st.current === null && st.today.matchedPasses === 1;
  });
  await waitFor('barrier down in the simulator', () => lane().barrier.state === 'down');

  const entered = await ok('gate.issueTicket', { vehicleNumber: 'KA01SIM002' }, cashier);
  await sim(s.url, '/_sim/arrive');
  await waitFor('barrier up again', () => lane().barrier.state === 'up');
  await sim(s.url, '/_sim/tailgate');
  const supervisor = (await ok('auth.login', { username: 'supervisor', pin: '2468' }, null)).token;
  const today = (await status()).today.date;
  const list = await waitFor('tailgate recorded', async () => {
    const l = await ok('lane.exceptions', { date: today }, supervisor);
    return l.length ? l : null;
  });
  expect(list).toMatchObject([{ kind: 'TAILGATE', sessionId: entered.id }]);
  expect((await status()).today).toMatchObject({ passes: 3, matchedPasses: 2, unmatchedPasses: 1 });
}, 60_000);

it('the IO module unplugged: health shows it, cash is taken, and the pulse goes out when it is back', async () => {
  await waitFor('barrier down', () => lane().barrier.state === 'down');
  const ticket = await ok('gate.issueTicket', { vehicleNumber: 'KA01SIM003' }, cashier);
  await sim(s.url, '/_sim/arrive');
  await waitFor('barrier up', () => lane().barrier.state === 'up');
  await sim(s.url, '/_sim/pass');
  await waitFor('closed', async () => (await status()).current === null);
  await waitFor('barrier down', () => lane().barrier.state === 'down');

  await sim(s.url, '/_sim/unplug?device=modbus-tcp');
  await waitFor('fault shown', async () => (await status()).devices.some((d: { state: string }) => d.state === 'fault'), 15_000);
  const health = await ok('system.health', {}, null);
  expect(health.devices.some((d: { state: string }) => d.state === 'fault')).toBe(true);
  const quote = await ok('gate.quoteExit', { code: ticket.code }, cashier);
  const before = lane().openings;
  const paid = await kiosk.call('gate.payCash', { sessionId: quote.sessionId, tenderedPaise: Math.max(quote.amountDuePaise, 0) }, cashier);
  // Nothing may be due (a car leaving at once); then the attendant opens with completeExit. Either way no device is waited for.
  if (!paid.ok) await ok('gate.completeExit', { sessionId: quote.sessionId }, cashier);
  expect((await status()).pending).toHaveLength(1);
  await sim(s.url, '/_sim/arrive');
  await sim(s.url, '/_sim/replug?device=modbus-tcp');
  await waitFor('barrier up after the module is back', () => lane().barrier.state === 'up', 20_000);
  expect(lane().openings).toBe(before + 1);
  await sim(s.url, '/_sim/pass');
  await waitFor('closed with its car', async () => {
    const st = await status();
    return st.current === null && st.pending.length === 0;
  });
}, 90_000);
