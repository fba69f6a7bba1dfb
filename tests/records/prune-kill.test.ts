/**
 * SIGKILL during pruning loses nothing unacknowledged: a kiosk database with thousands of old
 * acknowledged events (and audit entries anchored by the server) plus pending ones is pruned by a
 * real `cli.ts prune` process, killed with SIGKILL as soon as its first batches commit. After the
 * kill: every pending event is still there, unchanged; the deleted count matches records_state
 * (the sequence-gap check holds); the audit chain verifies. A second run finishes the job.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKiosk } from '../../src-main/kiosk.js';
import { syncWorkerOf } from '../../src-main/sync/registry.js';
import { InProcTransport, TestClock } from '../sync/harness.js';
import { anchoringServer, doctor, runNode, tempDir } from './helpers.js';
import { spawn } from 'node:child_process';

const OPS = Number(process.env.RECORDS_KILL_OPS ?? 250);

describe('records: SIGKILL during pruning', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it(`a prune process killed mid-run (${OPS} exits of history) loses no unacknowledged event and leaves a consistent database`, async () => {
    // History in the past (the test clock, 2025): acknowledged events, anchored audit, then pending ones.
    const clock = new TestClock(Date.UTC(2025, 0, 6, 8, 0, 0));
    const dbPath = join(t.dir, 'gate.db');
    const server = await anchoringServer(clock.now);
    const transport = new InProcTransport(() => server.service, 'gate');
    const k = await createKiosk({ dbPath, clock, kioskId: 'gate', seedDemo: true, sync: { transport, autoStart: false } });
    const login = async (u: string) => {
      const r = await k.call('auth.login', { username: u, pin: '2468' });
      if (!r.ok) throw new Error(r.error.message);
      return r.data.token;
    };
    await k.call('shifts.open', { openingFloatPaise: 10_000 }, await login('cashier'));
    let att = '';
    let cash = '';
    for (let i = 0; i < OPS; i++) {
      if (i % 5 === 0) [att, cash] = [await login('attendant'), await login('cashier')]; // log-ins last 12 h of test clock

      const s = await k.call('gate.issueTicket', { vehicleNumber: `KA01K${String(i).padStart(4, '0')}` }, att);
      if (!s.ok) throw new Error(s.error.message);
      clock.advance(2 * 3_600_000);
      const q = await k.call('gate.quoteExit', { code: s.data.code }, att);
      if (!q.ok) throw new Error(q.error.message);
      const p = await k.call('gate.payCash', { sessionId: s.data.id, tenderedPaise: 100_000 }, cash);
      if (!p.ok) throw new Error(p.error.message);
    }
    await syncWorkerOf(k.ctx)!.syncNow();
    transport.online = false;
    att = await login('attendant');
    for (let i = 0; i < 10; i++) {
      const s = await k.call('gate.issueTicket', { vehicleNumber: `KA02K${String(i).padStart(4, '0')}` }, att);
      if (!s.ok) throw new Error(s.error.message);
    }
    await k.close();
    await server.close();

    const snapshot = () => {
      const db = new Database(dbPath, { readonly: true });
      db.pragma('busy_timeout = 5000');
      const pending = db.prepare(`SELECT id, seq, payload FROM outbox WHERE status <> 'ACKED' ORDER BY seq`).all();
      const total = (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
      const pruned = (db.prepare('SELECT outbox_pruned AS n FROM records_state').get() as { n: number }).n;
      const maxSeq = (db.prepare('SELECT MAX(seq) AS n FROM outbox').get() as { n: number }).n;
      const audit = (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
      db.close();
      return { pending, total, pruned, maxSeq, audit };
    };
    const before = snapshot();
    expect(before.pending.length).toBe(10);
    expect(before.total).toBeGreaterThan(OPS);

    // The real process, slowed to 40 ms between batches so the kill lands mid-run.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli.ts', 'prune', '--db', dbPath, '--pause-ms', '40'], {
      cwd: join(import.meta.dirname, '..', '..'), detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let killedAt: ReturnType<typeof snapshot> | null = null;
    for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 15))) {
      const s = snapshot();
      if (s.total < before.total) { // the first batch committed
        process.kill(-child.pid!, 'SIGKILL');
        killedAt = s;
        break;
      }
    }
    const code = await exited;
    expect(killedAt, `prune never started deleting:\n${out}`).not.toBeNull();
    expect(code).toBeNull(); // killed, not finished
    const after = snapshot();
    expect(after.total).toBeGreaterThan(1); // mid-run: more was left to delete
    expect(after.pending).toEqual(before.pending); // nothing unacknowledged lost or changed
    expect(after.maxSeq).toBe(before.maxSeq);
    expect(after.total + after.pruned).toBe(before.total); // every deleted event counted: no gap finding
    const d1 = await doctor(dbPath, ['--offline']);
    expect(d1.report.integrity.findings).toEqual([]);
    expect(d1.code).toBe(0);

    // A second run finishes: every old acknowledged event goes (the pending ones are the newest).
    const r2 = await runNode(['src-main/cli.ts', 'prune', '--db', dbPath]);
    expect(r2.code, r2.out).toBe(0);
    const done = snapshot();
    expect(done.pending).toEqual(before.pending);
    expect(done.total).toBe(before.pending.length);
    expect(done.audit).toBeLessThan(before.audit); // anchored, old audit entries archived
    const d2 = await doctor(dbPath, ['--offline']);
    expect(d2.report.integrity.findings).toEqual([]);
    expect(d2.code).toBe(0);
  }, 240_000);
});
