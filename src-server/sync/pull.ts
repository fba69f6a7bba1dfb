/**
 * A kiosk's pull: its facility's entries of the change log after a cursor, in order; with `waitMs`
 * it long-polls until something is appended for that facility (online payment results and other
 * gates' events arrive within a second). Wake-ups are keyed by facility (the waker's scope,
 * `wakeEvent(facilityId)`), so another facility's burst neither wakes nor feeds this kiosk's pull.
 * The wake-up comes from the change waker (src-server/scale/change-waker.ts: in-process, or
 * PostgreSQL LISTEN/NOTIFY across instances); while waiting the log is re-read every
 * `waker.fallbackMs` too, so a lost notification delays a pull by that much, never by `waitMs`.
 * `after` acknowledges everything up to it: the kiosk's cursor is recorded (refund holds wait for it).
 */
import type { ChangeEntry, PullResult } from '../../src-shared/contracts/sync.js';
import type { ChangeWaker } from '../scale/change-waker.js';
import { CursorAcks } from './cursor-acks.js';
import { num, type SyncWriter } from './write-batch.js';

export class ChangeLogReader {
  private readonly acks: CursorAcks;

  constructor(private readonly w: SyncWriter, private readonly maxLimit: number, readonly waker: ChangeWaker) {
    this.acks = new CursorAcks(w.db, () => w.now());
  }

  /** Wakes the long-polls of these facilities (the scope of a change-log commit), on every instance. */
  notify(facilityIds: Iterable<string>): void {
    for (const f of new Set(facilityIds)) this.waker.publish(wakeEvent(f));
  }

  /**
   * Subscribes to appends of `scope` at once (before the pull's first read, so an append between
   * that read and the wait is not missed); `next(ms)` resolves at the next append since the last
   * call, after `ms`, or on abort.
   */
  private appends(scope: string, signal: AbortSignal | undefined): { next(ms: number): Promise<void>; off(): void } {
    let pending = false;
    let wake: (() => void) | null = null;
    const fire = () => {
      pending = true;
      wake?.();
    };
    const off = this.waker.subscribe(scope, fire);
    signal?.addEventListener('abort', fire);
    return {
      next: (ms) => new Promise<void>((resolve) => {
        if (pending || signal?.aborted) {
          pending = false;
          resolve();
          return;
        }
        const timer = setTimeout(() => {
          wake = null;
          resolve();
        }, ms);
        wake = () => {
          clearTimeout(timer);
          wake = null;
          pending = false;
          resolve();
        };
      }),
      off: () => {
        off();
        signal?.removeEventListener('abort', fire);
      },
    };
  }

  async pull(kioskId: string, facilityId: string, after: number, limit: number, waitMs: number, signal: AbortSignal | undefined, protocolVersion: number): Promise<PullResult> {
    const take = Math.max(1, Math.min(limit, this.maxLimit));
    const appended = waitMs > 0 ? this.appends(wakeEvent(facilityId), signal) : null;
    let changes: ChangeEntry[];
    try {
      changes = await this.read(facilityId, after, take);
      const until = Date.now() + waitMs;
      // Wall time (not the injected clock): this is how long an HTTP request stays open.
      for (let left = waitMs; appended && changes.length === 0 && left > 0 && !signal?.aborted; left = until - Date.now()) {
        await appended.next(Math.min(left, this.waker.fallbackMs));
        changes = await this.read(facilityId, after, take);
      }
    } finally {
      appended?.off();
    }
    await this.acks.record(kioskId, after);
    return { changes, cursor: changes.length ? changes[changes.length - 1]!.seq : after, hasMore: changes.length === take, serverTime: this.w.now(), protocolVersion };
  }

  /** A change entry's data as the gates need it: a ticket key's secret opened (sealed at rest). */
  private openStored(entityType: string, data: string): unknown {
    const parsed = JSON.parse(data) as { secret?: unknown };
    if (entityType === 'ticketKey' && typeof parsed.secret === 'string') parsed.secret = this.w.ticketSecrets.open(parsed.secret);
    return parsed;
  }

  /** Reads in flight by (facility, after, limit): the pulls an append wakes mostly wait at the same cursor. */
  private readonly reading = new Map<string, Promise<ChangeEntry[]>>();

  /**
   * The facility's entries after `after`. Pulls asking for the same range while one read is in
   * flight share it (one query and one parse for all the kiosks an append woke, not one each);
   * the entries are shared, read-only.
   */
  private read(facilityId: string, after: number, limit: number): Promise<ChangeEntry[]> {
    const key = `${facilityId}:${after}:${limit}`;
    const have = this.reading.get(key);
    if (have) return have;
    const p = this.w.db.selectFrom('sync_changes').selectAll().where('facility_id', '=', facilityId).where('seq', '>', after).orderBy('seq').limit(limit).execute()
      .then((rows) => rows.map((r): ChangeEntry => ({
        seq: num(r.seq), entityType: r.entity_type, entityId: r.entity_id, originKioskId: r.origin_kiosk_id, data: this.openStored(r.entity_type, r.data),
      })))
      .finally(() => this.reading.delete(key));
    this.reading.set(key, p);
    return p;
  }
}

/** The wake-up scope of a facility (a string, so the cross-instance notifier keys on it too). */
export function wakeEvent(facilityId: string): string {
  return `facility:${facilityId}`;
}
