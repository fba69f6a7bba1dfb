/**
 * Offline exit at another gate: a valid signed ticket whose session has not synced here yet.
 * The ticket carries session id, zone, slot, entry time and issuing kiosk, so the session is
 * created locally (`session.adopted`, audited, in the outbox) and billed from the ticket's entry
 * time. The vehicle number is unknown until the issuing gate's events arrive (placeholder
 * `?<id>`); the server's fold then merges both histories.
 *
 * It runs inside the caller's transaction (quoteExit), so an adoption whose quote then fails is
 * rolled back with it: no adopted session without the exit it was adopted for.
 */
import { parseTicketCode } from '../../src-shared/domain/ticket-codec.js';
import { newId } from '../core/ids.js';
import type { Actor, ServiceContext } from './context.js';
import { recordSessionChange } from './session-records.js';

/** Placeholder vehicle of an adopted session, until the issuing gate's events name the car. */
function placeholderVehicle(ctx: ServiceContext, sessionId: string, now: number): string {
  const { q, db } = ctx.store;
  const number = `?${sessionId.slice(-8).toUpperCase()}`;
  const existing = q.first(db.selectFrom('vehicles').select('id').where('vehicle_number', '=', number));
  if (existing) return existing.id;
  const id = newId(ctx.clock);
  q.run(db.insertInto('vehicles').values({ id, vehicle_number: number, owner_name: null, created_at: now, updated_at: now }));
  return id;
}

/** A slot of the zone that no open session holds or claims (first by position). */
function freeSlotIn(ctx: ServiceContext, zoneId: string): string | null {
  const { q, db } = ctx.store;
  const free = q.first(
    db.selectFrom('slots as s').select('s.id')
      .where('s.zone_id', '=', zoneId).where('s.current_session_id', 'is', null)
      .where(({ not, exists, selectFrom }) => not(exists(
        selectFrom('sessions as x').select('x.id').whereRef('x.slot_id', '=', 's.id')
          .where('x.status', 'in', ['BOOKED', 'PARKED', 'EXITING']).where('x.overflow', '=', 0),
      )))
      .orderBy('s.position').limit(1),
  );
  return free?.id ?? null;
}

/** Adopts the session of another gate's signed ticket when it is not known here. True when it adopted. */
export function adoptSignedTicket(ctx: ServiceContext, actor: Actor, code: string): boolean {
  const parsed = parseTicketCode(code, ctx.ticketKeys, ctx.ticketKioskOf);
  if (!parsed.ok || parsed.kind !== 'signed') return false;
  const p = parsed.payload;
  if (p.entryAtMs === null || p.kioskId === ctx.kioskId) return false;
  const entryAt = p.entryAtMs;
  const { q, db } = ctx.store;
  return q.tx(() => {
    const known = q.first(db.selectFrom('sessions').select('id').where((eb) => eb.or([eb('id', '=', p.sessionId), eb('code', '=', parsed.code)])));
    if (known) return false;
    if (!q.first(db.selectFrom('zones').select('id').where('id', '=', p.zoneId))) return false;
    const slot = q.first(db.selectFrom('slots').select(['id', 'current_session_id']).where('zone_id', '=', p.zoneId).where('slot_number', '=', p.slotNumber));
    if (!slot) return false;
    const now = ctx.clock.now();
    const vehicleId = placeholderVehicle(ctx, p.sessionId, now);
    let slotId = slot.id;
    let overflow: 0 | 1 = 0;
    const clash = slot.current_session_id !== null;
    if (clash) {
      // The car is at the exit: a full zone must not block it. It is billed without a slot
      // (overflow) until the server's canonical state arrives.
      const free = freeSlotIn(ctx, p.zoneId);
      if (free) slotId = free;
      else overflow = 1;
    }
    q.run(db.insertInto('sessions').values({
      id: p.sessionId, code: parsed.code, vehicle_id: vehicleId, zone_id: p.zoneId, slot_id: slotId, status: 'PARKED',
      booked_at: entryAt, entry_at: entryAt, exit_at: null, quote_amount_paise: null, quoted_at: null, quote_valid_until: null,
      amount_due_paise: null, amount_paid_paise: 0, last_paid_at: null, lost_ticket: 0, conflict: clash ? 1 : 0,
      conflict_reason: clash ? 'SLOT_CLASH' : null, origin_kiosk_id: p.kioskId, created_by: actor.operatorId,
      created_at: entryAt, updated_at: now, overflow,
    }));
    if (!overflow) q.run(db.updateTable('slots').set({ current_session_id: p.sessionId }).where('id', '=', slotId));
    recordSessionChange(ctx, actor, 'session.adopted', p.sessionId, { ticketKioskId: p.kioskId, slot: p.slotNumber, offline: true });
    return true;
  });
}
