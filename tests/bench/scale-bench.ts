/**
 * Scale-out bench (`npm run bench -- --only scale`): SCALE_KIOSKS (1,000) simulated kiosks in
 * SCALE_WORKERS (4) processes (tests/bench/scale-kiosks.ts) against 1 and then 3 server instances
 * (real `src-server/main.ts` processes) on one PostgreSQL database each run (a fresh database per
 * topology, `<SCALE_DB>_1` / `_3`), all on 127.0.0.1. The kiosks are the gates of SCALE_FACILITIES
 * (50) car parks, 20 each. The rate, stated: every kiosk long-polls without pause and pushes one
 * event every SCALE_PUSH_EVERY_S (30 s) on average, Poisson arrivals: a busy lane at peak, a car
 * every 30 s (the ticket at one push, the exit at the next): 1,000 kiosks offer ~33 pushes/s, and
 * every push is a change the 19 other gates of its facility pull. Then the saturation phase:
 * SCALE_SATURATORS kiosks per worker push back to back (push capacity).
 * Figures per topology, the 3-instance ones beside the 1-instance ones: pushes/s, pulls answered/s,
 * change entries delivered/s, propagation p50/p95/p99 (push start at one kiosk to the change
 * pulled at another, same process clock), saturated pushes/s, PostgreSQL CPU (the backends of
 * the bench's database, from /proc, in cores). Everything (servers, kiosks, PostgreSQL) shares
 * this machine's cores: where the machine is the limit, the table says so.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openServerDb } from '../../src-server/db/connect.js';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import { createFacility } from '../../src-server/facilities/facilities.js';
import { addKiosk } from '../../src-server/kiosks/enrolment.js';
import { systemClock } from '../../src-server/util/clock.js';
import { Cluster, percentile, stopProc } from '../scale/cluster.js';
import type { WorkerInput } from './scale-kiosks.js';

const KIOSKS = Number(process.env.SCALE_KIOSKS ?? 1000);
const FACILITIES = Number(process.env.SCALE_FACILITIES ?? 50);
const WORKERS = Number(process.env.SCALE_WORKERS ?? 4);
const STEADY_S = Number(process.env.SCALE_STEADY_S ?? 20);
const SATURATE_S = Number(process.env.SCALE_SATURATE_S ?? 5);
const SATURATORS = Number(process.env.SCALE_SATURATORS ?? 25);
const PUSH_EVERY_S = Number(process.env.SCALE_PUSH_EVERY_S ?? 30);
/** The bench's databases are `<SCALE_DB>_1` and `<SCALE_DB>_3` (dropped first and after). */
const DB_PREFIX = process.env.SCALE_DB ?? 'parkgate_scale_bench';
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The instances share their request limits through Redis when set (the production shape), keys under SCALE_REDIS_PREFIX. */
const REDIS_URL = process.env.SCALE_REDIS_URL ?? process.env.REDIS_URL ?? '';
const REDIS_PREFIX = process.env.SCALE_REDIS_PREFIX ?? `${DB_PREFIX}:`;
const ROOT = join(import.meta.dirname, '..', '..');

/** CPU seconds (user + system) of the PostgreSQL backends serving `dbName`. */
async function pgCpuSeconds(admin: pg.Client, dbName: string, seen: Map<number, number>): Promise<number> {
  const r = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName]);
  const tick = 100; // USER_HZ on Linux
  for (const { pid } of r.rows) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      seen.set(pid, (Number(f[11]) + Number(f[12])) / tick);
    } catch {
      /* gone: its last reading stays */
    }
  }
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

interface WorkerResult { pushes: number; pushErrors: number; pulls: number; pullErrors: number; entries: number; satPushes: number; satMs: number; propagation: number[]; pushMs: number[]; unseen: number; errorKinds: Record<string, number>; cpuS: number }

/** CPU seconds (user + system) of one process so far, from /proc (0 when it is gone). */
function procCpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

function runWorker(input: WorkerInput): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tests/bench/scale-kiosks.ts')], { env: { ...process.env, SCALE_WORKER: JSON.stringify(input) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as WorkerResult);
      } catch {
        reject(new Error(`kiosk worker exited ${code}: ${out.slice(0, 500)}`));
      }
    });
  });
}

interface Figures { serverCores: number; kioskCores: number; errorKinds: Record<string, number>; instances: number; pushesPerS: number; pullsPerS: number; entriesPerS: number; p50: number; p95: number; p99: number; push50: number; push95: number; satPushesPerS: number; pgCores: number; errors: number; unseen: number }

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function topology(instances: number): Promise<Figures> {
  const dbName = `${DB_PREFIX}_${instances}`;
  if (!/^[a-z0-9_]+$/.test(dbName)) throw new Error(`SCALE_DB: a-z 0-9 _ only (${dbName})`);
  await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${dbName}`);
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`);
  const redis: Record<string, string> = REDIS_URL ? { REDIS_URL, REDIS_KEY_PREFIX: `${REDIS_PREFIX}${instances}:` } : {};
  // SCALE_SERVER_NODE_ARGS: node flags for the instances, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them.
  const nodeOptions: Record<string, string> = process.env.SCALE_SERVER_NODE_ARGS ? { NODE_ARGS: process.env.SCALE_SERVER_NODE_ARGS } : {};
  // Each instance has its own pool (SCALE_POOL, default the server's 10): a third instance brings its connections with it.
  const cluster = Cluster.forDatabase(url, { LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: process.env.SCALE_POOL ?? '10', ...redis, ...nodeOptions });
  try {
    const sdb = openServerDb(url, { poolSize: 4 });
    await migrateToLatest(sdb.db);
    const creds: { id: string; secret: string; index: number; facility: number }[] = [];
    // One transaction: a thousand separate commits (each an fsync) take minutes on a busy disk.
    // Kiosk i is in facility i mod FACILITIES (each worker holds some gates of every facility).
    await sdb.db.transaction().execute(async (trx) => {
      const facilities: string[] = [];
      for (let f = 0; f < FACILITIES; f++) facilities.push((await createFacility(trx, systemClock, { id: `bench-${f + 1}`, name: `Bench car park ${f + 1}`, timeZone: 'Asia/Kolkata' })).id);
      for (let i = 0; i < KIOSKS; i++) {
        const facility = i % FACILITIES;
        creds.push({ ...(await addKiosk(trx, systemClock, `Bench gate ${i + 1}`, undefined, facilities[facility])), index: i, facility });
      }
    });
    await sdb.close();
    for (let i = 0; i < instances; i++) await cluster.add();
    const urls = cluster.instances.map((i) => i.url);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const seen = new Map<number, number>();
    const t0 = Date.now();
    const cpu0 = await pgCpuSeconds(admin, dbName, seen);
    const serverPids = cluster.instances.map((i) => i.proc!.child.pid!);
    const server0 = serverPids.reduce((a, pid) => a + procCpuSeconds(pid), 0);
    const per = Math.ceil(KIOSKS / WORKERS);
    const results = await Promise.all(Array.from({ length: WORKERS }, (_, w) => runWorker({
      urls, kiosks: creds.slice(w * per, (w + 1) * per), steadyMs: STEADY_S * 1000, saturateMs: SATURATE_S * 1000,
      saturators: SATURATORS, pushEveryMs: PUSH_EVERY_S * 1000, pullWaitMs: 20_000,
    })));
    const cpu1 = await pgCpuSeconds(admin, dbName, seen);
    const server1 = serverPids.reduce((a, pid) => a + procCpuSeconds(pid), 0);
    const wallS = (Date.now() - t0) / 1000;
    await admin.end();
    const sum = (k: keyof WorkerResult) => results.reduce((a, r) => a + (r[k] as number), 0);
    const prop = results.flatMap((r) => r.propagation);
    const satS = Math.max(...results.map((r) => r.satMs)) / 1000;
    return {
      instances,
      pushesPerS: sum('pushes') / STEADY_S,
      pullsPerS: sum('pulls') / (STEADY_S + satS),
      entriesPerS: sum('entries') / (STEADY_S + satS),
      p50: percentile(prop, 50), p95: percentile(prop, 95), p99: percentile(prop, 99),
      push50: percentile(results.flatMap((r) => r.pushMs), 50), push95: percentile(results.flatMap((r) => r.pushMs), 95),
      satPushesPerS: sum('satPushes') / satS,
      pgCores: (cpu1 - cpu0) / wallS,
      serverCores: (server1 - server0) / wallS,
      kioskCores: results.reduce((a, r) => a + r.cpuS, 0) / wallS,
      errorKinds: results.reduce<Record<string, number>>((acc, r) => {
        for (const [k, n] of Object.entries(r.errorKinds)) acc[k] = (acc[k] ?? 0) + n;
        return acc;
      }, {}),
      errors: sum('pushErrors') + sum('pullErrors'),
      unseen: sum('unseen'),
    };
  } finally {
    for (const i of cluster.instances) if (i.proc) await stopProc(i.proc);
    await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const one = await topology(1);
  const three = process.env.SCALE_ONLY_ONE ? one : await topology(3);
  const pad = (v: unknown, n: number) => String(v).padEnd(n);
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  console.log(`\nscale bench: ${KIOSKS} simulated kiosks in ${WORKERS} processes across ${FACILITIES} facilities (${Math.round(KIOSKS / FACILITIES)} gates each), each pushing one event every ${PUSH_EVERY_S} s on average`);
  console.log(`(Poisson) and long-polling without pause; ${STEADY_S} s steady, then ${SATURATE_S} s with ${SATURATORS * WORKERS} kiosks pushing back to back.`);
  console.log(`Servers, kiosk simulators and PostgreSQL all share this machine's ${cpus().length} cores (127.0.0.1).\n`);
  console.log(`${pad('figure', 48)}${pad('1 instance', 14)}${pad('3 instances', 14)}`);
  const rows: [string, string, string][] = [
    ['offered pushes/s (steady)', f(one.pushesPerS, 1), f(three.pushesPerS, 1)],
    ['pulls answered/s', f(one.pullsPerS), f(three.pullsPerS)],
    ['change entries delivered/s (all kiosks)', f(one.entriesPerS), f(three.entriesPerS)],
    ['propagation p50 ms', f(one.p50), f(three.p50)],
    ['propagation p95 ms (target < 1000)', f(one.p95), f(three.p95)],
    ['propagation p99 ms', f(one.p99), f(three.p99)],
    ['push answered (committed) p50 ms', f(one.push50), f(three.push50)],
    ['push answered (committed) p95 ms', f(one.push95), f(three.push95)],
    ['saturated pushes/s (push capacity)', f(one.satPushesPerS), f(three.satPushesPerS)],
    ['PostgreSQL CPU, cores (bench database backends)', f(one.pgCores, 2), f(three.pgCores, 2)],
    ['server instances CPU, cores (all instances)', f(one.serverCores, 2), f(three.serverCores, 2)],
    ['kiosk simulators CPU, cores (all workers)', f(one.kioskCores, 2), f(three.kioskCores, 2)],
    ['request errors', String(one.errors), String(three.errors)],
    ['changes a gate of their facility never pulled', String(one.unseen), String(three.unseen)],
  ];
  for (const [name, a, b] of rows) console.log(`${pad(name, 48)}${pad(a, 14)}${pad(b, 14)}`);
  for (const t of [one, three]) for (const [k, n] of Object.entries(t.errorKinds)) console.log(`  errors, ${t.instances} instance(s): ${n} x ${k}`);
  const ratio = three.satPushesPerS / one.satPushesPerS;
  console.log(`\npush capacity 3 vs 1 instance: ${ratio.toFixed(2)}x (target >= 2x where the database is not the limit).`);
  console.log(`propagation p95 at ${KIOSKS} kiosks: ${three.p95 < 1000 && one.p95 < 1000 ? 'MET' : 'MISSED'} (< 1 s; 1 instance ${f(one.p95)} ms, 3 instances ${f(three.p95)} ms).`);
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
