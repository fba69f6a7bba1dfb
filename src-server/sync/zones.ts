/**
 * The zones the gates publish, kept once: in the server's `zones` and `slots` tables
 * (migrations/server/9981_zones_once.ts). A zone row with an `hlc` came from a gate (last writer by
 * HLC); one without is the server's own (parker bookings before any gate published). What sync,
 * bookings, head office and the CLI read about zones is read here or from those tables.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ZonesTable } from '../db/schema.js';
import type { SlotSnap, ZoneChangePayload, ZoneSnap } from '../../src-shared/contracts/sync.js';
import { yieldedZoneName } from '../../migrations/server/9981_zones_once.js';
import { chunks, IN_CHUNK } from './bulk-insert.js';
import type { SyncDatabase } from './schema.js';

type Db = Kysely<SyncDatabase> | Transaction<SyncDatabase>;

export interface StoredZone extends ZoneChangePayload {
  facilityId: string;
}

const ZONE_COLS = ['id', 'facility_id', 'name', 'position', 'hourly_rate_paise', 'is_active', 'grace_minutes', 'daily_cap_paise', 'lost_ticket_fee_paise',
  'exit_grace_minutes', 'created_at', 'updated_at'] as const;

function snap(z: Pick<Selectable<ZonesTable>, (typeof ZONE_COLS)[number]>): ZoneSnap {
  return {
    id: z.id, name: z.name, position: Number(z.position), hourly_rate_paise: Number(z.hourly_rate_paise), is_active: z.is_active === 1 ? 1 : 0,
    grace_minutes: Number(z.grace_minutes), daily_cap_paise: z.daily_cap_paise === null ? null : Number(z.daily_cap_paise),
    lost_ticket_fee_paise: z.lost_ticket_fee_paise === null ? null : Number(z.lost_ticket_fee_paise), exit_grace_minutes: Number(z.exit_grace_minutes),
    created_at: Number(z.created_at), updated_at: Number(z.updated_at),
  };
}

/**
 * The published zones (of one facility, or of every facility when none is named), each with its
 * slots in position order; zones in name order.
 */
export async function publishedZones(db: Db, facilityId?: string): Promise<StoredZone[]> {
  let q = db.selectFrom('zones').select(ZONE_COLS).where('hlc', 'is not', null);
  if (facilityId !== undefined) q = q.where('facility_id', '=', facilityId);
  const zones = await q.orderBy('name').orderBy('id').execute();
  const slots = new Map<string, SlotSnap[]>(zones.map((z) => [z.id, []]));
  for (const part of chunks(zones.map((z) => z.id), IN_CHUNK)) {
    const rows = await db.selectFrom('slots').select(['id', 'zone_id', 'slot_number', 'position']).where('zone_id', 'in', part)
      .orderBy('zone_id').orderBy('position').orderBy('id').execute();
    for (const s of rows) slots.get(s.zone_id)!.push({ id: s.id, slot_number: s.slot_number, position: Number(s.position) });
  }
  return zones.map((z) => ({ facilityId: z.facility_id, zone: snap(z), slots: slots.get(z.id)! }));
}

/** One published zone with its slots, as the gates pull it. */
export async function loadZone(db: Db, id: string): Promise<StoredZone | null> {
  const z = await db.selectFrom('zones').select(ZONE_COLS).where('id', '=', id).where('hlc', 'is not', null).executeTakeFirst();
  if (!z) return null;
  const slots = await db.selectFrom('slots').select(['id', 'slot_number', 'position']).where('zone_id', '=', id).orderBy('position').orderBy('id').execute();
  return { facilityId: z.facility_id, zone: snap(z), slots: slots.map((s) => ({ id: s.id, slot_number: s.slot_number, position: Number(s.position) })) };
}

/**
 * Stores a gate's zone write: the zone's fields when its HLC is newer than the stored one (or the
 * zone was the server's own), and its slots always (slots are only ever added; union by id; a
 * known slot takes the position written last). Names are unique per facility without case (as at
 * the gates): a server-made zone holding the name gives it up (renamed, deactivated); a published
 * one keeps it and this zone is stored under `yieldedZoneName`, which is what the gates then get.
 */
export async function storeZone(trx: Transaction<SyncDatabase>, facilityId: string, hlc: string, now: number, p: ZoneChangePayload): Promise<void> {
  const z = p.zone;
  const have = await trx.selectFrom('zones').select(['hlc']).where('id', '=', z.id).executeTakeFirst();
  if (!have || have.hlc === null || have.hlc < hlc) {
    let name = z.name;
    const clash = await trx.selectFrom('zones').select(['id', 'name', 'hlc']).where('facility_id', '=', facilityId).where('id', '!=', z.id)
      .where(sql<string>`lower(name)`, '=', name.toLowerCase()).executeTakeFirst();
    if (clash && clash.hlc !== null) name = yieldedZoneName(name, z.id);
    else if (clash) await trx.updateTable('zones').set({ name: yieldedZoneName(clash.name, clash.id), is_active: 0 }).where('id', '=', clash.id).execute();
    const fields = {
      name, position: z.position, hourly_rate_paise: z.hourly_rate_paise, is_active: z.is_active, grace_minutes: z.grace_minutes, daily_cap_paise: z.daily_cap_paise,
      lost_ticket_fee_paise: z.lost_ticket_fee_paise, exit_grace_minutes: z.exit_grace_minutes, created_at: z.created_at, updated_at: z.updated_at, hlc, synced_at: now,
    };
    if (have) await trx.updateTable('zones').set(fields).where('id', '=', z.id).execute();
    else await trx.insertInto('zones').values({ id: z.id, facility_id: facilityId, ...fields }).execute();
  }
  for (const part of chunks(p.slots, IN_CHUNK)) {
    await trx.insertInto('slots').values(part.map((s) => ({ id: s.id, zone_id: z.id, slot_number: s.slot_number, position: s.position })))
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ position: eb.ref('excluded.position') }))).execute();
  }
}

/** Slots of the facility's published zones, by zone (in id order), each zone's in position order: where the clash rules look for a free slot. */
export async function facilitySlots(trx: Transaction<SyncDatabase>, facilityId: string): Promise<{ id: string; slots: { id: string; position: number }[] }[]> {
  const rows = await trx.selectFrom('slots').innerJoin('zones', 'zones.id', 'slots.zone_id').select(['slots.id as id', 'slots.zone_id as zone_id', 'slots.position as position'])
    .where('zones.facility_id', '=', facilityId).where('zones.hlc', 'is not', null).orderBy('slots.zone_id').orderBy('slots.position').orderBy('slots.id').execute();
  const out: { id: string; slots: { id: string; position: number }[] }[] = [];
  for (const r of rows) {
    if (out.at(-1)?.id !== r.zone_id) out.push({ id: r.zone_id, slots: [] });
    out.at(-1)!.slots.push({ id: r.id, position: Number(r.position) });
  }
  return out;
}
