/**
 * Transactional outbox: every state change writes one immutable event in the same transaction
 * (DESIGN.md §5). append() must run inside the caller's transaction.
 * The payload is built by the event type's schema in the sync contract
 * (src-shared/contracts/sync.ts): only the declared fields are written, so a new column in a
 * kiosk table never changes the wire format by itself, and a payload that does not match its
 * schema is a bug that fails the operation here instead of being parked by the server later.
 *
 * Session events carry what changed (appendSessionChange, protocol 3): the first event of a
 * session this process writes carries the full rows, every later one only the fields that differ
 * from the previous one (its `base`). The base's resolved rows are remembered in memory only: after
 * a restart, or when the base is no longer a usable outbox event (parked, pruned, or its
 * transaction rolled back), the event carries the full rows again (docs/sync.md "Delta events").
 */
import {
  sessionChangePayload, SYNC_EVENT_PAYLOADS, SYNC_PROTOCOL_VERSION, type SessionChangePayload, type SessionEventType, type SyncEventType,
} from '../../src-shared/contracts/sync.js';
import { decodeHlc, encodeHlc, hlcNow, type Hlc } from '../../src-shared/domain/hlc.js';
import { sessionDelta, type ResolvedSessionChange } from '../../src-shared/domain/session-delta.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import type { Store } from '../store/open.js';

/** Sessions whose last event's rows are remembered (the oldest are forgotten first: their next event is full). */
const REMEMBERED_SESSIONS = 2000;

export class Outbox {
  private readonly lastChange = new Map<string, { eventId: string; state: ResolvedSessionChange }>();
  private baseStatusStmt: { get(id: string): unknown } | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly kioskId: string,
  ) {}

  private nextHlc(): string {
    const { q, db } = this.store;
    const stored = q.first(db.selectFrom('meta').select('value').where('key', '=', 'hlc'));
    const prev: Hlc = (stored && decodeHlc(stored.value)) || { wallMs: 0, counter: 0, node: this.kioskId };
    const next = encodeHlc(hlcNow(prev, this.clock.now()));
    q.run(
      db.insertInto('meta').values({ key: 'hlc', value: next }).onConflict((oc) => oc.column('key').doUpdateSet({ value: next })),
    );
    return next;
  }

  append(type: SyncEventType, entityId: string | null, payload: object): string {
    const parsed = SYNC_EVENT_PAYLOADS[type].safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`outbox: ${type} payload does not match its sync schema (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`);
    }
    const { q, db } = this.store;
    const last = q.first(
      db.selectFrom('outbox').select((eb) => eb.fn.max('seq').as('seq')).where('kiosk_id', '=', this.kioskId),
    );
    const id = newId(this.clock);
    q.run(
      db.insertInto('outbox').values({
        id,
        kiosk_id: this.kioskId,
        seq: (last?.seq ?? 0) + 1,
        hlc: this.nextHlc(),
        type,
        entity_id: entityId,
        payload: JSON.stringify(parsed.data),
        schema_version: SYNC_PROTOCOL_VERSION,
        created_at: this.clock.now(),
      }),
    );
    return id;
  }

  /**
   * A session or payment event: the full rows in `full`, written as what changed since this
   * session's previous event when that event is still a usable base.
   */
  appendSessionChange(type: SessionEventType, sessionId: string, full: SessionChangePayload): string {
    const rows = sessionChangePayload.parse(full);
    const last = this.lastChange.get(sessionId);
    const payload = last && this.usableBase(last.eventId) ? sessionDelta(last.eventId, last.state, rows) : rows;
    const id = this.append(type, sessionId, payload);
    this.lastChange.delete(sessionId);
    this.lastChange.set(sessionId, { eventId: id, state: { session: rows.session, payment: rows.payment } });
    if (this.lastChange.size > REMEMBERED_SESSIONS) this.lastChange.delete(this.lastChange.keys().next().value!);
    return id;
  }

  /** The server resolves a delta against its base only when the base was applied: never a parked or missing one. */
  private usableBase(eventId: string): boolean {
    this.baseStatusStmt ??= this.store.sqlite.prepare(`SELECT 1 FROM outbox WHERE id = ? AND status IN ('PENDING','ACKED')`);
    return this.baseStatusStmt.get(eventId) !== undefined;
  }

  pendingCount(): number {
    const { q, db } = this.store;
    const r = q.first(db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'PENDING'));
    return r?.n ?? 0;
  }
}
