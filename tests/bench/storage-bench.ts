/**
 * Storage benchmark (`npm run bench -- --only storage`, docs/bench.md "Storage").
 *
 * One synced kiosk core (in process, on /dev/shm when present) and the sync service anchoring its
 * audit heads (in-memory SQLite, as the real server's push does). The injected clock drives time.
 *
 * 1. --sessions walk-in -> cash exits (issue, 10 min stay, quote, cash), synced every 25.
 *    Reference: the database after VACUUM with nothing pruned (what every kiosk stores today),
 *    per completed session, with the same run's raw size of the session + payment rows (the sum of
 *    their column values' bytes).
 * 2. Steady state: the clock moves past the retention window (8 days), the records keeper runs to
 * completion (outbox deleted, audit archived to brotli segments and pruned, incremental vacuum and
 * the WAL truncated in its idle time). Bytes on disk = database file + WAL + -shm + archive
 * segments as the keeper leaves them (the bench forces no checkpoint), per completed session
 * (sessions and payments stay: they are inside the 400-day history window). Target <= 2 KB.
 * 3. Gate-operation latency (issue + quote + cash, each timed) with the keeper idle vs while it
 *    prunes a backlog of the same size (a second history aged past the window), p50/p99, the same
 *    run, alternating blocks so load drifts hit both sides. Target: p99 while pruning within 10%.
 *
 * Options: --sessions <n> (default 1000), --ops <n> (default 300 per side).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { archiveBytes, archiveDirFor } from '../../src-main/records/audit-archive.js';
import { RecordsKeeper } from '../../src-main/records/keeper.js';
import { DAY_MS } from '../../src-main/records/retention.js';
import { dbFileBytes } from '../../src-main/records/vacuum.js';
import { anchoringServer } from '../records/helpers.js';
import { InProcTransport, TestClock } from '../sync/harness.js';

const { values: opts } = parseArgs({ options: { sessions: { type: 'string', default: '1000' }, ops: { type: 'string', default: '300' } }, strict: true });
const SESSIONS = Number(opts.sessions);
const OPS = Number(opts.ops);
const log = (m: string) => process.stderr.write(`[storage-bench] ${m}\n`);

const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const dir = mkdtempSync(join(base, 'pg-storage-bench-'));
const dbPath = join(dir, 'kiosk.db');
const clock = new TestClock(Date.UTC(2026, 0, 5, 6, 0, 0));
const server = await anchoringServer(clock.now);
const transport = new InProcTransport(() => server.service, 'bench');
const kiosk: Kiosk = await createKiosk({ dbPath, clock, kioskId: 'bench', seedDemo: true, sync: { transport, autoStart: false } });
const worker = kiosk.syncWorker!;
const sqlite = kiosk.ctx.store.sqlite;

const tokens: Record<string, { token: string; at: number }> = {};
async function tok(u: string): Promise<string> {
  const t = tokens[u];
  if (t && clock.now() - t.at < 6 * 3_600_000) return t.token;
  const r = await kiosk.call('auth.login', { username: u, pin: '2468' });
  if (!r.ok) throw new Error(r.error.message);
  tokens[u] = { token: r.data.token, at: clock.now() };
  return r.data.token;
}
async function must(method: string, input: unknown, token: string): Promise<{ id: string; code: string }> {
  const r = await kiosk.call(method, input, token);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data as { id: string; code: string };
}

let plate = 0;
/** One walk-in -> cash exit; returns the three operations' times (ms) when timed. */
async function exitOnce(timed: number[] | null): Promise<void> {
  // Log-ins (scrypt) outside the timed operations.
  const [att, cash] = [await tok('attendant'), await tok('cashier')];
  const t0 = performance.now();
  const s = await must('gate.issueTicket', { vehicleNumber: `KA${String(plate++).padStart(8, '0')}` }, att);
  const t1 = performance.now();
  clock.advance(10 * 60_000);
  await must('gate.quoteExit', { code: s.code }, att);
  const t2 = performance.now();
  await must('gate.payCash', { sessionId: s.id, tenderedPaise: 100_000 }, cash);
  const t3 = performance.now();
  timed?.push(t1 - t0, t2 - t1, t3 - t2);
  clock.advance(60_000);
}

async function history(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await exitOnce(null);
    if (i % 25 === 24) await worker.syncNow();
  }
  await worker.syncNow();
}

function rawRowBytes(): number {
  const cols = (t: string) => (sqlite.prepare(`SELECT name FROM pragma_table_info('${t}')`).all() as { name: string }[]).map((c) => c.name);
  const sum = (t: string, where: string) => {
    const expr = cols(t).map((c) => `COALESCE(LENGTH(CAST("${c}" AS BLOB)), 0)`).join(' + ');
    return (sqlite.prepare(`SELECT COALESCE(SUM(${expr}), 0) AS b FROM ${t} ${where}`).get() as { b: number }).b;
  };
  return sum('sessions', `WHERE status = 'COMPLETED'`) + sum('payments', `WHERE session_id IN (SELECT id FROM sessions WHERE status = 'COMPLETED')`);
}
const completed = () => (sqlite.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE status = 'COMPLETED'`).get() as { n: number }).n;
/** Every file the kiosk keeps for its records, as they are: database, WAL, -shm, archive segments. */
const onDisk = () => dbFileBytes(dbPath) + archiveBytes(archiveDirFor(dir));
function tableBytes(): string {
  try {
    const rows = sqlite.prepare(`SELECT name, SUM(pgsize) AS b FROM dbstat GROUP BY name ORDER BY b DESC LIMIT 8`).all() as { name: string; b: number }[];
    return rows.map((r) => `${r.name} ${(r.b / 1024).toFixed(0)} KB`).join(', ');
  } catch {
    return '(dbstat not compiled in)';
  }
}
const kb = (b: number) => `${(b / 1024).toFixed(2)} KB`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const keeper = new RecordsKeeper(kiosk.ctx, { dbPath, serverConfigured: true, idleMs: 0 });

log(`${SESSIONS} walk-in -> cash exits`);
await must('shifts.open', { openingFloatPaise: 10_000 }, await tok('cashier'));
await history(SESSIONS);
const n1 = completed();
const raw1 = rawRowBytes();
sqlite.exec('VACUUM');
sqlite.pragma('wal_checkpoint(TRUNCATE)'); // the reference: today's file at its smallest
const today = onDisk();
const todayTables = tableBytes();

log('past the retention window: prune, archive, vacuum');
clock.advance(8 * DAY_MS);
const run = await keeper.runOnce();
const steady = onDisk();
const steadySide = dbFileBytes(dbPath) - statSync(dbPath).size;
const steadyTables = tableBytes();
const archive = archiveBytes(archiveDirFor(dir));

log(`latency: ${OPS} exits idle vs while pruning a backlog of ${SESSIONS}`);
// A second history, aged past the window, is the backlog the keeper prunes during the timed ops.
await history(SESSIONS);
clock.advance(8 * DAY_MS);
const idle: number[] = [];
const pruning: number[] = [];
const BLOCK = 25;
let pruneRuns = 0;
for (let done = 0; done < OPS; done += BLOCK) {
  for (let i = 0; i < BLOCK; i++) await exitOnce(idle);
  let stop = false;
  const bg = (async () => {
    while (!stop) {
      const r = await keeper.runOnce();
      pruneRuns++;
      if (r.batches === 0) await new Promise((res) => setTimeout(res, 1));
    }
  })();
  for (let i = 0; i < BLOCK; i++) await exitOnce(pruning);
  stop = true;
  await bg;
}
const backlogLeft = (sqlite.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'ACKED'`).get() as { n: number }).n;
// Marginal cost: everything since step 2 aged past the window and pruned again.
await worker.syncNow();
clock.advance(8 * DAY_MS);
await keeper.runOnce();
const n2 = completed();
const steady2 = onDisk();

await kiosk.close();
await server.close();
rmSync(dir, { recursive: true, force: true });

const rows: [string, string, string][] = [
  ['completed sessions', String(n1), ''],
  ['raw session + payment rows, per session', kb(raw1 / n1), 'reference (same run)'],
  ['today: nothing pruned, after VACUUM, per session', kb(today / n1), todayTables],
  ['steady state (synced, past the 7-day window), per session', kb(steady / n1), `target <= 2 KB: ${steady / n1 <= 2048 ? 'met' : 'MISSED'}`],
  ['steady state, marginal per additional session (no fixed overhead)', kb((steady2 - steady) / (n2 - n1)), `${n2 - n1} more sessions, pruned the same way`],
  ['  of which archived audit segments (brotli), per session', kb(archive / n1), `${run.auditArchived} entries archived, ${run.outboxDeleted} events deleted`],
  ['  of which WAL + -shm, per session', kb(steadySide / n1), `${run.vacuumedPages} pages vacuumed, WAL truncated: ${run.walTruncated ? 'yes' : 'no'}`],
  ['  tables at steady state', '', steadyTables],
  ['gate op p50 idle / while pruning', `${pct(idle, 50).toFixed(2)} / ${pct(pruning, 50).toFixed(2)} ms`, ''],
  ['gate op p99 idle / while pruning', `${pct(idle, 99).toFixed(2)} / ${pct(pruning, 99).toFixed(2)} ms`,
    `within 10%: ${pct(pruning, 99) <= pct(idle, 99) * 1.1 ? 'met' : 'MISSED'} (${pruneRuns} keeper runs; ${backlogLeft} acknowledged events left)`],
];
console.log('| measure | value | note |\n|---|---|---|');
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
