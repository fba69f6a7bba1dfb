/**
 * A kiosk's pull: the change log after a cursor, in order; with `waitMs` it long-polls until
 * something is appended (online payment results and other gates' events arrive within a second).
 * The wake-up comes from the change waker (src-server/scale/change-waker.ts: in-process, or
 * PostgreSQL LISTEN/NOTIFY across instances); while waiting the log is re-read every
 * `waker.fallbackMs` too, so a lost notification delays a pull by that much, never by `waitMs`.
 * `after` acknowledges everything up to it: the kiosk's cursor is recorded (refund holds wait for it).
 */
import type { ChangeEntry, PullResult } from '../../src-shared/contracts/sync.js';
import { DEFAULT_SCOPE, type ChangeWaker } from '../scale/change-waker.js';
import { num, type SyncWriter } from './write-batch.js';

export class ChangeLogReader {
  constructor(private readonly w: SyncWriter, private readonly maxLimit: number, readonly waker: ChangeWaker) {}

  /** After every commit that appended to the change log of `scope`. */
  notify(scope: string = DEFAULT_SCOPE): void {
    this.waker.publish(scope);
  }

  /** Resolves on the next append to `scope`, after `ms`, or on abort; true when woken by an append. */
  private waitForAppend(scope: string, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let off = () => {};
      const done = (woken: boolean) => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener('abort', aborted);
        resolve(woken);
      };
      const aborted = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      off = this.waker.subscribe(scope, () => done(true));
      signal?.addEventListener('abort', aborted);
    });
  }

  async pull(kioskId: string, after: number, limit: number, waitMs: number, signal: AbortSignal | undefined, protocolVersion: number): Promise<PullResult> {
    const take = Math.max(1, Math.min(limit, this.maxLimit));
    let rows = await this.read(after, take);
    const until = Date.now() + waitMs;
    // Wall time (not the injected clock): this is how long an HTTP request stays open.
    for (let left = waitMs; rows.length === 0 && left > 0 && !signal?.aborted; left = until - Date.now()) {
      await this.waitForAppend(DEFAULT_SCOPE, Math.min(left, this.waker.fallbackMs), signal);
      rows = await this.read(after, take);
    }
    await this.w.db.updateTable('sync_kiosks').set({ cursor: after, last_pull_at: this.w.now() }).where('kiosk_id', '=', kioskId).where('cursor', '<', after).execute();
    const changes: ChangeEntry[] = rows.map((r) => ({
      seq: num(r.seq), entityType: r.entity_type, entityId: r.entity_id, originKioskId: r.origin_kiosk_id, data: this.openStored(r.entity_type, r.data),
    }));
    return { changes, cursor: changes.length ? changes[changes.length - 1]!.seq : after, hasMore: changes.length === take, serverTime: this.w.now(), protocolVersion };
  }

  /** A change entry's data as the gates need it: a ticket key's secret opened (sealed at rest). */
  private openStored(entityType: string, data: string): unknown {
    const parsed = JSON.parse(data) as { secret?: unknown };
    if (entityType === 'ticketKey' && typeof parsed.secret === 'string') parsed.secret = this.w.ticketSecrets.open(parsed.secret);
    return parsed;
  }

  private read(after: number, limit: number) {
    return this.w.db.selectFrom('sync_changes').selectAll().where('seq', '>', after).orderBy('seq').limit(limit).execute();
  }
}
