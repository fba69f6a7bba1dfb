/**
 * Merchant pre-validation through the server (docs/validations.md "Pre-validation by a merchant"):
 * - merchant_credentials: a merchant's API credential, issued by an admin for one facility; only
 *   the SHA-256 of its secret is kept.
 * - server_validations: every validation the server knows (pushed by a gate, or recorded by a
 *   merchant's call), by session and program, so a merchant's call is refused once the program is
 *   on the visit. Filled from the stored events of the gates' pushes.
 * - merchant_ledger_entries: prepaid merchants' top-ups and draws as the gates pushed them (a
 *   merchant with nothing left is refused). Filled from the stored events.
 * Portable (SQLite and PostgreSQL). Frozen once landed.
 */
import type { Kysely } from 'kysely';

interface StoredEvent { id: string; facility_id: string; kiosk_id: string; type: string; payload: string; received_at: number | string }

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('merchant_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('facility_id', 'text', (c) => c.notNull().references('facilities.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('merchant_credentials_merchant').on('merchant_credentials').columns(['facility_id', 'merchant_id']).execute();

  await db.schema.createTable('server_validations')
    .addColumn('validation_id', 'text', (c) => c.primaryKey())
    .addColumn('facility_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('program_id', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('kiosk_id', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'text')
    .addColumn('bill_paise', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('server_validations_session').on('server_validations').columns(['session_id', 'program_id']).execute();

  await db.schema.createTable('merchant_ledger_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('facility_id', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('amount_paise', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('merchant_ledger_entries_merchant').on('merchant_ledger_entries').columns(['facility_id', 'merchant_id']).execute();

  let after = '';
  for (;;) {
    const rows = await db.selectFrom('sync_events').select(['id', 'facility_id', 'kiosk_id', 'type', 'payload', 'received_at'])
      .where('type', 'in', ['validation.applied', 'validation.settled', 'merchant.ledger']).where('outcome', '=', 'APPLIED')
      .where('id', '>', after).orderBy('id').limit(500).execute() as StoredEvent[];
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    for (const r of rows) {
      let p: { validation?: { id: string; session_id: string; program_id: string; merchant_id: string; bill_paise: number | null; created_at: number }; entry?: { id: string; merchant_id: string; amount_paise: number; at: number } };
      try {
        p = JSON.parse(r.payload) as typeof p;
      } catch {
        continue;
      }
      if (p.validation) {
        const v = p.validation;
        await db.insertInto('server_validations').values({
          validation_id: v.id, facility_id: r.facility_id, session_id: v.session_id, program_id: v.program_id, merchant_id: v.merchant_id,
          kiosk_id: r.kiosk_id, credential_id: null, bill_paise: v.bill_paise, created_at: v.created_at,
        }).onConflict((oc) => oc.column('validation_id').doNothing()).execute();
      } else if (p.entry) {
        const e = p.entry;
        await db.insertInto('merchant_ledger_entries').values({ id: e.id, facility_id: r.facility_id, merchant_id: e.merchant_id, amount_paise: e.amount_paise, at: e.at })
          .onConflict((oc) => oc.column('id').doNothing()).execute();
      }
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('merchant_ledger_entries').execute();
  await db.schema.dropTable('server_validations').execute();
  await db.schema.dropTable('merchant_credentials').execute();
}
