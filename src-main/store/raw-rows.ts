/**
 * Rows of SQL that Kysely cannot type: sqlite_master, pragmas, a table named at run time, and the
 * report's hand-tuned statements (reports/daily.ts, services/integrity.ts). Each row is checked
 * against a zod schema, so a row that does not hold what the code expects fails here, loudly,
 * instead of flowing on as a wrong value behind a cast.
 */
import type { Statement } from 'better-sqlite3';
import { z } from 'zod';

/** A flag column (CHECK (x IN (0, 1)) in the migrations). */
export const flag = z.union([z.literal(0), z.literal(1)]);

export function allRows<S extends z.ZodType>(stmt: Statement, schema: S, ...params: unknown[]): z.output<S>[] {
  return stmt.all(...params).map((row) => schema.parse(row));
}

export function oneRow<S extends z.ZodType>(stmt: Statement, schema: S, ...params: unknown[]): z.output<S> | undefined {
  const row = stmt.get(...params);
  return row === undefined ? undefined : schema.parse(row);
}

/** A single-row aggregate (COUNT, SUM): its row always exists. */
export function aggregate<S extends z.ZodType>(stmt: Statement, schema: S, ...params: unknown[]): z.output<S> {
  return schema.parse(stmt.get(...params));
}

export const countRow = z.object({ n: z.number() });
