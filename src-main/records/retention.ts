/**
 * What leaves the kiosk database, and when (docs/records.md "Retention"). Every step deletes at
 * most `batchSize` rows in one short BEGIN IMMEDIATE transaction, so a gate operation never waits
 * long for the write lock; the caller yields between steps. Nothing unacknowledged is deleted:
 * the outbox's own trigger refuses deleting an event that is not ACKED, and the steps select
 * only acknowledged rows.
 */
import type { ServiceContext } from '../services/context.js';

export const DAY_MS = 86_400_000;

export interface RetentionPolicy {
  /** Acknowledged outbox events are deleted this long after their acknowledgement (default 7 days). */
  outboxRetentionMs: number;
  /** Completed sessions and their payments stay this long (default 400 days: yearly reports run on the kiosk). */
  historyWindowMs: number;
  /** Audit entries older than this (and anchored) are archived (default: the outbox retention). */
  auditArchiveAgeMs: number;
  batchSize: number;
  auditSegmentSize: number;
}

export const DEFAULT_POLICY: RetentionPolicy = {
  outboxRetentionMs: 7 * DAY_MS,
  historyWindowMs: 400 * DAY_MS,
  auditArchiveAgeMs: 7 * DAY_MS,
  batchSize: 200,
  auditSegmentSize: 5000,
};

/**
 * A standalone kiosk: no server configured and none ever acknowledged anything. Its outbox has no
 * reader, so events older than the retention window are released (marked ACKED with the reason)
 * and then deleted like acknowledged ones: the outbox holds at most two windows of events. A kiosk
 * that ever synced is never treated so, even when started without its server: its pending events
 * wait for the server.
 */
export function isStandalone(ctx: ServiceContext, serverConfigured: boolean): boolean {
  if (serverConfigured) return false;
  const db = ctx.store.sqlite;
  const synced = db.prepare('SELECT last_sync_at FROM sync_state WHERE id = 1').get() as { last_sync_at: number | null } | undefined;
  if (synced?.last_sync_at != null) return false;
  return db.prepare(`SELECT 1 FROM outbox WHERE status = 'ACKED' AND error IS NULL LIMIT 1`).get() === undefined
    && db.prepare(`SELECT 1 FROM audit_anchor LIMIT 1`).get() === undefined;
}

export const STANDALONE_RELEASE = 'standalone: no central server';

/** Standalone only: releases one batch of pending events older than the window. */
export function releaseStandaloneBatch(ctx: ServiceContext, policy: RetentionPolicy): number {
  const now = ctx.clock.now();
  const stmt = ctx.store.sqlite.prepare(`UPDATE outbox SET status = 'ACKED', acked_at = ?, error = ?
    WHERE id IN (SELECT id FROM outbox WHERE status = 'PENDING' AND created_at < ? ORDER BY seq LIMIT ?)`);
  return ctx.store.q.tx(() => stmt.run(now, STANDALONE_RELEASE, now - policy.outboxRetentionMs, policy.batchSize).changes);
}

/**
 * Deletes one batch of events acknowledged more than the retention window ago. The newest event
 * is always kept (the next sequence number continues from it), and the count of deleted events is
 * added to records_state in the same transaction (the sequence-gap check counts them).
 */
export function pruneOutboxBatch(ctx: ServiceContext, policy: RetentionPolicy): number {
  const db = ctx.store.sqlite;
  const cutoff = ctx.clock.now() - policy.outboxRetentionMs;
  const del = db.prepare(`DELETE FROM outbox WHERE id IN (
      SELECT id FROM outbox WHERE status = 'ACKED' AND acked_at < ? AND kiosk_id = ?
        AND seq < (SELECT MAX(seq) FROM outbox WHERE kiosk_id = ?)
      ORDER BY acked_at LIMIT ?)`);
  const count = db.prepare('UPDATE records_state SET outbox_pruned = outbox_pruned + ? WHERE id = 1');
  return ctx.store.q.tx(() => {
    const n = del.run(cutoff, ctx.kioskId, ctx.kioskId, policy.batchSize).changes;
    if (n > 0) count.run(n);
    return n;
  });
}

/**
 * Deletes one batch of ended sessions (and their payments) older than the history window that
 * the server has: no event about them is still waiting (PENDING or PARKED), their audit entries
 * were archived, no cash movement refers to their payments, no slot points at them.
 */
export function pruneSessionsBatch(ctx: ServiceContext, policy: RetentionPolicy): number {
  const db = ctx.store.sqlite;
  const cutoff = ctx.clock.now() - policy.historyWindowMs;
  const pick = db.prepare(`SELECT s.id FROM sessions s
    WHERE s.status IN ('COMPLETED','CANCELLED','EXPIRED') AND s.updated_at < ?
      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity_id = s.id AND o.status <> 'ACKED')
      AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.session_id = s.id
        AND (EXISTS (SELECT 1 FROM audit_log a WHERE a.entity_id = p.id) OR EXISTS (SELECT 1 FROM cash_movements c WHERE c.payment_id = p.id)))
      AND NOT EXISTS (SELECT 1 FROM slots sl WHERE sl.current_session_id = s.id)
    ORDER BY s.updated_at LIMIT ?`);
  const delPayments = db.prepare('DELETE FROM payments WHERE session_id = ?');
  const delSession = db.prepare('DELETE FROM sessions WHERE id = ?');
  const count = db.prepare('UPDATE records_state SET sessions_pruned = sessions_pruned + ? WHERE id = 1');
  return ctx.store.q.tx(() => {
    const ids = (pick.all(cutoff, policy.batchSize) as { id: string }[]).map((r) => r.id);
    for (const id of ids) {
      delPayments.run(id);
      delSession.run(id);
    }
    if (ids.length) count.run(ids.length);
    return ids.length;
  });
}
