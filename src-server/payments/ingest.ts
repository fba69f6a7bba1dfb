/**
 * Applies one verified gateway event (webhook or our own status poll). The event key is stored
 * under a unique constraint in the SAME transaction as the state change, so a replayed webhook,
 * or a poll racing a webhook, is a no-op; the state change itself is conditional on the state
 * it was decided from.
 */
import type { Kysely } from 'kysely';
import type { PaymentRow, ServerDatabase } from '../db/schema.js';
import { uuidv7 } from '../util/ids.js';
import type { PaymentDeps } from './create.js';
import { decide } from './decide.js';
import type { GatewayEvent } from './gateway.js';
import { recordHistory } from './history.js';

export type IngestOutcome =
  | 'applied'
  | 'late'
  | 'review'
  | 'duplicate'
  | 'unknown_reference'
  | 'ignored'
  | 'pending'
  | 'already_final'
  | 'stale_failure';

export interface IngestResult {
  outcome: IngestOutcome;
  paymentId: string | null;
  status: PaymentRow['status'] | null;
}

export async function ingestEvent(deps: Pick<PaymentDeps, 'db' | 'clock' | 'metrics' | 'onPaymentChange'>, evt: GatewayEvent, source: 'webhook' | 'poll'): Promise<IngestResult> {
  const { db, clock } = deps;
  const result = await db.transaction().execute(async (trx): Promise<IngestResult> => {
    const eventId = uuidv7(clock);
    const stored = await trx
      .insertInto('gateway_events')
      .values({ id: eventId, gateway: evt.gateway, event_key: evt.eventKey, event_type: evt.eventType, payment_id: null, outcome: 'received', received_at: clock.now() })
      .onConflict((oc) => oc.columns(['gateway', 'event_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!stored) return { outcome: 'duplicate', paymentId: null, status: null };

    const r = await applyToPayment(trx, deps, evt, source);
    await trx.updateTable('gateway_events').set({ outcome: r.outcome, payment_id: r.paymentId }).where('id', '=', eventId).execute();
    return r;
  });
  if (result.outcome === 'applied' || result.outcome === 'late') {
    deps.metrics.paymentTransitions.inc({ to: result.status ?? 'unknown', source });
  }
  if (result.paymentId && ['applied', 'late', 'review'].includes(result.outcome)) deps.onPaymentChange?.(result.paymentId); // [sync] push to the kiosk
  return result;
}

async function applyToPayment(
  trx: Kysely<ServerDatabase>,
  deps: Pick<PaymentDeps, 'clock'>,
  evt: GatewayEvent,
  source: string,
): Promise<IngestResult> {
  // The conditional update below can lose a race (PostgreSQL, READ COMMITTED): re-read and re-decide.
  for (let attempt = 0; attempt < 3; attempt++) {
    const p = await findPayment(trx, evt);
    if (!p) return { outcome: 'unknown_reference', paymentId: null, status: null };
    const d = decide({ status: p.status, amountPaise: p.amount_paise, merchantRef: p.merchant_ref }, evt);
    const now = deps.clock.now();
    if (d.kind === 'noop') return { outcome: d.outcome, paymentId: p.id, status: p.status };
    if (d.kind === 'review') {
      await trx.updateTable('payments').set({ review_reason: d.reason, updated_at: now }).where('id', '=', p.id).execute();
      await recordHistory(trx, deps.clock, {
        paymentId: p.id,
        from: p.status,
        to: p.status,
        source,
        detail: `${d.reason}: ${evt.eventType} amount=${evt.amountPaise ?? 'null'} currency=${evt.currency ?? 'null'}`,
      });
      return { outcome: 'review', paymentId: p.id, status: p.status };
    }
    const updated = await trx
      .updateTable('payments')
      .set({
        status: d.to,
        late: d.late ? 1 : p.late,
        review_reason: d.reviewReason ?? p.review_reason,
        completed_at: now,
        next_poll_at: null,
        paid_amount_paise: d.to === 'SUCCESS' ? evt.amountPaise : p.paid_amount_paise,
        gateway_payment_id: evt.gatewayPaymentId ?? p.gateway_payment_id,
        updated_at: now,
      })
      .where('id', '=', p.id)
      .where('status', '=', p.status)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) continue;
    await recordHistory(trx, deps.clock, { paymentId: p.id, from: p.status, to: d.to, source, detail: `${evt.eventType}${d.late ? ' (late)' : ''}` });
    return { outcome: d.outcome, paymentId: p.id, status: d.to };
  }
  throw new Error('payment changed under three consecutive attempts');
}

function findPayment(trx: Kysely<ServerDatabase>, evt: GatewayEvent): Promise<PaymentRow | undefined> {
  let q = trx.selectFrom('payments').selectAll().where('gateway', '=', evt.gateway);
  if (evt.gatewayRef !== null) q = q.where('gateway_ref', '=', evt.gatewayRef);
  else if (evt.merchantRef !== null) q = q.where('merchant_ref', '=', evt.merchantRef);
  else return Promise.resolve(undefined);
  return q.executeTakeFirst();
}
