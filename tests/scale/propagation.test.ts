/**
 * Several server instances on one PostgreSQL database, as real processes, with real kiosks: a
 * ticket issued at gate A (synced through instance 1) reaches gate B (long-polling instance 2,
 * then gate C on instance 3 once a third instance joins): instance 1's commit is announced with
 * NOTIFY and wakes the pulls waiting on the others. The instances' own re-read of the log is set
 * to a minute here, so without the cross-instance wake-up a ticket would arrive only when the
 * other gate's 20 s long-poll ends: each ticket must arrive within HANG_MS, well under that.
 * How fast it arrives (p95 < 1 s) is measured by `npm run bench -- --only scale`, not asserted here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';
import { api, Cluster, percentile, startKiosk, stopProc, until, type Kiosk } from './cluster.js';

const TICKETS = Number(process.env.SCALE_TICKETS ?? 20);
/** Generous for a loaded machine, yet short of the 20 s long-poll that ends a pull nobody woke. */
const HANG_MS = 15_000;

describe('propagation between gates on different server instances (PostgreSQL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parkgate-scale-'));
  let database: TestDatabase | null = null;
  let cluster: Cluster | null = null;
  const kiosks: Kiosk[] = [];

  afterAll(async () => {
    for (const k of kiosks) await stopProc(k.proc);
    await cluster?.stopAll();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** Issues TICKETS walk-ins at `from` (exited again, so the demo car park never fills) and times each until `to` has it. */
  async function propagation(from: Kiosk, to: Kiosk, tag: string): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const t0 = Date.now();
      const issued = await api(from.url, 'gate.issueTicket', { vehicleNumber: `${tag}${String(i).padStart(4, '0')}` }, from.token);
      expect('ok' in issued && issued.ok, JSON.stringify(issued)).toBe(true);
      const code = (issued as { data: { code: string; id: string } }).data.code;
      await until(async () => {
        const r = await api(to.url, 'sessions.get', { code }, to.token);
        return 'ok' in r && r.ok;
      }, HANG_MS, 10, `ticket ${code} at the other gate`);
      times.push(Date.now() - t0);
      const done = await api(from.url, 'gate.completeExit', { sessionId: (issued as { data: { id: string } }).data.id }, from.token);
      expect('ok' in done && done.ok, JSON.stringify(done)).toBe(true);
    }
    return times;
  }

  it(`gate A on instance 1 -> gate B on instance 2, then gate C on instance 3: each of ${TICKETS} tickets arrives, woken across instances`, async () => {
    database = await createTestDatabase('postgres');
    cluster = Cluster.forDatabase(database.url, { SYNC_PULL_FALLBACK_MS: '60000' });
    const [a, b, c] = [await cluster.enrol('Gate A'), await cluster.enrol('Gate B'), await cluster.enrol('Gate C')];
    const i1 = await cluster.add();
    expect(i1.proc!.out()).toContain('LISTEN/NOTIFY');
    const i2 = await cluster.add();
    kiosks.push(await startKiosk(join(dir, 'a.db'), i1.url, a, { seedDemo: true }));
    kiosks.push(await startKiosk(join(dir, 'b.db'), i2.url, b));
    const [gateA, gateB] = kiosks as [Kiosk, Kiosk];
    await propagation(gateA, gateB, 'WARM'); // zones and keys settled, JIT warm
    const two = await propagation(gateA, gateB, 'TWO');

    const i3 = await cluster.add();
    kiosks.push(await startKiosk(join(dir, 'c.db'), i3.url, c));
    const gateC = kiosks[2]!;
    const three = await propagation(gateA, gateC, 'THR');
    const summary = (t: number[]) => ({ p50: percentile(t, 50), p95: percentile(t, 95), max: Math.max(...t) });
    console.log(JSON.stringify({ tickets: TICKETS, twoInstances: summary(two), threeInstances: summary(three) }));
    expect([two.length, three.length]).toEqual([TICKETS, TICKETS]);
  }, 600_000);
});
