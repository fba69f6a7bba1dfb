/**
 * The facility a gate belongs to, as validation codes name it: the `facility_id` meta row,
 * 'default' until one is set (a code of another facility is refused even when its signing key
 * is known here).
 */
import type { ServiceContext } from '../services/context.js';

export const DEFAULT_FACILITY_ID = 'default';

export function facilityId(ctx: ServiceContext): string {
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('meta').select('value').where('key', '=', 'facility_id'))?.value ?? DEFAULT_FACILITY_ID;
}

export function setFacilityId(ctx: ServiceContext, id: string): void {
  const { q, db } = ctx.store;
  q.run(db.insertInto('meta').values({ key: 'facility_id', value: id }).onConflict((oc) => oc.column('key').doUpdateSet({ value: id })));
}
