/**
 * Multi-row INSERTs written directly (no query-builder pass over thousands of values: on a push
 * that pass costs about a third of the CPU time). Plain portable SQL; only the placeholder differs (`?` on
 * SQLite, `$n` on PostgreSQL). On SQLite the rows go in pieces of power-of-two sizes (at most
 * SQLITE_PIECE): a handful of statement texts per table, each prepared once by the statement cache
 * (src-server/db/sqlite-dialect.ts). PostgreSQL takes up to `chunk` rows per round trip.
 */
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { SyncDatabase } from './schema.js';

export type PlaceholderStyle = 'dollar' | 'question';

/** Rows per multi-row INSERT (SQLite binds up to 32,766 values per statement, PostgreSQL 65,535). */
export const INSERT_CHUNK = 1000;
/** Values per IN (...) list. */
export const IN_CHUNK = 500;
/** Rows per SQLite statement at most (11 columns x 512 rows stays far below SQLite's 32,766 bound values). */
const SQLITE_PIECE = 512;
const pieceSize = (left: number) => (left >= SQLITE_PIECE ? SQLITE_PIECE : 2 ** Math.floor(Math.log2(left)));

/** The dialect's placeholder, read from a compiled query. */
export function placeholderStyle(db: Kysely<SyncDatabase>): PlaceholderStyle {
  return db.selectFrom('sync_counter').select('id').where('id', '=', 1).compile().sql.includes('$1') ? 'dollar' : 'question';
}

export function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * An IN (...) list padded to a power-of-two length with its last value (same rows): a few SQL
 * texts instead of one per list length, so SQLite's cached statements are reused.
 */
export function padded<T>(part: readonly T[]): T[] {
  const out = [...part];
  const n = part.length <= 1 ? part.length : 2 ** Math.ceil(Math.log2(part.length));
  while (out.length < n) out.push(part[part.length - 1]!);
  return out;
}

/** `suffix` is an ON CONFLICT clause. */
export async function insertRows<R extends object>(
  trx: Pick<Transaction<SyncDatabase>, 'executeQuery'>, style: PlaceholderStyle, table: string, cols: readonly (keyof R & string)[], rows: readonly R[], suffix = '', chunk = INSERT_CHUNK,
): Promise<void> {
  for (let i = 0; i < rows.length;) {
    const n = style === 'question' ? pieceSize(rows.length - i) : Math.min(chunk, rows.length - i);
    const params: unknown[] = [];
    for (let r = i; r < i + n; r++) {
      const row = rows[r]!;
      for (const c of cols) params.push(row[c]);
    }
    await trx.executeQuery(CompiledQuery.raw(insertSql(style, table, cols, n, suffix), params));
    i += n;
  }
}

const insertSqlCache = new Map<string, string>();
function insertSql(style: PlaceholderStyle, table: string, cols: readonly string[], n: number, suffix: string): string {
  const key = `${style}|${table}|${cols.join(',')}|${n}|${suffix}`;
  const have = insertSqlCache.get(key);
  if (have !== undefined) return have;
  const tuples: string[] = [];
  for (let r = 0; r < n; r++) tuples.push(`(${cols.map((_, c) => (style === 'dollar' ? `$${r * cols.length + c + 1}` : '?')).join(', ')})`);
  const sql = `insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}${suffix}`;
  // PostgreSQL statements come in any size up to `chunk`: only SQLite's few shapes are kept.
  if (style === 'question') insertSqlCache.set(key, sql);
  return sql;
}
