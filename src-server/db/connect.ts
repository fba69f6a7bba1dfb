/**
 * Opens the server database from DATABASE_URL: a file path or `sqlite:` URL (embedded SQLite),
 * or `postgres://` / `postgresql://` (PostgreSQL). Both speak the same Kysely schema.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { ServerDatabase } from './schema.js';
import { CachingSqliteDialect } from './sqlite-dialect.js';

export type DbKind = 'sqlite' | 'postgres';

export interface ServerDb {
  db: Kysely<ServerDatabase>;
  kind: DbKind;
  close(): Promise<void>;
}

export function parseDatabaseUrl(url: string): { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string } {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '').replace(/^\/\/(?!\/)/, '');
    if (!file) throw new Error('DATABASE_URL sqlite: needs a file path');
    return { kind: 'sqlite', file };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new Error(`DATABASE_URL scheme not supported: ${url.split(':')[0]}`);
  return { kind: 'sqlite', file: url };
}

/** int8 (count(*), bigint columns) as JS numbers: every value we store fits in 2^53. */
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * The database holds payment records, parkers' password hashes and (encrypted) kiosk keys: only
 * the server's own user may read it. Created 0600 (not the umask's 0644); an existing file is set
 * to 0600.
 */
function ownerOnly(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

export function openServerDb(databaseUrl: string, opts: { poolSize?: number } = {}): ServerDb {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: opts.poolSize ?? 10, types: pgTypes });
    // An idle pooled connection that PostgreSQL ends (restart, failover, admin) must not crash
    // the server: the pool drops it and the next query opens a fresh one.
    pool.on('error', (err) => {
      process.emitWarning(`PostgreSQL closed an idle connection: ${err.message}`, { code: 'PARKGATE_PG_IDLE' });
    });
    const db = new Kysely<ServerDatabase>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (target.file !== ':memory:') {
    mkdirSync(dirname(target.file), { recursive: true });
    ownerOnly(target.file);
  }
  const sqlite = new Database(target.file);
  sqlite.pragma('journal_mode = WAL');
  // SQLite gives -wal and -shm the mode of the database file; files left by an older server are fixed here.
  if (target.file !== ':memory:') for (const f of [`${target.file}-wal`, `${target.file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<ServerDatabase>({ dialect: new CachingSqliteDialect(sqlite) });
  return { db, kind: 'sqlite', close: () => db.destroy() };
}
