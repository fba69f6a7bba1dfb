/**
 * "Already exited", said with the facts the cashier needs to answer the driver: when the car left,
 * at which gate, its plate and what it paid. The screen formats them in the operator's language.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { SessionRow } from '../store/schema.js';
import type { ServiceContext } from './context.js';
import { iso } from './views.js';

export function alreadyExitedError(ctx: ServiceContext, session: SessionRow): AppError {
  const { q, db } = ctx.store;
  const plate = q.first(db.selectFrom('vehicles').select('vehicle_number').where('id', '=', session.vehicle_id))?.vehicle_number ?? '';
  const slot = q.first(db.selectFrom('slots').select('slot_number').where('id', '=', session.slot_id))?.slot_number ?? '';
  // The exit was recorded here when this kiosk's audit log holds it; otherwise another gate's sync brought it.
  const here = q.first(db.selectFrom('audit_log').select('id').where('entity_id', '=', session.id).where('action', '=', 'session.completed')) !== undefined;
  const exitAt = iso(session.exit_at);
  const params = { exitAt, gate: here ? 'THIS' : 'OTHER', plate, slot, amountPaidPaise: session.amount_paid_paise };
  const rupees = (session.amount_paid_paise / 100).toFixed(2);
  return AppError.keyed(
    'ALREADY_EXITED', 'session.alreadyExited', params,
    `Already exited: ${plate} left ${here ? 'at this gate' : 'at another gate'} at ${exitAt ?? 'an unknown time'} (slot ${slot}), paid Rs ${rupees}.`,
    { from: session.status, to: 'COMPLETED', ...params },
  );
}

/** A lost-ticket exit was authorised for its quoted amount: once that quote ran out it is done again. */
export function lostTicketRequoteError(): AppError {
  return AppError.keyed('CONFLICT', 'lostTicket.requote', {}, 'The lost-ticket quote ran out. Do the lost-ticket exit again.');
}
