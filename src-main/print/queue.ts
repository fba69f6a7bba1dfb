/**
 * The durable print queue (table print_jobs, migration 0009). Jobs are added inside the
 * transaction of the change that asks for them and leave the queue only once the printer has
 * acknowledged their last byte. Delivery is at least once: a job interrupted mid-send by a crash
 * is sent again at start-up with copy >= 1, so the second paper says COPY (never two originals).
 */
import type { PrintJob, PrintJobStatus, PrintKind } from '../../src-shared/contracts/print.js';
import { newId } from '../core/ids.js';
import type { ServiceContext } from '../services/context.js';

export interface PrintJobRow {
  id: string;
  kind: PrintKind;
  entity_id: string | null;
  copy: number;
  status: PrintJobStatus;
  attempts: number;
  last_error: string | null;
  requested_by: string | null;
  created_at: number;
  updated_at: number;
  printed_at: number | null;
}

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

export function toPrintJob(r: PrintJobRow): PrintJob {
  return {
    id: r.id, kind: r.kind, entityId: r.entity_id, status: r.status, copy: r.copy, attempts: r.attempts,
    lastError: r.last_error, createdAt: iso(r.created_at)!, printedAt: iso(r.printed_at),
  };
}

export class PrintQueue {
  constructor(private readonly ctx: ServiceContext) {}

  private get sqlite() {
    return this.ctx.store.sqlite;
  }

  /** Must run inside the caller's transaction when it belongs to a change. */
  enqueue(kind: PrintKind, entityId: string | null, copy: number, requestedBy: string | null): PrintJobRow {
    const now = this.ctx.clock.now();
    const row: PrintJobRow = {
      id: newId(this.ctx.clock), kind, entity_id: entityId, copy, status: 'QUEUED', attempts: 0, last_error: null,
      requested_by: requestedBy, created_at: now, updated_at: now, printed_at: null,
    };
    this.sqlite.prepare(
      `INSERT INTO print_jobs (id, kind, entity_id, copy, status, attempts, last_error, requested_by, created_at, updated_at, printed_at)
       VALUES (@id, @kind, @entity_id, @copy, @status, @attempts, @last_error, @requested_by, @created_at, @updated_at, @printed_at)`,
    ).run(row);
    return row;
  }

  /** The oldest job waiting (printing order is issue order). */
  next(): PrintJobRow | undefined {
    return this.sqlite.prepare(
      `SELECT * FROM print_jobs WHERE status IN ('QUEUED', 'SENDING') ORDER BY created_at, id LIMIT 1`,
    ).get() as PrintJobRow | undefined;
  }

  waiting(): number {
    return (this.sqlite.prepare(`SELECT count(*) AS n FROM print_jobs WHERE status IN ('QUEUED', 'SENDING')`).get() as { n: number }).n;
  }

  /** Durable before the first byte goes out: a crash from here on is an interrupted job. */
  markSending(id: string): void {
    this.sqlite.prepare(`UPDATE print_jobs SET status = 'SENDING', attempts = attempts + 1, updated_at = ? WHERE id = ?`).run(this.ctx.clock.now(), id);
  }

  markDone(id: string): void {
    const now = this.ctx.clock.now();
    this.sqlite.prepare(`UPDATE print_jobs SET status = 'DONE', printed_at = ?, updated_at = ?, last_error = NULL WHERE id = ?`).run(now, now, id);
  }

  /** The printer did not take it: back in the queue, in the same place. */
  markRetry(id: string, error: string): void {
    this.sqlite.prepare(`UPDATE print_jobs SET status = 'QUEUED', last_error = ?, updated_at = ? WHERE id = ?`).run(error, this.ctx.clock.now(), id);
  }

  /** The document cannot be built (e.g. its session is gone): it would never print. */
  markFailed(id: string, error: string): void {
    this.sqlite.prepare(`UPDATE print_jobs SET status = 'FAILED', last_error = ?, updated_at = ? WHERE id = ?`).run(error, this.ctx.clock.now(), id);
  }

  /**
   * At start-up: a job still SENDING was cut off by a crash after (part of) it may have printed.
   * It is sent again as a copy, so paper that did come out is never followed by a second original.
   */
  recoverInterrupted(): number {
    return this.sqlite.prepare(
      `UPDATE print_jobs SET status = 'QUEUED', copy = copy + 1, last_error = 'interrupted mid-send; sent again as a copy', updated_at = ? WHERE status = 'SENDING'`,
    ).run(this.ctx.clock.now()).changes;
  }

  hasOriginal(kind: PrintKind, entityId: string): boolean {
    return this.sqlite.prepare(`SELECT 1 FROM print_jobs WHERE kind = ? AND entity_id = ? AND copy = 0`).get(kind, entityId) !== undefined;
  }

  recent(limit: number): PrintJobRow[] {
    return this.sqlite.prepare(`SELECT * FROM print_jobs ORDER BY created_at DESC, id DESC LIMIT ?`).all(limit) as PrintJobRow[];
  }

  forEntity(entityId: string): PrintJobRow[] {
    return this.sqlite.prepare(`SELECT * FROM print_jobs WHERE entity_id = ? ORDER BY created_at, id`).all(entityId) as PrintJobRow[];
  }
}
