/**
 * In-process harness: the real server (buildServer) and the real gateway simulator, both
 * listening on loopback ports, a manual clock for the server, and an enrolled kiosk.
 */
import type { AddressInfo } from 'node:net';
import { buildServer } from '../../../src-server/app.js';
import type { ParkGateServer } from '../../../src-server/app.js';
import { loadConfig } from '../../../src-server/config.js';
import { addKiosk } from '../../../src-server/kiosks/enrolment.js';
import { buildGatewaySim } from '../../../src-server/sim/app.js';
import { loadSimulatorConfig } from '../../../src-server/sim/config.js';
import type { SimulatorConfig } from '../../../src-server/sim/config.js';
import type { SimStore } from '../../../src-server/sim/store.js';
import { ManualClock } from '../../../src-server/util/clock.js';
import { ServerClient } from '../../../src-main/online/server-client.js';
import type { Backend, TestDatabase } from './databases.js';
import { createTestDatabase } from './databases.js';
import { SECRETS, serverEnv } from './env.js';

export const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

export interface Harness {
  server: ParkGateServer;
  serverUrl: string;
  simUrl: string;
  sim: SimStore;
  simConfig: SimulatorConfig;
  clock: ManualClock;
  kiosk: { id: string; secret: string };
  client: ServerClient;
  database: TestDatabase;
  close(): Promise<void>;
}

export async function startHarness(backend: Backend, gateway: 'razorpay' | 'phonepe' | 'sim', extra: Record<string, string> = {}): Promise<Harness> {
  const database = await createTestDatabase(backend);
  const simConfig = loadSimulatorConfig({ ...SECRETS, GATEWAY_SIM_PORT: '0' });
  const sim = await buildGatewaySim(simConfig);
  await sim.app.listen({ host: '127.0.0.1', port: 0 });
  const simUrl = `http://127.0.0.1:${(sim.app.server.address() as AddressInfo).port}`;

  const clock = new ManualClock(T0);
  const config = loadConfig(serverEnv({ databaseUrl: database.url, gateway, simUrl, extra }));
  const sdb = database.open();
  const server = await buildServer({ config, db: sdb, clock });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const serverUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  simConfig.serverUrl = serverUrl;

  const kiosk = await addKiosk(sdb.db, clock, 'Test gate');
  const client = new ServerClient({ baseUrl: serverUrl, kioskId: kiosk.id, kioskSecret: kiosk.secret, now: () => clock.now() });
  return {
    server,
    serverUrl,
    simUrl,
    sim: sim.store,
    simConfig,
    clock,
    kiosk,
    client,
    database,
    async close() {
      await server.close();
      await sdb.close();
      await sim.app.close();
      await database.drop();
    },
  };
}

/** POST to the simulator's control API. */
export async function simControl(h: Harness, path: string, body: Record<string, unknown> = {}): Promise<{ eventId: string; delivered: { status: number; body: string } | null }> {
  const res = await fetch(`${h.simUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`sim control ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { eventId: string; delivered: { status: number; body: string } | null };
}

let seq = 0;
export function newKey(prefix = 'idem'): string {
  seq += 1;
  return `${prefix}-${process.pid}-${seq}-${Math.random().toString(36).slice(2, 8)}`;
}
