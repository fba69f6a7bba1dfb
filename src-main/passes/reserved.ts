/**
 * Reserved spaces at this gate (docs/passes.md "Reserved spaces"): the zone's load as this gate
 * knows it (its own and pulled sessions, every pass and movement synced here) and the entry rule
 * of src-shared/domain/reserved-capacity.ts applied to it. A pass's cars inside a zone are its
 * open visits there (sessions its ENTRY movements name, overflow cars excluded as in occupancy).
 * Only passes valid now hold spaces.
 */
import { sql } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PassReservation } from '../../src-shared/contracts/passes.js';
import { decideZoneEntry, type ZoneLoad, type ZoneReservation } from '../../src-shared/domain/reserved-capacity.js';
import { occupancyOf } from '../lane/occupancy.js';
import type { ServiceContext } from '../services/context.js';
import type { SeasonPassRow } from '../store/schema-passes.js';

export function reservedOf(row: Pick<SeasonPassRow, 'reserved'>): PassReservation[] {
  return JSON.parse(row.reserved) as PassReservation[];
}

/** Spaces each pass valid now holds in the zone, with its cars inside there. */
export function zoneReservations(ctx: ServiceContext, zoneId: string, exceptPassId?: string): ZoneReservation[] {
  const { q, db } = ctx.store;
  const now = ctx.clock.now();
  const rows = q.all(db.selectFrom('season_passes').select(['id', 'reserved']).where('reserved', '!=', '[]')
    .where('valid_from', '<=', now).where('valid_until', '>', now));
  const out: ZoneReservation[] = [];
  for (const r of rows) {
    if (r.id === exceptPassId) continue;
    const held = reservedOf(r).find((x) => x.zoneId === zoneId);
    if (!held) continue;
    const inside = q.first(db.selectFrom('pass_movements').innerJoin('sessions', 'sessions.id', 'pass_movements.session_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('pass_movements.pass_id', '=', r.id).where('pass_movements.direction', '=', 'ENTRY')
      .where('sessions.zone_id', '=', zoneId).where('sessions.overflow', '=', 0)
      .where(sql<boolean>`sessions.status IN ('BOOKED','PARKED','EXITING')`))?.n ?? 0;
    out.push({ passId: r.id, spaces: held.spaces, inside: Number(inside) });
  }
  return out;
}

export function zoneLoad(ctx: ServiceContext, zoneId: string): ZoneLoad | null {
  const o = occupancyOf(ctx.store, zoneId);
  if (!o) return null;
  return { capacity: o.capacity, occupied: o.occupied, reservations: zoneReservations(ctx, zoneId) };
}

/**
 * Refuses an entry the reservations forbid (NO_SLOT_AVAILABLE, `details.reason`
 * ONLY_RESERVED_LEFT or FULL). `passId`: the pass the car enters with, null for a walk-in or a
 * booking. `onlyReserved`: refuse only when the free spaces are all held (a booking, whose
 * "full" stays the slot check's business).
 */
export function assertZoneRoom(ctx: ServiceContext, zone: { id: string; name: string }, passId: string | null, onlyReserved = false): void {
  const load = zoneLoad(ctx, zone.id);
  if (!load) return;
  const d = decideZoneEntry(load, passId);
  if (d.admit || (onlyReserved && d.reason === 'FULL')) return;
  const details = { reason: d.reason, zoneId: zone.id, occupied: load.occupied, capacity: load.capacity, heldFree: d.heldFree, full: true };
  if (d.reason === 'ONLY_RESERVED_LEFT') {
    throw new AppError('NO_SLOT_AVAILABLE', `Zone ${zone.name}: the ${d.free === 1 ? 'last free space is' : `${d.free} free spaces are`} reserved for pass holders. No walk-in tickets.`, details);
  }
  throw new AppError('NO_SLOT_AVAILABLE', `Zone ${zone.name} is full (${load.occupied} of ${load.capacity} spaces taken).`, details);
}

/** Refuses reservations a zone cannot hold: spaces held by passes valid now, this one's included, above the zone's spaces. */
export function assertReservable(ctx: ServiceContext, passId: string, reserved: readonly PassReservation[]): void {
  for (const r of reserved) {
    const o = occupancyOf(ctx.store, r.zoneId);
    if (!o) throw new AppError('NOT_FOUND', 'No such active zone. Pick a zone from the list.', { zoneId: r.zoneId });
    const others = zoneReservations(ctx, r.zoneId, passId).reduce((n, x) => n + x.spaces, 0);
    if (others + r.spaces > o.capacity) {
      throw new AppError('CONFLICT', `Zone ${o.zoneName} has ${o.capacity} spaces and ${others} are already reserved: ${r.spaces} more cannot be.`,
        { reason: 'RESERVATION_TOO_LARGE', zoneId: r.zoneId, capacity: o.capacity, reservedByOthers: others });
    }
  }
}
