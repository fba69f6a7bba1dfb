/**
 * Merchants and programs another gate (or the server) changed, as pulled: the server sends its
 * last-writer-by-HLC state, which replaces this gate's row. Inside the pull's transaction.
 */
import type { ledgerSnapSchema, MerchantSnap, ProgramSnap, ValidationSnap } from '../../src-shared/contracts/validations.js';
import type { z } from 'zod';
import type { ServiceContext } from '../services/context.js';

type Outcome = 'applied' | 'unchanged';

export function applyRemoteMerchant(ctx: ServiceContext, m: MerchantSnap): Outcome {
  const { q, db } = ctx.store;
  const cur = q.first(db.selectFrom('merchants').selectAll().where('id', '=', m.id));
  if (cur && JSON.stringify(cur) === JSON.stringify({ ...cur, ...m })) return 'unchanged';
  const { id: _id, created_at: _c, ...update } = m;
  void _id; void _c;
  q.run(db.insertInto('merchants').values(m).onConflict((oc) => oc.column('id').doUpdateSet(update)));
  ctx.audit.append({ operatorId: null, action: 'sync.merchantApplied', entityType: 'merchant', entityId: m.id, details: { name: m.name } });
  return 'applied';
}

export function applyRemoteProgram(ctx: ServiceContext, p: ProgramSnap): Outcome {
  const { q, db } = ctx.store;
  const cur = q.first(db.selectFrom('validation_programs').selectAll().where('id', '=', p.id));
  if (cur && JSON.stringify(cur) === JSON.stringify({ ...cur, ...p })) return 'unchanged';
  const { id: _id, created_at: _c, ...update } = p;
  void _id; void _c;
  // A program of a merchant not here yet fails its foreign key: the change is kept and retried after the merchant's arrives.
  q.run(db.insertInto('validation_programs').values(p).onConflict((oc) => oc.column('id').doUpdateSet(update)));
  ctx.audit.append({ operatorId: null, action: 'sync.validationProgramApplied', entityType: 'validationProgram', entityId: p.id, details: { name: p.name } });
  return 'applied';
}

/** A ledger entry of any gate (entries never change: the first copy stays). A merchant not here yet fails its key and is retried. */
export function applyRemoteLedger(ctx: ServiceContext, entry: z.infer<typeof ledgerSnapSchema>): Outcome {
  const { q, db } = ctx.store;
  return q.run(db.insertInto('merchant_ledger').values(entry).onConflict((oc) => oc.column('id').doNothing())) === 1 ? 'applied' : 'unchanged';
}

/**
 * A validation of any gate. A settled row is final (an older unsettled copy never undoes it);
 * otherwise the later change wins. A second use of a code this gate already holds under another
 * validation is not stored here (the server's fold flags it); a session or program not here yet
 * fails its key and is retried.
 */
export function applyRemoteValidation(ctx: ServiceContext, v: ValidationSnap): Outcome {
  const { q, db } = ctx.store;
  const cur = q.first(db.selectFrom('session_validations').selectAll().where('id', '=', v.id));
  if (cur) {
    if (cur.settled === 1 && v.settled === 0) return 'unchanged';
    if (cur.settled === v.settled && cur.updated_at >= v.updated_at) return 'unchanged';
    q.run(db.updateTable('session_validations').set({ discount_paise: v.discount_paise, fee_before_paise: v.fee_before_paise, settled: v.settled, updated_at: v.updated_at }).where('id', '=', v.id));
    return 'applied';
  }
  if (v.code_id !== null && q.first(db.selectFrom('session_validations').select('id').where('code_id', '=', v.code_id))) return 'unchanged';
  if (q.first(db.selectFrom('session_validations').select('id').where('session_id', '=', v.session_id).where('program_id', '=', v.program_id))) return 'unchanged';
  q.run(db.insertInto('session_validations').values(v));
  ctx.audit.append({ operatorId: null, action: 'sync.validationApplied', entityType: 'session', entityId: v.session_id, details: { validationId: v.id, programId: v.program_id, kioskId: v.kiosk_id } });
  return 'applied';
}
