/**
 * lane.updateConfig through the real core and SQLite: each timing at its limits, the
 * manual-opening reason list (empty, duplicates, too many, huge or malformed codes), the role
 * check, and that a refused change leaves the saved settings as they were. A saved reason is the
 * one the manual opening accepts; a removed one is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LANE_TIMING_KEYS, LANE_TIMING_LIMITS, MANUAL_REASONS_MAX, type LaneConfig } from '../../src-shared/contracts/lane.js';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { loginCore, mustCall } from '../helpers/core-call.js';
import { MemoryLane } from './memory-devices.js';

const PIN = '2468';
let dir: string;
let kiosk: Kiosk;
let admin: string;
let lane: MemoryLane;

const ok = <T = any>(method: string, input: unknown, token: string | null) => mustCall<T>(kiosk, method, input, token);
const login = (username: string) => loginCore(kiosk, username, PIN);
const config = async () => (await ok<{ config: LaneConfig }>('lane.getSettings', {}, admin)).config;

/** The update is refused with a typed error and the saved settings are unchanged. */
async function refused(patch: unknown, code = 'VALIDATION_FAILED', token = admin): Promise<string> {
  const before = await config();
  const r = await kiosk.call('lane.updateConfig', patch, token);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(patch).slice(0, 200)}`);
  expect(r.error.code).toBe(code);
  expect(await config()).toEqual(before);
  return r.error.message;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-lane-config-'));
  lane = new MemoryLane();
  kiosk = await createKiosk({ dbPath: join(dir, 'kiosk.db'), seedDemo: true, fakeClock: true, laneDevices: (s) => (s.barrier.driver === 'none' ? null : lane) });
  admin = await login('admin');
});

afterEach(async () => {
  await kiosk.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('lane.updateConfig: timings', () => {
  for (const key of LANE_TIMING_KEYS) {
    const { min, max } = LANE_TIMING_LIMITS[key];
    it(`${key}: ${min} and ${max} are saved; ${min - 1}, ${max + 1}, a fraction and a string are refused`, async () => {
      expect((await ok<{ config: LaneConfig }>('lane.updateConfig', { [key]: min }, admin)).config[key]).toBe(min);
      expect((await ok<{ config: LaneConfig }>('lane.updateConfig', { [key]: max }, admin)).config[key]).toBe(max);
      expect(await refused({ [key]: min - 1 })).toContain(`at least ${min}`);
      expect(await refused({ [key]: max + 1 })).toContain(`at most ${max}`);
      expect(await refused({ [key]: min + 0.5 })).toContain('whole number');
      await refused({ [key]: String(min) });
      expect((await config())[key]).toBe(max);
    });
  }

  it('an unknown field is refused, nothing changes', async () => {
    await refused({ carWaitSeconds: 20, barrierSpeed: 3 });
  });

  it('only an admin changes them (a supervisor and a cashier are refused in the core)', async () => {
    await refused({ carWaitSeconds: 20 }, 'FORBIDDEN', await login('supervisor'));
    await refused({ carWaitSeconds: 20 }, 'FORBIDDEN', await login('cashier'));
  });

  it('a change is audited with the settings before and after', async () => {
    await ok('lane.updateConfig', { noCarCloseSeconds: 12 }, admin);
    const row = kiosk.ctx.store.sqlite.prepare("SELECT details FROM audit_log WHERE action = 'lane.configUpdated' ORDER BY id DESC LIMIT 1").get() as { details: string };
    const details = JSON.parse(row.details) as { from: LaneConfig; to: LaneConfig };
    expect(details.from.noCarCloseSeconds).toBe(30);
    expect(details.to.noCarCloseSeconds).toBe(12);
  });
});

describe('lane.updateConfig: manual-opening reasons', () => {
  it('a new list is saved upper-cased, with OTHER kept last; the manual opening takes a saved reason and refuses a removed one', async () => {
    const saved = (await ok<{ config: LaneConfig }>('lane.updateConfig', { manualReasons: [' vip_guest ', 'BARRIER_FAULT'] }, admin)).config;
    expect(saved.manualReasons).toEqual(['VIP_GUEST', 'BARRIER_FAULT', 'OTHER']);
    await ok('lane.saveDevices', { devices: { barrier: { driver: 'modbus-tcp', host: '127.0.0.1', port: 1502 }, loops: { driver: 'none' } } }, admin);
    const cashier = await login('cashier');
    expect((await ok<{ manualReasons: string[] }>('lane.status', {}, cashier)).manualReasons).toEqual(['VIP_GUEST', 'BARRIER_FAULT', 'OTHER']);
    const opening = await ok<{ reasonCode: string }>('lane.manualOpen', { supervisorUsername: 'supervisor', supervisorPin: PIN, reasonCode: 'VIP_GUEST' }, cashier);
    expect(opening.reasonCode).toBe('VIP_GUEST');
    const r = await kiosk.call('lane.manualOpen', { supervisorUsername: 'supervisor', supervisorPin: PIN, reasonCode: 'STAFF_VEHICLE' }, cashier);
    if (r.ok) throw new Error('a removed reason was accepted');
    expect(r.error.code).toBe('VALIDATION_FAILED');
  });

  it('an empty list is refused', async () => {
    expect(await refused({ manualReasons: [] })).toContain('at least one');
  });

  it('a reason twice (also after upper-casing) is refused', async () => {
    expect(await refused({ manualReasons: ['VIP_GUEST', 'vip_guest'] })).toContain('only once');
  });

  it(`${MANUAL_REASONS_MAX} reasons with Other are saved; one more is refused`, async () => {
    const codes = Array.from({ length: MANUAL_REASONS_MAX - 1 }, (_, i) => `R${i}`);
    expect((await ok<{ config: LaneConfig }>('lane.updateConfig', { manualReasons: codes }, admin)).config.manualReasons).toHaveLength(MANUAL_REASONS_MAX);
    expect(await refused({ manualReasons: [...codes, 'ONE_MORE'] })).toContain(`At most ${MANUAL_REASONS_MAX}`);
    expect(await refused({ manualReasons: [...codes, 'ONE_MORE', 'OTHER'] })).toContain(`At most ${MANUAL_REASONS_MAX}`);
  });

  it('codes of 2 and 40 characters are saved; 1, 41, a huge string, spaces inside and non-strings are refused', async () => {
    const c40 = 'A'.repeat(40);
    expect((await ok<{ config: LaneConfig }>('lane.updateConfig', { manualReasons: ['AB', c40] }, admin)).config.manualReasons).toEqual(['AB', c40, 'OTHER']);
    await refused({ manualReasons: ['A'] });
    await refused({ manualReasons: ['A'.repeat(41)] });
    expect(await refused({ manualReasons: ['X'.repeat(50_000)] })).toContain('at most 40');
    await refused({ manualReasons: ['VIP GUEST'] });
    await refused({ manualReasons: ['VIP-GUEST'] });
    await refused({ manualReasons: [42] });
    await refused({ manualReasons: 'VIP_GUEST' });
  });
});
