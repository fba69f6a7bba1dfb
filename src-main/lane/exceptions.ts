/**
 * Revenue assurance: every car the loops counted (lane_passes) and what did not match an opening
 * (lane_exceptions). Written by the lane service from the state machine's PASS / CLOSED / HELD_UP
 * outputs; read per shift and per day by the reports.
 */
import type { OpeningCause, VendException, VendExceptionKind } from '../../src-shared/contracts/lane.js';
import type { PassMatch } from '../../src-shared/domain/lane-state.js';
import { newId } from '../core/ids.js';
import type { LaneExceptionRow } from '../store/schema.js';
import type { LaneCore } from './lane-core.js';
import { openShiftIdAt } from './openings.js';

export function recordPass(core: LaneCore, pass: { at: number; enteredAt: number; openingId: string | null; match: PassMatch }): string {
  const id = newId(core.clock);
  core.store.q.run(core.store.db.insertInto('lane_passes').values({
    id, kiosk_id: core.kioskId, at: pass.at, entered_at: pass.enteredAt, opening_id: pass.openingId, match: pass.match,
  }));
  return id;
}

/** Inserts a vend exception and its outbox event; must run inside the caller's transaction. */
export function recordException(
  core: LaneCore, kind: VendExceptionKind, at: number, refs: { openingId?: string | null; passId?: string | null }, detail: string,
): LaneExceptionRow {
  const row: LaneExceptionRow = {
    id: newId(core.clock), kiosk_id: core.kioskId, kind, at, opening_id: refs.openingId ?? null, pass_id: refs.passId ?? null,
    shift_id: openShiftIdAt(core, null), detail,
  };
  core.store.q.run(core.store.db.insertInto('lane_exceptions').values(row));
  core.audit.append({ operatorId: null, action: 'lane.exception', entityType: 'lane', entityId: row.id, details: { kind, openingId: row.opening_id, detail } });
  core.outbox.append('lane.exception', row.id, {
    exception: { id: row.id, kioskId: row.kiosk_id, kind, at, openingId: row.opening_id, passId: row.pass_id, shiftId: row.shift_id, detail },
  });
  return row;
}

/** Vend exceptions of one shift or one time range, oldest first, with the opening's cause and car. */
export function listExceptions(core: LaneCore, where: { shiftId: string } | { start: number; end: number }): VendException[] {
  const { q, db } = core.store;
  let query = db.selectFrom('lane_exceptions as e')
    .leftJoin('lane_openings as o', 'o.id', 'e.opening_id')
    .leftJoin('sessions as s', 's.id', 'o.session_id')
    .leftJoin('vehicles as v', 'v.id', 's.vehicle_id')
    .leftJoin('shifts as sh', 'sh.id', 'e.shift_id')
    .leftJoin('operators as op', 'op.id', 'sh.operator_id')
    .select(['e.id', 'e.kind', 'e.at', 'e.kiosk_id', 'e.opening_id', 'e.shift_id', 'e.detail', 'o.cause', 'o.session_id', 'v.vehicle_number', 'op.name as shift_operator'])
    .select((eb) => eb.case().when('o.snapshot', 'is not', null).then(1).else(0).end().as('has_snapshot'));
  query = 'shiftId' in where ? query.where('e.shift_id', '=', where.shiftId) : query.where('e.at', '>=', where.start).where('e.at', '<', where.end);
  return q.all(query.orderBy('e.at').orderBy('e.id')).map((r) => ({
    id: r.id,
    kind: r.kind as VendExceptionKind,
    at: new Date(r.at).toISOString(),
    kioskId: r.kiosk_id,
    openingId: r.opening_id,
    cause: (r.cause ?? null) as OpeningCause | null,
    sessionId: r.session_id ?? null,
    vehicleNumber: r.vehicle_number ?? null,
    shiftId: r.shift_id,
    shiftOperatorName: r.shift_operator ?? null,
    detail: r.detail,
    hasSnapshot: Number(r.has_snapshot) === 1,
  }));
}

export interface PassCounts {
  passes: number;
  matchedPasses: number;
  unmatchedPasses: number;
}

export function passCounts(core: LaneCore, start: number, end: number): PassCounts {
  const rows = core.store.q.all(
    core.store.db.selectFrom('lane_passes').select(['match', (eb) => eb.fn.countAll<number>().as('n')])
      .where('at', '>=', start).where('at', '<', end).where('kiosk_id', '=', core.kioskId).groupBy('match'),
  );
  const by = new Map(rows.map((r) => [r.match, Number(r.n)]));
  const matched = by.get('MATCHED') ?? 0;
  const all = rows.reduce((sum, r) => sum + Number(r.n), 0);
  return { passes: all, matchedPasses: matched, unmatchedPasses: all - matched };
}
