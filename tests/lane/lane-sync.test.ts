/** The lane's outbox events reach the central server and are stored there (not refused as an unknown type). */
import { afterEach, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { join } from 'node:path';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { syncWorkerOf } from '../../src-main/sync/registry.js';
import { LANE_EVENT_PAYLOADS, type LaneEventType } from '../../src-shared/contracts/lane-events.js';
import { InProcTransport, memoryServer, tempDir, TestClock } from '../sync/harness.js';
import { MemoryLane } from './memory-devices.js';

const settle = () => new Promise<void>((r) => setTimeout(r, 30));
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

it('manual openings, ended openings and vend exceptions are pushed, stored APPLIED on the server, and match their schemas', async () => {
  const tmp = tempDir('pg-lane-sync-');
  const clock = new TestClock();
  const server = await memoryServer(clock.now);
  const lane = new MemoryLane();
  const transport = new InProcTransport(() => server.service, 'gate-a');
  const kiosk: Kiosk = await createKiosk({
    dbPath: join(tmp.dir, 'a.db'), clock, kioskId: 'gate-a', seedDemo: true, sync: { transport, autoStart: false },
    laneDevices: (s) => (s.barrier.driver === 'none' ? null : lane),
  });
  cleanup = async () => {
    await kiosk.close();
    await server.close();
    tmp.cleanup();
  };
  const token = async (u: string) => ((await kiosk.call('auth.login', { username: u, pin: '2468' })) as { data: { token: string } }).data.token;
  const admin = await token('admin');
  await kiosk.call('lane.saveDevices', { devices: { barrier: { driver: 'modbus-tcp', host: '127.0.0.1' }, loops: { driver: 'modbus-tcp', host: '127.0.0.1' } } }, admin);
  const cashier = await token('cashier');
  const opened = await kiosk.call('lane.manualOpen', { supervisorUsername: 'supervisor', supervisorPin: '2468', reasonCode: 'BARRIER_FAULT' }, cashier);
  expect(opened.ok).toBe(true);
  lane.setLoops({ arming: true });
  await settle();
  lane.setLoops({ safety: true });
  lane.setLoops({ arming: false });
  lane.setLoops({ safety: false });
  await settle();
  await lane.carThrough(settle); // a car with no opening: a vend exception

  const worker = syncWorkerOf(kiosk.ctx)!;
  await worker.syncNow();
  expect(worker.status()).toMatchObject({ pendingEvents: 0, parkedEvents: 0 });
  const db = server.db as unknown as Kysely<{ sync_events: { type: string; outcome: string; payload: string } }>;
  const rows = await db.selectFrom('sync_events').select(['type', 'outcome', 'payload']).where('type', 'like', 'lane.%').execute();
  expect(rows.map((r) => r.type).sort()).toEqual(['lane.exception', 'lane.manualOpened', 'lane.openingEnded']);
  for (const r of rows) {
    expect(r.outcome).toBe('APPLIED');
    expect(LANE_EVENT_PAYLOADS[r.type as LaneEventType].safeParse(JSON.parse(r.payload)).success).toBe(true);
  }
});
