/**
 * Giving freed pages back to the file system (docs/records.md "Vacuum").
 *
 * SQLite reuses freed pages either way; auto_vacuum=INCREMENTAL also lets the file shrink, a few
 * pages at a time (`PRAGMA incremental_vacuum(n)`), without the full rewrite of VACUUM. The mode
 * can only be changed on an existing database by one full VACUUM, which holds the write lock for
 * as long as it copies the file (and needs that much free disk). So:
 *   - at kiosk start (before the gate serves anyone) a database still in auto_vacuum=NONE is
 *     converted when it is small (at most `convertMaxBytes`, default 64 MB: well under a second);
 *   - a bigger one is left as it is and logged: its freed pages are reused, so it stops growing
 *     once retention keeps pace, and `cli vacuum --db <file>` converts it in a maintenance window.
 */
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';

export const DEFAULT_CONVERT_MAX_BYTES = 64 * 1024 * 1024;

export function autoVacuumMode(sqlite: Database.Database): 'none' | 'full' | 'incremental' {
  const mode = sqlite.pragma('auto_vacuum', { simple: true }) as number;
  return mode === 2 ? 'incremental' : mode === 1 ? 'full' : 'none';
}

/** Bytes on disk of the database: the file, its WAL and the WAL's shared-memory index (-shm). */
export function dbFileBytes(path: string): number {
  let n = 0;
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      n += statSync(f).size;
    } catch {
      /* not there (no WAL, or closed) */
    }
  }
  return n;
}

/**
 * Gives the WAL's bytes back (`wal_checkpoint(TRUNCATE)`): after vacuuming, the freed pages leave
 * the main file only when a checkpoint copies the shorter database back, and the WAL keeps its
 * largest size until it is truncated. It never waits: with a reader or writer in the way it does
 * nothing (busy), since a wait would hold the kiosk's event loop. Returns whether the WAL is empty.
 */
export function truncateWal(sqlite: Database.Database): boolean {
  const timeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 0');
  try {
    const [r] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    return r !== undefined && r.busy === 0 && r.log === 0;
  } catch {
    return false;
  } finally {
    sqlite.pragma(`busy_timeout = ${timeout}`);
  }
}

/** Converts to auto_vacuum=INCREMENTAL (one VACUUM) when the file is at most maxBytes. */
export function convertToIncremental(sqlite: Database.Database, path: string, maxBytes = DEFAULT_CONVERT_MAX_BYTES): 'converted' | 'already' | 'too_big' {
  if (autoVacuumMode(sqlite) === 'incremental') return 'already';
  if (dbFileBytes(path) > maxBytes) return 'too_big';
  sqlite.pragma('auto_vacuum = INCREMENTAL');
  sqlite.exec('VACUUM');
  return autoVacuumMode(sqlite) === 'incremental' ? 'converted' : 'too_big';
}

/** Frees up to `pages` pages (one short write); returns the free pages left. */
export function incrementalVacuumStep(sqlite: Database.Database, pages = 256): number {
  if (autoVacuumMode(sqlite) !== 'incremental') return 0;
  const free = sqlite.pragma('freelist_count', { simple: true }) as number;
  if (free === 0) return 0;
  sqlite.pragma(`incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
  return sqlite.pragma('freelist_count', { simple: true }) as number;
}
