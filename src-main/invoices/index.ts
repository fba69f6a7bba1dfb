/**
 * Wires invoicing into the core: every recorded `session.completed` (a paid exit, cash or
 * online) and `session.cancelled` issues the session's document inside that transaction; a
 * refund recorded on an invoiced session credits it (refund-credit.ts); a
 * timer issues the consolidated invoices of finished days (the next payment would too, but a
 * quiet gate must not wait for one).
 */
import type { ServiceContext } from '../services/context.js';
import { consolidatePastDays, issueForSession } from './issue.js';
import { creditPendingRefunds, creditRefundsOfSession } from './refund-credit.js';

type Log = (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;

/** Every 5 minutes: a day ends at midnight IST, so its consolidated invoice is at most this late. */
export const CONSOLIDATE_EVERY_MS = 5 * 60 * 1000;

export function installInvoicing(ctx: ServiceContext, log: Log = () => undefined): () => void {
  const unsubscribe = ctx.changes.subscribe((c) => {
    if (c.entityType !== 'session') return;
    if (c.action === 'session.completed' || c.action === 'session.cancelled') issueForSession(ctx, c.entityId, c.paymentId);
    else creditRefundsOfSession(ctx, null, c.entityId);
  });
  const consolidate = () => {
    try {
      const issued = ctx.store.q.tx(() => [...consolidatePastDays(ctx), ...creditPendingRefunds(ctx)]);
      if (issued.length > 0) log('info', 'consolidated invoices issued', { numbers: issued.map((d) => d.number) });
    } catch (err) {
      log('warn', 'consolidated invoice failed', { error: String(err) });
    }
  };
  const timer = setInterval(consolidate, CONSOLIDATE_EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
