/**
 * Zones (with their slots), operators and ticket keys: replicated to every gate of the facility by id. Zone and
 * operator fields are last writer by HLC; slots are only ever added (union by id); a ticket key is
 * immutable (the first publisher keeps the id).
 */
import type { OperatorSnap, ZoneChangePayload } from '../../src-shared/contracts/sync.js';
import type { Batch, SyncWriter, Tx } from './write-batch.js';

export async function upsertEntity(w: SyncWriter, trx: Tx, b: Batch, type: string, id: string, naturalKey: string | null, hlc: string, data: unknown): Promise<boolean> {
  const have = await trx.selectFrom('sync_entities').select(['hlc']).where('entity_type', '=', type).where('entity_id', '=', id).executeTakeFirst();
  if (have && have.hlc >= hlc) return false;
  const row = { entity_type: type, entity_id: id, facility_id: b.facilityId, natural_key: naturalKey, hlc, data: JSON.stringify(data), updated_at: w.now() };
  if (have) await trx.updateTable('sync_entities').set(row).where('entity_type', '=', type).where('entity_id', '=', id).execute();
  else await trx.insertInto('sync_entities').values(row).execute();
  return true;
}

export async function applyZone(w: SyncWriter, trx: Tx, b: Batch, kioskId: string, e: { hlc: string; payload: ZoneChangePayload }): Promise<void> {
  const p = e.payload as { zone: Record<string, unknown> & { id: string; name: string }; slots: { id: string; slot_number: string; position: number }[] };
  const have = await trx.selectFrom('sync_entities').select(['hlc', 'data']).where('entity_type', '=', 'zone').where('entity_id', '=', p.zone.id).executeTakeFirst();
  const prev = have ? (JSON.parse(have.data) as typeof p) : null;
  // Slots are only ever added: union by id; zone fields: last writer by HLC.
  const slots = new Map((prev?.slots ?? []).map((s) => [s.id, s]));
  for (const s of p.slots) slots.set(s.id, s);
  const zone = !prev || (have && have.hlc < e.hlc) ? p.zone : prev.zone;
  const data = { zone, slots: [...slots.values()].sort((a, b) => a.position - b.position) };
  const hlc = have && have.hlc > e.hlc ? have.hlc : e.hlc;
  const row = { entity_type: 'zone', entity_id: p.zone.id, facility_id: b.facilityId, natural_key: String(zone.name).toLowerCase(), hlc, data: JSON.stringify(data), updated_at: w.now() };
  if (have) await trx.updateTable('sync_entities').set(row).where('entity_type', '=', 'zone').where('entity_id', '=', p.zone.id).execute();
  else await trx.insertInto('sync_entities').values(row).execute();
  b.zones = null;
  b.pending.push({ entityType: 'zone', entityId: p.zone.id, originKioskId: kioskId, data: { kind: 'zone', ...data } });
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

