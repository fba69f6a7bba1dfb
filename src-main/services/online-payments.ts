/**
 * Online (UPI) payments at the kiosk. The central server talks to the gateway and decides
 * SUCCESS only on the gateway's verified word; the kiosk mirrors that state, checks the amount
 * and reference once more, and only then lets the car out. Nothing here marks a payment paid
 * on the kiosk's own say-so, and only the server decides whether a success came in time: a
 * success the server calls late (or that follows a cancel) is flagged for a supervisor, keeps the
 * gate closed and counts toward the session only once accepted.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Payment, PaymentStatus, SessionStatus } from '../../src-shared/contracts/entities.js';
import { canPaymentTransition, isLateSuccess } from '../../src-shared/domain/payment-state.js';
import { assertTransition } from '../../src-shared/domain/session-state.js';
import { computeAmountDue } from '../../src-shared/domain/tariff.js';
import { withExclusiveTax } from '../invoices/exclusive-tax.js';
import { newId } from '../core/ids.js';
import type { CreateOnlinePaymentInput, ServerPayment } from '../online/server-client.js';
import type { PaymentRow } from '../store/schema.js';
import type { Actor, ServiceContext } from './context.js';
import { completeExit } from './gate-exit.js';
import { openShiftRow } from './shifts.js';
import { lostTicketRequoteError } from './exit-facts.js';
import { cancelUnsent, markCancelFailed, markCancelSent, queueCancel, unsentCancels, wasCancelled } from './payment-cancels.js';
import { creditedPaise, pendingOnlinePayment, recordSessionChange, sessionRowById, zoneRow } from './session-records.js';
import { toPayment, zoneTariff } from './views.js';

/** The part of the server client this service needs (a test can pass a real client or a fake). */
export interface PaymentServerPort {
  createPayment(input: CreateOnlinePaymentInput): Promise<ServerPayment>;
  getPayment(paymentId: string): Promise<ServerPayment>;
  /** Ends the payment on the server (closes the QR; later money is flagged). Idempotent. */
  cancelPayment(paymentId: string): Promise<ServerPayment>;
  /** Server time minus kiosk time, ms (0 when unknown): the server's deadlines are in its time. */
  clockOffsetMs?(): number;
}

/** review_reason of a success that arrived after the attempt ended (payments.flagged lists it). */
export const LATE_REVIEW_REASON = 'paid after the attempt ended: refund or accept';
/** review_reason of a server success this kiosk refused (amount, session or reference differ). */
export const MISMATCH_REVIEW_REASON = 'amount or reference mismatch: gate kept closed';

/** UPI gateways refuse less than ₹1. */
export const MIN_ONLINE_PAISE = 100;

const SYSTEM_ACTOR: Actor = { operatorId: 'system', username: 'system', name: 'System', role: 'ADMIN' };

function paymentRow(ctx: ServiceContext, paymentId: string): PaymentRow | undefined {
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('payments').selectAll().where('id', '=', paymentId));
}

function actorFor(ctx: ServiceContext, operatorId: string | null): Actor {
  if (!operatorId) return SYSTEM_ACTOR;
  const { q, db } = ctx.store;
  const op = q.first(db.selectFrom('operators').select(['id', 'username', 'name', 'role']).where('id', '=', operatorId));
  return op ? { operatorId: op.id, username: op.username, name: op.name, role: op.role as Actor['role'] } : SYSTEM_ACTOR;
}

export class OnlinePayments {
  constructor(private readonly ctx: ServiceContext, private readonly server: PaymentServerPort | null) {}

  get configured(): boolean {
    return this.server !== null;
  }

  async start(actor: Actor, sessionId: string): Promise<Payment> {
    const server = this.server;
    if (!server) throw new AppError('OFFLINE', 'Online payment needs the central server, and this kiosk has none. Take cash instead.');
    const { ctx } = this;
    const plan = ctx.store.q.tx(() => {
      const session = sessionRowById(ctx, sessionId);
      assertTransition(session.status as SessionStatus, 'COMPLETED');
      const pending = pendingOnlinePayment(ctx, sessionId);
      if (pending && (pending.expires_at ?? 0) > ctx.clock.now()) return { existing: pending } as const;
      const now = ctx.clock.now();
      const quoteValid = session.status === 'EXITING' && session.quote_amount_paise != null
        && session.quote_valid_until != null && now <= session.quote_valid_until;
      if (!quoteValid && session.lost_ticket === 1) throw lostTicketRequoteError();
      const amount = quoteValid
        ? session.quote_amount_paise!
        : withExclusiveTax(ctx, computeAmountDue({
          tariff: zoneTariff(zoneRow(ctx, session.zone_id)), entryAtMs: session.entry_at ?? session.created_at, nowMs: now,
          paidPaise: creditedPaise(ctx, session), lastPaidAtMs: session.last_paid_at, lostTicket: session.lost_ticket === 1,
        }), creditedPaise(ctx, session)).amountDuePaise;
      if (amount === 0) throw new AppError('CONFLICT', 'Nothing is due for this car. Use "Open gate" instead.');
      if (amount < MIN_ONLINE_PAISE) throw new AppError('CONFLICT', 'The amount is too small for UPI. Take cash instead.');
      const vehicle = ctx.store.q.first(ctx.store.db.selectFrom('vehicles').select('vehicle_number').where('id', '=', session.vehicle_id));
      return { existing: null, amount, idempotencyKey: `pay_${newId(ctx.clock).replace(/-/g, '')}`, vehicleNumber: vehicle?.vehicle_number };
    });
    if (plan.existing) return toPayment(plan.existing);

    const created = await server.createPayment({
      sessionId, amountPaise: plan.amount, idempotencyKey: plan.idempotencyKey, vehicleNumber: plan.vehicleNumber,
    });
    if (created.sessionId !== sessionId || created.amountPaise !== plan.amount || created.status !== 'PENDING') {
      throw new AppError('CONFLICT', 'The payment server answered with a different payment. Take cash, and report this to a supervisor.');
    }
    const row = ctx.store.q.tx(() => {
      const now = ctx.clock.now();
      const inserted: PaymentRow = {
        id: created.paymentId, session_id: sessionId, method: 'ONLINE', status: 'PENDING', amount_paise: plan.amount,
        tendered_paise: null, change_paise: null, gateway: created.gateway, gateway_ref: created.gatewayRef, upi_uri: created.upiUri,
        idempotency_key: plan.idempotencyKey, operator_id: actor.operatorId, late: 0, review_reason: null,
        created_at: now, expires_at: Date.parse(created.expiresAt) - (server.clockOffsetMs?.() ?? 0), completed_at: null, updated_at: now,
      };
      // Started at a cashier's desk with the drawer open: the Z report counts it in that shift.
      ctx.store.q.run(ctx.store.db.insertInto('payments').values({ ...inserted, shift_id: openShiftRow(ctx, actor.operatorId)?.id ?? null }));
      recordSessionChange(ctx, actor, 'payment.started', sessionId, { paymentId: created.paymentId, amountPaise: plan.amount, gateway: created.gateway }, inserted);
      return inserted;
    });
    return toPayment(row);
  }

  /** payments.get: the local row, refreshed from the server first while it is still open. */
  async get(paymentId: string): Promise<Payment> {
    const local = paymentRow(this.ctx, paymentId);
    if (!local) throw new AppError('NOT_FOUND', 'No such payment.');
    const awaitingDecision = local.status === 'SUCCESS' && local.late === 1 && local.review_reason === LATE_REVIEW_REASON;
    let unreachable = false;
    if (this.server && local.method === 'ONLINE' && (local.status === 'PENDING' || local.status === 'EXPIRED' || local.status === 'FAILED' || awaitingDecision)) {
      try {
        this.apply(await this.server.getPayment(paymentId));
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'OFFLINE') throw err;
        unreachable = true;
      }
    }
    const payment = toPayment(paymentRow(this.ctx, paymentId)!);
    return unreachable && payment.status === 'PENDING' ? { ...payment, statusUnknown: true } : payment;
  }

  /**
   * The cashier gives up on UPI (to take cash): the attempt ends here at once, and the cancel is
   * queued in the same transaction for the server, which closes the QR and flags any money that
   * still arrives. Sent now if the server answers, otherwise by every later poll until it does.
   */
  cancel(actor: Actor, paymentId: string): Payment {
    const { ctx } = this;
    const payment = toPayment(ctx.store.q.tx(() => {
      const local = paymentRow(ctx, paymentId);
      if (!local || local.method !== 'ONLINE') throw new AppError('NOT_FOUND', 'No such online payment.');
      if (local.status !== 'PENDING') throw new AppError('CONFLICT', `This payment is already ${local.status.toLowerCase()}.`);
      const now = ctx.clock.now();
      ctx.store.q.run(ctx.store.db.updateTable('payments').set({ status: 'EXPIRED', review_reason: 'cancelled at the kiosk', updated_at: now }).where('id', '=', paymentId));
      queueCancel(ctx, paymentId, actor.operatorId);
      const row = paymentRow(ctx, paymentId)!;
      recordSessionChange(ctx, actor, 'payment.cancelled', local.session_id, { paymentId }, row);
      return row;
    }));
    void this.flushCancels().catch(() => undefined); // the poller retries whatever this does not send
    return payment;
  }

  /** Sends queued cancels, oldest first; stops at the first one the server cannot be reached for. */
  async flushCancels(): Promise<number> {
    const server = this.server;
    if (!server || this.flushing) return 0;
    this.flushing = true;
    let sent = 0;
    try {
      for (const c of unsentCancels(this.ctx)) {
        try {
          const remote = await server.cancelPayment(c.payment_id);
          this.ctx.store.q.tx(() => {
            markCancelSent(this.ctx, c.payment_id);
            this.apply(remote);
          });
          sent++;
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          markCancelFailed(this.ctx, c.payment_id, `${err.code}: ${err.message}`);
          if (err.code === 'OFFLINE') break;
        }
      }
    } finally {
      this.flushing = false;
    }
    return sent;
  }

  private flushing = false;

  /** Mirrors the server's verified state into the kiosk, in one transaction. */
  apply(remote: ServerPayment): void {
    const { ctx } = this;
    ctx.store.q.tx(() => {
      const local = paymentRow(ctx, remote.paymentId);
      if (local && local.status === remote.status && local.late === 1 && local.review_reason === LATE_REVIEW_REASON
        && remote.late && !remote.needsReview && !cancelUnsent(ctx, local.id)) {
        // A supervisor accepted it on the server (server:cli or another gate): now the money counts.
        this.acceptLate(local);
        return;
      }
      if (!local || local.status === remote.status) return;
      const to = remote.status as PaymentStatus;
      if (!canPaymentTransition(local.status as PaymentStatus, to)) return;
      const now = ctx.clock.now();
      const { q, db } = ctx.store;
      if (to === 'SUCCESS') {
        const mismatch = remote.amountPaise !== local.amount_paise || remote.sessionId !== local.session_id
          || (local.gateway_ref !== null && remote.gatewayRef !== local.gateway_ref);
        if (mismatch) {
          q.run(db.updateTable('payments').set({ review_reason: MISMATCH_REVIEW_REASON, updated_at: now }).where('id', '=', local.id));
          recordSessionChange(ctx, null, 'payment.review', local.session_id, { paymentId: local.id, remoteAmountPaise: remote.amountPaise });
          return;
        }
        // Late is the server's verdict (it saw the deadline or the cancel), or what this kiosk already knows:
        // the kiosk's own status alone misses a deadline it did not see (offline, paused).
        const late = remote.late || remote.needsReview || isLateSuccess(local.status as PaymentStatus, 'SUCCESS') || wasCancelled(ctx, local.id);
        q.run(db.updateTable('payments').set({
          status: 'SUCCESS', completed_at: now, late: late ? 1 : 0, updated_at: now,
          review_reason: late ? LATE_REVIEW_REASON : null,
        }).where('id', '=', local.id));
        const session = sessionRowById(ctx, local.session_id);
        if (!late) {
          q.run(db.updateTable('sessions').set({
            amount_paid_paise: session.amount_paid_paise + local.amount_paise, last_paid_at: now, updated_at: now,
          }).where('id', '=', session.id));
        }
        recordSessionChange(ctx, null, late ? 'payment.lateSuccess' : 'payment.success', session.id, { paymentId: local.id }, paymentRow(ctx, local.id));
        if (!late && (session.status === 'EXITING' || session.status === 'PARKED')) {
          try {
            completeExit(ctx, actorFor(ctx, local.operator_id), session.id, paymentRow(ctx, local.id));
          } catch (err) {
            // More became due meanwhile (no exit grace): the payment stands, the cashier takes the rest.
            if (!(err instanceof AppError)) throw err;
          }
        }
        return;
      }
      // A refund decided by a supervisor on the server also ends the local flag.
      const reviewReason = to === 'REFUNDED' && !remote.needsReview && local.review_reason === LATE_REVIEW_REASON ? null : local.review_reason;
      q.run(db.updateTable('payments').set({ status: to, review_reason: reviewReason, updated_at: now, completed_at: to === 'REFUNDED' ? local.completed_at : now }).where('id', '=', local.id));
      recordSessionChange(ctx, null, `payment.${to.toLowerCase() as Lowercase<PaymentStatus>}`, local.session_id, { paymentId: local.id }, paymentRow(ctx, local.id));
    });
  }

  /**
   * Accepted late money becomes part of what the session paid. On a session already completed (the
   * car left on cash) the kept money is also added to what it owed, so paid == due still holds.
   */
  private acceptLate(local: PaymentRow): void {
    const { ctx } = this;
    const { q, db } = ctx.store;
    const now = ctx.clock.now();
    q.run(db.updateTable('payments').set({ review_reason: null, updated_at: now }).where('id', '=', local.id));
    const session = sessionRowById(ctx, local.session_id);
    q.run(db.updateTable('sessions').set({
      amount_paid_paise: session.amount_paid_paise + local.amount_paise, last_paid_at: now, updated_at: now,
      ...(session.status === 'COMPLETED' ? { amount_due_paise: (session.amount_due_paise ?? 0) + local.amount_paise } : {}),
    }).where('id', '=', session.id));
    recordSessionChange(ctx, null, 'payment.reviewResolved', local.session_id, { paymentId: local.id, action: 'accept', by: 'server' }, paymentRow(ctx, local.id));
  }

  /** One round of polling every open online payment (the fallback: results usually arrive first through the sync pull). */
  async refreshPending(): Promise<void> {
    if (!this.server) return;
    await this.flushCancels();
    const { q, db } = this.ctx.store;
    const open = q.all(db.selectFrom('payments').select('id').where('method', '=', 'ONLINE').where('status', '=', 'PENDING'));
    for (const p of open) {
      try {
        this.apply(await this.server.getPayment(p.id));
      } catch (err) {
        if (err instanceof AppError && err.code === 'OFFLINE') return;
        throw err;
      }
    }
  }
}
