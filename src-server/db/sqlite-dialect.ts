/**
 * Kysely's SqliteDialect over better-sqlite3, with the prepared statements kept and reused.
 *
 * Kysely's own SQLite driver calls `prepare` for every query, so a statement the server runs on
 * every sync push (the counter lock, the multi-row inserts of fixed sizes) would be compiled by
 * SQLite each time: on a 500-event push about a tenth of the apply time. Here the statements
 * are kept per SQL text (least recently used dropped beyond `maxStatements`). Schema statements
 * are never kept and empty the cache (SQLite re-prepares a changed statement itself; this also
 * drops better-sqlite3's view of its columns). Streams prepare their own statement: an open
 * iterator must not share one with a query run meanwhile.
 */
import type Database from 'better-sqlite3';
import { SqliteDialect, SqliteDriver, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';

const SCHEMA_SQL = /^\s*(create|alter|drop)\b/i;

class CachingConnection implements DatabaseConnection {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database, private readonly maxStatements: number) {}

  private statement(sql: string): Database.Statement {
    const have = this.cache.get(sql);
    if (have) {
      this.cache.delete(sql); // most recently used last
      this.cache.set(sql, have);
      return have;
    }
    if (SCHEMA_SQL.test(sql)) {
      this.cache.clear();
      return this.db.prepare(sql);
    }
    const stmt = this.db.prepare(sql);
    this.cache.set(sql, stmt);
    if (this.cache.size > this.maxStatements) this.cache.delete(this.cache.keys().next().value!);
    return stmt;
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.statement(query.sql);
    if (stmt.reader) return Promise.resolve({ rows: stmt.all(query.parameters) as R[] });
    const { changes, lastInsertRowid } = stmt.run(query.parameters);
    return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const stmt = this.db.prepare(query.sql);
    if (!stmt.reader) throw new Error('Sqlite driver only supports streaming of select queries');
    for (const row of stmt.iterate(query.parameters)) yield { rows: [row as R] };
  }
}

/** Kysely's driver (its connection mutex, transactions, savepoints) handing out the caching connection. */
class CachingSqliteDriver extends SqliteDriver {
  private connection: CachingConnection | null = null;
  constructor(private readonly database: Database.Database, private readonly maxStatements: number) {
    super({ database });
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await super.acquireConnection(); // waits for the single connection
    this.connection ??= new CachingConnection(this.database, this.maxStatements);
    return this.connection;
  }
}

export class CachingSqliteDialect extends SqliteDialect {
  constructor(private readonly database: Database.Database, private readonly maxStatements = 256) {
    super({ database });
  }

  override createDriver(): Driver {
    return new CachingSqliteDriver(this.database, this.maxStatements);
  }
}
