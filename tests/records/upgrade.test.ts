/**
 * An upgraded kiosk database that holds today's full history: an unkeyed SHA-256 audit chain,
 * acknowledged events, no records tables, auto_vacuum=NONE. Built by running a kiosk against a
 * server that does not anchor, then turning the file back into what the previous release wrote
 * (chain re-hashed with plain SHA-256, migration 0010 and the audit key removed). After the
 * upgrade: the old entries verify unkeyed, new ones are keyed from the marked boundary, tampering
 * with an old entry is still found, and retention prunes the old history correctly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import { auditKeyPathFor, secretsPathFor } from '../../src-main/core/secrets.js';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { attachCheckpointFetcher } from '../../src-main/records/audit-anchor.js';
import { archiveDirFor, verifyArchive } from '../../src-main/records/audit-archive.js';
import { RecordsKeeper } from '../../src-main/records/keeper.js';
import { DAY_MS } from '../../src-main/records/retention.js';
import { autoVacuumMode } from '../../src-main/records/vacuum.js';
import { integrityCheckAnchored } from '../../src-main/services/integrity.js';
import { CachingSqliteDialect } from '../../src-server/db/sqlite-dialect.js';
import { SyncService } from '../../src-server/sync/service.js';
import { existsSync } from 'node:fs';
import { InProcTransport, TestClock } from '../sync/harness.js';
import { anchoringServer, openRaw, rehashFrom, tempDir, withoutAuditTriggers } from './helpers.js';

const OLD_NO_DELETE = `CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`;

async function exits(k: Kiosk, clock: TestClock, n: number, tag: string): Promise<void> {
  const login = async (u: string) => {
    const r = await k.call('auth.login', { username: u, pin: '2468' });
    if (!r.ok) throw new Error(r.error.message);
    return r.data.token;
  };
  const must = async (m: string, input: unknown, tok: string) => {
    const r = await k.call(m, input, tok);
    if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
    return r.data as { id: string; code: string };
  };
  const c0 = await login('cashier');
  const cur = await k.call('shifts.current', {}, c0);
  if (cur.ok && !cur.data) await must('shifts.open', { openingFloatPaise: 10_000 }, c0);
  for (let i = 0; i < n; i++) {
    const att = await login('attendant');
    const cash = await login('cashier');
    const s = await must('gate.issueTicket', { vehicleNumber: `${tag}${String(i).padStart(4, '0')}` }, att);
    clock.advance(3 * 3_600_000);
    await must('gate.quoteExit', { code: s.code }, att);
    await must('gate.payCash', { sessionId: s.id, tenderedPaise: 100_000 }, cash);
  }
}

/** Turns a kiosk file back into what the previous release wrote (before migrations 0010 and later). */
function downgrade(dbPath: string): number {
  const db = openRaw(dbPath);
  withoutAuditTriggers(db, () => rehashFrom(db, 1, null));
  db.exec(`DELETE FROM kysely_migration WHERE name = '0027_facility_identity'; DELETE FROM kysely_migration WHERE name = '0026_pass_print_jobs';
    DROP TABLE pass_fold_flags; ALTER TABLE season_passes DROP COLUMN reserved; DELETE FROM kysely_migration WHERE name = '0022_pass_reserved_spaces';
    DELETE FROM meta WHERE key = 'audit_keyed_from';
    DROP TABLE audit_anchor; DROP TRIGGER audit_pruned_no_update; DROP TRIGGER audit_pruned_no_delete; DROP TABLE audit_pruned;
    DROP TABLE records_state; DROP INDEX outbox_acked_at; DROP TRIGGER audit_no_delete; ${OLD_NO_DELETE};
    DELETE FROM kysely_migration WHERE name = '0010_records';
    DROP TABLE invoice_requests; DROP TABLE tax_documents; DELETE FROM kysely_migration WHERE name = '0011_tax_documents';
    DROP TABLE merchant_ledger; DROP TABLE session_validations; DROP TABLE validation_programs; DROP TABLE merchants;
    DELETE FROM kysely_migration WHERE name = '0018_validations';
    DROP TABLE lost_ticket_exits; DELETE FROM kysely_migration WHERE name = '0017_lost_ticket_exits';
    ALTER TABLE receipt_numbers DROP COLUMN lost_ticket_fee_paise; DELETE FROM kysely_migration WHERE name = '0014_receipt_lines';
    DROP INDEX sessions_id_tail; DELETE FROM kysely_migration WHERE name = '0016_ticket_numbers';
    DROP TABLE pass_upi_attempts; DELETE FROM kysely_migration WHERE name = '0021_pass_upi_sales';
    DROP TABLE shift_denominations; DELETE FROM kysely_migration WHERE name = '0020_shift_denominations';
    DROP TABLE pass_movements; DROP TABLE pass_sales; DROP TABLE season_passes; DELETE FROM kysely_migration WHERE name = '0019_season_passes';`);
  db.pragma('auto_vacuum = NONE');
  db.exec('VACUUM');
  const n = (db.prepare('SELECT MAX(id) AS n FROM audit_log').get() as { n: number }).n;
  db.close();
  const secrets = JSON.parse(readFileSync(secretsPathFor(dbPath), 'utf8')) as Record<string, unknown>;
  delete secrets.auditKey;
  delete secrets.auditKeyedFrom;
  writeFileSync(secretsPathFor(dbPath), JSON.stringify(secrets), { mode: 0o600 });
  return n;
}

describe('records: upgrading a database that holds today\'s chain', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('old entries verify unkeyed, new ones are keyed from the marked boundary, and the old history prunes across it', async () => {
    const clock = new TestClock(Date.UTC(2026, 0, 5, 8, 0, 0));
    const dbPath = join(t.dir, 'gate.db');
    // Today's server: no anchoring.
    const sqlite = new Database(':memory:');
    const legacyDb = new Kysely<unknown>({ dialect: new CachingSqliteDialect(sqlite) });
    await migrateToLatest(legacyDb as never);
    const legacy = new SyncService({ db: legacyDb, now: clock.now });
    let k = await createKiosk({ dbPath, clock, kioskId: 'gate', seedDemo: true, sync: { transport: new InProcTransport(() => legacy, 'gate'), autoStart: false } });
    await exits(k, clock, 8, 'KA01U');
    await k.syncWorker!.syncNow();
    await k.close();
    const oldHead = downgrade(dbPath);
    await legacyDb.destroy();

    // The upgrade: migration 0010 marks the boundary, the key is created beside the old secrets.
    const server = await anchoringServer(clock.now);
    const open = () => createKiosk({ dbPath, clock, kioskId: 'gate', sync: { transport: new InProcTransport(() => server.service, 'gate'), autoStart: false } });
    k = await open();
    try {
      expect(existsSync(auditKeyPathFor(secretsPathFor(dbPath)))).toBe(true);
      expect(k.ctx.audit.key!.keyedFrom).toBe(oldHead + 1);
      expect(k.ctx.audit.storedKeyedFrom()).toBe(oldHead + 1);
      expect(autoVacuumMode(k.ctx.store.sqlite)).toBe('incremental'); // small file: converted at start
      expect(k.ctx.audit.verify()).toMatchObject({ ok: true, checked: oldHead });
      attachCheckpointFetcher(k.ctx, () => server.checkpoints('gate'));
      await exits(k, clock, 3, 'KA02U');
      await k.syncWorker!.syncNow(); // the old, already acknowledged events are not resent; the new head is anchored
      expect(k.ctx.audit.verify().ok).toBe(true);
      expect((await integrityCheckAnchored(k.ctx)).findings).toEqual([]);

      // Retention over the whole history: 8 days later the old events and entries leave.
      clock.advance(8 * DAY_MS);
      const keeper = new RecordsKeeper(k.ctx, { dbPath, serverConfigured: true, pauseMs: 0, idleMs: 0, policy: { batchSize: 50, auditSegmentSize: 40 } });
      const r = await keeper.runOnce();
      expect(r.outboxDeleted).toBeGreaterThan(30);
      expect(r.auditArchived).toBeGreaterThan(oldHead); // across the unkeyed/keyed boundary
      expect(k.ctx.audit.verify().ok).toBe(true);
      expect(verifyArchive(k.ctx, archiveDirFor(t.dir))).toMatchObject({ ok: true });
      expect((await integrityCheckAnchored(k.ctx)).findings).toEqual([]);
    } finally {
      await k.close();
      await server.close();
    }
  });

  it('after the upgrade, an old unkeyed entry rewritten with plain SHA-256 breaks the chain at the first keyed entry; moving the boundary is found', async () => {
    const clock = new TestClock(Date.UTC(2026, 0, 5, 8, 0, 0));
    const dbPath = join(t.dir, 'gate.db');
    let k = await createKiosk({ dbPath, clock, kioskId: 'gate', seedDemo: true });
    await exits(k, clock, 3, 'KA01V');
    await k.close();
    const oldHead = downgrade(dbPath);
    k = await createKiosk({ dbPath, clock, kioskId: 'gate' });
    await exits(k, clock, 1, 'KA02V');
    await k.close();

    // The attacker edits old entry 5 and recomputes SHA-256 up to the boundary (no key beyond it).
    const db = openRaw(dbPath);
    withoutAuditTriggers(db, () => {
      db.prepare(`UPDATE audit_log SET details = '{}' WHERE id = 5`).run();
      const rows = db.prepare('SELECT id FROM audit_log WHERE id >= 5 AND id <= ? ORDER BY id').all(oldHead) as { id: number }[];
      expect(rows.length).toBeGreaterThan(0);
      rehashFrom(db, 5, null); // plain SHA-256 over everything: keyed entries no longer match
    });
    db.close();
    k = await createKiosk({ dbPath, clock, kioskId: 'gate' });
    try {
      expect(k.ctx.audit.verify()).toMatchObject({ ok: false, brokenAt: oldHead + 1 });
    } finally {
      await k.close();
    }
    // Moving the boundary past the end (to pass the whole rewritten chain off as unkeyed).
    const db2 = openRaw(dbPath);
    db2.prepare(`UPDATE meta SET value = '999999' WHERE key = 'audit_keyed_from'`).run();
    db2.close();
    k = await createKiosk({ dbPath, clock, kioskId: 'gate' });
    try {
      expect(k.ctx.audit.verify()).toMatchObject({ ok: false, message: expect.stringMatching(/boundary was changed/) });
    } finally {
      await k.close();
    }
  });
});
