/**
 * A gate (a real kiosk core on a temp file) enrolled with the in-process server of
 * tests/server/helpers/harness.ts, syncing with its SyncService directly (no HTTP) on the
 * harness clock; sync runs only when a test asks (`worker.syncNow()`, `heal`).
 */
import { join } from 'node:path';
import { createKiosk } from '../../src-main/kiosk.js';
import { addKiosk } from '../../src-server/kiosks/enrolment.js';
import type { ServerSyncEvents } from '../../src-server/sync/server-events.js';
import type { Harness } from '../server/helpers/harness.js';
import { InProcTransport, type TestKiosk } from './harness.js';

/** `serverUrl`: what the kiosk is told for its HTTP calls to the server (default the harness's). */
export async function openServerGate(h: Harness, dir: string, name: string, seed: boolean, serverUrl = h.serverUrl): Promise<TestKiosk> {
  const enrolled = await addKiosk(h.server.ctx.db, h.clock, name);
  const transport = new InProcTransport(() => (h.server.ctx.syncEvents as ServerSyncEvents).sync, enrolled.id);
  const kiosk = await createKiosk({
    dbPath: join(dir, `${name}.db`), clock: h.clock, kioskId: enrolled.id, seedDemo: seed,
    serverUrl, kioskSecret: enrolled.secret, sync: { transport, autoStart: false },
  });
  return { name, kiosk, worker: kiosk.syncWorker!, transport, dbPath: '', tokens: new Map() };
}
