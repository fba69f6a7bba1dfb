/** SEED_ZONES="A:4000:10,B:2000:5" (name:hourlyRatePaise:slots) creates zones on a server that has none. */
import type { Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema.js';
import type { Clock } from '../util/clock.js';
import { addZone } from './zones.js';

export function parseZoneSpec(spec: string): Array<{ name: string; hourlyRatePaise: number; slots: number }> {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^([A-Za-z0-9_-]{1,32}):(\d{1,9}):(\d{1,3})$/.exec(item);
      if (!m) throw new Error(`SEED_ZONES item "${item}" is not name:hourlyRatePaise:slots`);
      return { name: m[1]!, hourlyRatePaise: Number(m[2]), slots: Number(m[3]) };
    });
}

export async function seedZonesFromSpec(db: Kysely<ServerDatabase>, clock: Clock, spec: string): Promise<number> {
  const zones = parseZoneSpec(spec);
  const existing = await db.selectFrom('zones').select('id').limit(1).executeTakeFirst();
  if (existing) return 0;
  for (const z of zones) await addZone(db, clock, z.name, z.hourlyRatePaise, z.slots);
  return zones.length;
}
