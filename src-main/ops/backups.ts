/**
 * Backups of the kiosk database: SQLite online backups into
 * `<dataDir>/backups/`, each verified before it is kept; retention; restore with verification
 * and a safety backup first; and the staged restore a running kiosk uses (applied by the next
 * createKiosk, before the database is opened).
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { BackupFileInfo, BackupKind } from '../../src-shared/contracts/api.js';
import { systemClock, type Clock } from '../core/clock.js';
import { AuditLog } from '../services/audit.js';
import { loadOrCreateSecrets, readAuditKey, secretsPathFor } from '../core/secrets.js';
import { auditKeyedFromMark } from '../records/audit-anchor.js';
import { verifyBackup, type BackupResult } from '../store/backup.js';
import { openStore } from '../store/open.js';
import type { KioskLogFn } from './logger.js';

export type { BackupFileInfo, BackupKind };

const PREFIX: Record<BackupKind, string> = { scheduled: 'backup', manual: 'manual', 'pre-restore': 'pre-restore' };
const NAME_RE = /^(backup|manual|pre-restore)-(\d{8}T\d{9}Z)(?:-(\d+))?(-raw)?\.db$/;
/** Pre-restore safety copies kept (scheduled and manual backups follow the `keep` setting). */
export const PRE_RESTORE_KEEP = 10;

export class RestoreRefusedError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`Backup ${basename(file)} failed verification; nothing was changed: ${problems.join('; ')}`);
    this.name = 'RestoreRefusedError';
  }
}

export function backupDirFor(dbPath: string): string {
  return join(dirname(resolve(dbPath)), 'backups');
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, ''); // 20260101T000000123Z
}

function parseStamp(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!) : Number.NaN;
}

function parseName(fileName: string): { kind: BackupKind; at: number; seq: number } | null {
  const m = NAME_RE.exec(fileName);
  if (!m) return null;
  const kind = (Object.keys(PREFIX) as BackupKind[]).find((k) => PREFIX[k] === m[1])!;
  return { kind, at: parseStamp(m[2]!), seq: m[3] ? Number(m[3]) : 1 };
}

/** A backup file name from an API call, resolved inside the backup directory (no paths, only our names). */
export function resolveBackupFile(dir: string, fileName: string): string {
  if (basename(fileName) !== fileName || !parseName(fileName)) throw new Error(`Not a backup file name: ${fileName.slice(0, 80)}`);
  const file = join(dir, fileName);
  if (!existsSync(file)) throw new Error(`No backup named ${fileName}`);
  return file;
}

export function listBackups(dir: string): BackupFileInfo[] {
  if (!existsSync(dir)) return [];
  const items: (BackupFileInfo & { seq: number; at: number })[] = [];
  for (const fileName of readdirSync(dir)) {
    const parsed = parseName(fileName);
    if (!parsed) continue;
    const st = statSync(join(dir, fileName));
    if (!st.isFile()) continue;
    items.push({ fileName, kind: parsed.kind, bytes: st.size, createdAt: new Date(parsed.at).toISOString(), seq: parsed.seq, at: parsed.at });
  }
  items.sort((a, b) => b.at - a.at || b.seq - a.seq || (a.fileName < b.fileName ? 1 : -1));
  return items.map(({ seq: _s, at: _a, ...info }) => info);
}

/** Keeps the `keep` newest backups of each kind given; returns the removed file names. */
export function pruneBackups(dir: string, keep: number, kinds: BackupKind[] = ['scheduled', 'manual']): string[] {
  const removed: string[] = [];
  for (const kind of kinds) {
    const limit = kind === 'pre-restore' ? Math.max(keep, PRE_RESTORE_KEEP) : Math.max(1, keep);
    for (const old of listBackups(dir).filter((b) => b.kind === kind).slice(limit)) {
      rmSync(join(dir, old.fileName), { force: true });
      removed.push(old.fileName);
    }
  }
  return removed;
}

/** verifyBackup that never throws: an unreadable, foreign, too-new or corrupted file is a problem, not a crash. */
/** @param dbPath the kiosk database the backup belongs to: its audit key verifies the keyed entries. */
export async function verifyBackupFile(file: string, dbPath?: string): Promise<BackupResult> {
  if (!existsSync(file)) return { file, bytes: 0, verified: false, sessions: 0, problems: [`No file at ${file}`] };
  try {
    const probe = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const migrated = probe.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`).get();
      if (!migrated) return { file, bytes: statSync(file).size, verified: false, sessions: 0, problems: ['Not a ParkGate kiosk database (no migrations table).'] };
    } finally {
      probe.close();
    }
    return await verifyBackup(file, dbPath ? readAuditKey(dbPath) : null);
  } catch (err) {
    return { file, bytes: existsSync(file) ? statSync(file).size : 0, verified: false, sessions: 0, problems: [err instanceof Error ? err.message : String(err)] };
  }
}

export interface CreatedBackup extends BackupFileInfo {
  file: string;
  verified: boolean;
  sessions: number;
  problems: string[];
}

function uniqueName(dir: string, kind: BackupKind, now: number, suffix = ''): string {
  const base = `${PREFIX[kind]}-${stamp(now)}`;
  for (let seq = 1; ; seq += 1) {
    const name = `${base}${seq === 1 ? '' : `-${seq}`}${suffix}.db`;
    if (!existsSync(join(dir, name)) && !existsSync(join(dir, `.${name}.partial`))) return name;
  }
}

/**
 * Online backup of a live database into `dir`: copied page by page by SQLite (consistent even
 * while the kiosk writes), turned into a single self-contained file (rollback journal mode),
 * verified (integrity_check, audit chain, migrations known to this app), then renamed into place.
 * An unverifiable copy is deleted and the call fails, unless `keepUnverified` (the safety copy
 * taken before a restore, which must exist even when the current database is damaged).
 */
export async function createBackup(
  dbPath: string,
  options: { dir?: string; kind?: BackupKind; now?: number; keepUnverified?: boolean } = {},
): Promise<CreatedBackup> {
  if (!existsSync(dbPath)) throw new Error(`No database at ${dbPath}`);
  const dir = options.dir ?? backupDirFor(dbPath);
  const kind = options.kind ?? 'manual';
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fileName = uniqueName(dir, kind, options.now ?? Date.now());
  const tmp = join(dir, `.${fileName}.partial`);
  const final = join(dir, fileName);
  try {
    const source = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      await source.backup(tmp);
    } finally {
      source.close();
    }
    const copy = new Database(tmp);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    const check = await verifyBackupFile(tmp, dbPath);
    if (!check.verified && !options.keepUnverified) throw new Error(`Backup failed verification: ${check.problems.join('; ')}`);
    chmodSync(tmp, 0o600);
    renameSync(tmp, final);
    const parsed = parseName(fileName)!;
    return {
      fileName, kind, file: final, bytes: statSync(final).size, createdAt: new Date(parsed.at).toISOString(),
      verified: check.verified, sessions: check.sessions, problems: check.problems,
    };
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
  }
}

/** A byte copy of the database files, for when SQLite cannot read the damaged database. */
function rawCopy(dbPath: string, dir: string, now: number): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fileName = uniqueName(dir, 'pre-restore', now, '-raw');
  copyFileSync(dbPath, join(dir, fileName));
  chmodSync(join(dir, fileName), 0o600);
  if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, join(dir, `${fileName}-wal`));
  return fileName;
}

export interface RestoreResult {
  restoredFrom: string;
  /** The copy of the database as it was before the restore (null when there was none). */
  safetyBackup: string | null;
  sessions: number;
  verified: true;
}

/**
 * Restores `from` over `dbPath`. Order: verify the backup (refuse, changing nothing, if it fails),
 * take a safety backup of the current database, copy the backup in with SQLite's backup API (so a
 * stale WAL can never be replayed onto the restored pages), verify the result.
 * The kiosk must not be running on `dbPath` (CLI: stop the service; API: the restore is staged
 * and applied by the next start, see stageRestore).
 */
export async function restoreDatabase(
  from: string,
  dbPath: string,
  options: { backupDir?: string; now?: number; log?: KioskLogFn } = {},
): Promise<RestoreResult> {
  const log = options.log ?? (() => {});
  const source = resolve(from);
  if (source === resolve(dbPath)) throw new RestoreRefusedError(from, ['The backup is the database itself.']);
  const check = await verifyBackupFile(source, dbPath);
  if (!check.verified) throw new RestoreRefusedError(from, check.problems);

  const dir = options.backupDir ?? backupDirFor(dbPath);
  const now = options.now ?? Date.now();
  let safetyBackup: string | null = null;
  if (existsSync(dbPath)) {
    try {
      safetyBackup = (await createBackup(dbPath, { dir, kind: 'pre-restore', now, keepUnverified: true })).fileName;
    } catch (err) {
      safetyBackup = rawCopy(dbPath, dir, now);
      log('warn', 'restore: the current database could not be backed up by SQLite; kept a byte copy', { error: String(err), safetyBackup });
    }
    pruneBackups(dir, PRE_RESTORE_KEEP, ['pre-restore']);
  } else {
    mkdirSync(dirname(resolve(dbPath)), { recursive: true });
  }

  try {
    const src = new Database(source, { readonly: true, fileMustExist: true });
    try {
      await src.backup(dbPath);
    } finally {
      src.close();
    }
  } catch (err) {
    // The current file is too damaged for SQLite to write into: replace the files instead.
    log('warn', 'restore: SQLite could not write into the current database, replacing the file', { error: String(err) });
    for (const f of [`${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`]) rmSync(f, { force: true });
    copyFileSync(source, `${dbPath}.restoring`);
    renameSync(`${dbPath}.restoring`, dbPath);
  }

  const after = await verifyBackupFile(dbPath, dbPath);
  if (!after.verified) {
    throw new Error(`The restored database failed verification (${after.problems.join('; ')}); the previous database is in ${safetyBackup ?? 'no backup'}.`);
  }
  log('info', 'database restored', { from: basename(source), safetyBackup, sessions: after.sessions });
  return { restoredFrom: basename(source), safetyBackup, sessions: after.sessions, verified: true };
}

// ---- staged restore (API) -------------------------------------------------------------------

export interface PendingRestore {
  fileName: string;
  sha256: string;
  stagedAt: string;
  stagedBy: string | null;
}

export function pendingRestorePaths(dbPath: string): { db: string; meta: string } {
  return { db: `${dbPath}.restore-pending.db`, meta: `${dbPath}.restore-pending.json` };
}

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function pendingRestore(dbPath: string): PendingRestore | null {
  const { meta } = pendingRestorePaths(dbPath);
  if (!existsSync(meta)) return null;
  try {
    return JSON.parse(readFileSync(meta, 'utf8')) as PendingRestore;
  } catch {
    return null;
  }
}

/**
 * Verifies a backup and stages it to replace the database at the next start. A running kiosk
 * never swaps its database under open connections.
 */
export async function stageRestore(
  dbPath: string,
  backupFile: string,
  meta: { stagedBy: string | null; now?: number },
): Promise<PendingRestore> {
  const check = await verifyBackupFile(backupFile, dbPath);
  if (!check.verified) throw new RestoreRefusedError(backupFile, check.problems);
  const paths = pendingRestorePaths(dbPath);
  copyFileSync(backupFile, `${paths.db}.partial`);
  chmodSync(`${paths.db}.partial`, 0o600);
  renameSync(`${paths.db}.partial`, paths.db);
  const pending: PendingRestore = {
    fileName: basename(backupFile),
    sha256: sha256File(paths.db),
    stagedAt: new Date(meta.now ?? Date.now()).toISOString(),
    stagedBy: meta.stagedBy,
  };
  writeFileSync(`${paths.meta}.partial`, JSON.stringify(pending, null, 2), { mode: 0o600 });
  renameSync(`${paths.meta}.partial`, paths.meta);
  return pending;
}

export function cancelStagedRestore(dbPath: string): boolean {
  const paths = pendingRestorePaths(dbPath);
  const had = existsSync(paths.meta);
  rmSync(paths.meta, { force: true });
  rmSync(paths.db, { force: true });
  return had;
}

export type StagedRestoreOutcome =
  | ({ applied: true; pending: PendingRestore } & RestoreResult)
  | { applied: false; pending: PendingRestore | null; error: string };

/**
 * Called by createKiosk before it opens the database: applies a staged restore if there is one.
 * The staged copy is checked against its recorded hash and verified again; the current database
 * is backed up first. A rejected restore leaves the database untouched, renames the staged files
 * to `*.restore-rejected.*` and the kiosk starts normally.
 */
export async function applyStagedRestore(
  dbPath: string,
  options: { backupDir?: string; log?: KioskLogFn; clock?: Clock } = {},
): Promise<StagedRestoreOutcome | null> {
  const paths = pendingRestorePaths(dbPath);
  if (!existsSync(paths.meta)) {
    rmSync(paths.db, { force: true }); // an interrupted staging
    return null;
  }
  const log = options.log ?? (() => {});
  const pending = pendingRestore(dbPath);
  try {
    if (!pending) throw new Error('The staged restore description is unreadable.');
    if (!existsSync(paths.db)) throw new Error('The staged backup file is missing.');
    if (sha256File(paths.db) !== pending.sha256) throw new Error('The staged backup changed after it was staged.');
    const result = await restoreDatabase(paths.db, dbPath, { backupDir: options.backupDir, log });
    rmSync(paths.db, { force: true });
    rmSync(paths.meta, { force: true });
    // Record the restore in the restored database's own audit chain.
    const store = await openStore(dbPath);
    try {
      const audit = new AuditLog(store, options.clock ?? systemClock, loadOrCreateSecrets(secretsPathFor(dbPath), auditKeyedFromMark(store)).audit);
      store.q.tx(() =>
        audit.append({
          operatorId: pending.stagedBy,
          action: 'backup.restored',
          entityType: 'database',
          entityId: null,
          details: { from: pending.fileName, stagedAt: pending.stagedAt, safetyBackup: result.safetyBackup },
        }),
      );
    } finally {
      await store.close();
    }
    return { applied: true, pending, ...result, restoredFrom: pending.fileName };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log('error', 'staged restore not applied', { error, fileName: pending?.fileName });
    const rejected = { db: `${dbPath}.restore-rejected.db`, meta: `${dbPath}.restore-rejected.json` };
    if (existsSync(paths.db)) renameSync(paths.db, rejected.db);
    writeFileSync(rejected.meta, JSON.stringify({ ...pending, error }, null, 2), { mode: 0o600 });
    rmSync(paths.meta, { force: true });
    return { applied: false, pending, error };
  }
}
