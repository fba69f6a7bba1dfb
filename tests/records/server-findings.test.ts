/**
 * What the server checks from a kiosk's audit checkpoints (src-server/audit/checkpoints.ts): a
 * head that goes back (entries deleted), a seq anchored again with another hash (rewritten), and
 * new events without new audit entries. The kiosk reports the server's findings in integrity.check.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { attachCheckpointFetcher } from '../../src-main/records/audit-anchor.js';
import { integrityCheckAnchored } from '../../src-main/services/integrity.js';
import { syncWorkerOf } from '../../src-main/sync/registry.js';
import { encodeHlc } from '../../src-shared/domain/hlc.js';
import { InProcTransport, TestClock } from '../sync/harness.js';
import { anchoringServer, openRaw, tempDir, withoutAuditTriggers } from './helpers.js';

describe('records: the server checks a kiosk\'s checkpoints', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  async function exit(k: Kiosk, clock: TestClock, plate: string): Promise<void> {
    const login = async (u: string) => {
      const r = await k.call('auth.login', { username: u, pin: '2468' });
      if (!r.ok) throw new Error(r.error.message);
      return r.data.token;
    };
    const att = await login('attendant');
    const cash = await login('cashier');
    const cur = await k.call('shifts.current', {}, cash);
    if (cur.ok && !cur.data) await k.call('shifts.open', { openingFloatPaise: 10_000 }, cash);
    const s = await k.call('gate.issueTicket', { vehicleNumber: plate }, att);
    if (!s.ok) throw new Error(s.error.message);
    clock.advance(2 * 3_600_000);
    await k.call('gate.quoteExit', { code: s.data.code }, att);
    const p = await k.call('gate.payCash', { sessionId: s.data.id, tenderedPaise: 100_000 }, cash);
    if (!p.ok) throw new Error(p.error.message);
  }

  it('entries deleted on disk and the kiosk syncing on: the server records the regression and the kiosk reports it', async () => {
    const clock = new TestClock(Date.UTC(2026, 0, 5, 8, 0, 0));
    const server = await anchoringServer(clock.now);
    const dbPath = join(t.dir, 'gate.db');
    const open = () => createKiosk({ dbPath, clock, kioskId: 'gate', seedDemo: true, sync: { transport: new InProcTransport(() => server.service, 'gate'), autoStart: false } });
    let k = await open();
    await exit(k, clock, 'KA01F0001');
    await exit(k, clock, 'KA01F0002');
    await syncWorkerOf(k.ctx)!.syncNow();
    expect((await server.checkpoints('gate')).findings).toEqual([]);
    const before = k.ctx.audit.head()!.seq;
    await k.close();

    const raw = openRaw(dbPath);
    withoutAuditTriggers(raw, () => raw.prepare('DELETE FROM audit_log WHERE id > ?').run(before - 8));
    raw.close();
    k = await open();
    try {
      // The shortened chain keeps going: a new exit, synced (its head is below the anchored one).
      await exit(k, clock, 'KA01F0003');
      await syncWorkerOf(k.ctx)!.syncNow();
      const res = await server.checkpoints('gate');
      expect(res.findings.map((f) => f.kind)).toEqual(expect.arrayContaining([expect.stringMatching(/head_regressed|hash_changed/)]));
      attachCheckpointFetcher(k.ctx, () => server.checkpoints('gate'));
      const report = await integrityCheckAnchored(k.ctx);
      expect(report.findings.map((f) => f.check)).toEqual(expect.arrayContaining([expect.stringMatching(/^audit_server_/), expect.stringMatching(/^audit_anchor_/)]));
    } finally {
      await k.close();
      await server.close();
    }
  });

  it('new events with no new audit entry behind them are reported; a checkpoint row cannot be changed', async () => {
    const clock = new TestClock(Date.UTC(2026, 0, 5, 8, 0, 0));
    const server = await anchoringServer(clock.now);
    const dbPath = join(t.dir, 'gate.db');
    const k = await createKiosk({ dbPath, clock, kioskId: 'gate', seedDemo: true, sync: { transport: new InProcTransport(() => server.service, 'gate'), autoStart: false } });
    try {
      await exit(k, clock, 'KA01G0001');
      await syncWorkerOf(k.ctx)!.syncNow();
      const head = k.ctx.audit.head()!;
      const lastSeq = (k.ctx.store.sqlite.prepare('SELECT MAX(seq) AS n FROM outbox').get() as { n: number }).n;
      // A forged push (e.g. events injected into the outbox on disk): more events than audit entries
      // added since the last checkpoint (the pull may have written a few entries after the push).
      const ev = (seq: number) => ({
        id: `forged-${seq}`, seq, hlc: encodeHlc({ wallMs: clock.now(), counter: seq, node: 'gate' }), type: 'settings.updated', entityId: null,
        payload: { settings: {}, operatorId: null }, schemaVersion: 1, createdAt: clock.now(),
      });
      const anchored = (await server.checkpoints('gate')).checkpoints.at(-1)!.seq;
      const forged = Array.from({ length: head.seq - anchored + 2 }, (_, i) => ev(lastSeq + 1 + i));
      const res = await server.service.push('gate', { events: forged, auditHead: head });
      expect(res.auditCheckpoint).toMatchObject({ seq: head.seq, hash: head.hash });
      expect((await server.checkpoints('gate')).findings).toEqual([expect.objectContaining({ kind: 'events_without_audit', seq: head.seq })]);
      await expect(server.db.executeQuery({ sql: 'UPDATE audit_checkpoints SET hash = ?', parameters: ['0'.repeat(64)], query: undefined as never, queryId: undefined as never } as never)).rejects.toThrow(/append-only/);
    } finally {
      await k.close();
      await server.close();
    }
  });
});
