/**
 * Long-polls go through one feed per facility (src-server/sync/pull.ts): while many pulls of a
 * facility wait, the change log is re-read once per fallback interval for all of them (not once
 * per waiting pull), one append is read once and handed to every waiting pull as the same entry
 * (the same JSON), and pulls at different cursors each get exactly what comes after theirs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import type { ServerDb } from '../../src-server/db/connect.js';
import { LocalWaker } from '../../src-server/scale/change-waker.js';
import { SyncService } from '../../src-server/sync/service.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';

const FALLBACK_MS = 300;

/** Counts the SELECTs on sync_changes (the change-log reads). */
class ChangeReads implements KyselyPlugin {
  n = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node).includes('"sync_changes"')) this.n++;
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe.each(BACKENDS)('pull feed per facility (%s)', (backend) => {
  let database: TestDatabase;
  let sdb: ServerDb;
  let sync: SyncService;
  const reads = new ChangeReads();

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    sdb = database.open();
    await migrateToLatest(sdb.db);
    sync = new SyncService({ db: sdb.db.withPlugin(reads), waker: new LocalWaker(FALLBACK_MS) });
  });

  afterAll(async () => {
    await sdb.close();
    await database.drop();
  });

  it('twenty waiting pulls cost one re-read per fallback interval, and one append is read once for all of them', async () => {
    const kiosks = Array.from({ length: 20 }, (_, i) => `k${i + 1}`);
    const pulls: Promise<string>[] = [];
    for (const k of kiosks) {
      pulls.push(sync.pullJson(k, 0, 100, 20_000));
      await sleep(15); // out of step, as kiosks are
    }
    await sleep(100);
    const idleFrom = reads.n;
    await sleep(FALLBACK_MS * 4);
    const idleReads = reads.n - idleFrom;
    // Four intervals: about four re-reads in all (one waiting pull each would be about eighty).
    expect(idleReads).toBeGreaterThanOrEqual(2);
    expect(idleReads).toBeLessThanOrEqual(6);

    const before = reads.n;
    await sync.recordServerChange('test', 'e1', { n: 1 });
    const bodies = await Promise.all(pulls);
    expect(reads.n - before).toBeLessThanOrEqual(2);
    for (const b of bodies) expect(b).toBe(bodies[0]);
    expect(JSON.parse(bodies[0]!)).toMatchObject({ changes: [{ seq: 1, entityType: 'test', entityId: 'e1', originKioskId: null, data: { n: 1 } }], cursor: 1, hasMore: false });
  });

  it('pulls at different cursors each get what comes after theirs, from the same entries', async () => {
    const at1 = sync.pull('c1', 1, 100, 10_000);
    await sleep(50);
    await sync.recordServerChanges([
      { entityType: 'test', entityId: 'e2', data: { n: 2 }, originKioskId: null },
      { entityType: 'test', entityId: 'e3', data: { n: 3 }, originKioskId: 'k1' },
    ]);
    const r1 = await at1;
    expect(r1.changes.map((c) => c.entityId)).toEqual(['e2', 'e3']);
    const r2 = await sync.pull('c2', 2, 100, 10_000); // behind the feed's head: answered at once
    expect(r2.changes.map((c) => c.entityId)).toEqual(['e3']);
    expect(r2.changes[0]).toBe(r1.changes[1]); // one parsed entry, shared (read-only)
    const limited = await sync.pull('c3', 0, 2, 10_000);
    expect(limited).toMatchObject({ cursor: 2, hasMore: true });
    expect(limited.changes.map((c) => c.entityId)).toEqual(['e1', 'e2']);
    // Without a wait the database is read directly: the same entries.
    expect((await sync.pull('c4', 0, 100)).changes.map((c) => c.seq)).toEqual([1, 2, 3]);
  });
});
