/**
 * The durable print queue (table print_jobs, migration 0009). Jobs are added inside the
 * transaction of the change that asks for them and leave the queue only once the printer has
 * acknowledged their last byte. Delivery is at least once: a job interrupted mid-send by a crash
 * is sent again at start-up with copy >= 1, so the second paper says COPY (never two originals).
 */
import type { PrintJob, PrintKind } from '../../src-shared/contracts/print.js';
import { newId } from '../core/ids.js';
import type { ServiceContext } from '../services/context.js';
import type { PrintJobRow } from '../store/schema.js';

export type { PrintJobRow };

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

export function toPrintJob(r: PrintJobRow): PrintJob {
  return {
    id: r.id, kind: r.kind, entityId: r.entity_id, status: r.status, copy: r.copy, attempts: r.attempts,
    lastError: r.last_error, createdAt: iso(r.created_at)!, printedAt: iso(r.printed_at),
  };
}

const WAITING = ['QUEUED', 'SENDING'] as const;

export class PrintQueue {
  constructor(private readonly ctx: ServiceContext) {}

  /** Must run inside the caller's transaction when it belongs to a change. */
  enqueue(kind: PrintKind, entityId: string | null, copy: number, requestedBy: string | null): PrintJobRow {
    const { q, db } = this.ctx.store;
    const now = this.ctx.clock.now();
    const row: PrintJobRow = {
      id: newId(this.ctx.clock), kind, entity_id: entityId, copy, status: 'QUEUED', attempts: 0, last_error: null,
      requested_by: requestedBy, created_at: now, updated_at: now, printed_at: null,
    };
    q.run(db.insertInto('print_jobs').values(row));
    return row;
  }

  /** The oldest job waiting (printing order is issue order). */
  next(): PrintJobRow | undefined {
    const { q, db } = this.ctx.store;
    return q.first(db.selectFrom('print_jobs').selectAll().where('status', 'in', WAITING).orderBy('created_at').orderBy('id').limit(1));
  }

  waiting(): number {
    const { q, db } = this.ctx.store;
    const r = q.first(db.selectFrom('print_jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', WAITING));
    return Number(r?.n ?? 0);
  }

  /** Durable before the first byte goes out: a crash from here on is an interrupted job. */
  markSending(id: string): void {
    const { q, db } = this.ctx.store;
    q.run(db.updateTable('print_jobs').set((eb) => ({ status: 'SENDING', attempts: eb('attempts', '+', 1), updated_at: this.ctx.clock.now() })).where('id', '=', id));
  }

  markDone(id: string): void {
    const { q, db } = this.ctx.store;
    const now = this.ctx.clock.now();
    q.run(db.updateTable('print_jobs').set({ status: 'DONE', printed_at: now, updated_at: now, last_error: null }).where('id', '=', id));
  }

  /** The printer did not take it: back in the queue, in the same place. */
  markRetry(id: string, error: string): void {
    const { q, db } = this.ctx.store;
    q.run(db.updateTable('print_jobs').set({ status: 'QUEUED', last_error: error, updated_at: this.ctx.clock.now() }).where('id', '=', id));
  }

  /** The document cannot be built (e.g. its session is gone): it would never print. */
  markFailed(id: string, error: string): void {
    const { q, db } = this.ctx.store;
    q.run(db.updateTable('print_jobs').set({ status: 'FAILED', last_error: error, updated_at: this.ctx.clock.now() }).where('id', '=', id));
  }

  /**
   * At start-up: a job still SENDING was cut off by a crash after (part of) it may have printed.
   * It is sent again as a copy, so paper that did come out is never followed by a second original.
   */
  recoverInterrupted(): number {
    const { q, db } = this.ctx.store;
    return q.run(
      db.updateTable('print_jobs')
        .set((eb) => ({ status: 'QUEUED', copy: eb('copy', '+', 1), last_error: 'interrupted mid-send; sent again as a copy', updated_at: this.ctx.clock.now() }))
        .where('status', '=', 'SENDING'),
    );
  }

  hasOriginal(kind: PrintKind, entityId: string): boolean {
    const { q, db } = this.ctx.store;
    return q.first(db.selectFrom('print_jobs').select('id').where('kind', '=', kind).where('entity_id', '=', entityId).where('copy', '=', 0)) !== undefined;
  }

  recent(limit: number): PrintJobRow[] {
    const { q, db } = this.ctx.store;
    return q.all(db.selectFrom('print_jobs').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit));
  }

  forEntity(entityId: string): PrintJobRow[] {
    const { q, db } = this.ctx.store;
    return q.all(db.selectFrom('print_jobs').selectAll().where('entity_id', '=', entityId).orderBy('created_at').orderBy('id'));
  }
}
