/** Disk usage and the oldest local records, for system.health and the Supervisor screen. */
import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { StorageHealth } from '../../src-shared/contracts/entities.js';
import type { ServiceContext } from '../services/context.js';
import { archiveBytes, archiveDirFor } from './audit-archive.js';
import { autoVacuumMode, dbFileBytes } from './vacuum.js';

/** Default alert threshold: below 1 GiB free on the data directory's file system. */
export const DEFAULT_FREE_SPACE_ALERT_BYTES = 1024 * 1024 * 1024;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function storageHealth(ctx: ServiceContext, dbPath: string, alertBelowBytes = DEFAULT_FREE_SPACE_ALERT_BYTES): StorageHealth {
  const dataDir = dirname(resolve(dbPath));
  const db = ctx.store.sqlite;
  let freeBytes: number | null = null;
  try {
    const fs = statfsSync(dataDir);
    freeBytes = Number(fs.bavail) * Number(fs.bsize);
  } catch {
    freeBytes = null;
  }
  const oldest = (sql: string) => (db.prepare(sql).get() as { t: number | null }).t;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  return {
    databaseBytes: dbFileBytes(dbPath),
    freePagesBytes: (db.pragma('freelist_count', { simple: true }) as number) * pageSize,
    archiveBytes: archiveBytes(archiveDirFor(dataDir)),
    freeBytes,
    lowSpace: freeBytes !== null && freeBytes < alertBelowBytes,
    alertBelowBytes,
    oldestSessionAt: iso(oldest('SELECT MIN(created_at) AS t FROM sessions')),
    oldestAuditAt: iso(oldest('SELECT (SELECT at FROM audit_log ORDER BY id LIMIT 1) AS t')),
    oldestOutboxAt: iso(oldest('SELECT (SELECT created_at FROM outbox ORDER BY rowid LIMIT 1) AS t')),
    autoVacuum: autoVacuumMode(db),
  };
}
