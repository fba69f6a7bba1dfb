/**
 * A cash shift's season pass sales: their own line on the Z report, cash and UPI apart. Cash pass
 * sales are in the drawer (the expected count includes them); UPI ones are not. A UPI pass sale
 * still waiting for the gateway keeps the shift open, as an exit's UPI payment does.
 */
import type { ServiceContext } from '../services/context.js';

export interface PassShiftTotals {
  cashPaise: number;
  cashCount: number;
  upiPaise: number;
  upiCount: number;
}

export function passShiftTotals(ctx: ServiceContext, shiftId: string): PassShiftTotals {
  const { q, db } = ctx.store;
  const rows = q.all(db.selectFrom('pass_sales')
    .select(['method', (eb) => eb.fn.sum<number>('amount_paise').as('total'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('shift_id', '=', shiftId).groupBy('method'));
  const of = (m: 'CASH' | 'UPI') => rows.find((r) => r.method === m);
  return {
    cashPaise: Number(of('CASH')?.total ?? 0), cashCount: Number(of('CASH')?.n ?? 0),
    upiPaise: Number(of('UPI')?.total ?? 0), upiCount: Number(of('UPI')?.n ?? 0),
  };
}

/** UPI pass sales of this shift still waiting for the gateway's word. */
export function pendingPassUpi(ctx: ServiceContext, shiftId: string): number {
  const { q, db } = ctx.store;
  const r = q.first(db.selectFrom('pass_upi_attempts').select((eb) => eb.fn.countAll<number>().as('n')).where('shift_id', '=', shiftId).where('status', '=', 'PENDING'));
  return Number(r?.n ?? 0);
}
