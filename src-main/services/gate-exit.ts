/** Exit side of the gate: quoting the fee, taking cash, lost tickets, letting the car out. */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Payment, Quote, Session } from '../../src-shared/contracts/entities.js';
import { assertTransition, quoteDropErrorCode } from '../../src-shared/domain/session-state.js';
import { newId } from '../core/ids.js';
import { withExclusiveTax } from '../invoices/exclusive-tax.js';
import type { PaymentRow, SessionRow } from '../store/schema.js';
import { adoptSignedTicket } from './adopt-ticket.js';
import type { Actor, ServiceContext } from './context.js';
import {
  creditedPaise, pendingOnlinePayment, recordSessionChange, releaseSlot, sessionRowByCode, sessionRowById, sessionView,
} from './session-records.js';
import { alreadyExitedError, lostTicketRequoteError } from './exit-facts.js';
import { requireOpenShift } from './shifts.js';
import { priceSession } from '../validations/pricing.js';
import { settleValidations } from '../validations/settle.js';
import { recordPassExit } from '../passes/visit.js';
import { iso, toPayment } from './views.js';

/** How long a quoted amount is honoured at the cash desk. */
export const QUOTE_VALID_MS = 10 * 60 * 1000;

function assertExitable(ctx: ServiceContext, session: SessionRow): void {
  // A second exit names the first one: when, where, which car, what it paid.
  if (session.status === 'COMPLETED') throw alreadyExitedError(ctx, session);
  // An exit needs an entered, still-open session: the state machine says why not otherwise.
  assertTransition(session.status, 'COMPLETED');
}

export function amountDueNow(ctx: ServiceContext, session: SessionRow, lostTicket: boolean, paidPaise = creditedPaise(ctx, session)) {
  // due = max(0, fee - validations + lost-ticket fee - paid): a booking's online pre-payment is
  // part of `paid` (docs/sync.md); the order of the stages is docs/validations.md's. With
  // tax-exclusive tariffs GST is added to the fee (docs/invoices.md).
  const { price, validations } = priceSession(ctx, session, lostTicket, paidPaise, true);
  return { ...withExclusiveTax(ctx, price, paidPaise), validations };
}

/** Quotes an open session (validations/apply.ts re-quotes through it after a validation). */
export function quoteSession(ctx: ServiceContext, actor: Actor, session: SessionRow, lostTicket: boolean, details: Record<string, unknown> = {}): Quote {
  const { q, db } = ctx.store;
  assertExitable(ctx, session);
  const paid = creditedPaise(ctx, session);
  const due = amountDueNow(ctx, session, lostTicket, paid);
  const now = ctx.clock.now();
  const validUntil = now + QUOTE_VALID_MS;
  const nextStatus = due.amountDuePaise > 0 ? 'EXITING' : session.status;
  q.run(
    db.updateTable('sessions')
      .set({
        status: nextStatus,
        quote_amount_paise: due.amountDuePaise,
        quoted_at: now,
        quote_valid_until: validUntil,
        amount_due_paise: due.feePaise + due.lostTicketFeePaise, // after validations
        lost_ticket: lostTicket ? 1 : 0,
        updated_at: now,
      })
      .where('id', '=', session.id),
  );
  recordSessionChange(ctx, actor, lostTicket ? 'session.lostTicket' : 'session.quoted', session.id, {
    amountDuePaise: due.amountDuePaise, durationSeconds: due.durationSeconds, billableHours: due.billableHours, ...details,
  });
  return {
    sessionId: session.id,
    entryAt: iso(session.entry_at)!,
    quotedAt: iso(now)!,
    durationSeconds: due.durationSeconds,
    billableHours: due.billableHours,
    amountDuePaise: due.amountDuePaise,
    feePaise: due.feePaise,
    lostTicketFeePaise: due.lostTicketFeePaise,
    amountPaidPaise: paid,
    zoneId: session.zone_id,
    slotNumber: ctx.store.q.first(db.selectFrom('slots').select('slot_number').where('id', '=', session.slot_id))!.slot_number,
    validUntil: iso(validUntil)!,
    feeBeforeValidationPaise: due.feeBeforeValidationPaise,
    discountPaise: due.discountPaise,
    validations: due.validations,
  };
}

/**
 * The quote for a scanned ticket. A signed ticket of another gate whose session has not synced
 * yet is adopted first, in the same transaction: if the quote fails, the adoption is undone too.
 */
export function quoteExit(ctx: ServiceContext, actor: Actor, code: string): Quote {
  return ctx.store.q.tx(() => {
    adoptSignedTicket(ctx, actor, code);
    const session = sessionRowByCode(ctx, code);
    return quoteSession(ctx, actor, session, session.lost_ticket === 1);
  });
}

/**
 * Drops a quote (the cashier's "Cancel / not this car"): the session goes back to PARKED with no
 * quote and no lost-ticket mark, as it was before it was quoted, and the drop is audited and
 * synced. Refused while an online payment for it is still pending (cancel that first).
 */
export function cancelQuote(ctx: ServiceContext, actor: Actor, sessionId: string): Session {
  const { q, db } = ctx.store;
  q.tx(() => {
    const session = sessionRowById(ctx, sessionId);
    const code = quoteDropErrorCode(session.status, session.quoted_at !== null);
    if (code === 'CONFLICT') throw new AppError('CONFLICT', 'This ticket has no fee quote to cancel.');
    if (code !== null) throw new AppError(code);
    if (pendingOnlinePayment(ctx, session.id)) throw new AppError('PAYMENT_PENDING');
    const now = ctx.clock.now();
    q.run(
      db.updateTable('sessions')
        .set({ status: 'PARKED', quote_amount_paise: null, quoted_at: null, quote_valid_until: null, amount_due_paise: null, lost_ticket: 0, updated_at: now })
        .where('id', '=', session.id).where('status', 'in', ['PARKED', 'EXITING']),
    );
    recordSessionChange(ctx, actor, 'session.quoteCancelled', session.id, {
      amountDuePaise: session.quote_amount_paise, lostTicket: session.lost_ticket === 1,
    });
  });
  return sessionView(ctx, sessionId);
}

function complete(ctx: ServiceContext, actor: Actor, session: SessionRow, paidNowPaise: number, payment?: ReturnType<typeof insertCashPayment> | PaymentRow): void {
  const { q, db } = ctx.store;
  const now = ctx.clock.now();
  const paid = session.amount_paid_paise + paidNowPaise;
  const changed = q.run(
    db.updateTable('sessions')
      .set({
        // A ticket from a gate whose clock runs ahead can look "entered later than now" here.
        status: 'COMPLETED', exit_at: Math.max(now, session.entry_at ?? now), amount_paid_paise: paid, amount_due_paise: paid,
        last_paid_at: paidNowPaise > 0 ? now : session.last_paid_at, updated_at: now,
      })
      .where('id', '=', session.id).where('status', 'in', ['PARKED', 'EXITING']),
  );
  if (changed !== 1) throw alreadyExitedError(ctx, sessionRowById(ctx, session.id));
  releaseSlot(ctx, session.id);
  const discountPaise = settleValidations(ctx, actor, session.id);
  const passVisit = recordPassExit(ctx, actor, session.id);
  recordSessionChange(ctx, actor, 'session.completed', session.id, { amountPaidPaise: paid, ...(discountPaise > 0 ? { discountPaise } : {}) }, payment);
  const reason = paid > 0 ? 'PAID' : 'ZERO_DUE';
  // A visit a pass or a validation made free opens the barrier for that cause (docs/lane.md).
  const basis = paid > 0 ? 'PAID' : passVisit ? 'PASS' : discountPaise > 0 ? 'VALIDATION' : 'ZERO_DUE';
  ctx.lane.causeGiven(actor, { kind: 'EXIT_ALLOWED', sessionId: session.id, basis });
  queueMicrotask(() => ctx.emit({ type: 'gate.open', sessionId: session.id, reason }));
}

/** `payment`: the online payment whose success completes this exit (it travels with the exit, so a double exit names it). */
export function completeExit(ctx: ServiceContext, actor: Actor, sessionId: string, payment?: PaymentRow): Session {
  ctx.store.q.tx(() => {
    const session = sessionRowById(ctx, sessionId);
    assertExitable(ctx, session);
    const due = amountDueNow(ctx, session, session.lost_ticket === 1);
    if (due.amountDuePaise > 0) {
      if (pendingOnlinePayment(ctx, session.id)) throw new AppError('PAYMENT_PENDING');
      throw new AppError('PAYMENT_REQUIRED', undefined, { amountDuePaise: due.amountDuePaise });
    }
    complete(ctx, actor, session, 0, payment);
  });
  return sessionView(ctx, sessionId);
}

function insertCashPayment(ctx: ServiceContext, actor: Actor, sessionId: string, amount: number, tendered: number, shiftId: string) {
  const { q, db } = ctx.store;
  const now = ctx.clock.now();
  const row = {
    id: newId(ctx.clock), session_id: sessionId, method: 'CASH', status: 'SUCCESS', amount_paise: amount,
    tendered_paise: tendered, change_paise: tendered - amount, gateway: null, gateway_ref: null, upi_uri: null,
    idempotency_key: null, operator_id: actor.operatorId, late: 0, review_reason: null,
    created_at: now, expires_at: null, completed_at: now, updated_at: now,
  } satisfies PaymentRow;
  // The cash goes into the cashier's open drawer: the payment belongs to that shift.
  q.run(db.insertInto('payments').values({ ...row, shift_id: shiftId }));
  return row;
}

export function payCash(
  ctx: ServiceContext, actor: Actor, sessionId: string, tenderedPaise: number,
): { session: Session; payment: Payment; changePaise: number } {
  const payment = ctx.store.q.tx(() => {
    const session = sessionRowById(ctx, sessionId);
    assertExitable(ctx, session);
    if (pendingOnlinePayment(ctx, session.id)) throw new AppError('PAYMENT_PENDING');
    const now = ctx.clock.now();
    const quoteStillValid = session.status === 'EXITING' && session.quote_amount_paise != null
      && session.quote_valid_until != null && now <= session.quote_valid_until;
    // A lost-ticket exit was authorised for its quoted amount: once that quote ran out it is done again.
    if (!quoteStillValid && session.lost_ticket === 1) throw lostTicketRequoteError();
    const due = quoteStillValid ? session.quote_amount_paise! : amountDueNow(ctx, session, false).amountDuePaise;
    if (due === 0) throw new AppError('CONFLICT', 'Nothing is due for this car. Use "Open gate" instead.');
    const shift = requireOpenShift(ctx, actor);
    if (tenderedPaise < due) {
      throw new AppError('INSUFFICIENT_TENDER', undefined, { amountDuePaise: due, tenderedPaise });
    }
    const row = insertCashPayment(ctx, actor, session.id, due, tenderedPaise, shift.id);
    complete(ctx, actor, session, due, row);
    return row;
  });
  return { session: sessionView(ctx, sessionId), payment: toPayment(payment), changePaise: payment.change_paise };
}
