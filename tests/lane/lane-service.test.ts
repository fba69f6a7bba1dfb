/**
 * The lane service in a real kiosk core on a real SQLite file, driven through its API, with an
 * in-memory lane (tests/lane/memory-devices.ts) behind the LaneDevices port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { strFromU8, unzipSync } from 'fflate';
import { loginCore, mustCall } from '../helpers/core-call.js';
import { MemoryLane } from './memory-devices.js';

const PIN = '2468';
const settle = () => new Promise<void>((r) => setTimeout(r, 30));
const DEVICES = {
  barrier: { driver: 'modbus-tcp', host: '127.0.0.1', port: 1502, coil: 0 },
  loops: { driver: 'modbus-tcp', host: '127.0.0.1', port: 1502, arming: { input: 0 }, safety: { input: 1 } },
};

let dir: string;
let kiosk: Kiosk;
let lane: MemoryLane;

const ok = <T = any>(method: string, input: unknown, token: string | null) => mustCall<T>(kiosk, method, input, token);
const login = (username: string) => loginCore(kiosk, username, PIN);

async function start(): Promise<void> {
  kiosk = await createKiosk({ dbPath: join(dir, 'kiosk.db'), seedDemo: true, fakeClock: true, laneDevices: (s) => (s.barrier.driver === 'none' ? null : lane) });
}

let admin: string;
let cashier: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-lane-'));
  lane = new MemoryLane();
  await start();
  admin = await login('admin');
  cashier = await login('cashier');
  await ok('dev.setClock', { now: '2026-03-02T09:00:00.000Z' }, null);
  await ok('lane.saveDevices', { devices: DEVICES }, admin);
  await ok('shifts.open', { openingFloatPaise: 100000 }, cashier);
});

afterEach(async () => {
  await kiosk.close();
  rmSync(dir, { recursive: true, force: true });
});

async function exitWithCash(code: string, token: string) {
  const quote = await ok('gate.quoteExit', { code }, token);
  return ok('gate.payCash', { sessionId: quote.sessionId, tenderedPaise: quote.amountDuePaise }, token);
}

describe('lane service', () => {
  it('a walk-in ticket raises the barrier once a car is on the arming loop and lowers it after the car cleared the safety loop', async () => {
    const session = await ok('gate.issueTicket', { vehicleNumber: 'KA01AB1234' }, cashier);
    await settle();
    expect(lane.commands).toEqual([]); // no car on the arming loop yet
    let status = await ok('lane.status', {}, cashier);
    expect(status.pending).toHaveLength(1);
    expect(status.pending[0]).toMatchObject({ cause: 'ENTRY_ACCEPTED', sessionId: session.id, status: 'PENDING' });

    lane.setLoops({ arming: true });
    await settle();
    expect(lane.commands).toEqual(['raise']);
    status = await ok('lane.status', {}, cashier);
    expect(status.barrier).toBe('UP');
    expect(status.current).toMatchObject({ cause: 'ENTRY_ACCEPTED', status: 'OPEN', vehicleNumber: 'KA01AB1234' });

    lane.setLoops({ safety: true });
    lane.setLoops({ arming: false });
    await settle();
    expect(lane.commands).toEqual(['raise']); // never on the safety loop
    lane.setLoops({ safety: false });
    await settle();
    expect(lane.commands).toEqual(['raise', 'lower']);
    status = await ok('lane.status', {}, cashier);
    expect(status.barrier).toBe('DOWN');
    expect(status.today).toMatchObject({ passes: 1, matchedPasses: 1, unmatchedPasses: 0, openings: 1 });
    expect(status.loopMismatch).toBe(false);
  });

  it('cash at the exit gives the barrier its cause (EXIT_ALLOWED, PAID)', async () => {
    const session = await ok('gate.issueTicket', { vehicleNumber: 'KA01AB1235' }, cashier);
    await lane.carThrough(settle);
    await ok('dev.setClock', { now: '2026-03-02T11:00:00.000Z' }, null);
    await exitWithCash(session.code, cashier);
    lane.setLoops({ arming: true });
    await settle();
    const status = await ok('lane.status', {}, cashier);
    expect(status.current).toMatchObject({ cause: 'EXIT_ALLOWED', basis: 'PAID', sessionId: session.id });
    expect(lane.commands.at(-1)).toBe('raise');
  });

  it('a second car through on one opening is a TAILGATE vend exception, on lane.exceptions and the daily report', async () => {
    await ok('gate.issueTicket', { vehicleNumber: 'KA01AB1236' }, cashier);
    lane.setLoops({ arming: true });
    await settle();
    lane.setLoops({ safety: true });
    lane.setLoops({ arming: false });
    lane.setLoops({ arming: true }); // the tailgater on the arming loop, the first car still in the safety loop
    lane.setLoops({ safety: false });
    lane.setLoops({ safety: true });
    lane.setLoops({ arming: false });
    lane.setLoops({ safety: false });
    await settle();
    const supervisor = await login('supervisor');
    const list = await ok('lane.exceptions', { date: '2026-03-02' }, supervisor);
    expect(list.map((e: { kind: string }) => e.kind)).toEqual(['TAILGATE']);
    expect(list[0]).toMatchObject({ cause: 'ENTRY_ACCEPTED', vehicleNumber: 'KA01AB1236', kioskId: kiosk.kioskId });
    const status = await ok('lane.status', {}, cashier);
    expect(status.today).toMatchObject({ passes: 2, matchedPasses: 1, unmatchedPasses: 1 });
    expect(status.loopMismatch).toBe(true);
    const daily = await ok('reports.daily', { date: '2026-03-02' }, supervisor);
    expect(daily.vendExceptions.map((e: { kind: string }) => e.kind)).toEqual(['TAILGATE']);
  });

  it('a car through with no opening is a PASS_WITHOUT_OPENING exception; it is on the cashier\'s shift', async () => {
    await lane.carThrough(settle);
    const supervisor = await login('supervisor');
    const shift = await ok('shifts.current', {}, cashier);
    const list = await ok('lane.exceptions', { shiftId: shift.id }, supervisor);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: 'PASS_WITHOUT_OPENING', openingId: null, shiftId: shift.id, shiftOperatorName: 'Cashier' });
    const zip = await ok<{ base64: string }>('reports.export', { date: '2026-03-02', format: 'csv' }, supervisor);
    const files = unzipSync(Buffer.from(zip.base64, 'base64'));
    const csv = strFromU8(files[Object.keys(files).find((n) => n.endsWith('vend_exceptions.csv'))!]!);
    expect(csv.split('\n').filter((l) => l.includes('PASS_WITHOUT_OPENING'))).toHaveLength(1);
    expect(csv).toContain('Cashier');
  });

  it('the barrier held up with no opening for 60 s is a BARRIER_HELD_UP exception (the clock ticks the timers)', async () => {
    lane.setLoops({ barrierUp: true });
    await settle();
    await ok('dev.setClock', { now: '2026-03-02T09:00:59.000Z' }, null);
    await new Promise((r) => setTimeout(r, 400));
    const supervisor = await login('supervisor');
    expect(await ok('lane.exceptions', { date: '2026-03-02' }, supervisor)).toEqual([]);
    await ok('dev.setClock', { now: '2026-03-02T09:01:00.000Z' }, null);
    const list = await (async () => {
      for (let i = 0; i < 50; i++) {
        const l = await ok('lane.exceptions', { date: '2026-03-02' }, supervisor);
        if (l.length) return l;
        await new Promise((r) => setTimeout(r, 50));
      }
      return [];
    })();
    expect(list).toMatchObject([{ kind: 'BARRIER_HELD_UP' }]);
  });

  it('the IO module unplugged: cash is still taken, the opening waits, and the barrier rises when the module is back', async () => {
    const session = await ok('gate.issueTicket', { vehicleNumber: 'KA01AB1237' }, cashier);
    await lane.carThrough(settle);
    await ok('dev.setClock', { now: '2026-03-02T10:00:00.000Z' }, null);
    lane.unplug();
    await settle();
    let status = await ok('lane.status', {}, cashier);
    expect(status.ready).toBe(false);
    expect(status.devices.every((d: { state: string }) => d.state === 'fault')).toBe(true);
    const paid = await exitWithCash(session.code, cashier);
    expect(paid.session.status).toBe('COMPLETED');
    lane.setLoops({ arming: true }); // the car waits at the barrier; the module cannot tell yet
    await settle();
    const before = lane.commands.length;
    status = await ok('lane.status', {}, cashier);
    expect(status.pending).toHaveLength(1);
    lane.plug();
    await settle();
    expect(lane.commands.slice(before)).toEqual(['raise']);
    status = await ok('lane.status', {}, cashier);
    expect(status.current).toMatchObject({ cause: 'EXIT_ALLOWED', sessionId: session.id });
  });

  it('an opening not carried out survives a restart of the kiosk', async () => {
    // The restarted kiosk's fake clock follows the real one until set: the opening is made at real time.
    await ok('dev.setClock', { now: new Date().toISOString() }, null);
    lane.unplug();
    await ok('gate.issueTicket', { vehicleNumber: 'KA01AB1238' }, cashier);
    await settle();
    await kiosk.close();
    lane = new MemoryLane();
    await start();
    lane.setLoops({ arming: true });
    await settle();
    expect(lane.commands).toEqual(['raise']);
  });

  it('a walk-in is refused in a full zone with a clear message, a booked car still enters', async () => {
    const zones = await ok('zones.list', {}, cashier);
    const b = zones.find((z: { name: string }) => z.name === 'B');
    const booking = await ok('gate.book', { vehicleNumber: 'KA09ZZ0001', zoneId: b.id }, cashier);
    for (let i = 2; i <= 5; i++) await ok('gate.issueTicket', { vehicleNumber: `KA09ZZ000${i}`, zoneId: b.id }, cashier);
    const listed = (await ok('zones.list', {}, cashier)).find((z: { name: string }) => z.name === 'B');
    expect(listed).toMatchObject({ occupied: 5, full: true, totalSlots: 5 });
    const refused = await kiosk.call('gate.issueTicket', { vehicleNumber: 'KA09ZZ0009', zoneId: b.id }, cashier);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('NO_SLOT_AVAILABLE');
      expect(refused.error.message).toContain('Zone B is full (5 of 5 spaces taken)');
    }
    const entered = await ok('gate.scanEntry', { code: booking.code }, cashier);
    expect(entered.status).toBe('PARKED');
    const status = await ok('lane.status', {}, cashier);
    expect(status.occupancy.find((o: { zoneName: string }) => o.zoneName === 'B')).toMatchObject({ free: 0, full: true });
  });
});

describe('lane: manual opening', () => {
  const JPEG = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]).toString('base64')}`;

  it('is refused without a supervisor PIN (a cashier\'s own PIN is not enough) and changes nothing', async () => {
    const wrong = await kiosk.call('lane.manualOpen', { supervisorUsername: 'supervisor', supervisorPin: '1111', reasonCode: 'BARRIER_FAULT' }, cashier);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const cashierPin = await kiosk.call('lane.manualOpen', { supervisorUsername: 'cashier', supervisorPin: PIN, reasonCode: 'BARRIER_FAULT' }, cashier);
    expect(cashierPin).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const other = await kiosk.call('lane.manualOpen', { supervisorUsername: 'supervisor', supervisorPin: PIN, reasonCode: 'OTHER' }, cashier);
    expect(other).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const unknown = await kiosk.call('lane.manualOpen', { supervisorUsername: 'supervisor', supervisorPin: PIN, reasonCode: 'BRIBE' }, cashier);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const png = await kiosk.call('lane.manualOpen', { supervisorUsername: 'supervisor', supervisorPin: PIN, reasonCode: 'BARRIER_FAULT', snapshot: 'data:image/png;base64,iVBORw0KGgo=' }, cashier);
    expect(png).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const status = await ok('lane.status', {}, cashier);
    expect(status.pending).toEqual([]);
    lane.setLoops({ arming: true });
    await settle();
    expect(lane.commands).toEqual([]);
  });

  it('with a supervisor PIN it opens, keeps the still, and is on the Z report and the daily report', async () => {
    const opening = await ok('lane.manualOpen', {
      supervisorUsername: 'supervisor', supervisorPin: PIN, reasonCode: 'OTHER', reasonText: 'Ambulance behind the car', snapshot: JPEG,
    }, cashier);
    expect(opening).toMatchObject({ cause: 'MANUAL', reasonCode: 'OTHER', reasonText: 'Ambulance behind the car', supervisorName: 'Supervisor', operatorName: 'Cashier', hasSnapshot: true });
    await lane.carThrough(settle);
    expect(lane.commands).toEqual(['raise', 'lower']);
    const supervisor = await login('supervisor');
    expect((await ok('lane.snapshot', { openingId: opening.id }, supervisor)).dataUrl).toBe(JPEG);
    const shift = await ok('shifts.current', {}, cashier);
    await ok('shifts.close', { countedPaise: 100000 }, cashier);
    const z = await ok('shifts.report', { shiftId: shift.id }, cashier);
    expect(z.text).toContain('Manual openings (1)');
    expect(z.text).toContain('OTHER');
    expect(z.text).toContain('Ambulance behind the car');
    const daily = await ok('reports.daily', { date: '2026-03-02' }, supervisor);
    expect(daily.exceptions.filter((e: { kind: string }) => e.kind === 'MANUAL_GATE_OPEN')).toHaveLength(1);
    expect(daily.manualOpenings).toHaveLength(1);
  });
});
