/**
 * The server's e-receipt lookup on both backends (SQLite file and a random PostgreSQL database):
 * all server migrations (9800's expression index included) applied by the server's migrator,
 * an `invoice.issued` event stored as sync stores it, found by its token and by nothing else.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import { documentByToken } from '../../src-server/invoices/store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';

const made: TestDatabase[] = [];
afterAll(async () => { for (const d of made) await d.drop(); });

describe.each(BACKENDS)('e-receipt lookup on %s', (backend) => {
  it('finds the document by its token; a different token finds nothing', async () => {
    const tdb = await createTestDatabase(backend);
    made.push(tdb);
    const sdb = tdb.open();
    try {
      const applied = await migrateToLatest(sdb.db);
      expect(applied).toContain('9800_e_receipt_tokens');
      const token = 'A'.repeat(42) + 'b';
      const payload = JSON.stringify({ document: { id: 'd1', token, number: 'G01I/2627/000001', totalPaise: 24000 } });
      await sql`INSERT INTO sync_events (id, kiosk_id, seq, hlc, type, entity_id, payload, schema_version, outcome, received_at)
        VALUES ('e1', 'gate-a', 1, '0', 'invoice.issued', 'd1', ${payload}, 1, 'APPLIED', 0)`.execute(sdb.db);
      const lookup = documentByToken(sdb.db as never, sdb.kind);
      expect(await lookup(token)).toMatchObject({ id: 'd1', number: 'G01I/2627/000001' });
      expect(await lookup('A'.repeat(43))).toBeNull();
    } finally {
      await sdb.close();
    }
  });
});
