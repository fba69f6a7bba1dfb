/**
 * Creating an online payment: one attempt = one merchant reference; the same idempotency key
 * returns the same payment; a session with a PENDING payment cannot start a second one.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PaymentRow, ServerDatabase } from '../db/schema.js';
import type { Metrics } from '../http/metrics.js';
import type { Clock } from '../util/clock.js';
import { newMerchantRef, uuidv7 } from '../util/ids.js';
import { recordHistory } from './history.js';
import { nextPollOffset } from './poll-schedule.js';
import type { GatewayRegistry } from './registry.js';

export interface CreatePaymentInput {
  owner: string;
  /** The facility of the kiosk or booking that asks (its revenue). */
  facilityId: string;
  kioskId: string | null;
  bookingId: string | null;
  sessionId: string;
  amountPaise: number;
  idempotencyKey: string;
  vehicleNumber: string | null;
  description: string;
}

export interface PaymentDeps {
  db: Kysely<ServerDatabase>;
  clock: Clock;
  gateways: GatewayRegistry;
  metrics: Metrics;
  log: Logger;
  ttlSeconds: number;
  /** Called after a payment's state changed (src-server/sync/server-events.ts pushes it to the kiosk). */
  onPaymentChange?: ((paymentId: string) => void) | undefined;
}

export async function createPayment(deps: PaymentDeps, input: CreatePaymentInput): Promise<PaymentRow> {
  const { db, clock, gateways } = deps;
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await findByIdempotencyKey(db, input.owner, input.idempotencyKey);
    if (existing) return sameRequestOrConflict(existing, input);

    const open = await db
      .selectFrom('payments')
      .select('id')
      .where('owner', '=', input.owner)
      .where('session_id', '=', input.sessionId)
      .where('status', '=', 'PENDING')
      .executeTakeFirst();
    if (open) throw new AppError('PAYMENT_PENDING', undefined, { paymentId: open.id });

    const now = clock.now();
    const gateway = gateways.active;
    const row: PaymentRow = {
      id: uuidv7(clock),
      owner: input.owner,
      facility_id: input.facilityId,
      kiosk_id: input.kioskId,
      booking_id: input.bookingId,
      session_id: input.sessionId,
      idempotency_key: input.idempotencyKey,
      amount_paise: input.amountPaise,
      gateway: gateway.name,
      merchant_ref: newMerchantRef(),
      gateway_ref: null,
      gateway_payment_id: null,
      upi_uri: null,
      vehicle_number: input.vehicleNumber,
      status: 'PENDING',
      late: 0,
      review_reason: null,
      paid_amount_paise: null,
      refunded_paise: 0,
      created_at: now,
      expires_at: now + deps.ttlSeconds * 1000,
      completed_at: null,
      closed_at: null,
      next_poll_at: null,
      poll_count: 0,
      updated_at: now,
      cancelled_at: null,
      parent_payment_id: null,
    };
    const inserted = await db
      .insertInto('payments')
      .values(row)
      .onConflict((oc) => oc.columns(['owner', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) continue; // a concurrent request with the same key won: read it on the next pass

    let created;
    try {
      created = await gateway.create({
        merchantRef: row.merchant_ref,
        amountPaise: row.amount_paise,
        expiresAt: row.expires_at,
        description: input.description,
      });
    } catch (err) {
      deps.metrics.gatewayErrors.inc({ gateway: gateway.name, op: 'create' });
      deps.log.warn({ err: (err as Error).message, paymentId: row.id, gateway: gateway.name }, 'gateway create failed');
      await db.deleteFrom('payments').where('id', '=', row.id).where('gateway_ref', 'is', null).execute();
      throw new AppError('OFFLINE', 'The payment service is not answering. Take cash or try again.');
    }
    return db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('payments')
        .set({
          gateway_ref: created.gatewayRef,
          upi_uri: created.upiUri,
          next_poll_at: row.created_at + nextPollOffset(0),
          updated_at: clock.now(),
        })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordHistory(trx, clock, { paymentId: row.id, from: null, to: 'PENDING', source: 'create', detail: gateway.name });
      return updated;
    });
  }
  throw new AppError('CONFLICT', 'This payment request is being processed. Try again.');
}

function findByIdempotencyKey(db: Kysely<ServerDatabase>, owner: string, key: string) {
  return db.selectFrom('payments').selectAll().where('owner', '=', owner).where('idempotency_key', '=', key).executeTakeFirst();
}

function sameRequestOrConflict(existing: PaymentRow, input: CreatePaymentInput): PaymentRow {
  if (existing.session_id !== input.sessionId || existing.amount_paise !== input.amountPaise) {
    throw new AppError('CONFLICT', 'This idempotency key was used for a different payment.');
  }
  if (existing.gateway_ref === null) throw new AppError('CONFLICT', 'This payment request is being processed. Try again.');
  return existing;
}
