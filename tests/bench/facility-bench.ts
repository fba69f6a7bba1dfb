/**
 * `npm run bench -- --only facility`: does one facility's burst slow another facility's pull?
 * PostgreSQL (a fresh parkgate_test_* database), the real SyncService. Facility `main` has one
 * kiosk that pulls one new change at a time (a change recorded for it, then its pull); facility
 * `f2` has a kiosk pushing batches of new parked sessions as fast as it can. Printed: main's pull
 * latency p50/p95/p99 idle and during f2's burst, the f2 events pushed per second meanwhile, and
 * how many entries main's pulls returned (always its own one).
 * Env: BENCH_PULLS (default 300), BENCH_BATCH (f2 events per push, default 100).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { SYNC_PROTOCOL_VERSION, type PushBody, type WireEvent } from '../../src-shared/contracts/sync.js';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import type { ServerDatabase } from '../../src-server/db/schema.js';
import { SyncService } from '../../src-server/sync/service.js';
import { createTestDatabase } from '../server/helpers/databases.js';

const PULLS = Number(process.env.BENCH_PULLS ?? 300);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const V1 = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'sync', 'fixtures', 'push-v1.json'), 'utf8')) as { body: PushBody }[];
const template = V1.flatMap((p) => p.body.events).find((e) => e.type === 'session.ticketIssued')!;
const node = template.hlc.split('-').slice(2).join('-');

function burstEvents(from: number, n: number, seq0: number): WireEvent[] {
  const p = template.payload as { session: Record<string, unknown> };
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const id = `019bc119-0500-7000-8000-${String(k).padStart(12, '0')}`;
    return {
      ...template, id: `019bc119-0600-7000-8000-${String(k).padStart(12, '0')}`, seq: seq0 + i + 1, entityId: id,
      hlc: `${String(1768471300000 + k).padStart(15, '0')}-000000-${node}`,
      payload: { ...p, session: { ...p.session, id, slot_id: `bench-slot-${k}` } },
      vehicle: { vehicle_number: `KA02BU${String(k).padStart(6, '0')}`, owner_name: null },
    };
  });
}

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

async function main(): Promise<void> {
  const database = await createTestDatabase('postgres');
  const sdb = database.open();
  try {
    const db = sdb.db as Kysely<ServerDatabase>;
    await migrateToLatest(db);
    await db.insertInto('facilities').values({ id: 'f2', name: 'Burst', time_zone: 'Asia/Kolkata', created_at: 0, updated_at: 0 }).execute();
    await db.insertInto('kiosks').values([
      { id: 'k-main', facility_id: 'main', name: 'main gate', signing_key: 'x', created_at: 0, revoked_at: null },
      { id: 'k-f2', facility_id: 'f2', name: 'burst gate', signing_key: 'x', created_at: 0, revoked_at: null },
    ]).execute();
    const service = new SyncService({ db });
    let cursor = 0;
    let returned = 0;
    const measure = async (n: number): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        await service.recordServerChange('laneState', `lane-${i}`, { kind: 'laneState', i }, null, 'main');
        const t = performance.now();
        const r = await service.pull('k-main', cursor, 1000, 0, undefined, SYNC_PROTOCOL_VERSION);
        times.push(performance.now() - t);
        returned = Math.max(returned, r.changes.length);
        cursor = r.cursor;
      }
      return times;
    };
    await measure(30); // warm-up
    const idle = await measure(PULLS);

    let pushed = 0;
    let stop = false;
    const burst = (async () => {
      while (!stop) {
        await service.push('k-f2', { protocolVersion: SYNC_PROTOCOL_VERSION, events: burstEvents(pushed, BATCH, pushed) });
        pushed += BATCH;
      }
    })();
    const t0 = performance.now();
    const busy = await measure(PULLS);
    const seconds = (performance.now() - t0) / 1000;
    stop = true;
    await burst;

    const row = (name: string, xs: number[]) => `| ${name} | ${pct(xs, 0.5).toFixed(2)} | ${pct(xs, 0.95).toFixed(2)} | ${pct(xs, 0.99).toFixed(2)} |`;
    console.log(`PostgreSQL, ${PULLS} pulls of facility main each phase; facility f2 pushing batches of ${BATCH} new sessions meanwhile\n`);
    console.log('| main pull (ms) | p50 | p95 | p99 |\n|---|---|---|---|');
    console.log(row('idle', idle));
    console.log(row('during f2 burst', busy));
    console.log(`\nf2 during the busy phase: ${pushed} events in ${seconds.toFixed(1)} s (${Math.round(pushed / seconds)} events/s); most entries one main pull returned: ${returned}`);
  } finally {
    await sdb.close();
    await database.drop();
  }
}

await main();
