/**
 * Retention under the injected clock (kiosk cores on temp files, the sync service anchoring audit
 * heads like the real server, in process): acknowledged events leave after the window and
 * unacknowledged ones never; audit entries are archived in segments below the anchored
 * checkpoint and the remaining chain still verifies; sessions leave after the history window
 * once the server has them; a standalone kiosk's outbox stays bounded; an upgraded database that
 * holds today's unkeyed chain verifies and prunes.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { attachCheckpointFetcher, checkAnchor } from '../../src-main/records/audit-anchor.js';
import { archiveDirFor, packSegment, unpackSegment, verifyArchive } from '../../src-main/records/audit-archive.js';
import { RecordsKeeper } from '../../src-main/records/keeper.js';
import { DAY_MS } from '../../src-main/records/retention.js';
import { integrityCheckAnchored } from '../../src-main/services/integrity.js';
import { syncWorkerOf } from '../../src-main/sync/registry.js';
import { InProcTransport, TestClock } from '../sync/harness.js';
import { anchoringServer, openRaw, tempDir } from './helpers.js';

type Server = Awaited<ReturnType<typeof anchoringServer>>;

async function token(k: Kiosk, u: string): Promise<string> {
  const r = await k.call('auth.login', { username: u, pin: '2468' });
  if (!r.ok) throw new Error(r.error.message);
  return r.data.token;
}

async function call<T = unknown>(k: Kiosk, method: string, input: unknown, tok: string): Promise<T> {
  const r = await k.call(method, input, tok);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

/** n walk-in -> cash exits, each stay 2 h on the test clock. */
async function exits(k: Kiosk, clock: TestClock, n: number, tag: string): Promise<string[]> {
  const cash0 = await token(k, 'cashier');
  if (!(await k.call('shifts.current', {}, cash0) as { ok: true; data: unknown }).data) await call(k, 'shifts.open', { openingFloatPaise: 10_000 }, cash0);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const att = await token(k, 'attendant'); // log-ins expire as the test clock runs
    const cash = await token(k, 'cashier');
    const s = await call<{ id: string; code: string }>(k, 'gate.issueTicket', { vehicleNumber: `${tag}${String(i).padStart(4, '0')}` }, att);
    clock.advance(2 * 3_600_000);
    await call(k, 'gate.quoteExit', { code: s.code }, att);
    await call(k, 'gate.payCash', { sessionId: s.id, tenderedPaise: 100_000 }, cash);
    ids.push(s.id);
  }
  return ids;
}

const count = (k: Kiosk, sql: string, ...args: unknown[]) => (k.ctx.store.sqlite.prepare(sql).get(...args) as { n: number }).n;

describe('records: retention under the fake clock', () => {
  let t: ReturnType<typeof tempDir>;
  let clock: TestClock;
  let server: Server;
  const open: Kiosk[] = [];

  beforeEach(async () => {
    t = tempDir();
    clock = new TestClock(Date.UTC(2026, 0, 5, 8, 0, 0));
    server = await anchoringServer(clock.now);
  });
  afterEach(async () => {
    for (const k of open.splice(0)) await k.close();
    await server.close();
    t.cleanup();
  });

  async function kiosk(name: string, opts: { synced?: boolean; seed?: boolean } = {}): Promise<{ k: Kiosk; transport: InProcTransport | null; keeper: RecordsKeeper }> {
    const transport = opts.synced === false ? null : new InProcTransport(() => server.service, name);
    const k = await createKiosk({
      dbPath: join(t.dir, `${name}.db`), clock, kioskId: name, seedDemo: opts.seed ?? true,
      ...(transport ? { sync: { transport, autoStart: false } } : {}),
    });
    open.push(k);
    if (transport) attachCheckpointFetcher(k.ctx, () => server.checkpoints(name));
    const keeper = new RecordsKeeper(k.ctx, {
      dbPath: join(t.dir, `${name}.db`), serverConfigured: Boolean(transport), pauseMs: 0, idleMs: 0,
      policy: { batchSize: 7, auditSegmentSize: 25 }, // small: many batches and segments
    });
    return { k, transport, keeper };
  }

  it('acknowledged events leave after exactly the retention window; unacknowledged ones never', async () => {
    const { k, transport, keeper } = await kiosk('gate-a');
    await exits(k, clock, 6, 'KA01R');
    await syncWorkerOf(k.ctx)!.syncNow();
    const ackedAt = (k.ctx.store.sqlite.prepare(`SELECT MAX(acked_at) AS t FROM outbox WHERE status = 'ACKED'`).get() as { t: number }).t;
    const acked = count(k, `SELECT COUNT(*) AS n FROM outbox WHERE status = 'ACKED'`);
    expect(acked).toBeGreaterThan(10);
    transport!.online = false;
    clock.advance(3_600_000);
    await exits(k, clock, 3, 'KA02R'); // pending: the server never saw them
    const pending = (k.ctx.store.sqlite.prepare(`SELECT id FROM outbox WHERE status = 'PENDING' ORDER BY seq`).all() as { id: string }[]).map((r) => r.id);
    expect(pending.length).toBeGreaterThan(5);

    clock.t = ackedAt + 7 * DAY_MS; // the last acknowledgement is exactly 7 days old: kept
    const before = count(k, 'SELECT COUNT(*) AS n FROM outbox');
    const r0 = await keeper.runOnce();
    const left0 = count(k, `SELECT COUNT(*) AS n FROM outbox WHERE status = 'ACKED' AND acked_at = ?`, ackedAt);
    expect(left0).toBeGreaterThan(0);
    expect(r0.outboxDeleted).toBe(before - count(k, 'SELECT COUNT(*) AS n FROM outbox'));

    clock.t = ackedAt + 7 * DAY_MS + 1; // one ms later: every acknowledged event goes but the newest event of the sequence
    const r1 = await keeper.runOnce();
    expect(r0.outboxDeleted + r1.outboxDeleted).toBe(acked);
    expect(r1.batches).toBeGreaterThan(1); // small batches
    expect((k.ctx.store.sqlite.prepare(`SELECT id FROM outbox WHERE status = 'PENDING' ORDER BY seq`).all() as { id: string }[]).map((r) => r.id)).toEqual(pending);
    const sup = await token(k, 'supervisor');
    expect((await call<{ findings: unknown[] }>(k, 'integrity.check', {}, sup)).findings).toEqual([]);

    // Back online: the pending events still reach the server, sequence intact.
    transport!.online = true;
    await syncWorkerOf(k.ctx)!.syncNow();
    expect(count(k, `SELECT COUNT(*) AS n FROM outbox WHERE status = 'PENDING'`)).toBe(0);
    expect((await call<{ findings: unknown[] }>(k, 'integrity.check', {}, sup)).findings).toEqual([]);
    clock.advance(7 * DAY_MS + 1);
    await keeper.runOnce();
    expect(count(k, 'SELECT COUNT(*) AS n FROM outbox')).toBe(1); // the newest event: the next seq continues from it
    await exits(k, clock, 1, 'KA03R');
    await syncWorkerOf(k.ctx)!.syncNow(); // the server accepts the next seq: no gap
    expect(count(k, `SELECT COUNT(*) AS n FROM outbox WHERE status = 'PENDING'`)).toBe(0);
  });

  it('audit entries are archived in segments below the anchored checkpoint; the pruned chain still verifies and keeps growing', async () => {
    const { k, keeper } = await kiosk('gate-a');
    await exits(k, clock, 12, 'KA01A');
    await syncWorkerOf(k.ctx)!.syncNow();
    const anchored = (k.ctx.store.sqlite.prepare('SELECT seq FROM audit_anchor').get() as { seq: number }).seq;
    clock.advance(2 * DAY_MS);
    await exits(k, clock, 2, 'KA02A'); // young and not anchored: stays
    const head = k.ctx.audit.head()!;
    clock.advance(6 * DAY_MS); // the first batch is now 8 days old, the second 6
    const r = await keeper.runOnce();
    expect(r.auditArchived).toBe(anchored);
    expect(r.auditDeleted).toBe(anchored);
    const dir = archiveDirFor(t.dir);
    expect(readdirSync(dir).length).toBe(Math.ceil(anchored / 25));
    expect(k.ctx.audit.verify()).toMatchObject({ ok: true, head });
    expect(verifyArchive(k.ctx, dir)).toMatchObject({ ok: true, entries: anchored });
    expect(count(k, 'SELECT MIN(id) AS n FROM audit_log')).toBe(anchored + 1);
    // Still anchored: the server's checkpoints against what is left.
    await syncWorkerOf(k.ctx)!.syncNow();
    const report = await integrityCheckAnchored(k.ctx);
    expect(report.findings).toEqual([]);
    expect(report.anchor.source).toBe('server');
    // The chain keeps growing from the pruned checkpoint.
    await exits(k, clock, 1, 'KA03A');
    expect(k.ctx.audit.verify().ok).toBe(true);

    // An edited archive segment is found; so is a forged pruned checkpoint (no key).
    const first = join(dir, readdirSync(dir).sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]))[0]!);
    const original = readFileSync(first);
    writeFileSync(first, packSegment(unpackSegment(original).replace('"session.completed"', '"session.cancelled"')));
    expect(verifyArchive(k.ctx, dir)).toMatchObject({ ok: false });
    writeFileSync(first, original);
    expect(verifyArchive(k.ctx, dir).ok).toBe(true);
    const raw = openRaw(join(t.dir, 'gate-a.db'));
    raw.exec('DROP TRIGGER audit_pruned_no_update');
    raw.prepare('UPDATE audit_pruned SET hash = ? WHERE through_id = (SELECT MAX(through_id) FROM audit_pruned)').run('f'.repeat(64));
    raw.close();
    expect(k.ctx.audit.verify()).toMatchObject({ ok: false, message: expect.stringMatching(/not signed/) });
  });

  it('sessions leave only after the history window and once the server has them (events acknowledged, audit archived)', async () => {
    const { k, transport, keeper } = await kiosk('gate-a');
    const synced = await exits(k, clock, 4, 'KA01S');
    await syncWorkerOf(k.ctx)!.syncNow();
    transport!.online = false;
    const unsynced = await exits(k, clock, 2, 'KA02S');
    clock.advance(399 * DAY_MS);
    await keeper.runOnce();
    expect(count(k, 'SELECT COUNT(*) AS n FROM sessions')).toBe(6); // inside the window: kept
    clock.advance(2 * DAY_MS);
    const r = await keeper.runOnce();
    expect(r.sessionsDeleted).toBe(synced.length);
    const left = (k.ctx.store.sqlite.prepare('SELECT id FROM sessions ORDER BY id').all() as { id: string }[]).map((x) => x.id);
    expect(left.sort()).toEqual([...unsynced].sort()); // the server does not have these yet
    expect(count(k, `SELECT COUNT(*) AS n FROM payments WHERE session_id IN (${synced.map(() => '?').join(',')})`, ...synced)).toBe(0);
    const sup = await token(k, 'supervisor');
    expect((await call<{ findings: unknown[] }>(k, 'integrity.check', {}, sup)).findings).toEqual([]);
    transport!.online = true;
    await syncWorkerOf(k.ctx)!.syncNow();
  });

  it('a standalone kiosk keeps every session and audit entry; its outbox holds at most two retention windows', async () => {
    const { k, keeper } = await kiosk('solo', { synced: false });
    await exits(k, clock, 3, 'KA01X');
    clock.advance(8 * DAY_MS);
    const r1 = await keeper.runOnce();
    expect(r1.standaloneReleased).toBeGreaterThan(0);
    await exits(k, clock, 2, 'KA02X');
    clock.advance(8 * DAY_MS);
    await keeper.runOnce();
    // The first batch was released 8 days ago and deleted; the second released now.
    expect(count(k, `SELECT COUNT(*) AS n FROM outbox WHERE status = 'PENDING'`)).toBe(0);
    expect(count(k, 'SELECT COUNT(*) AS n FROM outbox')).toBeLessThanOrEqual(count(k, `SELECT COUNT(*) AS n FROM outbox WHERE created_at >= ?`, clock.now() - 16 * DAY_MS) + 1);
    expect(count(k, 'SELECT COUNT(*) AS n FROM sessions')).toBe(5);
    expect(count(k, 'SELECT MIN(id) AS n FROM audit_log')).toBe(1);
    const sup = await token(k, 'supervisor');
    expect((await call<{ findings: unknown[] }>(k, 'integrity.check', {}, sup)).findings).toEqual([]);
  });

  it('a kiosk that has synced is never treated as standalone, even started without its server', async () => {
    const { k, transport } = await kiosk('gate-a');
    await exits(k, clock, 1, 'KA01Y');
    await syncWorkerOf(k.ctx)!.syncNow();
    transport!.online = false;
    await exits(k, clock, 1, 'KA02Y');
    const pending = count(k, `SELECT COUNT(*) AS n FROM outbox WHERE status = 'PENDING'`);
    const alone = new RecordsKeeper(k.ctx, { dbPath: join(t.dir, 'gate-a.db'), serverConfigured: false, pauseMs: 0, idleMs: 0 });
    clock.advance(30 * DAY_MS);
    const r = await alone.runOnce();
    expect(r.standaloneReleased).toBe(0);
    expect(count(k, `SELECT COUNT(*) AS n FROM outbox WHERE status = 'PENDING'`)).toBe(pending);
  });

  it('the anchor check falls back to the acknowledged checkpoint when the server cannot be asked', async () => {
    const { k } = await kiosk('gate-a');
    await exits(k, clock, 2, 'KA01Z');
    await syncWorkerOf(k.ctx)!.syncNow();
    const down = await checkAnchor(k.ctx, () => Promise.reject(new Error('connect ECONNREFUSED')));
    expect(down).toMatchObject({ source: 'acknowledged', serverError: 'connect ECONNREFUSED', findings: [] });
    expect(down.newest!.seq).toBeLessThanOrEqual(k.ctx.audit.head()!.seq); // entries the pull wrote after the push wait for the next push
    const up = await checkAnchor(k.ctx);
    expect(up.source).toBe('server');
    expect(up.checkpoints).toBeGreaterThanOrEqual(1);
  });
});
