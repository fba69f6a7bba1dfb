/**
 * Reserved capacity (docs/passes.md "Reserved spaces"): a season pass (a company pass too) can
 * hold N spaces of a zone. Those spaces are kept for the pass's cars: a walk-in (or a booking,
 * or a car of a pass beyond its own reservation) is admitted only while a free space is left
 * that no pass holds; a car of a pass with an unused reserved space is admitted while any space
 * is free. Pure: the caller counts the zone's cars and each pass's cars inside.
 *
 * The spaces a pass holds and does not use are `max(0, spaces - inside)`: a pass's cars first
 * fill its own reservation, then general spaces (a company pass of 5 cars holding 3 spaces parks
 * cars 4 and 5 like walk-ins; car 6 is anti-passback's business, season-pass.ts).
 */

export interface ZoneReservation {
  passId: string;
  /** Spaces the pass holds in this zone (>= 1). */
  spaces: number;
  /** The pass's cars inside this zone now (as this gate knows). */
  inside: number;
}

export interface ZoneLoad {
  /** Spaces of the zone (its slots). */
  capacity: number;
  /** Cars inside the zone holding a space (pass cars included; overflow cars excluded). */
  occupied: number;
  /** Reservations of passes valid now in this zone. */
  reservations: readonly ZoneReservation[];
}

export type ZoneEntryDecision =
  | { admit: true; uses: 'RESERVED' | 'GENERAL' }
  /** FULL: no space at all; ONLY_RESERVED_LEFT: the free spaces are all held by passes. */
  | { admit: false; reason: 'FULL' | 'ONLY_RESERVED_LEFT'; free: number; heldFree: number };

/** Reserved spaces not in use (held free for their passes). */
export function heldFreeSpaces(load: ZoneLoad): number {
  let held = 0;
  for (const r of load.reservations) held += Math.max(0, r.spaces - r.inside);
  return held;
}

/** Free spaces anyone may take: free minus those held for passes (never below 0). */
export function generalFreeSpaces(load: ZoneLoad): number {
  return Math.max(0, load.capacity - load.occupied - heldFreeSpaces(load));
}

/**
 * May this car enter the zone? `passId` names the pass the car enters with (null: a walk-in or a
 * booking). A pass car within its reservation needs one free space; any other car a free space
 * no pass holds.
 */
export function decideZoneEntry(load: ZoneLoad, passId: string | null): ZoneEntryDecision {
  const free = Math.max(0, load.capacity - load.occupied);
  const heldFree = Math.min(free, heldFreeSpaces(load));
  const own = passId === null ? undefined : load.reservations.find((r) => r.passId === passId);
  if (own && own.inside < own.spaces) {
    return free > 0 ? { admit: true, uses: 'RESERVED' } : { admit: false, reason: 'FULL', free, heldFree };
  }
  if (free - heldFree > 0) return { admit: true, uses: 'GENERAL' };
  return { admit: false, reason: free > 0 ? 'ONLY_RESERVED_LEFT' : 'FULL', free, heldFree };
}

/** Problems with a pass's reservations against its own definition; [] when valid. */
export function reservationProblems(p: { zones: readonly string[]; maxCars: number }, reserved: readonly { zoneId: string; spaces: number }[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const r of reserved) {
    if (!Number.isSafeInteger(r.spaces) || r.spaces < 1) out.push('reserved spaces must be at least 1');
    if (r.spaces > p.maxCars) out.push('a pass cannot hold more spaces than its max cars');
    if (p.zones.length > 0 && !p.zones.includes(r.zoneId)) out.push('reserved spaces must be in a zone of the pass');
    if (seen.has(r.zoneId)) out.push('one reservation per zone');
    seen.add(r.zoneId);
  }
  return out;
}
