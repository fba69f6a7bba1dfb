/**
 * Two kiosk cores in process (gate-a seeds, gate-b joins) on one in-memory server, synced, each
 * with a cashier shift open: the set-up the pass and validation tests share.
 */
import type { Kysely } from 'kysely';
import type { Zone } from '../../src-shared/contracts/entities.js';
import type { SyncService } from '../../src-server/sync/service.js';
import { call, heal, memoryServer, openKiosk, tempDir, TestClock, type TestKiosk } from '../sync/harness.js';

export interface TwoGates {
  clock: TestClock;
  server: { service: SyncService; db: Kysely<unknown>; close(): Promise<void> };
  a: TestKiosk;
  b: TestKiosk;
  tmp: ReturnType<typeof tempDir>;
  zones: Zone[];
}

export async function openTwoGates(prefix: string): Promise<TwoGates> {
  const tmp = tempDir(prefix);
  const clock = new TestClock();
  const server = await memoryServer(clock.now);
  const a = await openKiosk(tmp.dir, 'gate-a', clock, () => server.service, true);
  const b = await openKiosk(tmp.dir, 'gate-b', clock, () => server.service, false);
  await heal([a, b]);
  for (const k of [a, b]) await call(k, 'shifts.open', { openingFloatPaise: 0 }, 'cashier');
  const zones = await call<Zone[]>(a, 'zones.list', {}, 'attendant');
  return { clock, server, a, b, tmp, zones };
}

export async function closeTwoGates(g: TwoGates): Promise<void> {
  await g.a.kiosk.close();
  await g.b.kiosk.close();
  await g.server.close();
  g.tmp.cleanup();
}
