/**
 * The pass events of a push: passes replicate to every gate by id (last writer by HLC); movements
 * go to every gate and into the anti-passback fold; sales are stored only.
 *
 * The fold replays a pass's movements in HLC order (ties by event id) under the pass's rule: an
 * entry while all its cars were in, or an exit with none in, is FLAGGED (two offline gates that
 * both admitted a HARD pass: the later entry), whatever order the gates' pushes arrive in. A
 * reset returns the pass to neutral. A changed verdict goes to every gate of the facility as a
 * `passFlag` change. A pass or a movement of a pass of another facility is refused in the push
 * (FOREIGN_FACILITY, push.ts `foreignSubjects`), so nothing of it is stored here.
 */
import { sql } from 'kysely';
import type { MovementSnap, PassSnap } from '../../src-shared/contracts/passes.js';
import { compareHlc, decodeHlc } from '../../src-shared/domain/hlc.js';
import { decideMovement, NEUTRAL_PRESENCE, type PassPresence } from '../../src-shared/domain/season-pass.js';
import { upsertEntity } from '../sync/replicated-entities.js';
import type { Batch, SyncWriter, Tx } from '../sync/write-batch.js';

export interface PassEvent { id: string; type: string; hlc: string; payload: object }

function byHlc(a: { hlc: string; event_id: string }, b: { hlc: string; event_id: string }): number {
  const x = decodeHlc(a.hlc);
  const y = decodeHlc(b.hlc);
  const c = x && y ? compareHlc(x, y) : a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0;
  return c !== 0 ? c : a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}

/** Statuses of one pass's movements, replayed in order (pure: the property of the fold). */
export function foldMovements<T extends { event_id: string; hlc: string; direction: 'ENTRY' | 'EXIT' | 'RESET' }>(
  moves: readonly T[], rule: { antiPassback: 'HARD' | 'SOFT'; maxCars: number },
): Map<string, { status: 'OK' | 'FLAGGED'; flag: 'ALREADY_IN' | 'NOT_IN' | null }> {
  const out = new Map<string, { status: 'OK' | 'FLAGGED'; flag: 'ALREADY_IN' | 'NOT_IN' | null }>();
  let p: PassPresence = NEUTRAL_PRESENCE;
  for (const m of [...moves].sort(byHlc)) {
    if (m.direction === 'RESET') { p = NEUTRAL_PRESENCE; out.set(m.event_id, { status: 'OK', flag: null }); continue; }
    // Judged as SOFT so the car that did move counts; flagged where the pass's rule objects.
    const d = decideMovement('SOFT', rule.maxCars, p, m.direction);
    if (!d.allow) continue; // SOFT always allows
    p = d.next;
    out.set(m.event_id, d.flagged ? { status: 'FLAGGED', flag: d.reason } : { status: 'OK', flag: null });
  }
  return out;
}

export async function applyPassEvents(w: SyncWriter, trx: Tx, b: Batch, kioskId: string, events: PassEvent[]): Promise<void> {
  if (events.length === 0) return;
  const touched = new Set<string>();
  const now = w.now();
  for (const e of events) {
    if (e.type === 'seasonPass.upserted') {
      const p = (e.payload as { pass: PassSnap }).pass;
      if (await upsertEntity(w, trx, b, 'seasonPass', p.id, null, e.hlc, p)) {
        b.pending.push({ entityType: 'seasonPass', entityId: p.id, originKioskId: kioskId, data: { kind: 'seasonPass', pass: p } });
      }
      touched.add(p.id); // a changed rule re-folds
    } else if (e.type === 'pass.movement') {
      const m = (e.payload as { movement: MovementSnap }).movement;
      b.pending.push({ entityType: 'passMovement', entityId: m.id, originKioskId: kioskId, data: { kind: 'passMovement', movement: m } });
      await trx.insertInto('pass_movements').values({
        event_id: e.id, movement_id: m.id, pass_id: m.pass_id, kiosk_id: kioskId, direction: m.direction, session_id: m.session_id,
        hlc: e.hlc, status: 'OK', flag: null, received_at: now, facility_id: b.facilityId,
      }).onConflict((oc) => oc.column('event_id').doNothing()).execute();
      touched.add(m.pass_id);
    }
  }
  for (const passId of touched) {
    const rows = await trx.selectFrom('pass_movements').select(['event_id', 'movement_id', 'kiosk_id', 'hlc', 'direction', 'status', 'flag']).where('pass_id', '=', passId).execute();
    if (rows.length === 0) continue;
    const entity = await trx.selectFrom('sync_entities').select('data').where('entity_type', '=', 'seasonPass').where('entity_id', '=', passId).executeTakeFirst();
    const pass = entity ? (JSON.parse(entity.data) as PassSnap) : null;
    const folded = foldMovements(rows, { antiPassback: pass?.anti_passback ?? 'HARD', maxCars: pass?.max_cars ?? 1 });
    for (const r of rows) {
      const f = folded.get(r.event_id)!;
      if (r.status === f.status && r.flag === f.flag) continue;
      await trx.updateTable('pass_movements').set(f).where('event_id', '=', r.event_id).execute();
      // Every gate of the facility learns the verdict (its flags list shows it offline).
      if (r.direction !== 'RESET') {
        b.pending.push({ entityType: 'passFlag', entityId: r.movement_id, originKioskId: null, data: {
          kind: 'passFlag', movementId: r.movement_id, passId, kioskId: r.kiosk_id, direction: r.direction, status: f.status, flag: f.flag,
        } });
      }
    }
  }
}

/** Movements the fold flagged (anti-passback a gate could not see), oldest first; of one facility when given. */
export async function flaggedPassMovements(w: Pick<SyncWriter, 'db'>, facilityId?: string) {
  let q = w.db.selectFrom('pass_movements').selectAll().where('status', '=', sql.lit('FLAGGED'));
  if (facilityId !== undefined) q = q.where('facility_id', '=', facilityId);
  return q.orderBy('hlc').orderBy('event_id').execute();
}
