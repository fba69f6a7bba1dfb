/**
 * Sync benchmark: four kiosks each work offline through SESSIONS_PER_KIOSK sessions
 * (issue + exit, cash when due), then reconnect. Reports time until every kiosk and the server
 * agree, the server's apply rate (events/s), a raw batched INSERT of the rows the server stored
 * for those events in the same run for reference (tests/bench/sync-raw-insert.ts), and online
 * A -> server -> B propagation p95. The apply is compared with the reference like with like: the
 * same pushes are replayed into fresh server databases, ROUNDS times, each replay followed by a
 * round of reference passes; medians on both sides (the convergence's own single pass, which
 * includes the JIT warming up, is shown beside it).
 *   npx tsx tests/bench/sync-bench.ts            (SYNC_BENCH_SESSIONS=2500 per kiosk by default)
 *   npx tsx tests/bench/sync-bench.ts --pg       (server and reference on fresh PostgreSQL databases
 *                                                 on 127.0.0.1:5432, dropped afterwards)
 */
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import { openServerDb } from '../../src-server/db/connect.js';
import type { SyncDatabase } from '../../src-server/sync/schema.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import { SyncService, type PushInput } from '../../src-server/sync/service.js';
import { createKiosk } from '../../src-main/kiosk.js';
import { sha256Hex } from '../../src-main/core/ids.js';
import { secretsPathFor } from '../../src-main/core/secrets.js';
import { copyFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';
import { InProcTransport, kioskSessions, memoryServer, serverSessions, tempDir, TestClock, type TestKiosk } from '../sync/harness.js';
import { median, pgRound, pushMarkState, sqliteRound, storedRows, summarize, type PushMark, type RawRound } from './sync-raw-insert.js';

const PER_KIOSK = Number(process.env.SYNC_BENCH_SESSIONS ?? 2500);
const KIOSKS = 4;
const PG = process.argv.includes('--pg');
const ROUNDS = 5;

/** The server: SQLite in memory (the default), or a fresh PostgreSQL database. */
async function openServer(now: () => number): Promise<{ service: SyncService; db: Kysely<SyncDatabase>; close(): Promise<void>; pg: TestDatabase | null }> {
  if (!PG) {
    const m = await memoryServer(now);
    return { ...m, db: m.db as Kysely<SyncDatabase>, pg: null };
  }
  const pg = await createTestDatabase('postgres');
  const sdb = openServerDb(pg.url, { poolSize: 5 });
  await migrateToLatest(sdb.db as never);
  const db = sdb.db as unknown as Kysely<SyncDatabase>;
  return { service: new SyncService({ db, now }), db, pg, close: async () => { await sdb.close(); await pg.drop(); } };
}

interface LoggedPush { kioskId: string; body: string; timed: boolean }

/**
 * Applies the logged pushes, in order, to a fresh server: the setup ones untimed, the convergence
 * ones timed. Returns their time and how many events they applied (must match the live run).
 */
async function replay(log: LoggedPush[], now: () => number): Promise<{ ms: number; applied: number }> {
  const s = await openServer(now);
  let ms = 0;
  let applied = 0;
  try {
    for (const p of log) {
      const input = JSON.parse(p.body) as PushInput;
      const before = s.service.stats.eventsApplied;
      const t0 = performance.now();
      // A push the live server refused (e.g. SEQ_GAP) is refused again; the worker's retry is logged after it.
      await s.service.push(p.kioskId, input).catch((err: unknown) => {
        if (!(err instanceof AppError)) throw err;
      });
      if (!p.timed) continue;
      ms += performance.now() - t0;
      applied += s.service.stats.eventsApplied - before;
    }
  } finally {
    await s.close();
  }
  return { ms, applied };
}

async function main() {
  const tmp = tempDir('pg-sync-bench-');
  const clock = new TestClock();
  const server = await openServer(clock.now);
  // Every push body from the start (setup, then convergence), for the replays; where each
  // convergence push's rows landed (read outside the timed call), for the raw reference.
  const pushLog: LoggedPush[] = [];
  const marks: PushMark[] = [];
  let phase: 'setup' | 'converge' | 'done' = 'setup';
  let serverPushMs = 0;
  let serverPullMs = 0;
  const realPush = server.service.push.bind(server.service);
  server.service.push = async (kioskId, input) => {
    if (phase === 'done') return realPush(kioskId, input);
    pushLog.push({ kioskId, body: JSON.stringify(input), timed: phase === 'converge' });
    if (phase === 'setup') return realPush(kioskId, input);
    const before = await pushMarkState(server.db, kioskId);
    const s0 = performance.now();
    try {
      return await realPush(kioskId, input);
    } finally {
      serverPushMs += performance.now() - s0;
      const after = await pushMarkState(server.db, kioskId);
      marks.push({
        kioskId, seqFrom: before.lastSeq, seqTo: after.lastSeq, changeFrom: before.seq, changeTo: after.seq,
        serverSeqFrom: before.serverSeq, serverSeqTo: after.serverSeq, hlc: after.hlc, pushAt: after.pushAt, offset: after.offset,
      });
    }
  };
  const template = join(tmp.dir, 'template.db');
  await (await createKiosk({ dbPath: template, kioskId: 'k0', seedDemo: true, clock })).close();
  // Enough slots for 2,500 open sessions at once is not needed: each car leaves before the next.
  const kiosks: TestKiosk[] = [];
  const tokens: Record<string, string>[] = [];
  for (let i = 0; i < KIOSKS; i++) {
    const dbPath = join(tmp.dir, `k${i}.db`);
    if (i === 0) {
      copyFileSync(template, dbPath);
      copyFileSync(secretsPathFor(template), secretsPathFor(dbPath));
    }
    const transport = new InProcTransport(() => server.service, `k${i}`);
    const kiosk = await createKiosk({ dbPath, clock, kioskId: `k${i}`, sync: { transport, autoStart: false } });
    kiosks.push({ name: `k${i}`, kiosk, worker: kiosk.syncWorker!, transport, dbPath, tokens: new Map() });
  }
  for (const k of kiosks) await k.worker.syncNow();
  for (const k of kiosks) await k.worker.syncNow();
  for (const k of kiosks) {
    const t: Record<string, string> = {};
    for (const u of ['attendant', 'cashier']) {
      const op = k.kiosk.ctx.store.sqlite.prepare('SELECT id FROM operators WHERE username = ?').get(u) as { id: string };
      t[u] = `bench-${k.name}-${u}`;
      k.kiosk.ctx.store.sqlite.prepare('INSERT INTO auth_tokens VALUES (?, ?, ?, ?)').run(sha256Hex(t[u]!), op.id, clock.now(), clock.now() + 1e13);
    }
    tokens.push(t);
    await k.kiosk.call('shifts.open', { openingFloatPaise: 0 }, t.cashier);
  }

  // Offline work.
  for (const k of kiosks) k.transport.online = false;
  const t0 = performance.now();
  for (let n = 0; n < PER_KIOSK; n++) {
    for (let i = 0; i < KIOSKS; i++) {
      const k = kiosks[i]!;
      const s = await k.kiosk.call('gate.issueTicket', { vehicleNumber: `B${i}${String(n).padStart(7, '0')}` }, tokens[i]!.attendant);
      if (!s.ok) throw new Error(`issue: ${s.error.message}`);
      clock.advance(47 * 60_000);
      const q = await k.kiosk.call('gate.quoteExit', { code: s.data.code }, tokens[i]!.attendant);
      if (!q.ok) throw new Error(`quote: ${q.error.message}`);
      const r = q.data.amountDuePaise > 0
        ? await k.kiosk.call('gate.payCash', { sessionId: s.data.id, tenderedPaise: q.data.amountDuePaise }, tokens[i]!.cashier)
        : await k.kiosk.call('gate.completeExit', { sessionId: s.data.id }, tokens[i]!.attendant);
      if (!r.ok) throw new Error(`exit: ${r.error.message}`);
    }
  }
  const offlineMs = performance.now() - t0;
  const events = kiosks.reduce((a, k) => a + k.worker.pendingCount(), 0);

  // Reconnect: each kiosk pushes (the server applies), then everyone pulls until agreed.
  phase = 'converge';
  const appliedBefore = server.service.stats.eventsApplied;
  const realPull = server.service.pull.bind(server.service);
  server.service.pull = async (...args) => {
    const s0 = performance.now();
    try {
      return await realPull(...args);
    } finally {
      serverPullMs += performance.now() - s0;
    }
  };
  for (const k of kiosks) k.transport.online = true;
  const c0 = performance.now();
  let pushMs = 0;
  for (const k of kiosks) {
    const p0 = performance.now();
    await k.worker.syncNow();
    pushMs += performance.now() - p0;
  }
  for (const k of kiosks) await k.worker.syncNow();
  const convergeMs = performance.now() - c0;
  const convergePushMs = serverPushMs;
  const convergePullMs = serverPullMs;
  const convergeApplied = server.service.stats.eventsApplied - appliedBefore;
  phase = 'done';
  const expected = JSON.stringify(await serverSessions(server.service));
  const agree = kiosks.every((k) => JSON.stringify(kioskSessions(k)) === expected);

  // Reference: a raw batched INSERT of the rows the server stored for these pushes (events,
  // canonical sessions, change log, counter and kiosk rows), one transaction per push, same run;
  // each round: the pushes replayed into a fresh server, then the reference passes.
  const stored = await storedRows(server.db, marks);
  const storedEvents = stored.reduce((a, b) => a + b.events.length, 0);
  const storedRowsAll = stored.reduce((a, b) => a + b.events.length + b.sessions.length + b.changes.length + 2, 0);
  const refDb = server.pg ? await createTestDatabase('postgres') : null;
  const replayMs: number[] = [];
  const rounds: RawRound[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const rep = await replay(pushLog, clock.now);
      if (rep.applied !== convergeApplied) throw new Error(`replay applied ${rep.applied} events, the live run ${convergeApplied}`);
      replayMs.push(rep.ms);
      rounds.push(refDb ? await pgRound(refDb.url, stored) : await sqliteRound(stored));
    }
  } finally {
    await refDb?.drop();
  }
  const raw = summarize(rounds);

  // Online propagation A -> server -> B (B pulls as its long-poll would: right after A's push).
  const lat: number[] = [];
  for (let n = 0; n < 200; n++) {
    const a = kiosks[0]!;
    const b = kiosks[1]!;
    const p0 = performance.now();
    const s = await a.kiosk.call('gate.issueTicket', { vehicleNumber: `P${String(n).padStart(7, '0')}` }, tokens[0]!.attendant);
    if (!s.ok) throw new Error(s.error.message);
    await a.worker.syncNow();
    await b.worker.syncNow();
    if (!b.kiosk.ctx.store.sqlite.prepare('SELECT 1 FROM sessions WHERE id = ?').get(s.data.id)) throw new Error('not propagated');
    lat.push(performance.now() - p0);
    clock.advance(60_000);
    const q = await a.kiosk.call('gate.quoteExit', { code: s.data.code }, tokens[0]!.attendant);
    if (q.ok && q.data.amountDuePaise === 0) await a.kiosk.call('gate.completeExit', { sessionId: s.data.id }, tokens[0]!.attendant);
  }
  lat.sort((x, y) => x - y);
  const p95 = lat[Math.floor(lat.length * 0.95)]!;

  const applyRate = events / (convergePushMs / 1000);
  void pushMs;
  const replayRate = convergeApplied / (median(replayMs) / 1000);
  const rawRate = storedEvents / (raw.allMs / 1000);
  const rawEventsRate = storedEvents / (raw.eventsMs / 1000);
  const pct = (a: number, r: number) => `${((100 * a) / r).toFixed(1)}%`;
  const table = [
    ['server', PG ? 'PostgreSQL (fresh database, 127.0.0.1:5432)' : 'SQLite in memory', 'reference on the same backend'],
    ['sessions (offline, 4 kiosks)', String(KIOSKS * PER_KIOSK), ''],
    ['events pushed', String(events), `offline work took ${(offlineMs / 1000).toFixed(1)} s`],
    ['convergence after reconnect', `${(convergeMs / 1000).toFixed(2)} s`, `target < 30 s; all agree: ${agree}`],
    ['  of which server push / pull', `${(convergePushMs / 1000).toFixed(2)} s / ${(convergePullMs / 1000).toFixed(2)} s`,
      `kiosks (outbox read, acks, applying ${kiosks.reduce((a, k) => a + k.worker.stats.pulled, 0)} pulled changes): ${((convergeMs - convergePushMs - convergePullMs) / 1000).toFixed(2)} s`],
    ['server apply rate, convergence', `${Math.round(applyRate)} events/s`, `one pass, JIT warming up; ${pct(applyRate, rawRate)} of the reference (information)`],
    [`server apply rate, replayed ${ROUNDS}x`, `${Math.round(replayRate)} events/s`,
      `median; the same pushes into fresh databases (${replayMs.map((m) => `${Math.round(m)}`).join(' / ')} ms)`],
    ['raw batched INSERT, same rows', `${Math.round(rawRate)} events/s`,
      `${storedRowsAll} rows stored for ${storedEvents} events (${raw.way}); replayed apply is ${pct(replayRate, rawRate)}: target >= 25% ${(100 * replayRate) / rawRate >= 25 ? 'PASS' : 'FAIL'}`],
    ['  reference, event rows alone', `${Math.round(rawEventsRate)} rows/s`, `replayed apply is ${pct(replayRate, rawEventsRate)} of it (information; not the target)`],
    ['propagation A -> server -> B p95', `${p95.toFixed(1)} ms`, 'target < 1000 ms (in process, no network)'],
  ];
  for (const [k, v, ref] of table) console.log(`${k!.padEnd(36)} ${v!.padEnd(22)} ${ref}`);
  for (const k of kiosks) await k.kiosk.close();
  await server.close();
  tmp.cleanup();
  if (!agree) process.exit(1);
}

void main();
