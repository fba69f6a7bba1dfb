/** Zones (with their tariff) and slots. Changes are audited and go to the outbox for other gates. */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Slot, TariffOptions, Zone } from '../../src-shared/contracts/entities.js';
import { DEFAULT_TARIFF_OPTIONS } from '../../src-shared/domain/tariff.js';
import { newId } from '../core/ids.js';
import type { Actor, ServiceContext } from './context.js';
import { zoneRow } from './session-records.js';
import { toZone } from './views.js';

export interface ZoneInput {
  name: string;
  hourlyRatePaise: number;
  isActive?: boolean | undefined;
  tariff?: Partial<TariffOptions> | undefined;
}

function recordZoneChange(ctx: ServiceContext, actor: Actor, action: 'zone.created' | 'zone.updated' | 'slots.created', zoneId: string, details: Record<string, unknown>): void {
  const { q, db } = ctx.store;
  ctx.audit.append({ operatorId: actor.operatorId, action, entityType: 'zone', entityId: zoneId, details });
  const zone = q.first(db.selectFrom('zones').selectAll().where('id', '=', zoneId));
  const slots = q.all(db.selectFrom('slots').select(['id', 'slot_number', 'position']).where('zone_id', '=', zoneId));
  ctx.outbox.append(action, zoneId, { zone, slots });
}

export function listZones(ctx: ServiceContext, includeInactive = true): Zone[] {
  const { q, db } = ctx.store;
  let query = db
    .selectFrom('zones')
    .selectAll()
    .select((eb) => [
      eb.selectFrom('slots').select((e) => e.fn.countAll<number>().as('n')).whereRef('slots.zone_id', '=', 'zones.id').as('total'),
      eb.selectFrom('slots').select((e) => e.fn.countAll<number>().as('n')).whereRef('slots.zone_id', '=', 'zones.id')
        .where('slots.current_session_id', 'is', null).as('free'),
    ])
    .orderBy('position');
  if (!includeInactive) query = query.where('is_active', '=', 1);
  return q.all(query).map(({ total, free, ...z }) => toZone(z, total ?? 0, free ?? 0));
}

function zoneById(ctx: ServiceContext, zoneId: string): Zone {
  const zone = listZones(ctx).find((z) => z.id === zoneId);
  if (!zone) throw new AppError('NOT_FOUND', 'No such zone.');
  return zone;
}

function assertNameFree(ctx: ServiceContext, name: string, exceptId?: string): void {
  const { q, db } = ctx.store;
  const clash = q.first(db.selectFrom('zones').select('id').where('name', '=', name));
  if (clash && clash.id !== exceptId) throw new AppError('CONFLICT', `A zone named ${name} already exists.`);
}

export function createZone(ctx: ServiceContext, actor: Actor, input: ZoneInput): Zone {
  const { q, db } = ctx.store;
  const id = q.tx(() => {
    assertNameFree(ctx, input.name);
    const now = ctx.clock.now();
    const last = q.first(db.selectFrom('zones').select((eb) => eb.fn.max('position').as('p')));
    const t = { ...DEFAULT_TARIFF_OPTIONS, ...input.tariff };
    const zoneId = newId(ctx.clock);
    q.run(db.insertInto('zones').values({
      id: zoneId, name: input.name, position: (last?.p ?? 0) + 1, hourly_rate_paise: input.hourlyRatePaise,
      is_active: input.isActive === false ? 0 : 1, grace_minutes: t.graceMinutes, daily_cap_paise: t.dailyCapPaise,
      lost_ticket_fee_paise: t.lostTicketFeePaise, exit_grace_minutes: t.exitGraceMinutes, created_at: now, updated_at: now,
    }));
    recordZoneChange(ctx, actor, 'zone.created', zoneId, { name: input.name, hourlyRatePaise: input.hourlyRatePaise });
    return zoneId;
  });
  return zoneById(ctx, id);
}

export function updateZone(ctx: ServiceContext, actor: Actor, zoneId: string, input: Partial<ZoneInput>): Zone {
  const { q, db } = ctx.store;
  q.tx(() => {
    const zone = zoneRow(ctx, zoneId);
    if (input.name !== undefined) assertNameFree(ctx, input.name, zoneId);
    const t = input.tariff ?? {};
    q.run(db.updateTable('zones').set({
      name: input.name ?? zone.name,
      hourly_rate_paise: input.hourlyRatePaise ?? zone.hourly_rate_paise,
      is_active: input.isActive === undefined ? zone.is_active : input.isActive ? 1 : 0,
      grace_minutes: t.graceMinutes ?? zone.grace_minutes,
      daily_cap_paise: t.dailyCapPaise === undefined ? zone.daily_cap_paise : t.dailyCapPaise,
      lost_ticket_fee_paise: t.lostTicketFeePaise === undefined ? zone.lost_ticket_fee_paise : t.lostTicketFeePaise,
      exit_grace_minutes: t.exitGraceMinutes ?? zone.exit_grace_minutes,
      updated_at: ctx.clock.now(),
    }).where('id', '=', zoneId));
    recordZoneChange(ctx, actor, 'zone.updated', zoneId, { ...input });
  });
  return zoneById(ctx, zoneId);
}

export function listSlots(ctx: ServiceContext, zoneId: string): Slot[] {
  const { q, db } = ctx.store;
  zoneRow(ctx, zoneId);
  const rows = q.all(
    db.selectFrom('slots')
      .leftJoin('sessions', 'sessions.id', 'slots.current_session_id')
      .leftJoin('vehicles', 'vehicles.id', 'sessions.vehicle_id')
      .select(['slots.id', 'slots.zone_id', 'slots.slot_number', 'slots.current_session_id', 'vehicles.vehicle_number'])
      .where('slots.zone_id', '=', zoneId)
      .orderBy('slots.position'),
  );
  return rows.map((r) => ({
    id: r.id,
    zoneId: r.zone_id,
    slotNumber: r.slot_number,
    isOccupied: r.current_session_id !== null,
    currentVehicle: r.vehicle_number ?? null,
    currentSessionId: r.current_session_id,
  }));
}

export function createSlots(ctx: ServiceContext, actor: Actor, zoneId: string, slotNumbers: string[]): Slot[] {
  const { q, db } = ctx.store;
  const wanted = slotNumbers.map((s) => s.trim().toUpperCase());
  const dupes = wanted.filter((s, i) => wanted.indexOf(s) !== i);
  if (dupes.length) throw new AppError('VALIDATION_FAILED', `Slot ${dupes[0]} is listed twice.`);
  q.tx(() => {
    zoneRow(ctx, zoneId);
    const existing = q.all(db.selectFrom('slots').select('slot_number').where('zone_id', '=', zoneId).where('slot_number', 'in', wanted));
    if (existing.length) throw new AppError('CONFLICT', `Slot ${existing[0]!.slot_number} already exists in this zone.`);
    const last = q.first(db.selectFrom('slots').select((eb) => eb.fn.max('position').as('p')).where('zone_id', '=', zoneId));
    let position = last?.p ?? 0;
    const now = ctx.clock.now();
    for (const slotNumber of wanted) {
      position += 1;
      q.run(db.insertInto('slots').values({
        id: newId(ctx.clock), zone_id: zoneId, slot_number: slotNumber, position, current_session_id: null, created_at: now,
      }));
    }
    recordZoneChange(ctx, actor, 'slots.created', zoneId, { slotNumbers: wanted });
  });
  const created = new Set(wanted);
  return listSlots(ctx, zoneId).filter((s) => created.has(s.slotNumber));
}
