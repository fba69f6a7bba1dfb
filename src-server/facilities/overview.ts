/**
 * Head office: per facility, occupancy now and the takings of one local day (the day in each
 * facility's own time zone; today by default).
 *
 * Occupancy: open synced sessions of the facility (cars in, bookings held at the gates) against the
 * slots of its zones (published by its gates, or the server's own); bookings the server still holds in its own zones count too.
 * Takings: the payments the gates recorded in the facility's sessions (cash and online) that
 * completed in the day and count under the shared rule (isCountedPayment: flagged late money only
 * once a supervisor accepted it), plus parker pre-payments of bookings that never reached a gate.
 * Refunded payments are listed apart (refundedPaise), not netted.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { CanonicalSession } from '../../src-shared/contracts/sync.js';
import { dayBounds, localDate } from '../../src-shared/domain/local-time.js';
import { isCountedPayment } from '../../src-shared/domain/payment-state.js';
import type { FacilityRow, ServerDatabase } from '../db/schema.js';
import type { SyncDatabase } from '../sync/schema.js';
import { toFacilityView, type FacilityView } from './facilities.js';

export interface FacilityOverview {
  facility: FacilityView;
  /** The local day reported (YYYY-MM-DD in the facility's time zone) and its UTC bounds. */
  day: { date: string; start: string; end: string };
  occupancy: { occupied: number; totalSlots: number; free: number };
  revenue: { totalPaise: number; cashPaise: number; onlinePaise: number; payments: number; refundedPaise: number };
  kiosks: number;
}

type Db = Kysely<ServerDatabase & SyncDatabase>;

export async function facilityOverviews(db0: Kysely<ServerDatabase>, now: number, date?: string): Promise<FacilityOverview[]> {
  const db = db0 as unknown as Db;
  const facilities = await db.selectFrom('facilities').selectAll().orderBy('created_at').orderBy('id').execute();
  const out: FacilityOverview[] = [];
  for (const f of facilities) out.push(await overview(db, f, now, date));
  return out;
}

async function overview(db: Db, f: FacilityRow, now: number, date: string | undefined): Promise<FacilityOverview> {
  const day = date ?? localDate(now, f.time_zone);
  let bounds: { start: number; end: number };
  try {
    bounds = dayBounds(day, f.time_zone);
  } catch {
    throw new AppError('VALIDATION_FAILED', 'date: YYYY-MM-DD (a real calendar day).');
  }
  return {
    facility: toFacilityView(f),
    day: { date: day, start: new Date(bounds.start).toISOString(), end: new Date(bounds.end).toISOString() },
    occupancy: await occupancy(db, f.id),
    revenue: await revenue(db, f.id, bounds),
    kiosks: Number((await db.selectFrom('kiosks').select((eb) => eb.fn.countAll().as('n')).where('facility_id', '=', f.id).where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow()).n),
  };
}

async function occupancy(db: Db, facilityId: string): Promise<FacilityOverview['occupancy']> {
  const open = await db.selectFrom('sync_sessions').select((eb) => eb.fn.countAll().as('n')).where('facility_id', '=', facilityId).where('is_open', '=', 1)
    .executeTakeFirstOrThrow();
  // Slots of every zone of the facility: the ones its gates published and the server's own (no gate knows those).
  const slots = await db.selectFrom('slots').innerJoin('zones', 'zones.id', 'slots.zone_id').select((eb) => eb.fn.countAll().as('n'))
    .where('zones.facility_id', '=', facilityId).executeTakeFirstOrThrow();
  const held = await db.selectFrom('bookings').select((eb) => eb.fn.countAll().as('n')).where('facility_id', '=', facilityId).where('status', '=', 'BOOKED')
    .where('released_at', 'is', null).where('id', 'not in', db.selectFrom('sync_sessions').select('id')).executeTakeFirstOrThrow();
  const occupied = Number(open.n) + Number(held.n);
  const totalSlots = Number(slots.n);
  return { occupied, totalSlots, free: Math.max(0, totalSlots - occupied) };
}

async function revenue(db: Db, facilityId: string, day: { start: number; end: number }): Promise<FacilityOverview['revenue']> {
  const r = { totalPaise: 0, cashPaise: 0, onlinePaise: 0, payments: 0, refundedPaise: 0 };
  const seen = new Set<string>();
  // A payment completed in the day reached the server after it completed: its session was stored since the day began.
  const rows = await db.selectFrom('sync_sessions').select('data').where('facility_id', '=', facilityId).where('updated_at', '>=', day.start).execute();
  for (const row of rows) {
    for (const p of (JSON.parse(row.data) as CanonicalSession).payments) {
      if (p.completed_at === null || p.completed_at < day.start || p.completed_at >= day.end || seen.has(p.id)) continue;
      seen.add(p.id);
      if (p.status === 'REFUNDED') r.refundedPaise += p.amount_paise;
      else if (isCountedPayment(p)) add(r, p.method, p.amount_paise);
    }
  }
  const prepaid = await db.selectFrom('payments').select(['id', 'status', 'late', 'review_reason', 'amount_paise', 'paid_amount_paise']).where('facility_id', '=', facilityId)
    .where('booking_id', 'is not', null).where('completed_at', '>=', day.start).where('completed_at', '<', day.end).execute();
  for (const p of prepaid) {
    if (seen.has(p.id)) continue; // already in its booked session at the gates
    if (p.status === 'REFUNDED') r.refundedPaise += p.amount_paise;
    else if (isCountedPayment(p)) add(r, 'ONLINE', p.paid_amount_paise ?? p.amount_paise);
  }
  return r;
}

function add(r: FacilityOverview['revenue'], method: string, paise: number): void {
  r.payments += 1;
  r.totalPaise += paise;
  if (method === 'CASH') r.cashPaise += paise;
  else r.onlinePaise += paise;
}
