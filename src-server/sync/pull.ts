/**
 * A kiosk's pull: the change log after a cursor, in order; with `waitMs` it long-polls until
 * something is appended (online payment results and other gates' events arrive within a second).
 * `after` acknowledges everything up to it: the kiosk's cursor is recorded (refund holds wait for it).
 */
import { EventEmitter } from 'node:events';
import type { ChangeEntry, PullResult } from '../../src-shared/contracts/sync.js';
import { num, type SyncWriter } from './write-batch.js';

export class ChangeLogReader {
  /** Emits 'change' after every commit that appended to the change log. */
  readonly appended = new EventEmitter();

  constructor(private readonly w: SyncWriter, private readonly maxLimit: number) {
    this.appended.setMaxListeners(0);
  }

  notify(): void {
    this.appended.emit('change');
  }

  async pull(kioskId: string, after: number, limit: number, waitMs: number, signal: AbortSignal | undefined, protocolVersion: number): Promise<PullResult> {
    const take = Math.max(1, Math.min(limit, this.maxLimit));
    let rows = await this.read(after, take);
    if (rows.length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.appended.off('change', done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        this.appended.on('change', done);
        signal?.addEventListener('abort', done);
      });
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
