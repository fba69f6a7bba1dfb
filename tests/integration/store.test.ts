/** The kiosk store: pragmas, strict tables, migrations, refusal of a newer database, outbox immutability. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseTooNewError, openStore } from '../../src-main/store/open.js';
import { createKiosk } from '../../src-main/kiosk.js';
import { KIOSK_MIGRATIONS } from '../../src-main/store/migrations.js';

const dirs: string[] = [];
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'parkgate-store-'));
  dirs.push(dir);
  return join(dir, 'kiosk.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('kiosk store', () => {
  it('opens with WAL, synchronous=FULL, foreign keys and a busy timeout', async () => {
    const store = await openStore(tempDb());
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    await store.close();
  });

  it('every table is STRICT and rejects a wrong type', async () => {
    const store = await openStore(tempDb());
    const tables = store.sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kysely%' AND name NOT LIKE 'sqlite%'`).all() as { name: string; sql: string }[];
    expect(tables.length).toBeGreaterThanOrEqual(10);
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT$/);
    expect(() => store.sqlite.prepare(`INSERT INTO operators (id, username, name, role, pin_hash, failed_attempts, created_at, updated_at) VALUES ('o', 'u', 'n', 'ADMIN', 'h', 'many', 1, 1)`).run()).toThrow(/cannot store TEXT value in INTEGER column/);
    await store.close();
  });

  it('a second open re-runs no migration; a database from a newer app is refused and left unchanged', async () => {
    const path = tempDb();
    (await openStore(path)).close();
    const raw = new Database(path);
    raw.prepare(`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_from_the_future', '2030-01-01')`).run();
    raw.close();
    await expect(openStore(path)).rejects.toBeInstanceOf(DatabaseTooNewError);
    const check = new Database(path);
    expect((check.prepare('SELECT COUNT(*) n FROM kysely_migration').get() as { n: number }).n).toBe(Object.keys(KIOSK_MIGRATIONS).length + 1);
    check.close();
  });

  it('outbox events are immutable and an unacknowledged one cannot be deleted', async () => {
    const kiosk = await createKiosk({ dbPath: tempDb(), seedDemo: true });
    const db = kiosk.ctx.store.sqlite;
    const first = db.prepare('SELECT id FROM outbox ORDER BY seq LIMIT 1').get() as { id: string };
    expect(() => db.prepare(`UPDATE outbox SET payload = '{}' WHERE id = ?`).run(first.id)).toThrow(/immutable/);
    expect(() => db.prepare('DELETE FROM outbox WHERE id = ?').run(first.id)).toThrow(/unacknowledged/);
    db.prepare(`UPDATE outbox SET status = 'ACKED', acked_at = 1 WHERE id = ?`).run(first.id);
    expect(db.prepare('DELETE FROM outbox WHERE id = ?').run(first.id).changes).toBe(1);
    await kiosk.close();
  });

  it('two kiosk processes on one file share one identity and one ticket key', async () => {
    const path = tempDb();
    const a = await createKiosk({ dbPath: path, seedDemo: true });
    const b = await createKiosk({ dbPath: path });
    expect(b.kioskId).toBe(a.kioskId);
    expect(b.ctx.ticketKey.id).toBe(a.ctx.ticketKey.id);
    await a.close();
    await b.close();
  });
});
