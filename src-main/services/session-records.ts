/** Session lookups and the one way a session change is recorded (audit + outbox + UI event). */
import { sql, type SqlBool } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Session } from '../../src-shared/contracts/entities.js';
import type { SessionEventType } from '../../src-shared/contracts/sync.js';
import { parseTicketCode, ticketError } from '../../src-shared/domain/ticket-codec.js';
import { looksLikeTicketNumber } from '../../src-shared/domain/ticket-number.js';
import { sessionRowByNumber } from './ticket-numbers.js';
import type { PaymentRow, SessionRow, ZoneRow } from '../store/schema.js';
import type { Actor, ServiceContext } from './context.js';
import { sessionQuery, toSession } from './views.js';

/**
 * "The session is open" as literal SQL: with bound parameters SQLite cannot match the partial
 * indexes (sessions_open_vehicle, sessions_open_slot) and would scan every open session.
 */
export const OPEN_SESSION = sql<SqlBool>`sessions.status IN ('BOOKED','PARKED','EXITING')`;

export function sessionView(ctx: ServiceContext, sessionId: string): Session {
  const row = ctx.store.q.first(sessionQuery(ctx.store).where('sessions.id', '=', sessionId));
  if (!row) throw new AppError('NOT_FOUND', 'No such parking session.');
  return toSession(row);
}

export function sessionRowById(ctx: ServiceContext, sessionId: string): SessionRow {
  const { q, db } = ctx.store;
  const row = q.first(db.selectFrom('sessions').selectAll().where('id', '=', sessionId));
  if (!row) throw new AppError('NOT_FOUND', 'No such parking session.');
  return row;
}

/** Validates a scanned code (malformed or forged -> TICKET_INVALID) and finds its session. A typed short number works too. */
export function sessionRowByCode(ctx: ServiceContext, code: string): SessionRow {
  if (looksLikeTicketNumber(code)) return sessionRowByNumber(ctx, code);
  const parsed = parseTicketCode(code, ctx.ticketKeys, ctx.ticketKioskOf);
  if (!parsed.ok) throw ticketError(parsed);
  const { q, db } = ctx.store;
  const row = q.first(db.selectFrom('sessions').selectAll().where('code', '=', parsed.code));
  if (!row) throw new AppError('TICKET_UNKNOWN');
  return row;
}

export function zoneRow(ctx: ServiceContext, zoneId: string): ZoneRow {
  const { q, db } = ctx.store;
  const zone = q.first(db.selectFrom('zones').selectAll().where('id', '=', zoneId));
  if (!zone) throw new AppError('NOT_FOUND', 'No such zone.');
  return zone;
}

export function releaseSlot(ctx: ServiceContext, sessionId: string): void {
  const { q, db } = ctx.store;
  q.run(db.updateTable('slots').set({ current_session_id: null }).where('current_session_id', '=', sessionId));
}

/**
 * What the car has paid towards its fee and still holds: the session's paid amount (gross, as the
 * integrity check counts it) minus what was refunded since — e.g. a booking's online pre-payment
 * refunded by the central server is not credited at the exit.
 */
export function creditedPaise(ctx: ServiceContext, session: Pick<SessionRow, 'id' | 'amount_paid_paise'>): number {
  if (session.amount_paid_paise === 0) return 0;
  const { q, db } = ctx.store;
  const r = q.first(db.selectFrom('payments').select((eb) => eb.fn.sum<number>('amount_paise').as('refunded'))
    .where('session_id', '=', session.id).where('status', '=', 'REFUNDED').where('late', '=', 0)); // a refunded late payment never counted
  return Math.max(0, session.amount_paid_paise - Number(r?.refunded ?? 0));
}

export function pendingOnlinePayment(ctx: ServiceContext, sessionId: string): PaymentRow | undefined {
  const { q, db } = ctx.store;
  return q.first(
    db.selectFrom('payments').selectAll()
      .where('session_id', '=', sessionId).where('method', '=', 'ONLINE').where('status', '=', 'PENDING'),
  );
}

/**
 * Records a session change inside the current transaction: one audit entry and one outbox event
 * carrying what changed in the rows (the outbox resolves it against the session's previous event;
 * the server stores the full rows, so any gate can fold them), then notifies the screens.
 */
export function recordSessionChange(
  ctx: ServiceContext,
  actor: Actor | null,
  action: SessionEventType,
  sessionId: string,
  details: Record<string, unknown>,
  payment?: PaymentRow,
): void {
  const { q, db } = ctx.store;
  const session = q.first(db.selectFrom('sessions').selectAll().where('id', '=', sessionId));
  ctx.audit.append({ operatorId: actor?.operatorId ?? null, action, entityType: 'session', entityId: sessionId, details });
  if (payment) {
    ctx.audit.append({
      operatorId: actor?.operatorId ?? null,
      action: `payment.${payment.status.toLowerCase()}`,
      entityType: 'payment',
      entityId: payment.id,
      details: { sessionId, method: payment.method, amountPaise: payment.amount_paise, status: payment.status },
    });
  }
  ctx.outbox.appendSessionChange(action, sessionId, { session: session!, payment: payment ?? null, operatorId: actor?.operatorId ?? null });
  ctx.changes.run({ action, entityType: 'session', entityId: sessionId, paymentId: payment?.id ?? null });
  if (session) queueMicrotask(() => ctx.emit({ type: 'session.changed', sessionId, status: session.status }));
  if (payment) {
    queueMicrotask(() =>
      ctx.emit({ type: 'payment.changed', paymentId: payment.id, sessionId, status: payment.status }),
    );
  }
}
