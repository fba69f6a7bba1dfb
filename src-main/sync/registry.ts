/** Which sync worker belongs to which kiosk core (handlers only see the ServiceContext). */
import type { SyncStatus } from '../../src-shared/contracts/api.js';
import type { ServerPayment } from '../online/server-client.js';
import type { ServiceContext } from '../services/context.js';
import type { SyncWorker } from './worker.js';

const workers = new WeakMap<ServiceContext, SyncWorker>();

export function attachSyncWorker(ctx: ServiceContext, worker: SyncWorker): void {
  workers.set(ctx, worker);
}

export function syncWorkerOf(ctx: ServiceContext): SyncWorker | undefined {
  return workers.get(ctx);
}

export function syncStatus(ctx: ServiceContext): SyncStatus {
  const w = workers.get(ctx);
  if (w) return w.status();
  const pending = ctx.store.sqlite.prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS t FROM outbox WHERE status = 'PENDING'`).get() as { n: number; t: number | null };
  return {
    enabled: false, online: false, syncing: false, pendingEvents: pending.n,
    oldestPendingAgeSeconds: pending.t === null ? null : Math.max(0, Math.floor((ctx.clock.now() - pending.t) / 1000)),
    parkedEvents: 0, skippedChanges: 0, lastSyncAt: null, clockOffsetMs: null, clockSkewAlert: false, cursor: 0, lastError: null,
  };
}

/** [sync] Where a pushed online payment result goes (kiosk.ts wires OnlinePayments.apply here). */
export type PaymentResultSink = (payment: ServerPayment) => void;
const paymentSinks = new WeakMap<ServiceContext, PaymentResultSink>();

export function attachPaymentResultSink(ctx: ServiceContext, sink: PaymentResultSink): void {
  paymentSinks.set(ctx, sink);
}

export function paymentResultSinkOf(ctx: ServiceContext): PaymentResultSink | undefined {
  return paymentSinks.get(ctx);
}
