/**
 * The tax document behind an e-receipt token, from the synced `invoice.issued` events (the
 * expression of server migration 9800's index, so the lookup is an index probe).
 */
import { type Kysely, sql } from 'kysely';
import type { TaxDocument } from '../../src-shared/contracts/invoices.js';
import type { DocumentByToken } from './routes.js';

type Kind = 'sqlite' | 'postgres';

export function documentByToken(db: Kysely<unknown>, kind: Kind): DocumentByToken {
  return async (token) => {
    const expr = kind === 'postgres'
      ? sql`((payload::jsonb) -> 'document' ->> 'token')`
      : sql`json_extract(payload, '$.document.token')`;
    const r = await sql<{ payload: string }>`SELECT payload FROM sync_events WHERE type = 'invoice.issued' AND ${expr} = ${token} LIMIT 1`.execute(db);
    const row = r.rows[0];
    if (!row) return null;
    const doc = (JSON.parse(row.payload) as { document?: TaxDocument }).document;
    return doc && doc.token === token ? doc : null;
  };
}
