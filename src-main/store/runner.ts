/**
 * Synchronous execution of Kysely-built queries on better-sqlite3.
 * Kysely builds and types the SQL; better-sqlite3 runs it synchronously, so a whole gate
 * operation runs inside one `BEGIN IMMEDIATE` transaction with no await in between.
 */
import type Database from 'better-sqlite3';
import type { Compilable } from 'kysely';

type Param = string | number | bigint | Buffer | null;

export class SqlRunner {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(readonly sqlite: Database.Database) {}

  private statement(sqlText: string): Database.Statement {
    let stmt = this.cache.get(sqlText);
    if (!stmt) {
      stmt = this.sqlite.prepare(sqlText);
      this.cache.set(sqlText, stmt);
    }
    return stmt;
  }

  private compile(query: Compilable<unknown>): { stmt: Database.Statement; params: Param[] } {
    const compiled = query.compile();
    return { stmt: this.statement(compiled.sql), params: compiled.parameters as Param[] };
  }

  // The one place a raw better-sqlite3 result takes a row type: R is what Kysely derived from
  // the query against the schema (schema.ts), so it is checked where the query is written.
  all<R>(query: Compilable<R>): R[] {
    const { stmt, params } = this.compile(query);
    return stmt.all(...params) as R[];
  }

  first<R>(query: Compilable<R>): R | undefined {
    const { stmt, params } = this.compile(query);
    return stmt.get(...params) as R | undefined;
  }

  run(query: Compilable<unknown>): number {
    const { stmt, params } = this.compile(query);
    return stmt.run(...params).changes;
  }

  /** Runs fn in BEGIN IMMEDIATE: the write lock is taken before the first read. */
  tx<T>(fn: () => T): T {
    if (this.sqlite.inTransaction) return fn();
    return this.sqlite.transaction(fn).immediate();
  }
}
