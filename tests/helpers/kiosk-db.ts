/** One row read from a running kiosk's SQLite file (read-only, waiting out the kiosk's write locks). */
import Database from 'better-sqlite3';

export function kioskRow(dbPath: string, sql: string, ...args: unknown[]): any {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db.prepare(sql).get(...args);
  } finally {
    db.close();
  }
}
