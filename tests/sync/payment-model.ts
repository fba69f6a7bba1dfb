/**
 * Online payments for the sync property model: the central server's real payment code
 * (src-server/payments: create, ingest/decide, cancel, reconciler deadline) on an in-memory SQLite
 * payments database, and a model gateway in process whose QR can still be paid after it was
 * closed (the race a real customer's app can win). Each kiosk reaches it through a port that
 * fails with OFFLINE while that kiosk's network is down, like the HTTP client does.
 */
import { Kysely } from 'kysely';
import pino from 'pino';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import type { PaymentServerPort } from '../../src-main/services/online-payments.js';
import type { ServerPayment } from '../../src-main/online/server-client.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PaymentRow, ServerDatabase } from '../../src-server/db/schema.js';
import { CachingSqliteDialect } from '../../src-server/db/sqlite-dialect.js';
import { Metrics } from '../../src-server/http/metrics.js';
import { cancelPayment } from '../../src-server/payments/cancel.js';
import { createPayment, type PaymentDeps } from '../../src-server/payments/create.js';
import type { CreateGatewayPayment, GatewayEvent, GatewayPaymentCreated, PaymentGateway, PaymentRefs, RefundRequest } from '../../src-server/payments/gateway.js';
import { ingestEvent } from '../../src-server/payments/ingest.js';
import { Reconciler } from '../../src-server/payments/reconciler.js';
import { toPaymentView } from '../../src-server/payments/view.js';
import { migratedMemoryDb } from './harness.js';

interface ModelQr {
  merchantRef: string;
  amountPaise: number;
  closed: boolean;
  captures: { id: string; amountPaise: number }[];
}

export class ModelGateway implements PaymentGateway {
  readonly name = 'sim' as const;
  readonly qrs = new Map<string, ModelQr>();
  private n = 0;

  async create(input: CreateGatewayPayment): Promise<GatewayPaymentCreated> {
    const ref = `qr_${++this.n}`;
    this.qrs.set(ref, { merchantRef: input.merchantRef, amountPaise: input.amountPaise, closed: false, captures: [] });
    return { gatewayRef: ref, upiUri: `upi://pay?pa=park@model&tr=${ref}&am=${(input.amountPaise / 100).toFixed(2)}&cu=INR` };
  }

  async fetchStatus(refs: PaymentRefs): Promise<GatewayEvent> {
    const qr = this.qrs.get(refs.gatewayRef)!;
    const c = qr.captures[0];
    return {
      gateway: 'sim', eventKey: c ? `poll:${c.id}:captured` : `poll:${refs.gatewayRef}:pending`, eventType: 'poll', outcome: c ? 'SUCCESS' : 'PENDING',
      gatewayRef: refs.gatewayRef, merchantRef: qr.merchantRef, amountPaise: c?.amountPaise ?? null, currency: 'INR', gatewayPaymentId: c?.id ?? null,
    };
  }

  async close(refs: PaymentRefs): Promise<void> {
    this.qrs.get(refs.gatewayRef)!.closed = true;
  }

  async refund(input: RefundRequest): Promise<{ refundId: string }> {
    return { refundId: `rfnd_${input.idempotencyKey}` };
  }

  /** The customer pays the QR (closed or not): the gateway's webhook for it. */
  capture(ref: string): GatewayEvent {
    const qr = this.qrs.get(ref)!;
    const id = `pay_${++this.n}`;
    qr.captures.push({ id, amountPaise: qr.amountPaise });
    return { gateway: 'sim', eventKey: `evt_${id}`, eventType: 'payment.captured', outcome: 'SUCCESS', gatewayRef: ref, merchantRef: qr.merchantRef, amountPaise: qr.amountPaise, currency: 'INR', gatewayPaymentId: id };
  }
}

export interface PaymentModel {
  deps: PaymentDeps;
  gateway: ModelGateway;
  reconciler: Reconciler;
  /** The port kiosk `kioskId` uses; `online()` false -> OFFLINE, as an unreachable server. */
  portFor(kioskId: string, online: () => boolean): PaymentServerPort;
  /** The gateway reports a capture of this payment's QR (a webhook). */
  customerPays(paymentId: string): Promise<string>;
  rows(): Promise<PaymentRow[]>;
  close(): Promise<void>;
}

export async function paymentModel(now: () => number, ttlSeconds = 300): Promise<PaymentModel> {
  const db = new Kysely<ServerDatabase>({ dialect: new CachingSqliteDialect(await migratedMemoryDb()) });
  await migrateToLatest(db); // already at the latest: checks the image, applies nothing
  // payments.kiosk_id references the enrolled kiosks (the property model's gates are k0..k9).
  for (let i = 0; i < 10; i++) await db.insertInto('kiosks').values({ id: `k${i}`, name: `Gate ${i}`, signing_key: 'x', created_at: now(), revoked_at: null }).execute();
  const gateway = new ModelGateway();
  const deps: PaymentDeps = {
    db, clock: { now }, gateways: { active: gateway, get: (n) => (n === 'sim' ? gateway : null) }, metrics: new Metrics(),
    log: pino({ level: 'silent' }), ttlSeconds,
  };
  const view = (p: PaymentRow) => toPaymentView(p) as ServerPayment;
  return {
    deps,
    gateway,
    reconciler: new Reconciler(deps),
    portFor(kioskId, online) {
      const owner = `kiosk:${kioskId}`;
      const reach = () => {
        if (!online()) throw new AppError('OFFLINE', undefined, { reason: 'unreachable' });
      };
      return {
        async createPayment(input) {
          reach();
          return view(await createPayment(deps, {
            owner, facilityId: 'main', kioskId, bookingId: null, sessionId: input.sessionId, amountPaise: input.amountPaise, idempotencyKey: input.idempotencyKey,
            vehicleNumber: input.vehicleNumber ?? null, description: 'Parking fee',
          }));
        },
        async getPayment(id) {
          reach();
          const p = await db.selectFrom('payments').selectAll().where('id', '=', id).where('owner', '=', owner).executeTakeFirst();
          if (!p) throw new AppError('NOT_FOUND', 'No such payment for this kiosk.');
          return view(p);
        },
        async cancelPayment(id) {
          reach();
          return view(await cancelPayment(deps, owner, id));
        },
      };
    },
    async customerPays(paymentId) {
      const p = await db.selectFrom('payments').select('gateway_ref').where('id', '=', paymentId).executeTakeFirstOrThrow();
      return (await ingestEvent(deps, gateway.capture(p.gateway_ref!), 'webhook')).outcome;
    },
    rows: () => db.selectFrom('payments').selectAll().execute(),
    close: () => db.destroy(),
  };
}
