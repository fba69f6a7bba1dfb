/**
 * Wires invoicing into the core: every recorded `session.completed` (a paid exit, cash or
 * online) and `session.cancelled` issues the session's document inside that transaction.
 */
import type { ServiceContext } from '../services/context.js';
import { issueForSession } from './issue.js';

export function installInvoicing(ctx: ServiceContext): () => void {
  return ctx.changes.subscribe((c) => {
    if (c.entityType !== 'session') return;
    if (c.action === 'session.completed' || c.action === 'session.cancelled') issueForSession(ctx, c.entityId, c.paymentId);
  });
}
