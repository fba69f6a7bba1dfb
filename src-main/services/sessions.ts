/** Session look-ups, search, refunds check and supervisor cancellation. */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { AuditEntry, Payment, Session, SessionStatus } from '../../src-shared/contracts/entities.js';
import { refundForCancellation } from '../../src-shared/domain/refund.js';
import { assertTransition } from '../../src-shared/domain/session-state.js';
import { vehicleSearchText } from '../../src-shared/domain/vehicle-number.js';
import type { SessionRow } from '../store/schema.js';
import type { Actor, ServiceContext } from './context.js';
import { creditedPaise, recordSessionChange, releaseSlot, sessionRowByCode, sessionRowById, sessionView } from './session-records.js';
import { sessionQuery, toPayment, toSession } from './views.js';

export type SessionRef = { sessionId: string } | { code: string };

function rowByRef(ctx: ServiceContext, ref: SessionRef): SessionRow {
  return 'sessionId' in ref ? sessionRowById(ctx, ref.sessionId) : sessionRowByCode(ctx, ref.code);
}

function paymentsOf(ctx: ServiceContext, sessionId: string): Payment[] {
  const { q, db } = ctx.store;
  return q.all(db.selectFrom('payments').selectAll().where('session_id', '=', sessionId).orderBy('created_at')).map(toPayment);
}

export function getSession(ctx: ServiceContext, ref: SessionRef): Session & { payments: Payment[] } {
  const row = rowByRef(ctx, ref);
  return { ...sessionView(ctx, row.id), payments: paymentsOf(ctx, row.id) };
}

export interface ListInput {
  status?: SessionStatus | undefined;
  q?: string | undefined;
  zoneId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
  conflict?: boolean | undefined;
  lostTicket?: boolean | undefined;
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const ms = Number(createdAt);
  if (!id || !Number.isSafeInteger(ms)) throw new AppError('VALIDATION_FAILED', 'That page link is not valid. Search again.');
  return { createdAt: ms, id };
}

export function listSessions(ctx: ServiceContext, input: ListInput): { items: Session[]; nextCursor: string | null } {
  const limit = input.limit ?? 50;
  let query = sessionQuery(ctx.store).orderBy('sessions.created_at', 'desc').orderBy('sessions.id', 'desc').limit(limit + 1);
  if (input.status) query = query.where('sessions.status', '=', input.status);
  if (input.zoneId) query = query.where('sessions.zone_id', '=', input.zoneId);
  if (input.conflict !== undefined) query = query.where('sessions.conflict', '=', input.conflict ? 1 : 0);
  if (input.lostTicket !== undefined) query = query.where('sessions.lost_ticket', '=', input.lostTicket ? 1 : 0);
  if (input.from) query = query.where('sessions.created_at', '>=', Date.parse(input.from));
  if (input.to) query = query.where('sessions.created_at', '<', Date.parse(input.to));
  if (input.q) {
    const text = input.q.trim();
    const plate = vehicleSearchText(text);
    query = query.where((eb) => eb.or([
      eb('sessions.code', '=', text),
      eb('slots.slot_number', '=', text.toUpperCase()),
      ...(plate ? [eb('vehicles.vehicle_number', 'like', `%${plate}%`)] : []),
    ]));
  }
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    query = query.where((eb) => eb.or([
      eb('sessions.created_at', '<', c.createdAt),
      eb.and([eb('sessions.created_at', '=', c.createdAt), eb('sessions.id', '<', c.id)]),
    ]));
  }
  const rows = ctx.store.q.all(query);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last
    ? Buffer.from(`${last.created_at}|${last.id}`).toString('base64url')
    : null;
  return { items: page.map(toSession), nextCursor };
}

export function refundCheck(ctx: ServiceContext, ref: SessionRef): { eligible: boolean; refundPaise: number; reason: string } {
  const row = rowByRef(ctx, ref);
  return refundForCancellation({
    status: row.status,
    entryAtMs: row.entry_at,
    bookedAtMs: row.booked_at ?? row.created_at,
    cancelAtMs: ctx.clock.now(),
    paidPaise: creditedPaise(ctx, row),
  });
}

export function cancelSession(ctx: ServiceContext, actor: Actor, sessionId: string, reason: string): { session: Session; refundPaise: number } {
  const { q, db } = ctx.store;
  const refundPaise = q.tx(() => {
    const row = sessionRowById(ctx, sessionId);
    assertTransition(row.status, 'CANCELLED');
    const refund = refundCheck(ctx, { sessionId });
    const now = ctx.clock.now();
    q.run(db.updateTable('sessions').set({ status: 'CANCELLED', updated_at: now }).where('id', '=', sessionId).where('status', '=', 'BOOKED'));
    releaseSlot(ctx, sessionId);
    if (refund.refundPaise > 0) {
      q.run(db.updateTable('payments').set({ status: 'REFUNDED', updated_at: now })
        .where('session_id', '=', sessionId).where('status', '=', 'SUCCESS'));
    }
    recordSessionChange(ctx, actor, 'session.cancelled', sessionId, { reason, refundPaise: refund.refundPaise, refundReason: refund.reason });
    return refund.refundPaise;
  });
  return { session: sessionView(ctx, sessionId), refundPaise };
}

export function sessionTimeline(ctx: ServiceContext, sessionId: string): AuditEntry[] {
  sessionRowById(ctx, sessionId);
  const paymentIds = paymentsOf(ctx, sessionId).map((p) => p.id);
  return ctx.audit.list({ entityIds: [sessionId, ...paymentIds], limit: 500 }).reverse();
}
