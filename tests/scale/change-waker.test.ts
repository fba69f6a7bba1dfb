/**
 * The change-log wake-up across instances, in process: two sync services (two "instances") on one
 * PostgreSQL database, each with its own LISTEN connection. An append through one wakes a pull
 * waiting on the other at once; an append whose notification never comes (written without
 * NOTIFY: a writer that died between commit and NOTIFY) is still found by the waiting pull's slow
 * re-read, after the fallback interval and not after the whole long-poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import { LocalWaker, PgWaker, DEFAULT_SCOPE } from '../../src-server/scale/change-waker.js';
import { SyncService } from '../../src-server/sync/service.js';
import type { ServerDb } from '../../src-server/db/connect.js';
import { createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';

const WAIT_MS = 10_000;
const FALLBACK_MS = 1000;

describe('change-log wake-ups across instances (PostgreSQL LISTEN/NOTIFY)', () => {
  let database: TestDatabase;
  let dbs: ServerDb[] = [];
  const wakers: PgWaker[] = [];
  let one: SyncService;
  let two: SyncService;
  /** Instance two without re-reads while it waits: only a notification can end its wait early. */
  let twoNoFallback: SyncService;
  let silent: SyncService;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    dbs = [database.open(), database.open(), database.open()];
    await migrateToLatest(dbs[0]!.db);
    for (const fallbackMs of [FALLBACK_MS, FALLBACK_MS, 10 * WAIT_MS]) {
      const w = new PgWaker({ url: database.url, fallbackMs });
      await w.start();
      wakers.push(w);
    }
    one = new SyncService({ db: dbs[0]!.db, waker: wakers[0]! });
    two = new SyncService({ db: dbs[1]!.db, waker: wakers[1]! });
    twoNoFallback = new SyncService({ db: dbs[1]!.db, waker: wakers[2]! });
    // Appends without any NOTIFY (its waker reaches no other process).
    silent = new SyncService({ db: dbs[2]!.db, waker: new LocalWaker() });
  });

  afterAll(async () => {
    for (const w of wakers) await w.close();
    for (const d of dbs) await d.close();
    await database.drop();
  });

  async function timedPull(on: SyncService, after: number): Promise<{ ms: number; seqs: number[] }> {
    const t0 = Date.now();
    const r = await on.pull('k', after, 100, WAIT_MS);
    return { ms: Date.now() - t0, seqs: r.changes.map((c) => c.seq) };
  }

  it('an append on instance one wakes the pull waiting on instance two at once', async () => {
    const waiting = timedPull(twoNoFallback, 0);
    await new Promise((r) => setTimeout(r, 100));
    await one.recordServerChange('test', 'e1', { n: 1 });
    const { ms, seqs } = await waiting;
    expect(seqs).toEqual([1]);
    // No re-read while it waits: back before the wait's end only when the notification woke it.
    expect(ms).toBeLessThan(WAIT_MS);
  });

  it('a lost notification costs the fallback interval, not the whole wait', async () => {
    const waiting = timedPull(two, 1);
    await new Promise((r) => setTimeout(r, 300)); // the pull's first read is done (a slower one would see e2 and return at once)
    await silent.recordServerChange('test', 'e2', { n: 2 });
    const { ms, seqs } = await waiting;
    expect(seqs).toEqual([2]);
    expect(ms).toBeGreaterThanOrEqual(FALLBACK_MS - 100); // found by a re-read, not by the first read
    expect(ms).toBeLessThan(WAIT_MS); // not by the read at the end of the whole wait
  });

  it('a notification of another scope wakes the pull but it keeps waiting (nothing new for it)', async () => {
    const waiting = timedPull(two, 2);
    wakers[0]!.publish('facility-x');
    wakers[0]!.publish(DEFAULT_SCOPE); // nothing appended: the pull re-reads and waits on
    await new Promise((r) => setTimeout(r, 150));
    await one.recordServerChange('test', 'e3', { n: 3 });
    const { seqs } = await waiting;
    expect(seqs).toEqual([3]);
  });
});
