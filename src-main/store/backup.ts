/** SQLite online backup to a file, verified by reopening the copy and checking it. */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { AuditLog } from '../services/audit.js';
import { systemClock } from '../core/clock.js';
import { readAuditKey, type AuditKey } from '../core/secrets.js';
import { openStore } from './open.js';
import { aggregate, countRow } from './raw-rows.js';

export interface BackupResult {
  file: string;
  bytes: number;
  verified: boolean;
  sessions: number;
  problems: string[];
}

export async function backupDatabase(source: string, target: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new Error(`No database at ${source}`);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(target);
  } finally {
    db.close();
  }
  return verifyBackup(target, readAuditKey(source));
}

/** @param auditKey the kiosk's audit key (keyed entries are otherwise checked by their links only). */
export async function verifyBackup(file: string, auditKey: AuditKey | null = null): Promise<BackupResult> {
  const problems: string[] = [];
  const store = await openStore(file, { readonly: true });
  try {
    const check = store.sqlite.pragma('integrity_check', { simple: true });
    if (check !== 'ok') problems.push(`sqlite integrity_check: ${String(check)}`);
    const audit = new AuditLog(store, systemClock, auditKey).verify();
    if (!audit.ok) problems.push(audit.message);
    const sessions = aggregate(store.sqlite.prepare('SELECT COUNT(*) AS n FROM sessions'), countRow).n;
    const bytes = aggregate(store.sqlite.prepare('SELECT page_count * page_size AS b FROM pragma_page_count(), pragma_page_size()'), z.object({ b: z.number() })).b;
    return { file, bytes, verified: problems.length === 0, sessions, problems };
  } finally {
    await store.close();
  }
}
