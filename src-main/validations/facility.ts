/**
 * The facility a gate belongs to, as validation and pass codes name it (a code of another
 * facility is refused even when its signing key is known here): the `facility_id` meta row. An
 * enrolled gate takes it from the server at every pull (src-main/sync/worker.ts); a standalone
 * gate, never told, is in the server's default facility, so enrolling it there later changes
 * nothing. (Migration 0027 pins the old unassigned name 'default' for a gate that already signed
 * codes under it.)
 */
import type { ServiceContext } from '../services/context.js';

/** The server's default facility (migrations/server/9980_facilities.ts; a test keeps the two equal). */
export const DEFAULT_FACILITY_ID = 'main';

export function facilityId(ctx: ServiceContext): string {
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('meta').select('value').where('key', '=', 'facility_id'))?.value ?? DEFAULT_FACILITY_ID;
}

export function setFacilityId(ctx: ServiceContext, id: string): void {
  const { q, db } = ctx.store;
  q.run(db.insertInto('meta').values({ key: 'facility_id', value: id }).onConflict((oc) => oc.column('key').doUpdateSet({ value: id })));
}

/**
 * The facility the server says this gate is enrolled in (inside the pull's transaction): stored
 * and audited when it differs. Codes signed here before (under the old id) no longer scan: their
 * passes are printed again (`passes.code` / `print.pass` sign with the new id).
 */
export function adoptServerFacility(ctx: ServiceContext, id: string): boolean {
  const before = facilityId(ctx);
  if (before === id) return false;
  setFacilityId(ctx, id);
  ctx.audit.append({ operatorId: null, action: 'facility.assigned', entityType: 'settings', entityId: null, details: { from: before, to: id } });
  return true;
}
