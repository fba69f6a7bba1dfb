/** Entry side of the gate: booking a slot, issuing a walk-in ticket, scanning a ticket in. */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Session } from '../../src-shared/contracts/entities.js';
import { assertTransition } from '../../src-shared/domain/session-state.js';
import { fitsCompactTicket, signCompactTicket, signTicket } from '../../src-shared/domain/ticket-codec.js';
import { newId } from '../core/ids.js';
import type { ZoneRow } from '../store/schema.js';
import type { Actor, ServiceContext } from './context.js';
import { assertRoomForWalkIn } from '../lane/occupancy.js';
import { assertZoneRoom, zoneLoad } from '../passes/reserved.js';
import { decideZoneEntry } from '../../src-shared/domain/reserved-capacity.js';
import { OPEN_SESSION, recordSessionChange, sessionRowByCode, sessionView } from './session-records.js';


export interface BookInput {
  vehicleNumber: string;
  ownerName?: string | undefined;
  zoneId?: string | undefined;
}

function pickZone(ctx: ServiceContext, zoneId: string | undefined, passId: string | null): ZoneRow {
  const { q, db } = ctx.store;
  if (zoneId) {
    const zone = q.first(db.selectFrom('zones').selectAll().where('id', '=', zoneId));
    if (!zone) throw new AppError('NOT_FOUND', 'No such zone. Pick a zone from the list.');
    if (zone.is_active !== 1) throw new AppError('ZONE_INACTIVE');
    return zone;
  }
  // No zone asked for: the first active zone (in zone order) that still has a free slot this car
  // may take (spaces held for passes are not free for others); else the first with a free slot,
  // whose check then says why.
  const zones = q.all(
    db.selectFrom('zones').selectAll()
      .where('is_active', '=', 1)
      .where((eb) => eb.exists(
        eb.selectFrom('slots').select('slots.id').whereRef('slots.zone_id', '=', 'zones.id').where('slots.current_session_id', 'is', null),
      ))
      .orderBy('position'),
  );
  if (zones.length === 0) throw new AppError('NO_SLOT_AVAILABLE', 'The car park is full: no free slot in any open zone.');
  return zones.find((z) => roomFor(ctx, z.id, passId)) ?? zones[0]!;
}

function roomFor(ctx: ServiceContext, zoneId: string, passId: string | null): boolean {
  const load = zoneLoad(ctx, zoneId);
  return !load || decideZoneEntry(load, passId).admit;
}

function upsertVehicle(ctx: ServiceContext, vehicleNumber: string, ownerName: string | undefined): string {
  const { q, db } = ctx.store;
  const now = ctx.clock.now();
  const existing = q.first(db.selectFrom('vehicles').select(['id', 'owner_name']).where('vehicle_number', '=', vehicleNumber));
  if (existing) {
    if (ownerName && ownerName !== existing.owner_name) {
      q.run(db.updateTable('vehicles').set({ owner_name: ownerName, updated_at: now }).where('id', '=', existing.id));
    }
    return existing.id;
  }
  const id = newId(ctx.clock);
  q.run(db.insertInto('vehicles').values({
    id, vehicle_number: vehicleNumber, owner_name: ownerName || null, created_at: now, updated_at: now,
  }));
  return id;
}

/**
 * Books a slot (BOOKED), or with `enter` issues a walk-in ticket (PARKED at once). `passId`: the
 * season pass the car enters with (its reserved spaces are its own; passes/reserved.ts).
 */
export function bookSlot(ctx: ServiceContext, actor: Actor, input: BookInput, enter: boolean, passId: string | null = null): Session {
  const { q, db } = ctx.store;
  const sessionId = ctx.store.q.tx(() => {
    const zone = pickZone(ctx, input.zoneId, passId);
    if (enter) assertRoomForWalkIn(ctx.store, zone);
    // Spaces held for passes: a walk-in is refused when only those are left; a booking too.
    assertZoneRoom(ctx, zone, passId, !enter);
    const openSession = q.first(
      db.selectFrom('sessions').innerJoin('vehicles', 'vehicles.id', 'sessions.vehicle_id')
        .innerJoin('slots', 'slots.id', 'sessions.slot_id')
        .select(['sessions.status', 'slots.slot_number'])
        .where('vehicles.vehicle_number', '=', input.vehicleNumber).where(OPEN_SESSION),
    );
    if (openSession) {
      throw AppError.keyed(
        'CONFLICT', 'entry.alreadyInside', { plate: input.vehicleNumber, slot: openSession.slot_number, status: openSession.status },
        `Vehicle ${input.vehicleNumber} is already ${openSession.status.toLowerCase()} at slot ${openSession.slot_number}.`,
        { status: openSession.status, slotNumber: openSession.slot_number },
      );
    }
    const slot = q.first(
      db.selectFrom('slots').select(['id', 'slot_number'])
        .where('zone_id', '=', zone.id).where('current_session_id', 'is', null)
        .orderBy('position').limit(1),
    );
    if (!slot) throw new AppError('NO_SLOT_AVAILABLE', `Zone ${zone.name} is full. Pick another zone.`);

    const vehicleId = upsertVehicle(ctx, input.vehicleNumber, input.ownerName);
    const now = ctx.clock.now();
    const id = newId(ctx.clock);
    const payload = { sessionId: id, zoneId: zone.id, slotNumber: slot.slot_number, entryAtMs: enter ? now : null };
    // The compact form keeps the QR small (version 4); ids that are not UUIDs keep the long form.
    const code = fitsCompactTicket(payload) ? signCompactTicket(payload, ctx.ticketKey) : signTicket({ ...payload, kioskId: ctx.kioskId }, ctx.ticketKey);
    q.run(db.insertInto('sessions').values({
      id, code, vehicle_id: vehicleId, zone_id: zone.id, slot_id: slot.id,
      status: enter ? 'PARKED' : 'BOOKED', booked_at: now, entry_at: enter ? now : null, exit_at: null,
      quote_amount_paise: null, quoted_at: null, quote_valid_until: null, amount_due_paise: null, last_paid_at: null,
      conflict_reason: null, origin_kiosk_id: ctx.kioskId, created_by: actor.operatorId, created_at: now, updated_at: now,
    }));
    const taken = q.run(
      db.updateTable('slots').set({ current_session_id: id }).where('id', '=', slot.id).where('current_session_id', 'is', null),
    );
    if (taken !== 1) throw new AppError('NO_SLOT_AVAILABLE', 'That slot was just taken. Try again.');
    recordSessionChange(ctx, actor, enter ? 'session.ticketIssued' : 'session.booked', id, {
      vehicleNumber: input.vehicleNumber, zone: zone.name, slot: slot.slot_number,
    });
    if (enter) ctx.lane.causeGiven(actor, { kind: 'ENTRY_ACCEPTED', sessionId: id });
    return id;
  });
  return sessionView(ctx, sessionId);
}

export function scanEntry(ctx: ServiceContext, actor: Actor, code: string): Session {
  const { q, db } = ctx.store;
  const sessionId = q.tx(() => {
    const session = sessionRowByCode(ctx, code);
    assertTransition(session.status as never, 'PARKED');
    const now = ctx.clock.now();
    const changed = q.run(
      db.updateTable('sessions').set({ status: 'PARKED', entry_at: now, updated_at: now })
        .where('id', '=', session.id).where('status', '=', 'BOOKED'),
    );
    if (changed !== 1) throw new AppError('ALREADY_ENTERED');
    recordSessionChange(ctx, actor, 'session.entered', session.id, {});
    ctx.lane.causeGiven(actor, { kind: 'ENTRY_ACCEPTED', sessionId: session.id });
    return session.id;
  });
  return sessionView(ctx, sessionId);
}
