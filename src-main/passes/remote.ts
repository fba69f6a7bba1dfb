/** Passes, pass movements of other gates and the server fold's verdicts, as pulled (inside the pull's transaction). */
import type { MovementSnap, PassSnap } from '../../src-shared/contracts/passes.js';
import type { SyncChange } from '../../src-shared/contracts/sync.js';
import type { ServiceContext } from '../services/context.js';

type Outcome = 'applied' | 'unchanged';

/** The server's last-writer-by-HLC state of a pass replaces this gate's row. */
export function applyRemotePass(ctx: ServiceContext, p: PassSnap): Outcome {
  const { q, db } = ctx.store;
  const cur = q.first(db.selectFrom('season_passes').selectAll().where('id', '=', p.id));
  if (cur && JSON.stringify(cur) === JSON.stringify({ ...cur, ...p })) return 'unchanged';
  const { id: _id, created_at: _c, ...update } = p;
  void _id; void _c;
  q.run(db.insertInto('season_passes').values(p).onConflict((oc) => oc.column('id').doUpdateSet(update)));
  ctx.audit.append({ operatorId: null, action: 'sync.seasonPassApplied', entityType: 'seasonPass', entityId: p.id, details: { holderName: p.holder_name } });
  return 'applied';
}

/** A movement of any gate (movements never change; the first copy stays). A pass not here yet fails its key and is retried. */
export function applyRemoteMovement(ctx: ServiceContext, m: MovementSnap): Outcome {
  const { q, db } = ctx.store;
  if (q.first(db.selectFrom('pass_movements').select('id').where('id', '=', m.id))) return 'unchanged';
  // The same session's movement under another id (cannot happen from one gate) is kept once.
  if (m.session_id !== null && q.first(db.selectFrom('pass_movements').select('id').where('session_id', '=', m.session_id).where('direction', '=', m.direction))) return 'unchanged';
  q.run(db.insertInto('pass_movements').values(m));
  return 'applied';
}

/** The server fold's verdict on a movement (kept per movement; the latest wins). */
export function applyPassFlag(ctx: ServiceContext, c: Extract<SyncChange, { kind: 'passFlag' }>): Outcome {
  const { q, db } = ctx.store;
  const row = { movement_id: c.movementId, pass_id: c.passId, kiosk_id: c.kioskId, direction: c.direction, status: c.status, flag: c.flag, updated_at: ctx.clock.now() };
  const cur = q.first(db.selectFrom('pass_fold_flags').select(['status', 'flag']).where('movement_id', '=', c.movementId));
  if (cur && cur.status === c.status && cur.flag === c.flag) return 'unchanged';
  q.run(db.insertInto('pass_fold_flags').values(row).onConflict((oc) => oc.column('movement_id').doUpdateSet({ status: c.status, flag: c.flag, updated_at: row.updated_at })));
  return 'applied';
}
