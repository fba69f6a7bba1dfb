/**
 * Synchronous execution of Kysely-built queries on better-sqlite3.
 * Kysely builds and types the SQL; better-sqlite3 runs it synchronously, so a whole gate
 * operation runs inside one `BEGIN IMMEDIATE` transaction with no await in between.
 */
import type Database from 'better-sqlite3';
import type { Compilable } from 'kysely';

type Param = string | number | bigint | Buffer | null;
/** Placeholder prefix of a prepared query's named parameter (never a real value). */
const MARK = '\u0000param:';

export interface Prepared<P, R> {
  all(args: P): R[];
  first(args: P): R | undefined;
  run(args: P): number;
}

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

  /**
   * A typed query compiled ONCE: `build` receives placeholders for the named parameters, Kysely
   * builds and types the SQL, and every call binds the values to the cached statement. For hot
   * paths (applying thousands of pulled changes), where compiling the query on every call cost
   * more than running it. Parameters must be scalar values (no IN lists).
   */
  prepare<P extends Record<string, Param>, R>(keys: readonly (keyof P & string)[], build: (p: P) => Compilable<R>): Prepared<P, R> {
    const marks = Object.fromEntries(keys.map((k) => [k, `${MARK}${k}`])) as unknown as P;
    const compiled = build(marks).compile();
    const stmt = this.statement(compiled.sql);
    const fixed = compiled.parameters as Param[];
    const named = fixed.map((v) => (typeof v === 'string' && v.startsWith(MARK) ? v.slice(MARK.length) : null));
    const bind = (args: P): Param[] => named.map((k, i) => (k === null ? fixed[i]! : (args[k] as Param)));
    return {
      all: (args) => stmt.all(...bind(args)) as R[],
      first: (args) => stmt.get(...bind(args)) as R | undefined,
      run: (args) => stmt.run(...bind(args)).changes,
    };
  }

  /** Runs fn in BEGIN IMMEDIATE: the write lock is taken before the first read. */
  tx<T>(fn: () => T): T {
    if (this.sqlite.inTransaction) return fn();
    return this.sqlite.transaction(fn).immediate();
  }
}
