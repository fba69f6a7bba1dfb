/**
 * Server side of sync (DESIGN.md §5, docs/sync.md). The work is split by job:
 * push.ts (sequence checks, validation with the sync contract, one transaction per batch),
 * pull.ts (the change log, long-poll), session-replica.ts (fold + store sessions), clashes.ts
 * (slot and plate decisions across sessions), replicated-entities.ts (zones, operators, ticket
 * keys), write-batch.ts (the counter lock, server events, change-log writes), bulk-insert.ts.
 *
 * Every writing transaction takes the single-row `sync_counter` lock first (a row lock held until
 * commit on PostgreSQL; the write lock on SQLite), so change-log sequence numbers are assigned in
 * commit order: a reader never sees seq n+1 without seq n.
 */
import type { recordCheckpoint } from '../audit/checkpoints.js';
import type { Kysely } from 'kysely';
import type { CanonicalSession, PullResult, PushBody, PushResult } from '../../src-shared/contracts/sync.js';
import { placeholderStyle, type PlaceholderStyle } from './bulk-insert.js';
import { LocalWaker, type ChangeWaker } from '../scale/change-waker.js';
import { ChangeLogReader } from './pull.js';
import { applyPush, checkProtocol, DEFAULT_PROTOCOL_WINDOW, type ProtocolWindow } from './push.js';
import type { SyncDatabase } from './schema.js';
import { refold } from './session-replica.js';
import { begin, finish, num, serverEvent, SERVER_NODE, type SyncWriter, type TicketSecrets } from './write-batch.js';

export { SERVER_NODE } from './write-batch.js';
export type { ChangeEntry, PullResult, PushBody as PushInput, PushResult, WireEvent as PushEvent } from '../../src-shared/contracts/sync.js';

export interface SyncServiceOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the server's whole database, or a test's sync-only one
  db: Kysely<any>;
  now?: () => number;
  maxPullLimit?: number;
  /** Protocol versions accepted (default: this build's and the one before). */
  protocol?: ProtocolWindow;
  /** Seals / opens gates' ticket secrets at rest (src-server/db/secret-box.ts); plain when absent. */
  ticketSecrets?: TicketSecrets;
  /** Stores a pushed audit head in the push transaction (src-server/audit/checkpoints.ts). */
  anchor?: typeof recordCheckpoint;
  /** Wakes long-polls on appends (across instances on PostgreSQL); in-process when absent. */
  waker?: ChangeWaker;
}

export class SyncService implements SyncWriter {
  readonly db: Kysely<SyncDatabase>;
  private readonly clock: () => number;
  private readonly reader: ChangeLogReader;
  private readonly protocol: ProtocolWindow;
  private placeholder: PlaceholderStyle | null = null;
  readonly ticketSecrets: TicketSecrets;
  readonly anchor: typeof recordCheckpoint | undefined;
  /** Counters for the bench and ops. */
  readonly stats = { eventsApplied: 0, eventsDuplicate: 0, eventsRejected: 0, pushes: 0, pulls: 0 };

  constructor(opts: SyncServiceOptions) {
    this.db = opts.db as Kysely<SyncDatabase>;
    this.clock = opts.now ?? (() => Date.now());
    this.protocol = opts.protocol ?? DEFAULT_PROTOCOL_WINDOW;
    this.ticketSecrets = opts.ticketSecrets ?? { seal: (v) => v, open: (v) => v };
    this.reader = new ChangeLogReader(this, opts.maxPullLimit ?? 1000, opts.waker ?? new LocalWaker());
    this.anchor = opts.anchor;
  }

  now(): number {
    return this.clock();
  }

  style(): PlaceholderStyle {
    this.placeholder ??= placeholderStyle(this.db);
    return this.placeholder;
  }

  async push(kioskId: string, input: PushBody): Promise<PushResult> {
    this.stats.pushes++;
    const result = await applyPush(this, this.protocol, this.stats, kioskId, input);
    this.reader.notify();
    return result;
  }

  async pull(kioskId: string, after: number, limit: number, waitMs = 0, signal?: AbortSignal, protocolVersion?: number): Promise<PullResult> {
    checkProtocol(this.protocol, protocolVersion);
    this.stats.pulls++;
    return this.reader.pull(kioskId, after, limit, waitMs, signal, this.protocol.current);
  }

  /**
   * Appends a server-originated session event (parker booking, cancellation, online payment
   * result) and its re-folded session to the change log. For the other server modules.
   * `once`: skip when the server already recorded this event type for the
   * session (idempotent re-publish). Returns the change-log position after the commit (>= the
   * session's new entry), or null when skipped.
   */
  async recordServerSessionEvent(type: string, sessionId: string, payload: Record<string, unknown>, opts: { once?: boolean } = {}): Promise<number | null> {
    const at = await this.db.transaction().execute(async (trx) => {
      const b = await begin(trx);
      if (opts.once && (await trx.selectFrom('sync_events').select('id').where('entity_id', '=', sessionId)
        .where('kiosk_id', '=', SERVER_NODE).where('type', '=', type).executeTakeFirst())) return null;
      await serverEvent(this, trx, b, type, sessionId, payload, []);
      await refold(this, trx, b, [sessionId], null);
      return finish(this, trx, b);
    });
    if (at !== null) this.reader.notify();
    return at;
  }

  /**
   * Appends one non-session change entry (e.g. an online payment result for
   * the kiosk that asked, src-server/sync/server-events.ts). Long-polling pulls wake at once.
   */
  async recordServerChange(entityType: string, entityId: string, data: unknown, originKioskId: string | null = null): Promise<void> {
    await this.recordServerChanges([{ entityType, entityId, data, originKioskId }]);
  }

  /** Several change-log entries in one transaction (one counter lock, one commit). */
  async recordServerChanges(entries: { entityType: string; entityId: string; data: unknown; originKioskId: string | null }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const b = await begin(trx);
      for (const e of entries) b.pending.push(e);
      await finish(this, trx, b);
    });
    this.reader.notify();
  }

  // ------------------------------------------------------------------ inspection (tests, ops)

  async sessions(): Promise<CanonicalSession[]> {
    const rows = await this.db.selectFrom('sync_sessions').select('data').orderBy('id').execute();
    return rows.map((r) => JSON.parse(r.data) as CanonicalSession);
  }

  async kiosks() {
    return this.db.selectFrom('sync_kiosks').selectAll().orderBy('kiosk_id').execute();
  }

  async counts(): Promise<{ events: number; changes: number }> {
    const e = await this.db.selectFrom('sync_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const c = await this.db.selectFrom('sync_changes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return { events: num(e.n), changes: num(c.n) };
  }
}
