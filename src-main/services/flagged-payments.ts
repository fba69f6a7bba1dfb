/**
 * payments.flagged / payments.resolveFlagged: online payments flagged for a supervisor (paid after
 * the attempt ended, or not matching what was asked) and the supervisor's decision — accept (kept
 * as income) or refund through the gateway. The decision is taken by the central server (it holds
 * the gateway credentials and is the record for every gate); the kiosk mirrors the outcome on its
 * own copy, audits it, and sends it to the other gates through the outbox.
 */
import type { FlaggedPayment, FlaggedPaymentCar, FlaggedPaymentList, ResolvedPayment } from '../../src-shared/contracts/api.js';
import type { GatewayName, Payment, PaymentStatus } from '../../src-shared/contracts/entities.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ResolveFlaggedRequest, ServerFlaggedPayment, ServerPayment, ServerResolveResult } from '../online/server-client.js';
import type { PaymentRow } from '../store/schema.js';
import type { Actor, ServiceContext } from './context.js';
import { LATE_REVIEW_REASON, MISMATCH_REVIEW_REASON } from './online-payments.js';
import { recordSessionChange } from './session-records.js';
import { toPayment } from './views.js';

/** The part of the server client this service needs. */
export interface FlaggedServerPort {
  listFlagged(): Promise<ServerFlaggedPayment[]>;
  resolveFlagged(paymentId: string, body: ResolveFlaggedRequest): Promise<ServerResolveResult>;
}

type LocalFlagged = PaymentRow & { vehicle_number: string | null };

const NEEDS_SERVER = 'Deciding on a flagged payment needs the central server, and it is not reachable now. Try again when the kiosk is online.';

export class FlaggedPayments {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly server: FlaggedServerPort | null,
    /** OnlinePayments.apply: brings the local copy to the server's verified state first. */
    private readonly applyServerState: (p: ServerPayment) => void,
  ) {}

  /** This kiosk's flagged online payments: late successes and refused mismatches. */
  private local(): LocalFlagged[] {
    const { db, q } = this.ctx.store;
    return q.all(db.selectFrom('payments as p')
      .innerJoin('sessions as s', 's.id', 'p.session_id')
      .leftJoin('vehicles as v', 'v.id', 's.vehicle_id')
      .selectAll('p')
      .select('v.vehicle_number')
      .where('p.method', '=', 'ONLINE')
      .where((eb) => eb.or([
        eb.and([eb('p.status', '=', 'SUCCESS'), eb('p.late', '=', 1), eb('p.review_reason', '=', LATE_REVIEW_REASON)]),
        eb('p.review_reason', '=', MISMATCH_REVIEW_REASON),
      ]))
      .orderBy('p.created_at').orderBy('p.id'));
  }

  async list(): Promise<FlaggedPaymentList> {
    const local = this.local();
    let remote: ServerFlaggedPayment[] | null = null;
    if (this.server) {
      try {
        remote = await this.server.listFlagged();
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'OFFLINE') throw err;
      }
    }
    const vehicles = new Map(local.map((p) => [p.id, p.vehicle_number]));
    const items: FlaggedPayment[] = (remote ?? []).map((p) => ({
      payment: fromServer(p),
      reviewReason: p.reviewReason ?? '',
      late: p.late,
      vehicleNumber: p.vehicleNumber ?? vehicles.get(p.paymentId) ?? null,
      source: p.owner,
      resolvable: p.resolvable,
      localOnly: false,
    }));
    const onServer = new Set(items.map((i) => i.payment.id));
    for (const p of local) {
      if (onServer.has(p.id)) continue;
      items.push({
        payment: toPayment(p), reviewReason: p.review_reason ?? '', late: p.late === 1, vehicleNumber: p.vehicle_number,
        source: 'kiosk', resolvable: p.status === 'SUCCESS', localOnly: true,
      });
    }
    for (const item of items) item.car = this.carOf(item.payment.id, item.payment.sessionId);
    return { items, serverReachable: remote !== null };
  }

  /** What the supervisor needs to decide: is the car still inside, did it also pay some other way? */
  private carOf(paymentId: string, sessionId: string): FlaggedPaymentCar | null {
    const { db, q } = this.ctx.store;
    const s = q.first(db.selectFrom('sessions').select(['id', 'status', 'exit_at']).where('id', '=', sessionId));
    if (!s) return null;
    const others = q.all(db.selectFrom('payments').select(['id', 'method', 'status', 'amount_paise'])
      .where('session_id', '=', sessionId).where('id', '!=', paymentId).where('status', 'in', ['SUCCESS', 'REFUNDED']).orderBy('created_at'));
    return {
      sessionId: s.id, sessionStatus: s.status, inside: s.status === 'BOOKED' || s.status === 'PARKED' || s.status === 'EXITING',
      exitAt: s.exit_at === null ? null : new Date(s.exit_at).toISOString(),
      otherPayments: others.map((p) => ({ id: p.id, method: p.method, status: p.status, amountPaise: p.amount_paise })),
    };
  }

  async resolve(actor: Actor, input: { paymentId: string; action: 'accept' | 'refund'; reason: string }): Promise<ResolvedPayment> {
    const { ctx } = this;
    const known = ctx.store.q.first(ctx.store.db.selectFrom('payments').selectAll().where('id', '=', input.paymentId));
    if (known && known.method !== 'ONLINE') throw new AppError('NOT_FOUND', 'No such online payment.');
    if (!this.server) throw new AppError('OFFLINE', NEEDS_SERVER);
    let r: ServerResolveResult;
    try {
      r = await this.server.resolveFlagged(input.paymentId, { action: input.action, reason: input.reason, operator: { id: actor.operatorId, name: actor.name } });
    } catch (err) {
      if (err instanceof AppError && err.code === 'OFFLINE') throw new AppError('OFFLINE', NEEDS_SERVER, err.details);
      throw err;
    }
    const refundedPaise = r.refund?.status === 'PROCESSED' ? r.refund.amountPaise : 0;
    const details = {
      paymentId: input.paymentId, action: input.action, reason: input.reason, previousReason: known?.review_reason ?? null,
      serverStatus: r.payment.status, refundId: r.refund?.gatewayRefundId ?? null, refundedPaise, repeated: r.repeated,
    };
    const payment = ctx.store.q.tx(() => {
      if (!known) {
        // A parker's pre-payment or another gate's payment not synced here yet: the record is the audit entry.
        ctx.audit.append({ operatorId: actor.operatorId, action: 'payment.reviewResolved', entityType: 'payment', entityId: input.paymentId, details });
        return fromServer(r.payment);
      }
      this.applyServerState(r.payment);
      const now = ctx.clock.now();
      ctx.store.q.run(ctx.store.db.updateTable('payments').set({ review_reason: null, updated_at: now }).where('id', '=', known.id));
      const row = ctx.store.q.first(ctx.store.db.selectFrom('payments').selectAll().where('id', '=', known.id))!;
      ctx.audit.append({ operatorId: actor.operatorId, action: 'payment.reviewResolved', entityType: 'payment', entityId: known.id, details });
      // The payment's new state goes to every gate (the server folds it into the session).
      recordSessionChange(ctx, actor, 'payment.reviewResolved', known.session_id, { paymentId: known.id, action: input.action }, row);
      return toPayment(row);
    });
    return { action: r.action, payment, refundedPaise, repeated: r.repeated };
  }
}

function fromServer(p: ServerPayment): Payment {
  return {
    id: p.paymentId, sessionId: p.sessionId, method: 'ONLINE', status: p.status as PaymentStatus, amountPaise: p.amountPaise,
    gateway: p.gateway as GatewayName, gatewayRef: p.gatewayRef, upiUri: p.upiUri, createdAt: p.createdAt, expiresAt: p.expiresAt,
    completedAt: p.completedAt,
  };
}
