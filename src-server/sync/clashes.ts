/**
 * Cross-session decisions of the server (docs/sync.md "Slot clashes"): two open sessions in one
 * slot, or one plate open twice. Each decision is a server event in the loser's event set, so the
 * outcome is a fold of events and the same at every gate whatever the arrival order afterwards.
 */
import type { CanonicalSession } from '../../src-shared/contracts/sync.js';
import { chunks, IN_CHUNK } from './bulk-insert.js';
import { isOpenStatus } from './fold.js';
import { facilitySlots } from './zones.js';
import { serverEvent, type Batch, type SyncWriter, type Tx } from './write-batch.js';

interface OpenRow { id: string; creation_hlc: string; zone_id: string; slot_id: string; vehicle_number: string }

/**
 * Two open sessions in one slot: the lower creation HLC keeps it, the other gets a
 * `session.slotMoved` server event to the first free slot, or, when no slot is free anywhere,
 * to overflow (`overflow: true`: open, holding no slot). The same plate open twice: the later
 * gets `session.vehicleClash`. Rivals of every open session of this round come from one query per
 * kind (after this round's sessions are stored, so rivals inside the batch are seen too); a
 * session already decided this round is settled again after its re-fold.
 */
export async function settleClashes(w: SyncWriter, trx: Tx, b: Batch, folded: Map<string, { c: CanonicalSession }>, again: Set<string>): Promise<void> {
  const open = [...folded].filter(([, f]) => isOpenStatus(f.c.session.status));
  if (open.length === 0) return;
  const holds = (c: CanonicalSession) => !c.session.overflow; // an overflow session has no slot rivals
  const bySlot = new Map<string, OpenRow[]>();
  const byPlate = new Map<string, OpenRow[]>();
  const cols = ['id', 'creation_hlc', 'zone_id', 'slot_id', 'vehicle_number'] as const;
  for (const part of chunks([...new Set(open.filter(([, f]) => holds(f.c)).map(([, f]) => f.c.session.slot_id))], IN_CHUNK)) {
    for (const r of await trx.selectFrom('sync_sessions').select(cols).where('is_open', '=', 1).where('slot_id', 'in', part).execute()) {
      bySlot.set(r.slot_id, [...(bySlot.get(r.slot_id) ?? []), r]);
    }
  }
  for (const part of chunks([...new Set(open.map(([, f]) => f.c.vehicle.vehicle_number))], IN_CHUNK)) {
    // A plate is open once per facility (the same car may be recorded in two car parks of a chain).
    for (const r of await trx.selectFrom('sync_sessions').select(cols).where('facility_id', '=', b.facilityId).where('is_open', '=', 1).where('vehicle_number', 'in', part).execute()) {
      byPlate.set(r.vehicle_number, [...(byPlate.get(r.vehicle_number) ?? []), r]);
    }
  }
  const beats = (x: { creation_hlc: string; id: string }, y: { creation_hlc: string; id: string }) =>
    x.creation_hlc < y.creation_hlc || (x.creation_hlc === y.creation_hlc && x.id < y.id);
  const order = (x: OpenRow, y: OpenRow) => (beats(x, y) ? -1 : beats(y, x) ? 1 : 0);

  for (const [id, { c }] of open) {
    if (again.has(id)) continue; // decided already this round: settled again after its re-fold
    const me = { id, creation_hlc: c.creationHlc };
    const lastHlc = (b.events.get(id) ?? []).map((e) => e.hlc).sort().at(-1) ?? c.creationHlc;
    const slotRivals = holds(c) ? (bySlot.get(c.session.slot_id) ?? []).filter((r) => r.id !== id && !again.has(r.id)).sort(order) : [];
    for (const rival of slotRivals) {
      const loser = beats(me, rival) ? { id: rival.id, zone: rival.zone_id, other: id } : { id, zone: c.session.zone_id, other: rival.id };
      const target = await freeSlot(trx, b, loser.zone, c.session.slot_id);
      if (target) b.reserved.add(target);
      // No free slot anywhere: the loser stays open without a slot (overflow), never two
      // sessions holding one slot, which no gate can mirror.
      await serverEvent(w, trx, b, 'session.slotMoved', loser.id, target ? {
        slot_id: target, from_slot_id: c.session.slot_id, other_session_id: loser.other,
        detail: `Slot also allocated offline to session ${loser.other} (earlier): moved to another slot.`,
      } : {
        slot_id: c.session.slot_id, from_slot_id: c.session.slot_id, other_session_id: loser.other, overflow: true,
        detail: `Slot also allocated offline to session ${loser.other} (earlier) and no slot is free: overflow, no slot held.`,
      }, [lastHlc, rival.creation_hlc]);
      again.add(loser.id);
      if (loser.id === id) break;
    }
    const plateRivals = (byPlate.get(c.vehicle.vehicle_number) ?? []).filter((r) => r.id !== id && !again.has(r.id)).sort(order);
    for (const rival of plateRivals) {
      const loserId = beats(me, rival) ? rival.id : id;
      const otherId = loserId === id ? rival.id : id;
      await serverEvent(w, trx, b, 'session.vehicleClash', loserId, {
        vehicle_number: `${c.vehicle.vehicle_number}#${loserId.slice(-4).toUpperCase()}`, other_session_id: otherId,
        detail: `Vehicle ${c.vehicle.vehicle_number} is also open as session ${otherId}: check the number plate.`,
      }, [lastHlc, rival.creation_hlc]);
      again.add(loserId);
      if (loserId === id) break;
    }
  }
}

/**
 * First free slot for a clash loser (zones read once per transaction; only on a clash): its own
 * zone first, else the first free slot of another zone (an overflow slot: the session keeps its
 * zone and tariff; the gates accept a server-assigned slot of another zone). Only a facility
 * with no free slot at all has no target: see docs/sync.md.
 */
async function freeSlot(trx: Tx, b: Batch, zoneId: string, exclude: string): Promise<string | null> {
  b.zones ??= await facilitySlots(trx, b.facilityId);
  // Own zone first; when it is full, the other zones (in a fixed order, so every run decides
  // the same). Leaving two open sessions in one slot is not an option: no gate can hold that
  // state (one open session per slot), so the gates would skip or provisionally move a session
  // that the server never sends again, and never converge.
  const own = b.zones.filter((z) => z.id === zoneId);
  const others = b.zones.filter((z) => z.id !== zoneId);
  for (const zone of [...own, ...others]) {
    const candidates = zone.slots.filter((s) => s.id !== exclude && !b.reserved.has(s.id));
    if (!candidates.length) continue;
    const busy = new Set<string>();
    for (const part of chunks(candidates.map((s) => s.id), IN_CHUNK)) {
      for (const r of await trx.selectFrom('sync_sessions').select('slot_id').where('is_open', '=', 1).where('slot_id', 'in', part).execute()) busy.add(r.slot_id);
    }
    const free = candidates.find((s) => !busy.has(s.id));
    if (free) return free.id;
  }
  return null;
}

