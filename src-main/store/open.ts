/** Opens (and migrates) a kiosk database file with the pragmas the design requires. */
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { z } from 'zod';
import { KIOSK_MIGRATIONS, kioskMigrationProvider } from './migrations.js';
import { allRows } from './raw-rows.js';
import { SqlRunner } from './runner.js';
import type { KioskDatabase } from './schema.js';

export class DatabaseTooNewError extends Error {
  constructor(unknown: string[]) {
    super(`This database was written by a newer ParkGate (migrations ${unknown.join(', ')}). Update the app; the database was not changed.`);
    this.name = 'DatabaseTooNewError';
  }
}

export interface Store {
  sqlite: Database.Database;
  db: Kysely<KioskDatabase>;
  q: SqlRunner;
  close(): Promise<void>;
}

export function applyPragmas(sqlite: Database.Database): void {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
}

function appliedMigrationNames(sqlite: Database.Database): string[] {
  const table = sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`)
    .get();
  if (!table) return [];
  return allRows(sqlite.prepare('SELECT name FROM kysely_migration'), z.object({ name: z.string() })).map((r) => r.name);
}

function isEmpty(sqlite: Database.Database): boolean {
  return sqlite.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get() === undefined;
}

export async function openStore(path: string, options: { readonly?: boolean } = {}): Promise<Store> {
  const sqlite = new Database(path, { readonly: options.readonly ?? false });
  try {
    if (!options.readonly) {
      // A new file: incremental vacuum from the first page, so the start need not VACUUM it
      // (the mode can only be set before the first table; records/vacuum.ts converts older files).
      if (isEmpty(sqlite)) sqlite.pragma('auto_vacuum = INCREMENTAL');
      applyPragmas(sqlite);
    }
    const applied = appliedMigrationNames(sqlite);
    const unknown = applied.filter((name) => !(name in KIOSK_MIGRATIONS));
    if (unknown.length > 0) throw new DatabaseTooNewError(unknown);
    const db = new Kysely<KioskDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
    // Every known migration applied (every start but the first after an update): nothing to
    // migrate, so the migrator (its tables, lock and transaction) is not needed.
    const upToDate = applied.length === Object.keys(KIOSK_MIGRATIONS).length;
    if (!options.readonly && !upToDate) {
      const migrator = new Migrator({ db, provider: kioskMigrationProvider });
      // Two processes may open a fresh file at once: the migration lock serialises them.
      const { error } = await migrator.migrateToLatest();
      if (error) throw error;
    }
    return {
      sqlite,
      db,
      q: new SqlRunner(sqlite),
      close: async () => {
        await db.destroy();
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (err) {
    if (sqlite.open) sqlite.close();
    throw err;
  }
}
