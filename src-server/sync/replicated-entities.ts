/**
 * Zones (with their slots), operators and ticket keys: replicated to every gate of the facility by id. Zone and
 * operator fields are last writer by HLC; slots are only ever added (union by id); a ticket key is
 * immutable (the first publisher keeps the id). Zones are stored in the server's zones/slots tables
 * (zones.ts), operators and ticket keys as JSON in sync_entities. A zone's change entry carries the
 * zone as stored.
 */
import type { OperatorSnap, ZoneChangePayload } from '../../src-shared/contracts/sync.js';
import type { Batch, SyncWriter, Tx } from './write-batch.js';
import { loadZone, storeZone } from './zones.js';

export async function upsertEntity(w: SyncWriter, trx: Tx, b: Batch, type: string, id: string, naturalKey: string | null, hlc: string, data: unknown): Promise<boolean> {
  const have = await trx.selectFrom('sync_entities').select(['hlc']).where('entity_type', '=', type).where('entity_id', '=', id).executeTakeFirst();
  if (have && have.hlc >= hlc) return false;
  const row = { entity_type: type, entity_id: id, facility_id: b.facilityId, natural_key: naturalKey, hlc, data: JSON.stringify(data), updated_at: w.now() };
  if (have) await trx.updateTable('sync_entities').set(row).where('entity_type', '=', type).where('entity_id', '=', id).execute();
  else await trx.insertInto('sync_entities').values(row).execute();
  return true;
}

export async function applyZone(w: SyncWriter, trx: Tx, b: Batch, kioskId: string, e: { hlc: string; payload: ZoneChangePayload }): Promise<void> {
  await storeZone(trx, b.facilityId, e.hlc, w.now(), e.payload);
  const stored = await loadZone(trx, e.payload.zone.id);
  b.zones = null;
  if (stored) b.pending.push({ entityType: 'zone', entityId: stored.zone.id, originKioskId: kioskId, data: { kind: 'zone', zone: stored.zone, slots: stored.slots } });
}

export async function applyOperator(w: SyncWriter, trx: Tx, b: Batch, kioskId: string, e: { hlc: string; payload: { operator: OperatorSnap } }): Promise<void> {
  const p = e.payload as { operator: { id: string; username: string } };
  if (await upsertEntity(w, trx, b, 'operator', p.operator.id, p.operator.username, e.hlc, p.operator)) {
    b.pending.push({ entityType: 'operator', entityId: p.operator.id, originKioskId: kioskId, data: { kind: 'operator', operator: p.operator } });
  }
}

export async function applyTicketKey(w: SyncWriter, trx: Tx, b: Batch, kioskId: string, key: { keyId: string; secret: string }): Promise<void> {
  const have = await trx.selectFrom('sync_entities').select('data').where('entity_type', '=', 'ticketKey').where('entity_id', '=', key.keyId).executeTakeFirst();
  if (have) return; // keys are immutable; first publisher keeps the id (in its own facility)
  const data = { kind: 'ticketKey', keyId: key.keyId, kioskId, secret: w.ticketSecrets.seal(key.secret) }; // sealed at rest, opened on pull
  await trx.insertInto('sync_entities').values({
    entity_type: 'ticketKey', entity_id: key.keyId, facility_id: b.facilityId, natural_key: kioskId, hlc: '', data: JSON.stringify(data), updated_at: w.now(),
  }).execute();
  b.pending.push({ entityType: 'ticketKey', entityId: key.keyId, originKioskId: kioskId, data });
}

