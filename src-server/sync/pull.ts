/**
 * A kiosk's pull: its facility's entries of the change log after a cursor, in order; with `waitMs`
 * it long-polls until something is appended for that facility (online payment results and other
 * gates' events arrive within a second). Wake-ups are keyed by facility, so another facility's burst
 * neither wakes nor feeds this kiosk's pull. `after` acknowledges everything up to it: the kiosk's
 * cursor is recorded (refund holds wait for it).
 */
import { EventEmitter } from 'node:events';
import type { ChangeEntry, PullResult } from '../../src-shared/contracts/sync.js';
import { num, type SyncWriter } from './write-batch.js';

export class ChangeLogReader {
  /** Emits the facility id after every commit that appended to that facility's change log. */
  readonly appended = new EventEmitter();

  constructor(private readonly w: SyncWriter, private readonly maxLimit: number) {
    this.appended.setMaxListeners(0);
  }

  /** Wakes the long-polls of these facilities (the scope of a change-log commit). */
  notify(facilityIds: Iterable<string>): void {
    for (const f of facilityIds) this.appended.emit(wakeEvent(f));
  }

  async pull(kioskId: string, facilityId: string, after: number, limit: number, waitMs: number, signal: AbortSignal | undefined, protocolVersion: number): Promise<PullResult> {
    const take = Math.max(1, Math.min(limit, this.maxLimit));
    const event = wakeEvent(facilityId);
    let rows = await this.read(facilityId, after, take);
    if (rows.length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.appended.off(event, done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        this.appended.on(event, done);
        signal?.addEventListener('abort', done);
      });
      rows = await this.read(facilityId, after, take);
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

  private read(facilityId: string, after: number, limit: number) {
    return this.w.db.selectFrom('sync_changes').selectAll().where('facility_id', '=', facilityId).where('seq', '>', after).orderBy('seq').limit(limit).execute();
  }
}

/** The wake-up scope of a facility (a string, so a cross-instance notifier can key on it too). */
export function wakeEvent(facilityId: string): string {
  return `facility:${facilityId}`;
}
