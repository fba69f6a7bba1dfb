/**
 * Occupancy per zone, counted from the sessions (the record of who is inside), for the FULL /
 * spaces-free display and the entry rule. An overflow session (a slot clash between offline gates
 * in a full car park) holds no slot: its car stands outside the marked spaces, so a slot freed
 * later is a real free space and goes to the next car (docs/sync.md); it does not count here.
 */
import type { Zone } from '../../src-shared/contracts/entities.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ZoneOccupancy } from '../../src-shared/contracts/lane.js';
import { z } from 'zod';
import type { Store } from '../store/open.js';
import { allRows } from '../store/raw-rows.js';

const OccupancyRow = z.object({ id: z.string(), name: z.string(), capacity: z.number(), occupied: z.number() });

export function zoneOccupancy(store: Store): ZoneOccupancy[] {
  const rows = allRows(store.sqlite.prepare(`
    SELECT z.id, z.name,
      (SELECT COUNT(*) FROM slots sl WHERE sl.zone_id = z.id) AS capacity,
      (SELECT COUNT(*) FROM sessions s WHERE s.zone_id = z.id AND s.status IN ('BOOKED','PARKED','EXITING') AND s.overflow = 0) AS occupied
    FROM zones z WHERE z.is_active = 1 ORDER BY z.position, z.name`), OccupancyRow);
  return rows.map((r) => ({
    zoneId: r.id,
    zoneName: r.name,
    capacity: r.capacity,
    occupied: r.occupied,
    free: Math.max(0, r.capacity - r.occupied),
    full: r.occupied >= r.capacity,
  }));
}

export function occupancyOf(store: Store, zoneId: string): ZoneOccupancy | undefined {
  return zoneOccupancy(store).find((z) => z.zoneId === zoneId);
}

/** A walk-in ticket needs room in the zone; a car with a booking already holds its place and is never refused here. */
export function assertRoomForWalkIn(store: Store, zone: { id: string; name: string }): void {
  const o = occupancyOf(store, zone.id);
  if (o && o.full) {
    throw new AppError('NO_SLOT_AVAILABLE', `Zone ${zone.name} is full (${o.occupied} of ${o.capacity} spaces taken): no walk-in tickets. Cars with a booking can still enter.`, {
      zoneId: zone.id, occupied: o.occupied, capacity: o.capacity, full: true,
    });
  }
}

/** zones.list with each zone's occupancy (inactive zones have none: nothing enters them). */
export function withOccupancy(store: Store, zones: Zone[]): Zone[] {
  const by = new Map(zoneOccupancy(store).map((o) => [o.zoneId, o]));
  return zones.map((z) => {
    const o = by.get(z.id);
    return o ? { ...z, occupied: o.occupied, full: o.full } : z;
  });
}
