/**
 * The start-up pass that encrypts secrets stored before encryption at rest (kiosk signing keys;
 * gates' ticket secrets in the sync entity store and change log). It runs on every start after the
 * schema migrations, because it needs SECRETS_KEY, which schema migrations do not get; it touches
 * only values still in plain text, so a second run changes nothing. It also proves the key: a
 * sealed value that does not open stops the start with a clear error instead of refusing every
 * kiosk later.
 */
import type { Kysely } from 'kysely';
import type { SyncDatabase } from '../sync/schema.js';
import type { ServerDatabase } from './schema.js';
import { SecretBox } from './secret-box.js';

type Db = Kysely<ServerDatabase & SyncDatabase>;

export interface SealReport {
  kioskKeys: number;
  ticketSecrets: number;
}

function sealTicketData(box: SecretBox, data: string): string | null {
  const parsed = JSON.parse(data) as { secret?: unknown };
  if (typeof parsed.secret !== 'string' || SecretBox.isSealed(parsed.secret)) return null;
  return JSON.stringify({ ...parsed, secret: box.seal('ticket-secret', parsed.secret) });
}

export async function sealStoredSecrets(database: Kysely<ServerDatabase>, box: SecretBox): Promise<SealReport> {
  const db = database as unknown as Db;
  const report: SealReport = { kioskKeys: 0, ticketSecrets: 0 };
  await db.transaction().execute(async (trx) => {
    for (const k of await trx.selectFrom('kiosks').select(['id', 'signing_key']).execute()) {
      if (SecretBox.isSealed(k.signing_key)) {
        box.open('kiosk-signing-key', k.signing_key); // throws on a wrong SECRETS_KEY
        continue;
      }
      await trx.updateTable('kiosks').set({ signing_key: box.seal('kiosk-signing-key', k.signing_key) }).where('id', '=', k.id).execute();
      report.kioskKeys += 1;
    }
    for (const e of await trx.selectFrom('sync_entities').select(['entity_id', 'data']).where('entity_type', '=', 'ticketKey').execute()) {
      const sealed = sealTicketData(box, e.data);
      if (sealed === null) continue;
      await trx.updateTable('sync_entities').set({ data: sealed }).where('entity_type', '=', 'ticketKey').where('entity_id', '=', e.entity_id).execute();
      report.ticketSecrets += 1;
    }
    for (const c of await trx.selectFrom('sync_changes').select(['seq', 'data']).where('entity_type', '=', 'ticketKey').execute()) {
      const sealed = sealTicketData(box, c.data);
      if (sealed === null) continue;
      await trx.updateTable('sync_changes').set({ data: sealed }).where('seq', '=', c.seq).execute();
      report.ticketSecrets += 1;
    }
  });
  return report;
}
