/** Runs migrations/server with Kysely's Migrator; refuses a database migrated by a newer server. */
import { Migrator, sql } from 'kysely';
import type { Kysely, MigrationProvider } from 'kysely';
import { SERVER_MIGRATIONS } from '../../migrations/server/index.js';
import type { ServerDatabase } from './schema.js';

const provider: MigrationProvider = { getMigrations: async () => SERVER_MIGRATIONS };

export class DatabaseTooNewError extends Error {
  override name = 'DatabaseTooNewError';
}

export async function migrateToLatest(db: Kysely<ServerDatabase>): Promise<string[]> {
  const known = new Set(Object.keys(SERVER_MIGRATIONS));
  const applied = await appliedMigrations(db);
  const unknown = applied.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new DatabaseTooNewError(`database has migrations this server does not know (${unknown.join(', ')}): upgrade the server`);
  }
  // Every known migration applied (every start but the first after an update): nothing to do,
  // so the migrator (its lock table and transaction) is not needed.
  if (applied.length === known.size) return [];
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function appliedMigrations(db: Kysely<ServerDatabase>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return [];
  const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  return rows.rows.map((r) => r.name);
}
