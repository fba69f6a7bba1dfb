/**
 * truncateWal (src-main/records/vacuum.ts): after the keeper's idle vacuum the WAL's bytes go back
 * to the file system; with a reader in the way it does nothing rather than wait.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPragmas } from '../../src-main/store/open.js';
import { dbFileBytes, incrementalVacuumStep, truncateWal } from '../../src-main/records/vacuum.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pg-wal-'));
  path = join(dir, 'k.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function filled(): Database.Database {
  const db = new Database(path);
  db.pragma('auto_vacuum = INCREMENTAL');
  applyPragmas(db);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT');
  const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) ins.run('x'.repeat(500));
  })();
  db.exec('DELETE FROM t');
  return db;
}

describe('truncateWal', () => {
  it('after an incremental vacuum, empties the WAL and the file shrinks; the busy timeout is put back', () => {
    const db = filled();
    while (incrementalVacuumStep(db, 4096) > 0);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    const before = dbFileBytes(path);
    expect(truncateWal(db)).toBe(true);
    expect(statSync(`${path}-wal`).size).toBe(0);
    expect(dbFileBytes(path)).toBeLessThan(before / 4);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 0 });
    db.close();
  });

  it('with another connection reading, reports the WAL not emptied instead of waiting for it', () => {
    const db = filled();
    const reader = new Database(path);
    reader.exec('BEGIN');
    reader.prepare('SELECT COUNT(*) FROM t').get(); // holds a snapshot in the WAL
    db.prepare('INSERT INTO t (v) VALUES (?)').run('y');
    expect(truncateWal(db)).toBe(false);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    reader.exec('COMMIT');
    reader.close();
    expect(truncateWal(db)).toBe(true);
    db.close();
  });

  it('counts the -shm file with the database and its WAL', () => {
    const db = filled();
    const shm = statSync(`${path}-shm`).size;
    expect(shm).toBeGreaterThan(0);
    expect(dbFileBytes(path)).toBe(statSync(path).size + statSync(`${path}-wal`).size + shm);
    db.close();
  });
});
