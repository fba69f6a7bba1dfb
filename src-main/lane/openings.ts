/**
 * Barrier openings as stored (lane_openings): written in the caller's transaction with the cause
 * that asked for them, moved through PENDING -> OPEN -> CLOSED (or EXPIRED) by the lane service.
 */
import type { LaneOpening, OpeningCause, OpeningStatus } from '../../src-shared/contracts/lane.js';
import type { LaneOpeningSnapshot } from '../../src-shared/contracts/lane-events.js';
import type { OpenCause } from '../../src-shared/domain/lane-state.js';
import { newId } from '../core/ids.js';
import type { LaneOpeningRow } from '../store/schema.js';
import type { LaneCore } from './lane-core.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The cash shift open at this kiosk now: the operator's own if they have one, else the kiosk's latest. */
export function openShiftIdAt(core: LaneCore, operatorId: string | null): string | null {
  const { q, db } = core.store;
  if (operatorId) {
    const own = q.first(db.selectFrom('shifts').select('id').where('operator_id', '=', operatorId).where('status', '=', 'OPEN'));
    if (own) return own.id;
  }
  const any = q.first(
    db.selectFrom('shifts').select('id').where('kiosk_id', '=', core.kioskId).where('status', '=', 'OPEN').orderBy('opened_at', 'desc').limit(1),
  );
  return any?.id ?? null;
}

export interface NewOpening {
  cause: OpenCause;
  operatorId: string | null;
  manual?: { supervisorId: string; reasonCode: string; reasonText: string | null; snapshot: string | null };
}

/** Inserts a PENDING opening; must run inside the caller's transaction (the one that gave the cause). */
export function insertOpening(core: LaneCore, input: NewOpening): LaneOpeningRow {
  const now = core.clock.now();
  const c = input.cause;
  const row: LaneOpeningRow = {
    id: c.kind === 'MANUAL' ? c.openingId : newId(core.clock),
    kiosk_id: core.kioskId,
    cause: c.kind,
    basis: c.kind === 'EXIT_ALLOWED' ? c.basis : null,
    session_id: c.kind === 'MANUAL' ? null : c.sessionId,
    status: 'PENDING',
    requested_at: now,
    raised_at: null,
    closed_at: null,
    close_reason: null,
    cars: 0,
    operator_id: input.operatorId,
    shift_id: openShiftIdAt(core, input.operatorId),
    supervisor_id: input.manual?.supervisorId ?? null,
    reason_code: input.manual?.reasonCode ?? null,
    reason_text: input.manual?.reasonText ?? null,
    snapshot: input.manual?.snapshot ?? null,
    created_at: now,
    updated_at: now,
  };
  core.store.q.run(core.store.db.insertInto('lane_openings').values(row));
  return row;
}

export function openingRow(core: LaneCore, id: string): LaneOpeningRow | undefined {
  return core.store.q.first(core.store.db.selectFrom('lane_openings').selectAll().where('id', '=', id));
}

export function updateOpening(
  core: LaneCore, id: string,
  patch: Partial<Pick<LaneOpeningRow, 'status' | 'raised_at' | 'closed_at' | 'close_reason' | 'cars'>>,
): LaneOpeningRow | undefined {
  core.store.q.run(core.store.db.updateTable('lane_openings').set({ ...patch, updated_at: core.clock.now() }).where('id', '=', id));
  return openingRow(core, id);
}

/** Openings not carried out yet, oldest first (restored into the state machine at start). */
export function liveOpenings(core: LaneCore): LaneOpeningRow[] {
  return core.store.q.all(
    core.store.db.selectFrom('lane_openings').selectAll().where('status', 'in', ['PENDING', 'OPEN']).where('kiosk_id', '=', core.kioskId)
      .orderBy('requested_at').orderBy('id'),
  );
}

export function causeOf(row: LaneOpeningRow): OpenCause {
  if (row.cause === 'MANUAL') return { kind: 'MANUAL', openingId: row.id };
  if (row.cause === 'ENTRY_ACCEPTED') return { kind: 'ENTRY_ACCEPTED', sessionId: row.session_id ?? '' };
  return { kind: 'EXIT_ALLOWED', sessionId: row.session_id ?? '', basis: (row.basis ?? 'PAID') as 'PAID' };
}

export function openingSnapshot(row: LaneOpeningRow): LaneOpeningSnapshot {
  return {
    id: row.id, kioskId: row.kiosk_id, cause: row.cause as OpeningCause, basis: row.basis as LaneOpeningSnapshot['basis'],
    sessionId: row.session_id, status: row.status as OpeningStatus, requestedAt: row.requested_at, raisedAt: row.raised_at,
    closedAt: row.closed_at, closeReason: row.close_reason, cars: row.cars, operatorId: row.operator_id, shiftId: row.shift_id,
    supervisorId: row.supervisor_id, reasonCode: row.reason_code, reasonText: row.reason_text,
  };
}

function names(core: LaneCore, ids: (string | null)[]): Map<string, string> {
  const wanted = [...new Set(ids.filter((i): i is string => i !== null))];
  if (!wanted.length) return new Map();
  const rows = core.store.q.all(core.store.db.selectFrom('operators').select(['id', 'name']).where('id', 'in', wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

function vehicles(core: LaneCore, sessionIds: (string | null)[]): Map<string, string> {
  const wanted = [...new Set(sessionIds.filter((i): i is string => i !== null))];
  if (!wanted.length) return new Map();
  const rows = core.store.q.all(
    core.store.db.selectFrom('sessions').innerJoin('vehicles', 'vehicles.id', 'sessions.vehicle_id')
      .select(['sessions.id', 'vehicles.vehicle_number']).where('sessions.id', 'in', wanted),
  );
  return new Map(rows.map((r) => [r.id, r.vehicle_number]));
}

export function toOpenings(core: LaneCore, rows: LaneOpeningRow[]): LaneOpening[] {
  const who = names(core, rows.flatMap((r) => [r.operator_id, r.supervisor_id]));
  const cars = vehicles(core, rows.map((r) => r.session_id));
  return rows.map((r) => ({
    id: r.id,
    kioskId: r.kiosk_id,
    cause: r.cause as OpeningCause,
    basis: r.basis as LaneOpening['basis'],
    sessionId: r.session_id,
    vehicleNumber: r.session_id ? cars.get(r.session_id) ?? null : null,
    status: r.status as OpeningStatus,
    requestedAt: iso(r.requested_at)!,
    raisedAt: iso(r.raised_at),
    closedAt: iso(r.closed_at),
    closeReason: r.close_reason,
    cars: r.cars,
    operatorName: r.operator_id ? who.get(r.operator_id) ?? null : null,
    supervisorName: r.supervisor_id ? who.get(r.supervisor_id) ?? null : null,
    reasonCode: r.reason_code,
    reasonText: r.reason_text,
    hasSnapshot: r.snapshot !== null,
  }));
}

/** Manual openings of one cash shift (the Z report) or of a time range (the daily report), oldest first. */
export function manualOpenings(core: LaneCore, where: { shiftId: string } | { start: number; end: number }): LaneOpening[] {
  let query = core.store.db.selectFrom('lane_openings').selectAll().where('cause', '=', 'MANUAL');
  query = 'shiftId' in where ? query.where('shift_id', '=', where.shiftId) : query.where('requested_at', '>=', where.start).where('requested_at', '<', where.end);
  return toOpenings(core, core.store.q.all(query.orderBy('requested_at').orderBy('id')));
}
