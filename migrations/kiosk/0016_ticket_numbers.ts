/**
 * Short ticket numbers (src-shared/domain/ticket-number.ts) are read from the session id's last
 * group, so finding the session of a typed number needs an index on that group. Frozen once landed.
 * The expression must stay exactly `substr(id, 25, 12)`: queries use the same text to hit it.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw('CREATE INDEX sessions_id_tail ON sessions(substr(id, 25, 12))').execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
