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
import { ChangeLogReader, pullJsonOf, pullResultOf } from './pull.js';
import { applyPush, checkProtocol, DEFAULT_PROTOCOL_WINDOW, type ProtocolWindow } from './push.js';
import type { SyncDatabase } from './schema.js';
import { refold } from './session-replica.js';
import { begin, finish, num, serverEvent, SERVER_NODE, type Batch, type PendingChange, type SyncWriter, type TicketSecrets, type Tx } from './write-batch.js';
import { DEFAULT_FACILITY_ID } from '../../migrations/server/9980_facilities.js';

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

  private readonly facilityOfKiosk = new Map<string, string>();

  /**
   * The facility a kiosk is enrolled in (kiosks.facility_id; a kiosk never changes facility, so it
   * is cached). A kiosk id the server has not enrolled (sync tests drive the service directly)
   * belongs to the first facility.
   */
  async facilityOf(kioskId: string): Promise<string> {
    const known = this.facilityOfKiosk.get(kioskId);
    if (known) return known;
    const enrolled = this.db as unknown as Kysely<{ kiosks: { id: string; facility_id: string } }>;
    const row = await enrolled.selectFrom('kiosks').select('facility_id').where('id', '=', kioskId).executeTakeFirst();
    const facility = row?.facility_id ?? DEFAULT_FACILITY_ID;
    if (row) this.facilityOfKiosk.set(kioskId, facility);
    return facility;
  }

  async push(kioskId: string, input: PushBody): Promise<PushResult> {
    this.stats.pushes++;
    const facilityId = await this.facilityOf(kioskId);
    const result = await applyPush(this, this.protocol, this.stats, kioskId, facilityId, input);
    this.reader.notify([facilityId]);
    return result;
  }

  async pull(kioskId: string, after: number, limit: number, waitMs = 0, signal?: AbortSignal, protocolVersion?: number): Promise<PullResult> {
    return pullResultOf(await this.answerPull(kioskId, after, limit, waitMs, signal, protocolVersion));
  }

  /** The same pull as its PullResult JSON (what the route sends): the entries' JSON as read once for all pulls. */
  async pullJson(kioskId: string, after: number, limit: number, waitMs = 0, signal?: AbortSignal, protocolVersion?: number): Promise<string> {
    return pullJsonOf(await this.answerPull(kioskId, after, limit, waitMs, signal, protocolVersion));
  }

  private async answerPull(kioskId: string, after: number, limit: number, waitMs: number, signal: AbortSignal | undefined, protocolVersion: number | undefined) {
    checkProtocol(this.protocol, protocolVersion);
    this.stats.pulls++;
    const facilityId = await this.facilityOf(kioskId);
    return { ...(await this.reader.pull(kioskId, facilityId, after, limit, waitMs, signal, this.protocol.current)), facilityId };
  }

  /**
   * Appends a server-originated session event (parker booking, cancellation, online payment
   * result) and its re-folded session to the change log. For the other server modules.
   * `once`: skip when the server already recorded this event type for the
   * session (idempotent re-publish). Returns the change-log position after the commit (>= the
   * session's new entry), or null when skipped.
   */
  async recordServerSessionEvent(type: string, sessionId: string, payload: Record<string, unknown>, opts: { once?: boolean; facilityId?: string } = {}): Promise<number | null> {
    const facilityId = opts.facilityId ?? (await this.facilityOfSession(sessionId));
    const at = await this.db.transaction().execute(async (trx) => {
      const b = await begin(trx, facilityId);
      if (opts.once && (await trx.selectFrom('sync_events').select('id').where('entity_id', '=', sessionId)
        .where('kiosk_id', '=', SERVER_NODE).where('type', '=', type).executeTakeFirst())) return null;
      await serverEvent(this, trx, b, type, sessionId, payload, []);
      await refold(this, trx, b, [sessionId], null);
      return finish(this, trx, b);
    });
    if (at !== null) this.reader.notify([facilityId]);
    return at;
  }

  /**
   * One server-side write of a facility's sync state (e.g. a merchant's pre-validation): `work`
   * runs under the change-log lock with the batch, whose change entries are appended at the end;
   * long-polls wake after the commit. What `work` throws rolls everything back.
   */
  async writeForFacility<T>(facilityId: string, work: (trx: Tx, b: Batch) => Promise<T>): Promise<T> {
    const { result, facilities } = await this.db.transaction().execute(async (trx) => {
      const b = await begin(trx, facilityId);
      const result = await work(trx, b);
      await finish(this, trx, b);
      return { result, facilities: b.touchedFacilities };
    });
    this.reader.notify([...facilities]);
    return result;
  }

  /** The facility of a synced session (the first facility for one the server has not seen). */
  async facilityOfSession(sessionId: string): Promise<string> {
    const row = await this.db.selectFrom('sync_sessions').select('facility_id').where('id', '=', sessionId).executeTakeFirst();
    return row?.facility_id ?? DEFAULT_FACILITY_ID;
  }

  /**
   * Appends one non-session change entry (e.g. an online payment result for
   * the kiosk that asked, src-server/sync/server-events.ts). Long-polling pulls wake at once.
   */
  async recordServerChange(entityType: string, entityId: string, data: unknown, originKioskId: string | null = null, facilityId: string = DEFAULT_FACILITY_ID): Promise<void> {
    await this.recordServerChanges([{ entityType, entityId, data, originKioskId, facilityId }]);
  }

  /**
   * Several change-log entries in one transaction (one counter lock, one commit); each goes to its
   * own facility's log (the first facility's when it names none).
   */
  async recordServerChanges(entries: PendingChange[]): Promise<void> {
    if (entries.length === 0) return;
    const facilities = await this.db.transaction().execute(async (trx) => {
      const b = await begin(trx, DEFAULT_FACILITY_ID);
      for (const e of entries) b.pending.push(e);
      await finish(this, trx, b);
      return b.touchedFacilities;
    });
    this.reader.notify(facilities);
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
