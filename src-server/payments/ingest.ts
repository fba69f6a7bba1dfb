/**
 * Applies one verified gateway event (webhook or our own status poll).
 *
 * The payment is read first and the event decided (decide.ts); then the event row, the payment
 * change and its history row are written atomically, the payment change conditional on the
 * status it was decided from. The event key is unique, so a replayed webhook, or a poll racing a
 * webhook, changes nothing: its event row cannot be stored, and without it nothing is. If the
 * payment changed between the read and the write, the write does nothing and the event is
 * decided again from the new state.
 *
 * On PostgreSQL the write is ONE statement (data-modifying CTEs: the event row is inserted only
 * from the updated payment row), i.e. two round trips and one commit per webhook; on SQLite
 * (in-process, no round trips) it is a short transaction.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { PaymentRow, ServerDatabase } from '../db/schema.js';
import { uuidv7 } from '../util/ids.js';
import type { PaymentDeps } from './create.js';
import { decide, type Decision } from './decide.js';
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
  | 'stale_failure'
  | 'second_capture';

export interface IngestResult {
  outcome: IngestOutcome;
  paymentId: string | null;
  status: PaymentRow['status'] | null;
}

type Db = Kysely<ServerDatabase>;
type Change = Extract<Decision, { kind: 'review' | 'transition' }>;
type EventRowOf = (paymentId: string | null, outcome: IngestOutcome) => EventRow;

interface PlannedWrite {
  payment: PaymentRow;
  set: Partial<PaymentRow>;
  history: { id: string; from: string; to: string; source: string; detail: string; at: number };
  event: EventRow;
}

interface EventRow {
  id: string;
  gateway: string;
  event_key: string;
  event_type: string;
  payment_id: string | null;
  outcome: IngestOutcome;
  received_at: number;
}

/** The write found the payment no longer in the status it was decided from. */
const RACED = Symbol('raced');

export async function ingestEvent(deps: Pick<PaymentDeps, 'db' | 'clock' | 'metrics' | 'onPaymentChange'>, evt: GatewayEvent, source: 'webhook' | 'poll'): Promise<IngestResult> {
  const result = await ingest(deps, evt, source);
  if (result.outcome === 'applied' || result.outcome === 'late') {
    deps.metrics.paymentTransitions.inc({ to: result.status ?? 'unknown', source });
  }
  if (result.paymentId && ['applied', 'late', 'review', 'second_capture'].includes(result.outcome)) deps.onPaymentChange?.(result.paymentId); // push to the kiosk
  return result;
}

async function ingest(deps: Pick<PaymentDeps, 'db' | 'clock'>, evt: GatewayEvent, source: string): Promise<IngestResult> {
  const { db, clock } = deps;
  const eventRow = (paymentId: string | null, outcome: IngestOutcome): EventRow => ({
    id: uuidv7(clock), gateway: evt.gateway, event_key: evt.eventKey, event_type: evt.eventType, payment_id: paymentId, outcome, received_at: clock.now(),
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    const p = await findPayment(db, evt);
    if (!p) {
      const stored = await storeEvent(db, eventRow(null, 'unknown_reference'));
      return stored ? { outcome: 'unknown_reference', paymentId: null, status: null } : DUPLICATE;
    }
    const d = decide({ status: p.status, amountPaise: p.amount_paise, merchantRef: p.merchant_ref, gatewayPaymentId: p.gateway_payment_id, cancelled: p.cancelled_at !== null }, evt);
    if (d.kind === 'noop') {
      const stored = await storeEvent(db, eventRow(p.id, d.outcome));
      return stored ? { outcome: d.outcome, paymentId: p.id, status: p.status } : DUPLICATE;
    }
    if (d.kind === 'capture') return recordSecondCapture(db, clock, p, evt, source, eventRow);
    const plan = planWrite(p, d, evt, source, clock.now(), uuidv7(clock), eventRow(p.id, d.outcome));
    const written = isPostgres(db) ? await writeOneStatement(db, plan) : await writeInTransaction(db, clock, plan);
    if (written === RACED) continue;
    if (written === 'duplicate') return DUPLICATE;
    return { outcome: d.outcome, paymentId: p.id, status: d.kind === 'transition' ? d.to : p.status };
  }
  throw new Error('payment changed under three consecutive attempts');
}

const DUPLICATE: IngestResult = { outcome: 'duplicate', paymentId: null, status: null };

/**
 * A second, different capture of an already-paid payment: its own payment row (SUCCESS, late,
 * flagged SECOND_CAPTURE, parent_payment_id = the paid one), so a supervisor can refund exactly
 * that capture or accept it. The capture's gateway id is its idempotency key: the same capture
 * reported again (another event id, a poll) finds the row and changes nothing.
 */
async function recordSecondCapture(db: Db, clock: PaymentDeps['clock'], p: PaymentRow, evt: GatewayEvent, source: string, eventRow: EventRowOf): Promise<IngestResult> {
  const captureId = evt.gatewayPaymentId!;
  const now = clock.now();
  const row: PaymentRow = {
    ...p,
    id: uuidv7(clock), booking_id: null, idempotency_key: `capture:${captureId}`.slice(0, 120), amount_paise: evt.amountPaise ?? 0,
    merchant_ref: `${p.merchant_ref}.${captureId}`.slice(0, 120), // unique column; the gateway knows only the parent's
    gateway_ref: `${p.gateway_ref ?? p.merchant_ref}/${captureId}`.slice(0, 200), gateway_payment_id: captureId, upi_uri: null,
    status: 'SUCCESS', late: 1, review_reason: 'SECOND_CAPTURE', paid_amount_paise: evt.amountPaise ?? 0, refunded_paise: 0,
    created_at: now, completed_at: now, closed_at: now, next_poll_at: null, poll_count: 0, updated_at: now, cancelled_at: null, parent_payment_id: p.id,
  };
  try {
    return await db.transaction().execute(async (trx) => {
      const seen = await trx.selectFrom('payments').select('id').where('owner', '=', p.owner).where('idempotency_key', '=', row.idempotency_key).executeTakeFirst();
      if (seen) {
        const stored = await storeEvent(trx, eventRow(seen.id, 'already_final'));
        return stored ? { outcome: 'already_final' as const, paymentId: seen.id, status: 'SUCCESS' as const } : DUPLICATE;
      }
      await trx.insertInto('payments').values(row).execute();
      if (!(await storeEvent(trx, eventRow(row.id, 'second_capture')))) throw RACED; // a replayed event: undo the row
      await recordHistory(trx, clock, { paymentId: row.id, from: null, to: 'SUCCESS', source, detail: `SECOND_CAPTURE of ${p.id}: ${evt.eventType} amount=${evt.amountPaise ?? 'null'}` });
      await recordHistory(trx, clock, { paymentId: p.id, from: p.status, to: p.status, source, detail: `another capture ${captureId} recorded as payment ${row.id}` });
      return { outcome: 'second_capture' as const, paymentId: row.id, status: 'SUCCESS' as const };
    });
  } catch (err) {
    if (err === RACED) return DUPLICATE;
    throw err;
  }
}

function planWrite(p: PaymentRow, d: Change, evt: GatewayEvent, source: string, now: number, historyId: string, event: EventRow): PlannedWrite {
  if (d.kind === 'review') {
    return {
      payment: p,
      set: { review_reason: d.reason, updated_at: now },
      history: { id: historyId, from: p.status, to: p.status, source, at: now, detail: `${d.reason}: ${evt.eventType} amount=${evt.amountPaise ?? 'null'} currency=${evt.currency ?? 'null'}` },
      event,
    };
  }
  return {
    payment: p,
    set: {
      status: d.to,
      late: d.late ? 1 : p.late,
      review_reason: d.reviewReason ?? p.review_reason,
      completed_at: now,
      next_poll_at: null,
      paid_amount_paise: d.to === 'SUCCESS' ? evt.amountPaise : p.paid_amount_paise,
      gateway_payment_id: evt.gatewayPaymentId ?? p.gateway_payment_id,
      updated_at: now,
    },
    history: { id: historyId, from: p.status, to: d.to, source, at: now, detail: `${evt.eventType}${d.late ? ' (late)' : ''}` },
    event,
  };
}

/** Stores an event that changes no payment; false when its key was seen before. */
async function storeEvent(db: Db, row: EventRow): Promise<boolean> {
  const stored = await db.insertInto('gateway_events').values(row).onConflict((oc) => oc.columns(['gateway', 'event_key']).doNothing()).returning('id').executeTakeFirst();
  return stored !== undefined;
}

async function writeInTransaction(db: Db, clock: PaymentDeps['clock'], w: PlannedWrite): Promise<'written' | 'duplicate' | typeof RACED> {
  try {
    return await db.transaction().execute(async (trx) => {
      if (!(await storeEvent(trx, w.event))) return 'duplicate';
      const updated = await trx.updateTable('payments').set(w.set).where('id', '=', w.payment.id).where('status', '=', w.payment.status).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw RACED; // rolls the event row back too
      await recordHistory(trx, clock, { paymentId: w.payment.id, from: w.history.from, to: w.history.to, source: w.history.source, detail: w.history.detail });
      return 'written';
    });
  } catch (err) {
    if (err === RACED) return RACED;
    throw err;
  }
}

/**
 * One atomic statement: update the payment if still in the decided-from status, then insert the
 * history row and the event row FROM the updated row. A duplicate event key violates the unique
 * constraint and the whole statement (payment update included) is undone.
 */
async function writeOneStatement(db: Db, w: PlannedWrite): Promise<'written' | 'duplicate' | typeof RACED> {
  const e = w.event;
  const h = w.history;
  try {
    const r = await sql<{ id: string }>`
      with u as (
        update payments set ${sql.join(Object.entries(w.set).map(([k, v]) => sql`${sql.ref(k)} = ${v}`))}
        where id = ${w.payment.id} and status = ${w.payment.status}
        returning id
      ), h as (
        insert into payment_history (id, payment_id, from_status, to_status, source, detail, at)
        select ${h.id}::text, u.id, ${h.from}::text, ${h.to}::text, ${h.source}::text, ${h.detail}::text, ${h.at}::bigint from u
      )
      insert into gateway_events (id, gateway, event_key, event_type, payment_id, outcome, received_at)
      select ${e.id}::text, ${e.gateway}::text, ${e.event_key}::text, ${e.event_type}::text, u.id, ${e.outcome}::text, ${e.received_at}::bigint from u
      returning id`.execute(db);
    return r.rows.length === 1 ? 'written' : RACED;
  } catch (err) {
    if ((err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'gateway_events_key_uq') return 'duplicate';
    throw err;
  }
}

function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function findPayment(db: Db, evt: GatewayEvent): Promise<PaymentRow | undefined> {
  let q = db.selectFrom('payments').selectAll().where('gateway', '=', evt.gateway);
  if (evt.gatewayRef !== null) q = q.where('gateway_ref', '=', evt.gatewayRef);
  else if (evt.merchantRef !== null) q = q.where('merchant_ref', '=', evt.merchantRef);
  else return Promise.resolve(undefined);
  return q.executeTakeFirst();
}
