/**
 * Zones and slots of the server: its own (for parker bookings before any gate published; seeded by
 * `server:cli -- zone add` or SEED_ZONES on first start) and the ones the gates published, kept in
 * the same tables (src-server/sync/zones.ts). `listZones` shows both.
 */
import type { Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema.js';
import type { Clock } from '../util/clock.js';
import { uuidv7 } from '../util/ids.js';
import { DEFAULT_FACILITY_ID } from '../../migrations/server/9980_facilities.js';

export interface ZoneView {
  id: string;
  facilityId: string;
  name: string;
  hourlyRatePaise: number;
  isActive: boolean;
  totalSlots: number;
  availableSlots: number;
}

export async function addZone(db: Kysely<ServerDatabase>, clock: Clock, name: string, hourlyRatePaise: number, slotCount: number, facilityId: string = DEFAULT_FACILITY_ID): Promise<string> {
  if (!/^[A-Za-z0-9 _-]{1,32}$/.test(name)) throw new Error('zone name: 1-32 letters, digits, space _ -');
  if (!Number.isSafeInteger(hourlyRatePaise) || hourlyRatePaise < 0) throw new Error('hourly rate must be whole paise >= 0');
  if (!Number.isSafeInteger(slotCount) || slotCount < 1 || slotCount > 999) throw new Error('slot count must be 1..999');
  const id = uuidv7(clock);
  const width = Math.max(2, String(slotCount).length);
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('zones').values({ id, facility_id: facilityId, name, hourly_rate_paise: hourlyRatePaise, is_active: 1, created_at: clock.now() }).execute();
    const slots = Array.from({ length: slotCount }, (_, i) => ({ id: uuidv7(clock), zone_id: id, slot_number: `${name}-${String(i + 1).padStart(width, '0')}` }));
    await trx.insertInto('slots').values(slots).execute();
  });
  return id;
}

/** The zones of one facility (of every facility when none is named). */
export async function listZones(db: Kysely<ServerDatabase>, facilityId?: string): Promise<ZoneView[]> {
  let q = db.selectFrom('zones').selectAll().orderBy('name');
  if (facilityId !== undefined) q = q.where('facility_id', '=', facilityId);
  const zones = await q.execute();
  const totals = await db.selectFrom('slots').select(['zone_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('zone_id').execute();
  const held = await db.selectFrom('bookings').select(['zone_id', (eb) => eb.fn.countAll<number>().as('n')]).where('status', '=', 'BOOKED').groupBy('zone_id').execute();
  const count = (rows: Array<{ zone_id: string; n: number }>, id: string) => Number(rows.find((r) => r.zone_id === id)?.n ?? 0);
  return zones.map((z) => ({
    id: z.id,
    facilityId: z.facility_id,
    name: z.name,
    hourlyRatePaise: z.hourly_rate_paise,
    isActive: z.is_active === 1,
    totalSlots: count(totals, z.id),
    availableSlots: count(totals, z.id) - count(held, z.id),
  }));
}
