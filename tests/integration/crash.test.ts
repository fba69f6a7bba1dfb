/**
 * Crash: a child process doing book/entry/exit/pay cycles on one
 * database file is killed with SIGKILL at random moments, at least 50 times, and restarted on the
 * same file. After every kill, before the next start, the database is reopened (WAL recovery) and
 * integrity.check and audit.verify must pass, and every payment the child acknowledged (printed)
 * so far must be in the payments table as SUCCESS, its session COMPLETED.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKiosk } from '../../src-main/kiosk.js';
import { mulberry32 } from '../helpers/prng.js';
import { prepareWorker, REPO_ROOT, spawnWorker, type WorkerCommand } from './workers/child.js';

const KILLS = 52;
const T0 = Date.parse('2030-04-01T06:00:00.000Z');

let dir: string;
let dbPath: string;
let attendant: string;
let cashier: string;
let supervisor: string;
let zoneId: string;
let worker: WorkerCommand | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-crash-'));
  dbPath = join(dir, 'kiosk.db');
  worker = await prepareWorker('crash-worker.ts');
  const kiosk = await createKiosk({ dbPath, seedDemo: true, clock: { now: () => T0 } });
  const call = async <T>(method: string, input: unknown, token: string | null): Promise<T> => {
    const r = await kiosk.call(method, input, token);
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.data as T;
  };
  const login = async (username: string) => (await call<{ token: string }>('auth.login', { username, pin: '2468' }, null)).token;
  attendant = await login('attendant');
  cashier = await login('cashier');
  supervisor = await login('supervisor');
  await call('shifts.open', { openingFloatPaise: 0 }, cashier); // cash needs the cashier's open shift
  // Every kill can leave one car inside (BOOKED/PARKED/EXITING), so give the child plenty of slots.
  zoneId = (await call<{ id: string }>('zones.create', { name: 'CRASH', hourlyRatePaise: 3000 }, supervisor)).id;
  await call('slots.create', { zoneId, slotNumbers: Array.from({ length: 300 }, (_, i) => `C-${i + 1}`) }, supervisor);
  await kiosk.close();
});

afterAll(() => {
  worker?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL during book/entry/exit/pay cycles', () => {
  it(`survives ${KILLS} kills: integrity, audit chain and every acknowledged payment hold`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const rnd = mulberry32(seed);
    const acknowledged = new Map<string, string>(); // paymentId -> sessionId
    const modes = { beforeReady: 0, afterReady: 0, afterPaid: 0 };
    const started = Date.now();

    const spawnChild = (kill: number) =>
      spawnWorker(worker!, [
        JSON.stringify({ dbPath, attendant, cashier, zoneId, clockMs: T0 + kill * 3_600_000 / 8, prefix: `K${kill}` }),
      ]);
    // Children are pre-spawned two kills ahead: module loading (the slow part of a start on a
    // busy 2-core machine) overlaps the previous cycles; a child touches the file only after GO.
    const queue = [spawnChild(1), spawnChild(2)];
    for (let kill = 1; kill <= KILLS; kill++) {
      const child = queue.shift()!;
      const t0 = Date.now();
      await child.waitLine((l) => l === 'LOADED', 60_000);
      const t1 = Date.now();
      queue.push(spawnChild(kill + 2));
      child.proc.stdin.write('GO\n');
      const r = rnd();
      try {
        if (r < 0.15) {
          modes.beforeReady++;
          await sleep(Math.floor(rnd() * 60)); // often still opening/recovering the file
        } else if (r < 0.5) {
          modes.afterReady++;
          await child.waitLine((l) => l === 'READY', 30_000);
          await sleep(Math.floor(rnd() * 300));
        } else {
          modes.afterPaid++;
          await child.waitLine((l) => l.startsWith('PAID '), 30_000);
          await sleep(50 + Math.floor(rnd() * 350));
        }
      } finally {
        child.proc.kill('SIGKILL');
      }
      const exit = await child.exited;
      const t2 = Date.now();
      expect(exit.signal, `seed ${seed} kill ${kill}: the child exited by itself.\n${child.stderr()}`).toBe('SIGKILL');
      expect(child.stderr()).not.toMatch(/^ERR /m);
      for (const line of child.lines) {
        const m = /^PAID (\S+) (\S+)$/.exec(line);
        if (m) acknowledged.set(m[1]!, m[2]!);
      }

      // Reopen the file the way a restarted kiosk would (WAL recovery) and check everything.
      const kiosk = await createKiosk({ dbPath, clock: { now: () => T0 } });
      try {
        const integrity = await kiosk.call('integrity.check', {}, supervisor);
        expect(integrity, `seed ${seed} kill ${kill}`).toMatchObject({ ok: true, data: { ok: true, findings: [] } });
        const audit = await kiosk.call('audit.verify', {}, supervisor);
        expect(audit, `seed ${seed} kill ${kill}`).toMatchObject({ ok: true, data: { ok: true } });
        const rows = kiosk.ctx.store.sqlite
          .prepare(`SELECT p.id, p.status, p.session_id, s.status AS session_status
                    FROM payments p JOIN sessions s ON s.id = p.session_id`)
          .all() as { id: string; status: string; session_id: string; session_status: string }[];
        const byId = new Map(rows.map((row) => [row.id, row]));
        for (const [paymentId, sessionId] of acknowledged) {
          const row = byId.get(paymentId);
          expect(row, `seed ${seed} kill ${kill}: acknowledged payment ${paymentId} is missing`).toBeDefined();
          expect(row).toMatchObject({ status: 'SUCCESS', session_id: sessionId, session_status: 'COMPLETED' });
        }
      } finally {
        await kiosk.close();
      }
      if (process.env.CRASH_DEBUG) console.log(`kill ${kill}: loaded ${t1 - t0} run ${t2 - t1} check ${Date.now() - t2} lines ${child.lines.length}`);
    }

    for (const spare of queue) spare.proc.kill('SIGKILL');
    await Promise.all(queue.map((spare) => spare.exited));
    const elapsed = Date.now() - started;
    console.log(`crash test: seed ${seed}, ${KILLS} kills (${JSON.stringify(modes)}), ${acknowledged.size} acknowledged payments, ${elapsed} ms`);
    expect(acknowledged.size).toBeGreaterThanOrEqual(modes.afterPaid);

    // The shipped doctor command agrees (exit 0 = no findings).
    const doctor = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli.ts', 'doctor', '--db', dbPath], {
      cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(doctor.status, doctor.stdout + doctor.stderr).toBe(0);
  }, 180_000);
});
