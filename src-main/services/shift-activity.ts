/**
 * A cash shift's non-drawer figures for the Z report (docs/shifts.md "Z report: UPI and counts"):
 * - UPI collected: the exits' ONLINE payments that succeeded on time (late = 0). A payment belongs to
 *   the shift when it carries the shift's id (set when it was started with the shift open), or, for a
 *   payment without one, when the shift's cashier started it inside the shift's window. A late
 *   (flagged) success is listed apart, never as collected: a supervisor still decides on it.
 * - tickets issued, lost-ticket exits and free exits (nothing paid) at this kiosk inside the window,
 *   whoever did them (the lane's attendant opens the gate for a free exit while the drawer is open).
 * The window is [opened_at, closed_at] on the injected clock, both ends included; an open shift's
 * window ends now.
 */
import type { ShiftActivity } from '../../src-shared/contracts/entities.js';
import type { ShiftRow } from '../store/schema.js';
import type { ServiceContext } from './context.js';

export function shiftWindow(ctx: ServiceContext, row: Pick<ShiftRow, 'opened_at' | 'closed_at'>): { from: number; to: number } {
  return { from: row.opened_at, to: row.closed_at ?? ctx.clock.now() };
}

export function shiftActivity(ctx: ServiceContext, row: Pick<ShiftRow, 'id' | 'operator_id' | 'opened_at' | 'closed_at'>): ShiftActivity {
  const { q, db } = ctx.store;
  const { from, to } = shiftWindow(ctx, row);
  const upi = q.all(
    db.selectFrom('payments')
      .select(['late', (eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_paise'), eb.lit(0)).as('total'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('method', '=', 'ONLINE').where('status', '=', 'SUCCESS')
      .where((eb) => eb.or([
        eb('shift_id', '=', row.id),
        eb.and([eb('shift_id', 'is', null), eb('operator_id', '=', row.operator_id), eb('created_at', '>=', from), eb('created_at', '<=', to)]),
      ]))
      .groupBy('late'),
  );
  const onTime = upi.find((r) => Number(r.late) === 0);
  const late = upi.find((r) => Number(r.late) === 1);
  const tickets = q.first(
    db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'session.ticketIssued').where('at', '>=', from).where('at', '<=', to),
  );
  const exits = q.first(
    db.selectFrom('audit_log as a').innerJoin('sessions as s', 's.id', 'a.entity_id')
      .select((eb) => [
        eb.fn.sum<number>(eb.case().when('s.lost_ticket', '=', 1).then(1).else(0).end()).as('lost'),
        eb.fn.sum<number>(eb.case().when(eb.and([eb('s.status', '=', 'COMPLETED'), eb('s.amount_paid_paise', '=', 0)])).then(1).else(0).end()).as('free'),
      ])
      .where('a.action', '=', 'session.completed').where('a.at', '>=', from).where('a.at', '<=', to),
  );
  return {
    upiPaise: Number(onTime?.total ?? 0), upiCount: Number(onTime?.n ?? 0),
    upiFlaggedPaise: Number(late?.total ?? 0), upiFlaggedCount: Number(late?.n ?? 0),
    ticketsIssued: Number(tickets?.n ?? 0), lostTicketExits: Number(exits?.lost ?? 0), freeExits: Number(exits?.free ?? 0),
  };
}
