/**
 * The durable queue of "Take cash instead" cancels for the central server (migration 0005): a
 * cancel is written in the same transaction as the local change and stays until the server has
 * answered, so a cancel made while offline (or just before a crash) still reaches the server,
 * which then closes the QR and flags any money that arrives.
 */
import { z } from 'zod';
import { allRows } from '../store/raw-rows.js';
import type { ServiceContext } from './context.js';

const QueuedCancel = z.object({ payment_id: z.string(), requested_at: z.number(), attempts: z.number() });
export type QueuedCancel = z.infer<typeof QueuedCancel>;

export function queueCancel(ctx: ServiceContext, paymentId: string, operatorId: string | null): void {
  ctx.store.sqlite.prepare('INSERT OR IGNORE INTO payment_cancels (payment_id, requested_at, operator_id) VALUES (?, ?, ?)')
    .run(paymentId, ctx.clock.now(), operatorId);
}

export function unsentCancels(ctx: ServiceContext, limit = 50): QueuedCancel[] {
  return allRows(ctx.store.sqlite.prepare('SELECT payment_id, requested_at, attempts FROM payment_cancels WHERE sent_at IS NULL ORDER BY requested_at LIMIT ?'), QueuedCancel, limit);
}

/** The kiosk cancelled this payment and the server has not confirmed it yet. */
export function cancelUnsent(ctx: ServiceContext, paymentId: string): boolean {
  return ctx.store.sqlite.prepare('SELECT 1 FROM payment_cancels WHERE payment_id = ? AND sent_at IS NULL').get(paymentId) !== undefined;
}

/** The kiosk cancelled this payment (sent or not): any success of it is money after the cancel. */
export function wasCancelled(ctx: ServiceContext, paymentId: string): boolean {
  return ctx.store.sqlite.prepare('SELECT 1 FROM payment_cancels WHERE payment_id = ?').get(paymentId) !== undefined;
}

export function markCancelSent(ctx: ServiceContext, paymentId: string): void {
  ctx.store.sqlite.prepare('UPDATE payment_cancels SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE payment_id = ?').run(ctx.clock.now(), paymentId);
}

export function markCancelFailed(ctx: ServiceContext, paymentId: string, error: string): void {
  ctx.store.sqlite.prepare('UPDATE payment_cancels SET attempts = attempts + 1, last_error = ? WHERE payment_id = ?').run(error.slice(0, 200), paymentId);
}
