/**
 * Fewer index bytes per completed session (docs/records.md "Storage budget"). Frozen once landed.
 * - sessions_entry (entry_at) is a prefix of sessions_entry_exit (entry_at, exit_at), which serves
 *   every entry_at range and order the same way: dropped.
 * - payments_created (created_at) is read only for the day's open payments (PENDING, FAILED,
 *   EXPIRED: reports/daily.ts "openPayments", with the same status term): it becomes partial, so
 *   the cash and online payments that succeed (nearly all of them) no longer carry an entry.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `DROP INDEX sessions_entry`,
  `DROP INDEX payments_created`,
  `CREATE INDEX payments_created ON payments(created_at) WHERE status IN ('PENDING','FAILED','EXPIRED')`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
