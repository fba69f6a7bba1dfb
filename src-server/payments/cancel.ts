/**
 * The kiosk gives up on an online payment ("Take cash instead"). The attempt ends on the server
 * FIRST (PENDING -> EXPIRED, cancelled_at set), so any capture from then on is a late payment
 * flagged PAID_AFTER_CANCEL; only then is the QR closed at the gateway (Razorpay: close the QR
 * code; PhonePe has no such call, so the payment is only marked abandoned here) and its status
 * checked once more, so money captured just before the close is found and flagged too.
 *
 * A cancel that reaches the server after the payment succeeded (the kiosk was offline and queued
 * it, or the capture raced the cancel) flags that success PAID_AFTER_CANCEL: the kiosk has already
 * sent the car to cash, so the money must be refunded or accepted by a supervisor. Repeating a
 * cancel changes nothing more (the kiosk retries until it hears an answer).
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PaymentRow } from '../db/schema.js';
import type { PaymentDeps } from './create.js';
import { recordHistory } from './history.js';
import { ingestEvent } from './ingest.js';

export const PAID_AFTER_CANCEL = 'PAID_AFTER_CANCEL';

export async function cancelPayment(deps: PaymentDeps, owner: string, paymentId: string): Promise<PaymentRow> {
  const { db, clock } = deps;
  const read = () => db.selectFrom('payments').selectAll().where('id', '=', paymentId).where('owner', '=', owner).executeTakeFirst();
  let changed = false;
  for (let attempt = 0; ; attempt++) {
    const p = await read();
    if (!p) throw new AppError('NOT_FOUND', 'No such payment for this kiosk.');
    if (p.cancelled_at !== null) break; // cancelled before: the answer is its current state
    if (attempt >= 3) throw new AppError('CONFLICT', 'This payment is changing right now. Try again.');
    const now = clock.now();
    const won = await db.transaction().execute(async (trx) => {
      if (p.status === 'PENDING') {
        const r = await trx.updateTable('payments')
          .set({ status: 'EXPIRED', cancelled_at: now, closed_at: now, completed_at: now, next_poll_at: null, updated_at: now })
          .where('id', '=', p.id).where('status', '=', 'PENDING').where('cancelled_at', 'is', null).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return false;
        await recordHistory(trx, clock, { paymentId: p.id, from: 'PENDING', to: 'EXPIRED', source: 'kiosk-cancel', detail: 'abandoned at the kiosk (cash instead)' });
        return true;
      }
      // Already paid and not flagged: the kiosk sent the car to cash without knowing, so this money needs a decision.
      const flag = p.status === 'SUCCESS' && p.late === 0 && p.review_reason === null;
      const r = await trx.updateTable('payments')
        .set(flag ? { cancelled_at: now, late: 1, review_reason: PAID_AFTER_CANCEL, updated_at: now } : { cancelled_at: now, updated_at: now })
        .where('id', '=', p.id).where('status', '=', p.status).where('cancelled_at', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await recordHistory(trx, clock, { paymentId: p.id, from: p.status, to: p.status, source: 'kiosk-cancel', detail: flag ? `${PAID_AFTER_CANCEL}: paid before the cancel reached the server` : 'cancelled after it ended' });
      return true;
    });
    if (won) {
      changed = true;
      deps.metrics.paymentTransitions.inc({ to: p.status === 'PENDING' ? 'EXPIRED' : p.status, source: 'cancel' });
      break;
    }
  }
  const p = (await read())!;
  if (changed) {
    await closeAtGateway(deps, p);
    deps.onPaymentChange?.(p.id);
  }
  return (await read())!;
}

/** Stops the QR taking money, then asks the gateway once more (a capture it reports is flagged: the payment is cancelled). */
async function closeAtGateway(deps: PaymentDeps, p: PaymentRow): Promise<void> {
  const gw = deps.gateways.get(p.gateway);
  if (!gw || !p.gateway_ref || p.status === 'REFUNDED') return;
  const refs = { gatewayRef: p.gateway_ref, merchantRef: p.merchant_ref };
  try {
    await gw.close(refs);
  } catch (err) {
    // The QR's own close_by still ends it; whatever is paid meanwhile is flagged, never lost.
    deps.metrics.gatewayErrors.inc({ gateway: p.gateway, op: 'close' });
    deps.log.warn({ err: (err as Error).message, paymentId: p.id }, 'closing QR after cancel failed');
  }
  try {
    const evt = await gw.fetchStatus(refs);
    if (evt.outcome === 'SUCCESS') await ingestEvent(deps, evt, 'poll');
  } catch (err) {
    deps.metrics.gatewayErrors.inc({ gateway: p.gateway, op: 'status' });
    deps.log.warn({ err: (err as Error).message, paymentId: p.id }, 'status check after cancel failed');
  }
}
