/**
 * Selling or renewing a season pass by UPI, through the same central server and gateway as an
 * exit's UPI payment (src-main/services/online-payments.ts). The sale is checked first (a dry run
 * of the cash sale, rolled back), then the server makes the QR; the pass is activated (or
 * renewed) only when the server reports the gateway's verified SUCCESS with the exact amount and
 * reference, in the transaction that records it. A failed, expired or cancelled attempt leaves no
 * pass; a success after the attempt ended, or one that does not match, is kept for a supervisor
 * (the server lists it with the flagged payments) and activates nothing.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PassUpiAttempt, PassUpiStatus } from '../../src-shared/contracts/pass-upi.js';
import type { KioskPaymentView } from '../../src-shared/contracts/sync.js';
import type { z } from 'zod';
import type { passSellSchema, PassSaleResult } from '../../src-shared/contracts/passes.js';
import { newId } from '../core/ids.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { MIN_ONLINE_PAISE, type PaymentServerPort } from '../services/online-payments.js';
import { requireOpenShift } from '../services/shifts.js';
import { iso } from '../services/views.js';
import type { PassUpiAttemptRow } from '../store/schema-pass-upi.js';
import { passCode } from './sell.js';
import { passRow, passView } from './records.js';
import { renewPass, sellPass } from './sell.js';

type SellInput = Omit<z.output<typeof passSellSchema>, 'tenderedPaise'>;
type RenewInput = { passId: string; pricePaise: number; validUntil?: string | undefined };

export const PASS_LATE_REVIEW = 'paid after the attempt ended: refund it (no pass was made)';
export const PASS_MISMATCH_REVIEW = 'amount or reference mismatch: no pass was made';
export const PASS_NOT_ACTIVATED_REVIEW = 'paid, but the pass could not be made: refund it';

const ROLLBACK = Symbol('dry run');

/** Runs a sale to see that it would go through, then undoes it (nothing is kept, not even the audit entry). */
function dryRun(ctx: ServiceContext, fn: () => void): void {
  try {
    ctx.store.q.tx(() => {
      fn();
      throw ROLLBACK;
    });
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
}

function attemptRow(ctx: ServiceContext, paymentId: string): PassUpiAttemptRow | undefined {
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('pass_upi_attempts').selectAll().where('id', '=', paymentId));
}

function operatorActor(ctx: ServiceContext, operatorId: string): Actor {
  const { q, db } = ctx.store;
  const op = q.first(db.selectFrom('operators').select(['id', 'username', 'name', 'role']).where('id', '=', operatorId));
  if (!op) throw new AppError('NOT_FOUND', 'The cashier of this payment is not known here.');
  return { operatorId: op.id, username: op.username, name: op.name, role: op.role as Actor['role'] };
}

function view(ctx: ServiceContext, r: PassUpiAttemptRow): PassUpiAttempt {
  let sale: PassSaleResult | null = null;
  if (r.status === 'SUCCESS' && r.sale_id !== null && r.pass_id !== null) {
    const row = passRow(ctx, r.pass_id);
    sale = { pass: passView(ctx, row), code: passCode(ctx, row.id).code, saleId: r.sale_id, changePaise: 0 };
  }
  return {
    paymentId: r.id, kind: r.kind, status: r.status, amountPaise: r.amount_paise, upiUri: r.upi_uri,
    expiresAt: iso(r.expires_at), sale, reviewReason: r.review_reason,
  };
}

export class PassUpiSales {
  constructor(private readonly ctx: ServiceContext, private readonly server: PaymentServerPort | null) {}

  sell(actor: Actor, input: SellInput): Promise<PassUpiAttempt> {
    return this.start(actor, 'SALE', null, input.pricePaise, input, () => {
      sellPass(this.ctx, actor, { ...input, tenderedPaise: input.pricePaise });
    }, input.plates[0]);
  }

  renew(actor: Actor, input: RenewInput): Promise<PassUpiAttempt> {
    const plates = JSON.parse(passRow(this.ctx, input.passId).plates) as string[];
    return this.start(actor, 'RENEWAL', input.passId, input.pricePaise, input, () => {
      renewPass(this.ctx, actor, { ...input, tenderedPaise: input.pricePaise });
    }, plates[0]);
  }

  private async start(actor: Actor, kind: 'SALE' | 'RENEWAL', passId: string | null, amount: number, input: object, check: () => void, plate: string | undefined): Promise<PassUpiAttempt> {
    const server = this.server;
    if (!server) throw new AppError('OFFLINE', 'UPI needs the central server, and this kiosk has none. Take cash instead.');
    const { ctx } = this;
    if (amount < MIN_ONLINE_PAISE) throw new AppError('CONFLICT', 'The amount is too small for UPI. Take cash instead.');
    const shift = requireOpenShift(ctx, actor);
    dryRun(ctx, check);
    const reference = `pass_${newId(ctx.clock).replace(/-/g, '')}`.slice(0, 64);
    const idempotencyKey = `pp_${newId(ctx.clock).replace(/-/g, '')}`;
    const created = await server.createPayment({ sessionId: reference, amountPaise: amount, idempotencyKey, ...(plate ? { vehicleNumber: plate } : {}) });
    if (created.sessionId !== reference || created.amountPaise !== amount || created.status !== 'PENDING') {
      throw new AppError('CONFLICT', 'The payment server answered with a different payment. Take cash, and report this to a supervisor.');
    }
    const row = ctx.store.q.tx(() => {
      const now = ctx.clock.now();
      const r: PassUpiAttemptRow = {
        id: created.paymentId, reference, kind, pass_id: passId, input: JSON.stringify(input), amount_paise: amount, status: 'PENDING',
        gateway: created.gateway, gateway_ref: created.gatewayRef, upi_uri: created.upiUri, idempotency_key: idempotencyKey,
        shift_id: shift.id, operator_id: actor.operatorId, sale_id: null, review_reason: null,
        expires_at: Date.parse(created.expiresAt) - (server.clockOffsetMs?.() ?? 0), created_at: now, updated_at: now,
      };
      ctx.store.q.run(ctx.store.db.insertInto('pass_upi_attempts').values(r));
      ctx.audit.append({ operatorId: actor.operatorId, action: 'pass.upiStarted', entityType: 'seasonPass', entityId: passId ?? reference, details: { paymentId: r.id, kind, amountPaise: amount, gateway: r.gateway } });
      return r;
    });
    return view(ctx, row);
  }

  /** The attempt, refreshed from the server first while it is open. */
  async status(paymentId: string): Promise<PassUpiAttempt> {
    const local = attemptRow(this.ctx, paymentId);
    if (!local) throw new AppError('NOT_FOUND', 'No such pass payment.');
    let unknown = false;
    if (this.server && local.status === 'PENDING') {
      try {
        this.apply(await this.server.getPayment(paymentId));
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'OFFLINE') throw err;
        unknown = true;
      }
    }
    const out = view(this.ctx, attemptRow(this.ctx, paymentId)!);
    return unknown && out.status === 'PENDING' ? { ...out, statusUnknown: true } : out;
  }

  /** The cashier takes cash instead: the attempt ends here (no pass); the server closes the QR (money after that is flagged there). */
  cancel(actor: Actor, paymentId: string): PassUpiAttempt {
    const { ctx } = this;
    const row = ctx.store.q.tx(() => {
      const local = attemptRow(ctx, paymentId);
      if (!local) throw new AppError('NOT_FOUND', 'No such pass payment.');
      if (local.status !== 'PENDING') throw new AppError('CONFLICT', `This payment is already ${local.status.toLowerCase()}.`);
      ctx.store.q.run(ctx.store.db.updateTable('pass_upi_attempts').set({ status: 'EXPIRED', review_reason: null, updated_at: ctx.clock.now() }).where('id', '=', paymentId));
      ctx.audit.append({ operatorId: actor.operatorId, action: 'pass.upiCancelled', entityType: 'seasonPass', entityId: local.pass_id ?? local.reference, details: { paymentId } });
      return attemptRow(ctx, paymentId)!;
    });
    void this.server?.cancelPayment(paymentId).then((remote) => this.apply(remote)).catch(() => undefined);
    return view(ctx, row);
  }

  /** True when the payment is a pass sale attempt of this kiosk (its result belongs here, not to a session). */
  owns(paymentId: string): boolean {
    return attemptRow(this.ctx, paymentId) !== undefined;
  }

  /** Mirrors the server's verified state; SUCCESS on time with the exact amount and reference makes the sale. */
  apply(remote: KioskPaymentView): void {
    const { ctx } = this;
    const { q, db } = ctx.store;
    q.tx(() => {
      const local = attemptRow(ctx, remote.paymentId);
      if (!local || local.sale_id !== null || local.review_reason !== null) return;
      const now = ctx.clock.now();
      const set = (status: PassUpiStatus, review: string | null) =>
        q.run(db.updateTable('pass_upi_attempts').set({ status, review_reason: review, updated_at: now }).where('id', '=', local.id));
      const audit = (action: string, details: Record<string, unknown>) =>
        ctx.audit.append({ operatorId: null, action, entityType: 'seasonPass', entityId: local.pass_id ?? local.reference, details: { paymentId: local.id, ...details } });
      if (remote.status === 'FAILED' || remote.status === 'EXPIRED') {
        if (local.status === 'PENDING') {
          set(remote.status, null);
          audit(`pass.upi${remote.status === 'FAILED' ? 'Failed' : 'Expired'}`, {});
        }
        return;
      }
      if (remote.status !== 'SUCCESS') return;
      const mismatch = remote.amountPaise !== local.amount_paise || remote.sessionId !== local.reference
        || (local.gateway_ref !== null && remote.gatewayRef !== local.gateway_ref);
      if (mismatch) {
        set(local.status, PASS_MISMATCH_REVIEW);
        audit('pass.upiReview', { reason: PASS_MISMATCH_REVIEW, remoteAmountPaise: remote.amountPaise });
        return;
      }
      if (remote.late || remote.needsReview || local.status !== 'PENDING') {
        set('SUCCESS', PASS_LATE_REVIEW);
        audit('pass.upiReview', { reason: PASS_LATE_REVIEW });
        return;
      }
      const actor = operatorActor(ctx, local.operator_id);
      const tender = { method: 'UPI' as const, paymentId: local.id, shiftId: local.shift_id };
      let sale: PassSaleResult;
      try {
        // A savepoint of its own: a sale refused now (the card went to another pass meanwhile) leaves only the flag below.
        sale = ctx.store.sqlite.transaction(() => (local.kind === 'SALE'
          ? sellPass(ctx, actor, { ...(JSON.parse(local.input) as SellInput), tenderedPaise: local.amount_paise }, tender)
          : renewPass(ctx, actor, { ...(JSON.parse(local.input) as RenewInput), tenderedPaise: local.amount_paise }, tender)))();
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        set('SUCCESS', PASS_NOT_ACTIVATED_REVIEW);
        audit('pass.upiReview', { reason: PASS_NOT_ACTIVATED_REVIEW, error: err.message });
        return;
      }
      q.run(db.updateTable('pass_upi_attempts').set({ status: 'SUCCESS', pass_id: sale.pass.id, sale_id: sale.saleId, updated_at: now }).where('id', '=', local.id));
    });
  }

  /** One round of polling the open attempts (the sync pull usually brings the result first). */
  async refreshPending(): Promise<void> {
    if (!this.server) return;
    const { q, db } = this.ctx.store;
    for (const p of q.all(db.selectFrom('pass_upi_attempts').select('id').where('status', '=', 'PENDING'))) {
      try {
        this.apply(await this.server.getPayment(p.id));
      } catch (err) {
        if (err instanceof AppError && err.code === 'OFFLINE') return;
        throw err;
      }
    }
  }
}
