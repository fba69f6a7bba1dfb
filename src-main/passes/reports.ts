/**
 * Pass reports for one local day (docs/passes.md "Reports"): every entry, exit and reset on a pass
 * at any gate (as synced here); the anti-passback flags, the ones a gate raised (SOFT let a car
 * through) and the ones the server's fold raised for what offline gates could not see (pulled as
 * `passFlag` changes, so the list works offline); and the revenue forgone: per completed pass
 * visit, what the zone's tariff would charge for the whole stay minus what it charges for the part
 * the pass did not cover (both at the zone's current tariff, validations left out).
 */
import type { PassApiResults } from '../../src-shared/contracts/passes.js';
import { priceVisit } from '../../src-shared/domain/validation.js';
import type { ServiceContext } from '../services/context.js';
import { zoneRow } from '../services/session-records.js';
import { getSettings } from '../services/settings.js';
import { iso, zoneTariff } from '../services/views.js';
import { dayBounds } from '../reports/time.js';
import { passBilledFrom } from './visit.js';

/** From the start of `date` to the end of `to` (the same day when absent), facility-local. */
function bounds(ctx: ServiceContext, date: string, to = date) {
  const timeZone = getSettings(ctx).timeZone;
  return { start: dayBounds(date, timeZone).start, end: dayBounds(to, timeZone).end };
}

export function passMovementsReport(ctx: ServiceContext, date: string, to?: string): PassApiResults['passes.movements'] {
  const { q, db } = ctx.store;
  const { start, end } = bounds(ctx, date, to);
  const rows = q.all(db.selectFrom('pass_movements as m').innerJoin('season_passes as p', 'p.id', 'm.pass_id')
    .leftJoin('sessions as s', 's.id', 'm.session_id').leftJoin('vehicles as v', 'v.id', 's.vehicle_id')
    .select(['m.id', 'm.pass_id', 'p.holder_name', 'm.direction', 'm.session_id', 'v.vehicle_number', 'm.flag', 'm.kiosk_id', 'm.operator_id', 'm.at'])
    .where('m.at', '>=', start).where('m.at', '<', end).orderBy('m.at').orderBy('m.id'));
  const items = rows.map((r) => ({
    movementId: r.id, passId: r.pass_id, holderName: r.holder_name, direction: r.direction, sessionId: r.session_id, vehicleNumber: r.vehicle_number ?? null,
    flag: r.flag, kioskId: r.kiosk_id, operatorId: r.operator_id, at: iso(r.at)!,
  }));
  const n = (d: string) => items.filter((i) => i.direction === d).length;
  return { date, entries: n('ENTRY'), exits: n('EXIT'), resets: n('RESET'), items };
}

export function passFlagsReport(ctx: ServiceContext, date: string | undefined, to?: string): PassApiResults['passes.flags'] {
  const { q, db } = ctx.store;
  let query = db.selectFrom('pass_movements as m').innerJoin('season_passes as p', 'p.id', 'm.pass_id')
    .leftJoin('pass_fold_flags as f', 'f.movement_id', 'm.id')
    .select(['m.id', 'm.pass_id', 'p.holder_name', 'p.anti_passback', 'm.direction', 'm.session_id', 'm.kiosk_id', 'm.at', 'm.flag', 'f.status as fold_status', 'f.flag as fold_flag'])
    .where((eb) => eb.or([eb('m.flag', 'is not', null), eb('f.status', '=', 'FLAGGED')]));
  if (date !== undefined) {
    const { start, end } = bounds(ctx, date, to);
    query = query.where('m.at', '>=', start).where('m.at', '<', end);
  }
  return q.all(query.orderBy('m.at').orderBy('m.id')).map((r) => ({
    movementId: r.id, passId: r.pass_id, holderName: r.holder_name, antiPassback: r.anti_passback, direction: r.direction as 'ENTRY' | 'EXIT',
    sessionId: r.session_id, kioskId: r.kiosk_id, at: iso(r.at)!,
    gateFlag: r.flag, serverFlag: r.fold_status === 'FLAGGED' ? r.fold_flag : null,
  }));
}

export function passForgoneReport(ctx: ServiceContext, date: string, to?: string): PassApiResults['passes.forgone'] {
  const { q, db } = ctx.store;
  const { start, end } = bounds(ctx, date, to);
  const rows = q.all(db.selectFrom('pass_movements as m').innerJoin('sessions as s', 's.id', 'm.session_id').innerJoin('season_passes as p', 'p.id', 'm.pass_id')
    .selectAll('s').select(['p.id as pass_id', 'p.holder_name'])
    .where('m.direction', '=', 'ENTRY').where('s.status', '=', 'COMPLETED').where('s.exit_at', '>=', start).where('s.exit_at', '<', end)
    .orderBy('s.exit_at').orderBy('s.id'));
  const items = rows.map((s) => {
    const exitAt = s.exit_at!;
    const entryAt = s.entry_at ?? s.created_at;
    const tariff = zoneTariff(zoneRow(ctx, s.zone_id));
    const price = (fromMs: number, graceMinutes?: number) => priceVisit({
      tariff: graceMinutes === undefined ? tariff : { ...tariff, graceMinutes }, entryAtMs: fromMs, nowMs: exitAt, paidPaise: 0, lastPaidAtMs: null, lostTicket: false, validations: [],
    }).feeBeforeValidationPaise;
    const fullFeePaise = price(entryAt);
    const from = passBilledFrom(ctx, s, exitAt);
    const billedPaise = from === null || from >= exitAt ? 0 : price(from, 0);
    return { sessionId: s.id, passId: s.pass_id, holderName: s.holder_name, entryAt: iso(entryAt)!, exitAt: iso(exitAt)!, fullFeePaise, billedPaise, forgonePaise: Math.max(0, fullFeePaise - billedPaise) };
  });
  return { date, visits: items.length, forgonePaise: items.reduce((n, i) => n + i.forgonePaise, 0), items };
}
