/**
 * Backups and restore: a 100,000-session round trip that passes integrity.check and
 * audit.verify, retention, refusal of corrupted / tampered / too-new / foreign backups with the
 * current database left untouched, the schedule, and the staged restore (API) applied on the
 * next start.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, openSync, readdirSync, closeSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKiosk } from '../../src-main/kiosk.js';
import { secretsPathFor } from '../../src-main/core/secrets.js';
import {
  backupDirFor, createBackup, listBackups, pendingRestorePaths, pruneBackups, restoreDatabase, RestoreRefusedError, stageRestore, verifyBackupFile,
} from '../../src-main/ops/backups.js';
import { cleanTempDirs, dbFingerprint, generateSessions, ok, tempDir, token } from './helpers.js';

afterEach(cleanTempDirs);

async function demoKiosk(dir = tempDir()) {
  const dbPath = join(dir, 'kiosk.db');
  const kiosk = await createKiosk({ dbPath, seedDemo: true });
  return { dir, dbPath, kiosk };
}

describe('backup + restore round trip', () => {
  it('100,000 sessions: online backup, verified, restored into a fresh kiosk that passes integrity.check and audit.verify', async () => {
    const started = Date.now();
    const { dbPath, kiosk } = await demoKiosk();
    generateSessions(dbPath, kiosk.kioskId, 100_000);
    // Audit entries written through the real API after the bulk load.
    const admin = await token(kiosk, 'admin');
    await ok(kiosk.call('zones.create', { name: 'Z', hourlyRatePaise: 1000 }, admin));

    // Online backup while the kiosk is open.
    const made = await createBackup(dbPath, { kind: 'manual' });
    expect(made).toMatchObject({ verified: true, sessions: 100_000, kind: 'manual' });
    expect(made.file.startsWith(backupDirFor(dbPath))).toBe(true);
    expect(statSync(made.file).mode & 0o777).toBe(0o600);
    // A single self-contained file: no -wal / -shm beside it, nothing half-written left.
    expect(readdirSync(backupDirFor(dbPath))).toEqual([made.fileName]);
    await kiosk.close();

    // Restore onto a replacement kiosk's (empty) data directory, with the old kiosk's secrets file
    // (docs/operations.md "Disaster recovery": its audit key verifies the keyed audit entries).
    const target = join(tempDir(), 'kiosk.db');
    copyFileSync(secretsPathFor(dbPath), secretsPathFor(target));
    const restored = await restoreDatabase(made.file, target);
    expect(restored).toMatchObject({ sessions: 100_000, safetyBackup: null, verified: true });

    const copyBytes = statSync(made.file).size;
    const replacement = await createKiosk({ dbPath: target });
    const sup = await token(replacement, 'supervisor');
    const integrity = await ok(replacement.call('integrity.check', {}, sup));
    expect(integrity).toEqual({ ok: true, findings: [] });
    const audit = await ok(replacement.call('audit.verify', {}, sup));
    expect(audit.ok).toBe(true);
    expect(audit.checked).toBeGreaterThan(5);
    expect(replacement.kioskId).toBe(kiosk.kioskId);
    const count = replacement.ctx.store.sqlite.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number };
    expect(count.n).toBe(100_000);
    await replacement.close();
    expect(copyBytes).toBeGreaterThan(10_000_000);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('retention', () => {
  it('keeps the N newest of each kind, oldest removed, pre-restore copies kept apart', async () => {
    const { dbPath, kiosk } = await demoKiosk();
    const dir = backupDirFor(dbPath);
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 6; i += 1) await createBackup(dbPath, { kind: 'scheduled', now: base + i * 3_600_000 });
    await createBackup(dbPath, { kind: 'manual', now: base });
    await createBackup(dbPath, { kind: 'pre-restore', now: base });
    // Same instant twice: a second name, never an overwrite.
    const twin = await createBackup(dbPath, { kind: 'scheduled', now: base + 5 * 3_600_000 });
    expect(twin.fileName).toBe('backup-20260101T050000000Z-2.db');

    const removed = pruneBackups(dir, 3);
    expect(removed.sort()).toEqual(['backup-20260101T000000000Z.db', 'backup-20260101T010000000Z.db', 'backup-20260101T020000000Z.db', 'backup-20260101T030000000Z.db']);
    const left = listBackups(dir);
    expect(left.filter((b) => b.kind === 'scheduled').map((b) => b.fileName)).toEqual([
      'backup-20260101T050000000Z-2.db', 'backup-20260101T050000000Z.db', 'backup-20260101T040000000Z.db',
    ]);
    expect(left.filter((b) => b.kind !== 'scheduled').map((b) => b.kind).sort()).toEqual(['manual', 'pre-restore']);
    await kiosk.close();
  });

  it('the schedule writes backups on its interval and keeps only `keep` of them', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'kiosk.db');
    const kiosk = await createKiosk({ dbPath, seedDemo: true, ops: { backups: { intervalMs: 60, keep: 2, minDelayMs: 0 } } });
    await vi.waitFor(() => {
      const files = readdirSync(backupDirFor(dbPath)).filter((f) => f.startsWith('backup-'));
      expect(files.length).toBe(2);
    }, { timeout: 5000, interval: 50 });
    // Several runs later there are still only two, and the newest is recent.
    await new Promise((r) => setTimeout(r, 400));
    await kiosk.close(); // waits for a backup in progress
    const scheduled = listBackups(backupDirFor(dbPath)).filter((b) => b.kind === 'scheduled');
    expect(scheduled).toHaveLength(2);
    expect(readdirSync(backupDirFor(dbPath)).some((f) => f.endsWith('.partial'))).toBe(false);
    for (const b of scheduled) expect((await verifyBackupFile(join(backupDirFor(dbPath), b.fileName))).verified).toBe(true);
  });
});

describe('restore refuses a bad backup and leaves the current database untouched', () => {
  async function setup() {
    const { dbPath, kiosk } = await demoKiosk();
    const made = await createBackup(dbPath, { kind: 'manual' });
    await kiosk.close();
    return { dbPath, good: made.file };
  }

  function expectUntouched(dbPath: string, before: string) {
    expect(dbFingerprint(dbPath)).toBe(before);
    expect(listBackups(backupDirFor(dbPath)).filter((b) => b.kind === 'pre-restore')).toEqual([]);
  }

  it('a tampered audit log (edited row) is refused', async () => {
    const { dbPath, good } = await setup();
    const bad = join(tempDir(), 'tampered.db');
    copyFileSync(good, bad);
    const db = new Database(bad);
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare(`UPDATE audit_log SET details = '{"edited":true}' WHERE id = 1`).run();
    db.close();
    const before = dbFingerprint(dbPath);
    const err = await restoreDatabase(bad, dbPath).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreRefusedError);
    expect((err as RestoreRefusedError).problems.join(' ')).toMatch(/Audit entry 1 was changed/);
    expectUntouched(dbPath, before);
  });

  it('a deleted audit row is refused', async () => {
    const { dbPath, good } = await setup();
    const bad = join(tempDir(), 'deleted.db');
    copyFileSync(good, bad);
    const db = new Database(bad);
    db.exec('DROP TRIGGER audit_no_delete');
    db.prepare('DELETE FROM audit_log WHERE id = 2').run();
    db.close();
    const before = dbFingerprint(dbPath);
    await expect(restoreDatabase(bad, dbPath)).rejects.toThrow(/Audit entry 2 is missing/);
    expectUntouched(dbPath, before);
  });

  it('a corrupted file (overwritten pages) is refused', async () => {
    const { dbPath, good } = await setup();
    const bad = join(tempDir(), 'corrupt.db');
    copyFileSync(good, bad);
    const size = statSync(bad).size;
    const fd = openSync(bad, 'r+');
    const junk = Buffer.alloc(4096 * 8, 0xa5);
    writeSync(fd, junk, 0, junk.length, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const before = dbFingerprint(dbPath);
    const err = await restoreDatabase(bad, dbPath).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreRefusedError);
    expectUntouched(dbPath, before);
  });

  it('a file that is not a database, or not ours, is refused', async () => {
    const { dbPath } = await setup();
    const junk = join(tempDir(), 'junk.db');
    writeFileSync(junk, 'SQLite format 3\0 but not really'.repeat(200));
    const foreign = join(tempDir(), 'foreign.db');
    const f = new Database(foreign);
    f.exec('CREATE TABLE t (x)');
    f.close();
    const before = dbFingerprint(dbPath);
    await expect(restoreDatabase(junk, dbPath)).rejects.toBeInstanceOf(RestoreRefusedError);
    await expect(restoreDatabase(foreign, dbPath)).rejects.toThrow(/Not a ParkGate kiosk database/);
    expectUntouched(dbPath, before);
  });

  it('a backup from a newer app (unknown migration) is refused', async () => {
    const { dbPath, good } = await setup();
    const newer = join(tempDir(), 'newer.db');
    copyFileSync(good, newer);
    const db = new Database(newer);
    db.prepare(`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_from_the_future', '2030-01-01T00:00:00.000Z')`).run();
    db.close();
    const before = dbFingerprint(dbPath);
    await expect(restoreDatabase(newer, dbPath)).rejects.toThrow(/newer ParkGate/);
    expectUntouched(dbPath, before);
  });

  it('a good backup is restored after a safety backup of the current database', async () => {
    const { dbPath, good } = await setup();
    // Change the current database after the backup.
    const k = await createKiosk({ dbPath });
    const admin = await token(k, 'admin');
    await ok(k.call('zones.create', { name: 'LATER', hourlyRatePaise: 500 }, admin));
    await k.close();
    const result = await restoreDatabase(good, dbPath);
    expect(result.safetyBackup).toMatch(/^pre-restore-\d{8}T\d{9}Z\.db$/);
    const zonesIn = (file: string) => {
      const db = new Database(file, { readonly: true });
      const names = (db.prepare('SELECT name FROM zones ORDER BY name').all() as { name: string }[]).map((z) => z.name);
      db.close();
      return names;
    };
    expect(zonesIn(dbPath)).not.toContain('LATER');
    expect(zonesIn(join(backupDirFor(dbPath), result.safetyBackup!))).toContain('LATER');
    const again = await createKiosk({ dbPath });
    expect(again.ctx.audit.verify().ok).toBe(true);
    await again.close();
  });
});

describe('backups.* API and the staged restore', () => {
  it('roles: list/create need SUPERVISOR, restore needs ADMIN; names only from the backup folder', async () => {
    const { kiosk } = await demoKiosk();
    const attendant = await token(kiosk, 'attendant');
    const supervisor = await token(kiosk, 'supervisor');
    const admin = await token(kiosk, 'admin');
    expect(await kiosk.call('backups.list', {}, attendant)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await kiosk.call('backups.list', {}, null)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    const made = await ok(kiosk.call('backups.create', {}, supervisor));
    expect(made).toMatchObject({ kind: 'manual', verified: true });
    expect(await kiosk.call('backups.restore', { fileName: made.fileName }, supervisor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await kiosk.call('backups.restore', { fileName: '../kiosk.db' }, admin)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await kiosk.call('backups.restore', { fileName: 'kiosk.db' }, admin)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const list = await ok(kiosk.call('backups.list', {}, supervisor));
    expect(list).toMatchObject({ items: [{ fileName: made.fileName, kind: 'manual' }], keep: 48, pendingRestore: null, lastError: null });
    const actions = kiosk.ctx.audit.list({ limit: 5 }).map((a) => a.action);
    expect(actions).toContain('backup.created');
    await kiosk.close();
  });

  it('backups.restore verifies and stages; the running kiosk keeps its database; the next start restores it', async () => {
    const { dbPath, kiosk } = await demoKiosk();
    const admin = await token(kiosk, 'admin');
    const made = await ok(kiosk.call('backups.create', {}, admin));
    await ok(kiosk.call('zones.create', { name: 'AFTER', hourlyRatePaise: 700 }, admin));

    const staged = await ok(kiosk.call('backups.restore', { fileName: made.fileName }, admin));
    expect(staged).toMatchObject({ staged: true, fileName: made.fileName });
    expect(staged.message).toMatch(/Restart the kiosk/);
    // Nothing swapped under the running kiosk.
    const zones = await ok(kiosk.call('zones.list', {}, admin));
    expect(zones.map((z) => z.name)).toContain('AFTER');
    expect((await ok(kiosk.call('backups.list', {}, admin))).pendingRestore).toMatchObject({ fileName: made.fileName });
    expect(kiosk.ctx.audit.list({ limit: 1 })[0]!.action).toBe('backup.restore_staged');
    await kiosk.close();

    const logs: string[] = [];
    const next = await createKiosk({ dbPath, log: (level, msg) => logs.push(`${level} ${msg}`) });
    const admin2 = await token(next, 'admin');
    expect((await ok(next.call('zones.list', {}, admin2))).map((z) => z.name)).not.toContain('AFTER');
    expect(next.ctx.audit.verify().ok).toBe(true);
    const restoredEntry = next.ctx.audit.list({ limit: 10 }).find((a) => a.action === 'backup.restored');
    expect(restoredEntry?.details).toMatchObject({ from: made.fileName });
    const list = await ok(next.call('backups.list', {}, admin2));
    expect(list.pendingRestore).toBeNull();
    expect(list.items.some((b) => b.kind === 'pre-restore')).toBe(true);
    expect(existsSync(pendingRestorePaths(dbPath).db)).toBe(false);
    expect(logs).toContain('warn staged restore applied');
    await next.close();

    // The safety backup holds the state from before the restore.
    const pre = list.items.find((b) => b.kind === 'pre-restore')!;
    const db = new Database(join(backupDirFor(dbPath), pre.fileName), { readonly: true });
    expect(db.prepare(`SELECT COUNT(*) AS n FROM zones WHERE name = 'AFTER'`).get()).toEqual({ n: 1 });
    db.close();
  });

  it('a staged backup changed after staging is rejected at start; the database is untouched and the kiosk starts', async () => {
    const { dbPath, kiosk } = await demoKiosk();
    const made = await createBackup(dbPath, { kind: 'manual' });
    await stageRestore(dbPath, made.file, { stagedBy: null });
    await kiosk.close();
    // Tamper with the staged copy (drop the audit trigger, edit a row).
    const staged = new Database(pendingRestorePaths(dbPath).db);
    staged.exec('DROP TRIGGER audit_no_update');
    staged.prepare(`UPDATE audit_log SET action = 'x' WHERE id = 1`).run();
    staged.close();
    const logs: string[] = [];
    const next = await createKiosk({ dbPath, log: (level, msg, extra) => logs.push(`${level} ${msg} ${JSON.stringify(extra)}`) });
    await next.close();
    expect(logs.some((l) => l.startsWith('error staged restore not applied') && l.includes('changed after it was staged'))).toBe(true);
    expect(existsSync(`${dbPath}.restore-rejected.json`)).toBe(true);
    expect(existsSync(pendingRestorePaths(dbPath).meta)).toBe(false);
    expect(listBackups(backupDirFor(dbPath)).some((b) => b.kind === 'pre-restore')).toBe(false);
    // Opening it again only checkpointed the WAL: same content.
    const db = new Database(dbPath, { readonly: true });
    expect((db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'x'`).get() as { n: number }).n).toBe(0);
    db.close();
  });
});
