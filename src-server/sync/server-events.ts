/**
 * Glue between the server's own modules (parker bookings, online payments) and sync
 * (docs/sync.md "Parker bookings and online payment results").
 *
 * - Zones: the facility's gates publish zones/slots through sync, stored in the server's own
 *   `zones`/`slots` tables (src-server/sync/zones.ts; same ids, so the bookings' foreign keys hold).
 *   When any are published, parkers list and book ONLY those; the server's own seeded zones are
 *   the source only while no gate has published a zone (such bookings never reach a gate: no gate
 *   knows those slots).
 * - A booking in a published zone is a synced session with the booking's id: a server event
 *   `session.booked` (status BOOKED, slot held, code = the QR- booking code, the vehicle), and on
 *   the parker's cancel a `session.cancelled`. Both go through the session fold, so a slot clash
 *   with an offline gate's walk-in, or a cancel racing an entry scan, is settled by the same rules
 *   as between gates.
 * - Online payment results: after any state change of a kiosk's payment the server appends a
 *   `paymentResult` change entry; the long-polling kiosk that asked wakes at once and applies it
 *   through OnlinePayments.apply (amount and reference checked again there).
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { BookingRow, PaymentRow, ServerDatabase } from '../db/schema.js';
import { toPaymentView } from '../payments/view.js';
import type { Clock } from '../util/clock.js';
import type { CanonicalSession, SessionSnap } from '../../src-shared/contracts/sync.js';
import { PREPAID_EVENT, prepaymentSnap } from './prepaid.js';
import type { SyncDatabase } from './schema.js';
import { SERVER_NODE, type SyncService } from './service.js';
import { publishedZones } from './zones.js';

export type ServerSyncDb = Kysely<ServerDatabase & SyncDatabase>;

/** Change-entry kind for an online payment result (src-main/services/apply-remote.ts applies it). */
export const PAYMENT_RESULT_KIND = 'paymentResult';
/** origin_kiosk_id of sessions the server created (parker bookings). */
export const SERVER_ORIGIN = 'server';

export interface PublishedZone {
  id: string;
  facilityId: string;
  name: string;
  hourlyRatePaise: number;
  isActive: boolean;
  slots: { id: string; slot_number: string; position: number }[];
}

export class ServerSyncEvents {
  readonly db: ServerSyncDb;

  constructor(
    readonly sync: SyncService,
    db: Kysely<ServerDatabase>,
    private readonly clock: Clock,
    private readonly log: Pick<Logger, 'warn'>,
  ) {
    this.db = db as unknown as ServerSyncDb;
  }

  // ------------------------------------------------------------------ zones

  /** Zones the gates of a facility published (of every facility when none is named), in name order. Empty when none. */
  async publishedZones(facilityId?: string): Promise<PublishedZone[]> {
    return (await publishedZones(this.sync.db, facilityId)).map(({ zone: z, slots, facilityId: facility }) => ({
      id: z.id, facilityId: facility, name: z.name, hourlyRatePaise: z.hourly_rate_paise, isActive: z.is_active === 1, slots,
    }));
  }

  // ------------------------------------------------------------------ sessions

  async canonicalSession(sessionId: string): Promise<CanonicalSession | null> {
    const row = await this.db.selectFrom('sync_sessions').select('data').where('id', '=', sessionId).executeTakeFirst();
    return row ? (JSON.parse(row.data) as CanonicalSession) : null;
  }

  async canonicalSessions(ids: string[]): Promise<Map<string, CanonicalSession>> {
    const out = new Map<string, CanonicalSession>();
    for (let i = 0; i < ids.length; i += 400) {
      const rows = await this.db.selectFrom('sync_sessions').select(['id', 'data']).where('id', 'in', ids.slice(i, i + 400)).execute();
      for (const r of rows) out.set(r.id, JSON.parse(r.data) as CanonicalSession);
    }
    return out;
  }

  /** Slots of `zoneId` held by an open synced session (walk-ins, parked cars, published bookings). */
  async occupiedSlots(zoneId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('sync_sessions').select('slot_id').where('zone_id', '=', zoneId).where('is_open', '=', 1).execute();
    return new Set(rows.map((r) => r.slot_id));
  }

  async vehicleOpenAtGates(vehicleNumber: string, facilityId: string): Promise<boolean> {
    return Boolean(await this.db.selectFrom('sync_sessions').select('id').where('facility_id', '=', facilityId).where('vehicle_number', '=', vehicleNumber)
      .where('is_open', '=', 1).executeTakeFirst());
  }

  private snapshot(b: BookingRow, status: 'BOOKED' | 'CANCELLED', at: number): SessionSnap {
    return {
      id: b.id, code: b.code, zone_id: b.zone_id, slot_id: b.slot_id, status, booked_at: b.booked_at, entry_at: null, exit_at: null,
      quote_amount_paise: null, quoted_at: null, quote_valid_until: null, amount_due_paise: null, amount_paid_paise: 0, last_paid_at: null,
      lost_ticket: 0, conflict: 0, conflict_reason: null, origin_kiosk_id: SERVER_ORIGIN, created_by: null, created_at: b.booked_at, updated_at: at,
    };
  }

  /** Publishes a booking to the gates (idempotent). Returns the change-log position, null when already published. */
  publishBooking(b: BookingRow): Promise<number | null> {
    return this.sync.recordServerSessionEvent('session.booked', b.id, {
      session: this.snapshot(b, 'BOOKED', b.booked_at), vehicle: { vehicle_number: b.vehicle_number, owner_name: null }, bookingId: b.id,
    }, { once: true, facilityId: b.facility_id });
  }

  /** Publishes the parker's cancellation (idempotent). */
  publishCancellation(b: BookingRow): Promise<number | null> {
    const at = b.cancelled_at ?? this.clock.now();
    return this.sync.recordServerSessionEvent('session.cancelled', b.id, {
      session: this.snapshot(b, 'CANCELLED', at), vehicle: { vehicle_number: b.vehicle_number, owner_name: null }, bookingId: b.id, reason: 'Cancelled by the parker',
    }, { once: true, facilityId: b.facility_id });
  }

  /**
   * Publishes a booking's online pre-payment into its synced session (prepaid.ts): SUCCESS
   * without a flag is credited at the exit; REFUNDED after it was published is published again (no
   * longer credited; reports show the refund). Nothing while the booking has not reached the gates
   * (sweepBookings retries), for a flagged payment (a supervisor decides first), or when the gates
   * already have this state. Returns the change-log position, or null when nothing was recorded.
   */
  async publishPrepayment(p: PaymentRow): Promise<number | null> {
    if (!p.booking_id) return null;
    const creditable = p.status === 'SUCCESS' && p.review_reason === null;
    if (!creditable && p.status !== 'REFUNDED') return null;
    const last = await this.db.selectFrom('sync_events').select('payload').where('entity_id', '=', p.session_id)
      .where('kiosk_id', '=', SERVER_NODE).where('type', '=', PREPAID_EVENT).orderBy('hlc', 'desc').executeTakeFirst();
    const published = last ? (JSON.parse(last.payload) as { payment: { id: string; status: string } }).payment : null;
    if (!creditable && published?.id !== p.id) return null; // never credited: nothing to take back
    if (published?.id === p.id && published.status === p.status) return null;
    if (!(await this.canonicalSession(p.session_id))) return null;
    return this.sync.recordServerSessionEvent(PREPAID_EVENT, p.session_id, {
      payment: prepaymentSnap(p, p.status as 'SUCCESS' | 'REFUNDED', p.updated_at), bookingId: p.booking_id,
    }, { facilityId: p.facility_id });
  }

  /**
   * True when no gate can still send an entry scan that predates its view of the change at `seq`:
   * every (non-revoked) kiosk of the facility that syncs has pulled with a cursor at or past it. A kiosk's pull
   * comes after its push in every cycle, so a cursor past `seq` means the kiosk had applied the
   * change AND pushed everything it recorded before that.
   */
  async gatesAcknowledged(seq: number, facilityId: string): Promise<boolean> {
    const behind = await this.db.selectFrom('sync_kiosks')
      .leftJoin('kiosks', 'kiosks.id', 'sync_kiosks.kiosk_id')
      .select('sync_kiosks.kiosk_id')
      .where('sync_kiosks.facility_id', '=', facilityId)
      .where('sync_kiosks.cursor', '<', seq)
      .where('kiosks.revoked_at', 'is', null)
      .executeTakeFirst();
    return !behind;
  }

  // ------------------------------------------------------------------ payments

  /**
   * After state changes of payments (webhook, poll, deadline, refund): tell the kiosks that asked,
   * in one change-log transaction; the row read now is the latest state of each.
   */
  async paymentsChanged(paymentIds: string[]): Promise<void> {
    if (paymentIds.length === 0) return;
    const rows = await this.db.selectFrom('payments').selectAll().where('id', 'in', paymentIds).execute();
    // A parker's pre-payment goes into the booked session instead (credited at the exit).
    for (const p of rows.filter((r) => r.booking_id)) {
      await this.publishPrepayment(p).catch((err: unknown) => this.log.warn({ err: (err as Error).message, paymentId: p.id }, 'pre-payment not yet published to the gates'));
    }
    const entries = rows.filter((p) => p.kiosk_id).map((p) => ({
      entityType: PAYMENT_RESULT_KIND, entityId: p.id, originKioskId: null, facilityId: p.facility_id,
      data: { kind: PAYMENT_RESULT_KIND, kioskId: p.kiosk_id, payment: toPaymentView(p) },
    }));
    await this.sync.recordServerChanges(entries);
  }

  private readonly queuedPayments = new Set<string>();
  private flushing: Promise<void> | null = null;

  /**
   * Fire-and-forget form for the payment modules' hook: never fails the payment path (the kiosk's
   * poller is the fallback). Notifications that arrive while one flush is writing are coalesced
   * into the next, so a burst of webhooks costs one change-log transaction per flush, not one
   * each (the change log has one global lock).
   */
  notifyPayment = (paymentId: string): void => {
    this.queuedPayments.add(paymentId);
    this.flushing ??= this.flushPayments();
  };

  /** Resolves when every queued payment result has been written (or failed and been logged). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushPayments(): Promise<void> {
    try {
      while (this.queuedPayments.size > 0) {
        const ids = [...this.queuedPayments].slice(0, 500);
        for (const id of ids) this.queuedPayments.delete(id);
        await this.paymentsChanged(ids).catch((err: unknown) => this.log.warn({ err: (err as Error).message, count: ids.length }, 'payment results not pushed to the kiosks'));
      }
    } finally {
      this.flushing = null;
    }
  }
}
