/**
 * When a validated session completes: each validation's discount of the last pricing becomes final
 * (settled), a prepaid merchant's balance is drawn by it, and the settlement syncs for reports and
 * bill-back. Runs inside the completing transaction.
 */
import { newId } from '../core/ids.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { loadValidations } from './pricing.js';
import { recordValidation } from './records.js';

/** Settles the session's validations; returns the total discount (0: none). */
export function settleValidations(ctx: ServiceContext, actor: Actor | null, sessionId: string): number {
  const { q, db } = ctx.store;
  let total = 0;
  const now = ctx.clock.now();
  for (const l of loadValidations(ctx, sessionId)) {
    if (l.row.settled === 1) continue;
    q.run(db.updateTable('session_validations').set({ settled: 1, updated_at: now }).where('id', '=', l.row.id));
    const row = { ...l.row, settled: 1 as const, updated_at: now };
    total += row.discount_paise;
    recordValidation(ctx, actor, 'validation.settled', row, { discountPaise: row.discount_paise, reasonCode: l.program.reason_code });
    if (l.prepaid && row.discount_paise > 0) {
      const entry = { id: newId(ctx.clock), merchant_id: row.merchant_id, kind: 'DRAW' as const, amount_paise: -row.discount_paise, validation_id: row.id, operator_id: actor?.operatorId ?? null, kiosk_id: ctx.kioskId, at: now };
      q.run(db.insertInto('merchant_ledger').values(entry));
      ctx.outbox.append('merchant.ledger', entry.id, { entry });
    }
  }
  return total;
}
