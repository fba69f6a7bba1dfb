/**
 * Server side of sync (DESIGN.md §5, issue 5).
 *
 * push: one transaction per batch. The single-row `sync_counter` is updated first, which on
 * PostgreSQL holds a row lock until commit (on SQLite the write lock does the same), so every
 * writer is serialised and change-log sequence numbers are assigned in commit order: a reader
 * never sees seq n+1 without seq n. Per kiosk: events at or below the kiosk's last sequence are
 * duplicates (acknowledged, not applied again); the next one must be exactly last+1 (a gap is
 * refused with CONFLICT/SEQ_GAP so the kiosk resends from there). An event the server cannot
 * apply (unknown type, newer schema, malformed) is stored PARKED and acknowledged as REJECTED:
 * it is kept, never dropped, and never blocks the rest.
 *
 * pull: the change log after a cursor, in order; with `waitMs` it long-polls until something is
 * appended (online payment results and other gates' events arrive within a second).
 */
import { EventEmitter } from 'node:events';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import { decodeHlc, encodeHlc, hlcNow, hlcReceive, type Hlc } from '../../src-shared/domain/hlc.js';
import { foldSession, isOpenStatus, type CanonicalSession, type FoldEvent, type PaymentSnap, type SessionSnap, type VehicleSnap } from './fold.js';
import type { SyncDatabase, SyncSessionsTable } from './schema.js';
import { storedPayloadJson } from './stored-payload.js';
import type { AuditCheckpoint, AuditHead } from '../../src-shared/contracts/audit-anchor.js';
import type { recordCheckpoint } from '../audit/checkpoints.js';

/** Newest event schema this server understands; older versions are upgraded on read. */
export const SERVER_EVENT_SCHEMA_VERSION = 1;
export const SERVER_NODE = 'server';

export interface PushEvent {
  id: string;
  seq: number;
  hlc: string;
  type: string;
  entityId: string | null;
  payload: unknown;
  schemaVersion: number;
  createdAt: number;
  /** Context the kiosk attaches at push time (not part of the immutable payload). */
  vehicle?: VehicleSnap | null | undefined;
}

export interface PushInput {
  events: PushEvent[];
  ticketKeys?: { keyId: string; secret: string }[] | undefined;
  clientTime?: number | undefined;
  /** The kiosk's audit-chain head (anchored by `SyncServiceOptions.anchor`). */
  auditHead?: AuditHead | undefined;
}

export type PushOutcome = 'APPLIED' | 'DUPLICATE' | 'REJECTED';
export interface PushResult {
  results: { id: string; seq: number; outcome: PushOutcome; error?: string }[];
  lastSeq: number;
  serverTime: number;
  /** The audit checkpoint stored for this push's head. */
  auditCheckpoint?: AuditCheckpoint;
}

export interface ChangeEntry {
  seq: number;
  entityType: string;
  entityId: string;
  originKioskId: string | null;
  data: unknown;
}

export interface PullResult {
  changes: ChangeEntry[];
  cursor: number;
  hasMore: boolean;
  serverTime: number;
}

export interface SyncServiceOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>;
  now?: () => number;
  maxPullLimit?: number;
  /** Seals / opens gates' ticket secrets at rest (src-server/db/secret-box.ts); plain when absent. */
  ticketSecrets?: { seal(plain: string): string; open(stored: string): string };
  /** Stores a pushed audit head in the push transaction (src-server/audit/checkpoints.ts). */
  anchor?: typeof recordCheckpoint;
}

const SESSION_TYPES = new Set([
  'session.booked', 'session.ticketIssued', 'session.entered', 'session.quoted', 'session.lostTicket',
  'session.completed', 'session.cancelled', 'session.adopted', 'session.conflictResolved', 'session.expired',
]);
/** Online-payment events carry the session snapshot and the payment row: folded like session events. */
const isSessionType = (t: string) => SESSION_TYPES.has(t) || t.startsWith('payment.');
/** Kiosk-local records kept on the server (reports) but not replicated to other gates. */
// Stored as received, not folded: cash shifts, settings, and the lane's openings and vend exceptions (src-shared/contracts/lane-events.ts).
const STORED_ONLY = ['shift.', 'settings.', 'lane.'];
const ZONE_TYPES = new Set(['zone.created', 'zone.updated', 'slots.created']);
const OPERATOR_TYPES = new Set(['operator.created', 'operator.updated']);

type Tx = Transaction<SyncDatabase>;
const num = (v: unknown): number => Number(v);
/** Rows per multi-row INSERT (SQLite binds up to 32,766 values per statement, PostgreSQL 65,535). */
const INSERT_CHUNK = 1000;
/** Values per IN (...) list. */
const IN_CHUNK = 500;

interface Pending {
  seq: number;
  entityType: string;
  entityId: string;
  originKioskId: string | null;
  data: unknown;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * An IN (...) list padded to a power-of-two length with its last value (same rows): a few SQL
 * texts instead of one per list length, so SQLite's cached statements are reused.
 */
function padded<T>(part: readonly T[]): T[] {
  const out = [...part];
  const n = part.length <= 1 ? part.length : 2 ** Math.ceil(Math.log2(part.length));
  while (out.length < n) out.push(part[part.length - 1]!);
  return out;
}

const EVENT_COLS = ['id', 'kiosk_id', 'seq', 'hlc', 'type', 'entity_id', 'payload', 'schema_version', 'outcome', 'error', 'received_at'] as const;
const SESSION_COLS = ['id', 'zone_id', 'slot_id', 'vehicle_number', 'status', 'is_open', 'creation_hlc', 'conflict', 'amount_paid_paise', 'data', 'updated_at'] as const;
const CHANGE_COLS = ['seq', 'entity_type', 'entity_id', 'origin_kiosk_id', 'data', 'created_at'] as const;
const SESSION_UPSERT = ` on conflict ("id") do update set ${SESSION_COLS.slice(1).map((c) => `"${c}" = excluded."${c}"`).join(', ')}`;

/**
 * Multi-row INSERT written directly (no query-builder pass over thousands of values: on a push
 * that was a third of the CPU time). Plain portable SQL; only the placeholder differs
 * (`?` on SQLite, `$n` on PostgreSQL). `suffix` is an ON CONFLICT clause.
 * On SQLite the rows go in pieces of power-of-two sizes (at most SQLITE_PIECE): a handful of
 * statement texts per table, each prepared once by the statement cache
 * (src-server/db/sqlite-dialect.ts). PostgreSQL takes up to `chunk` rows per round trip.
 */
async function insertRows<R extends object>(trx: Tx, style: 'dollar' | 'question', table: string, cols: readonly (keyof R & string)[], rows: readonly R[], suffix = '', chunk = INSERT_CHUNK): Promise<void> {
  for (let i = 0; i < rows.length;) {
    const n = style === 'question' ? pieceSize(rows.length - i) : Math.min(chunk, rows.length - i);
    const params: unknown[] = [];
    for (let r = i; r < i + n; r++) {
      const row = rows[r]!;
      for (const c of cols) params.push(row[c]);
    }
    await trx.executeQuery(CompiledQuery.raw(insertSql(style, table, cols, n, suffix), params));
    i += n;
  }
}

/** Rows per SQLite statement at most (11 columns x 512 rows stays far below SQLite's 32,766 bound values). */
const SQLITE_PIECE = 512;
const pieceSize = (left: number) => (left >= SQLITE_PIECE ? SQLITE_PIECE : 2 ** Math.floor(Math.log2(left)));

const insertSqlCache = new Map<string, string>();
function insertSql(style: 'dollar' | 'question', table: string, cols: readonly string[], n: number, suffix: string): string {
  const key = `${style}|${table}|${cols.join(',')}|${n}|${suffix}`;
  const have = insertSqlCache.get(key);
  if (have !== undefined) return have;
  const tuples: string[] = [];
  for (let r = 0; r < n; r++) tuples.push(`(${cols.map((_, c) => (style === 'dollar' ? `$${r * cols.length + c + 1}` : '?')).join(', ')})`);
  const sql = `insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}${suffix}`;
  // PostgreSQL statements come in any size up to `chunk`: only SQLite's few shapes are kept.
  if (style === 'question') insertSqlCache.set(key, sql);
  return sql;
}

/** Events that take part in a session's fold (server decisions included). */
const isFoldType = (t: string) => isSessionType(t) || t === 'session.slotMoved' || t === 'session.vehicleClash';

/**
 * A fold input from a stored payload object (the same object whose JSON is in sync_events.payload);
 * `vehicle`, when given, is the one the push attached (stored in the payload as `vehicle`).
 */
function foldEventOf(id: string, kioskId: string, hlc: string, type: string, p: Record<string, unknown>, vehicle?: VehicleSnap | null): FoldEvent {
  return {
    id, hlc, kioskId, type,
    session: (p.session as SessionSnap | undefined) ?? null,
    payment: (p.payment as PaymentSnap | undefined) ?? null,
    vehicle: vehicle ?? (p.vehicle as VehicleSnap | undefined) ?? null,
    extra: p,
  };
}

interface OpenRow { id: string; creation_hlc: string; zone_id: string; slot_id: string; vehicle_number: string }

/**
 * What one writing transaction (a push, a server event) accumulates in memory and then writes with
 * a few multi-row statements: the counter (read once under the lock, written once at the end), the
 * fold inputs of the sessions it touches (loaded once, one query per 500 sessions), the server
 * events it decides, and the change-log entries it appends.
 */
class Batch {
  /** Complete fold inputs per session (stored events + this transaction's). */
  readonly events = new Map<string, FoldEvent[]>();
  readonly serverRows: SyncDatabase['sync_events'][] = [];
  readonly pending: Pending[] = [];
  /** Slots given to a moved session in this transaction (its row is stored only when it is re-folded). */
  readonly reserved = new Set<string>();
  zones: { id: string; slots: { id: string; position: number }[] }[] | null = null;
  constructor(readonly start: { seq: number; serverSeq: number; hlc: string }, public serverSeq: number, public hlc: string) {}
}

export class SyncService {
  readonly db: Kysely<SyncDatabase>;
  private readonly now: () => number;
  private readonly emitter = new EventEmitter();
  private readonly maxPullLimit: number;
  private readonly ticketSecrets: NonNullable<SyncServiceOptions['ticketSecrets']>;
  private readonly anchor: SyncServiceOptions['anchor'];
  /** Counters for the bench and ops. */
  readonly stats = { eventsApplied: 0, eventsDuplicate: 0, eventsRejected: 0, pushes: 0, pulls: 0 };

  constructor(opts: SyncServiceOptions) {
    this.db = opts.db as Kysely<SyncDatabase>;
    this.now = opts.now ?? (() => Date.now());
    this.maxPullLimit = opts.maxPullLimit ?? 1000;
    this.ticketSecrets = opts.ticketSecrets ?? { seal: (v) => v, open: (v) => v };
    this.anchor = opts.anchor;
    this.emitter.setMaxListeners(0);
  }

  private placeholder: 'dollar' | 'question' | null = null;
  /** The dialect's placeholder, read once from a compiled query. */
  private style(): 'dollar' | 'question' {
    this.placeholder ??= this.db.selectFrom('sync_counter').select('id').where('id', '=', 1).compile().sql.includes('$1') ? 'dollar' : 'question';
    return this.placeholder;
  }

  // ------------------------------------------------------------------ push

  /**
   * Applies one pushed batch in ONE transaction with a fixed number of statements (about ten,
   * whatever the batch size): lock + counter read, kiosk state, one lookup of already-stored
   * sequence numbers (only when the batch overlaps them), one read of the touched sessions' stored
   * events, multi-row inserts of the events, one fold per touched session, multi-row upserts of
   * sync_sessions, one query for open slot/plate rivals, multi-row inserts of server events and
   * change-log entries, the counter and the kiosk row. Zones, operators and ticket keys (rare)
   * keep their per-item statements.
   */
  async push(kioskId: string, input: PushInput): Promise<PushResult> {
    const events = [...input.events].sort((a, b) => a.seq - b.seq);
    this.stats.pushes++;
    const result = await this.db.transaction().execute(async (trx) => {
      const b = await this.begin(trx);
      const state = await this.kioskState(trx, kioskId);
      const results: PushResult['results'] = [];

      // Sequence check. The stored ids of the sequence numbers the batch repeats: one query.
      const storedIds = new Map<number, string>();
      const repeated = [...new Set(events.filter((e) => e.seq <= state.last_seq).map((e) => e.seq))];
      for (const part of chunks(repeated, IN_CHUNK)) {
        const rows = await trx.selectFrom('sync_events').select(['id', 'seq']).where('kiosk_id', '=', kioskId).where('seq', 'in', padded(part)).execute();
        for (const r of rows) storedIds.set(num(r.seq), r.id);
      }
      let lastSeq = state.last_seq;
      const fresh: PushEvent[] = [];
      const freshIds = new Map<number, string>();
      const touched = new Set<string>();
      for (const e of events) {
        if (e.seq <= lastSeq) {
          const have = e.seq <= state.last_seq ? storedIds.get(e.seq) : freshIds.get(e.seq);
          if (have !== undefined && have !== e.id) {
            throw new AppError('CONFLICT', 'This kiosk sent a different event for a sequence number the server already has.', { reason: 'SEQ_REUSED', seq: e.seq });
          }
          results.push({ id: e.id, seq: e.seq, outcome: 'DUPLICATE' });
          // A duplicate re-announces its session: a kiosk whose acknowledgement was lost then
          // still finds a change entry for it after its cursor.
          if (e.entityId && isSessionType(e.type)) touched.add(e.entityId);
          continue;
        }
        if (e.seq !== lastSeq + 1) {
          throw new AppError('CONFLICT', 'Events are missing before this batch.', { reason: 'SEQ_GAP', expectedSeq: lastSeq + 1 });
        }
        lastSeq = e.seq;
        freshIds.set(e.seq, e.id);
        fresh.push(e);
      }
      this.stats.eventsDuplicate += results.length;

      const receivedAt = this.now();
      const rows: SyncDatabase['sync_events'][] = [];
      const freshFold: [string, FoldEvent][] = [];
      const entityEvents: PushEvent[] = [];
      for (const e of fresh) {
        const verdict = this.validate(e);
        rows.push({
          id: e.id, kiosk_id: kioskId, seq: e.seq, hlc: e.hlc, type: e.type, entity_id: e.entityId,
          payload: verdict.ok ? storedPayloadJson(e.payload, e.vehicle) : JSON.stringify(e.payload ?? null), schema_version: e.schemaVersion,
          outcome: verdict.ok ? 'APPLIED' : 'PARKED', error: verdict.ok ? null : verdict.error, received_at: receivedAt,
        });
        if (!verdict.ok) {
          results.push({ id: e.id, seq: e.seq, outcome: 'REJECTED', error: verdict.error });
          this.stats.eventsRejected++;
          if (e.entityId && isSessionType(e.type)) touched.add(e.entityId); // the kiosk gets the canonical state back
          continue;
        }
        results.push({ id: e.id, seq: e.seq, outcome: 'APPLIED' });
        this.stats.eventsApplied++;
        if (isSessionType(e.type)) {
          touched.add(e.entityId!);
          freshFold.push([e.entityId!, foldEventOf(e.id, kioskId, e.hlc, e.type, e.payload as Record<string, unknown>, e.vehicle)]);
        } else if (ZONE_TYPES.has(e.type) || OPERATOR_TYPES.has(e.type)) entityEvents.push(e);
      }

      // The touched sessions' stored events (read before this batch's rows exist), plus this batch's.
      await this.loadEvents(trx, b, [...touched]);
      for (const [sessionId, fe] of freshFold) b.events.get(sessionId)!.push(fe);
      await insertRows(trx, this.style(), 'sync_events', EVENT_COLS, rows);

      for (const e of entityEvents) {
        if (ZONE_TYPES.has(e.type)) await this.applyZone(trx, b, kioskId, e);
        else await this.applyOperator(trx, b, kioskId, e);
      }
      for (const key of input.ticketKeys ?? []) await this.applyTicketKey(trx, b, kioskId, key);
      await this.refold(trx, b, [...touched], kioskId);

      const offset = input.clientTime !== undefined ? receivedAt - input.clientTime : state.clock_offset_ms;
      await trx.updateTable('sync_kiosks').set({ last_seq: lastSeq, last_push_at: receivedAt, clock_offset_ms: offset })
        .where('kiosk_id', '=', kioskId).execute();
      await this.finish(trx, b);
      const auditCheckpoint = await this.anchor?.(trx, kioskId, input.auditHead, { newEvents: fresh.length, lastSeq, receivedAt });
      return { results, lastSeq, serverTime: this.now(), ...(auditCheckpoint ? { auditCheckpoint } : {}) };
    });
    this.emitter.emit('change');
    return result;
  }

  private validate(e: PushEvent): { ok: true } | { ok: false; error: string } {
    if (e.schemaVersion > SERVER_EVENT_SCHEMA_VERSION) return { ok: false, error: `SCHEMA_TOO_NEW: version ${e.schemaVersion}` };
    if (!decodeHlc(e.hlc)) return { ok: false, error: 'BAD_HLC' };
    const p = e.payload as Record<string, unknown> | null;
    if (STORED_ONLY.some((prefix) => e.type.startsWith(prefix))) return { ok: true };
    if (isSessionType(e.type)) {
      const s = p?.session as Record<string, unknown> | null | undefined;
      if (!s || typeof s !== 'object' || s.id !== e.entityId || typeof s.slot_id !== 'string' || typeof s.zone_id !== 'string') {
        return { ok: false, error: 'MALFORMED: session event without its session snapshot' };
      }
      return { ok: true };
    }
    if (ZONE_TYPES.has(e.type)) {
      const z = p?.zone as Record<string, unknown> | null | undefined;
      if (!z || z.id !== e.entityId || !Array.isArray(p?.slots)) return { ok: false, error: 'MALFORMED: zone event' };
      return { ok: true };
    }
    if (OPERATOR_TYPES.has(e.type)) {
      const o = p?.operator as Record<string, unknown> | null | undefined;
      if (!o || o.id !== e.entityId || typeof o.pin_hash !== 'string') return { ok: false, error: 'MALFORMED: operator event' };
      return { ok: true };
    }
    return { ok: false, error: `UNKNOWN_TYPE: ${e.type}` };
  }

  /**
   * Takes the writer lock and reads the counter in one statement: a no-op update of the single
   * `sync_counter` row (a row lock held to commit on PostgreSQL; SQLite's write lock), RETURNING
   * its current values, which no other writer can change before this transaction ends.
   */
  private async begin(trx: Tx): Promise<Batch> {
    const c = await trx.updateTable('sync_counter').set((eb) => ({ seq: eb.ref('seq') })).where('id', '=', 1)
      .returning(['seq', 'server_seq', 'hlc']).executeTakeFirstOrThrow();
    const start = { seq: num(c.seq), serverSeq: num(c.server_seq), hlc: c.hlc };
    return new Batch(start, start.serverSeq, start.hlc);
  }

  /** Writes what the batch accumulated: server events, change-log entries, the counter. */
  private async finish(trx: Tx, b: Batch): Promise<number> {
    await insertRows(trx, this.style(), 'sync_events', EVENT_COLS, b.serverRows);
    // Only the last entry per entity matters inside one transaction (it subsumes the earlier ones).
    const lastIdx = new Map<string, number>();
    b.pending.forEach((p, i) => lastIdx.set(`${p.entityType}:${p.entityId}`, i));
    const keep = b.pending.filter((p, i) => lastIdx.get(`${p.entityType}:${p.entityId}`) === i);
    let seq = b.start.seq;
    const now = this.now();
    const rows = keep.map((p) => ({
      seq: ++seq, entity_type: p.entityType, entity_id: p.entityId, origin_kiosk_id: p.originKioskId,
      data: typeof p.data === 'string' ? p.data : JSON.stringify(p.data), created_at: now,
    }));
    await insertRows(trx, this.style(), 'sync_changes', CHANGE_COLS, rows);
    if (seq !== b.start.seq || b.serverSeq !== b.start.serverSeq || b.hlc !== b.start.hlc) {
      await trx.updateTable('sync_counter').set({ seq, server_seq: b.serverSeq, hlc: b.hlc }).where('id', '=', 1).execute();
    }
    return seq;
  }

  private async kioskState(trx: Tx, kioskId: string) {
    const row = await trx.selectFrom('sync_kiosks').selectAll().where('kiosk_id', '=', kioskId).executeTakeFirst();
    if (row) return { ...row, last_seq: num(row.last_seq), cursor: num(row.cursor) };
    const fresh = { kiosk_id: kioskId, last_seq: 0, cursor: 0, last_push_at: null, last_pull_at: null, clock_offset_ms: null };
    await trx.insertInto('sync_kiosks').values(fresh).execute();
    return fresh;
  }

  private nextServerHlc(b: Batch, after: string[]): string {
    let h: Hlc = decodeHlc(b.hlc) ?? { wallMs: 0, counter: 0, node: SERVER_NODE };
    for (const a of after) {
      const r = decodeHlc(a);
      if (r) h = hlcReceive(h, r, this.now());
    }
    h = hlcNow(h, this.now());
    b.hlc = encodeHlc(h);
    return b.hlc;
  }

  /** Records a server decision about a session (stored at the end of the transaction) and adds it to the fold input. */
  private async serverEvent(trx: Tx, b: Batch, type: string, entityId: string, payload: Record<string, unknown>, after: string[]): Promise<void> {
    await this.loadEvents(trx, b, [entityId]);
    const seq = ++b.serverSeq;
    const hlc = this.nextServerHlc(b, after);
    const json = JSON.stringify(payload);
    b.serverRows.push({
      id: `server-${seq}`, kiosk_id: SERVER_NODE, seq, hlc, type, entity_id: entityId, payload: json,
      schema_version: SERVER_EVENT_SCHEMA_VERSION, outcome: 'APPLIED', error: null, received_at: this.now(),
    });
    if (isFoldType(type)) b.events.get(entityId)!.push(foldEventOf(`server-${seq}`, SERVER_NODE, hlc, type, JSON.parse(json) as Record<string, unknown>));
  }

  // ------------------------------------------------------------------ sessions

  /** Loads the stored fold inputs of the sessions not loaded yet in this batch: one query per 500. */
  private async loadEvents(trx: Tx, b: Batch, ids: string[]): Promise<void> {
    const missing = ids.filter((id) => !b.events.has(id));
    for (const id of missing) b.events.set(id, []);
    for (const part of chunks(missing, IN_CHUNK)) {
      const rows = await trx.selectFrom('sync_events').select(['id', 'kiosk_id', 'hlc', 'type', 'entity_id', 'payload'])
        .where('entity_id', 'in', padded(part)).where('outcome', '=', 'APPLIED').execute();
      for (const r of rows) {
        if (!isFoldType(r.type)) continue;
        b.events.get(r.entity_id!)!.push(foldEventOf(r.id, r.kiosk_id, r.hlc, r.type, JSON.parse(r.payload) as Record<string, unknown>));
      }
    }
  }

  /**
   * Folds each session once, stores them all with multi-row upserts, settles slot/plate clashes
   * with one rival query, and queues one change entry per session. Sessions a clash decision
   * changed are folded again (a second round only when there was a clash).
   */
  private async refold(trx: Tx, b: Batch, sessionIds: string[], originKioskId: string | null): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.loadEvents(trx, b, sessionIds);
    const folded = new Map<string, { c: CanonicalSession; json: string }>();
    for (const id of sessionIds) {
      const c = foldSession(b.events.get(id) ?? []);
      if (c) folded.set(id, { c, json: JSON.stringify(c) });
    }
    await this.store(trx, [...folded.values()]);
    const again = new Set<string>();
    await this.settleClashes(trx, b, folded, again);
    for (const [id, f] of folded) {
      if (again.has(id)) continue;
      // `{"kind":"session",...c}` without serialising the session a second time.
      b.pending.push({ seq: 0, entityType: 'session', entityId: id, originKioskId, data: `{"kind":"session",${f.json.slice(1)}` });
    }
    if (again.size) await this.refold(trx, b, [...again], null);
  }

  private async store(trx: Tx, list: { c: CanonicalSession; json: string }[]): Promise<void> {
    const now = this.now();
    const rows: SyncSessionsTable[] = list.map(({ c, json }) => ({
      // An overflow session holds no slot: '' keeps it out of the slot-rival and free-slot queries.
      id: c.session.id, zone_id: c.session.zone_id, slot_id: c.session.overflow ? '' : c.session.slot_id, vehicle_number: c.vehicle.vehicle_number,
      status: c.session.status, is_open: isOpenStatus(c.session.status) ? 1 : 0, creation_hlc: c.creationHlc,
      conflict: c.session.conflict, amount_paid_paise: c.session.amount_paid_paise, data: json, updated_at: now,
    }));
    await insertRows(trx, this.style(), 'sync_sessions', SESSION_COLS, rows, SESSION_UPSERT, INSERT_CHUNK / 2);
  }

  /**
   * Two open sessions in one slot: the lower creation HLC keeps it, the other gets a
   * `session.slotMoved` server event to the first free slot, or, when no slot is free anywhere,
   * to overflow (`overflow: true`: open, holding no slot). The same plate open twice: the later
   * gets `session.vehicleClash`. Rivals of every open session of this round come from one query per
   * kind (after this round's sessions are stored, so rivals inside the batch are seen too); a
   * session already decided this round is settled again after its re-fold.
   */
  private async settleClashes(trx: Tx, b: Batch, folded: Map<string, { c: CanonicalSession }>, again: Set<string>): Promise<void> {
    const open = [...folded].filter(([, f]) => isOpenStatus(f.c.session.status));
    if (open.length === 0) return;
    const holds = (c: CanonicalSession) => !c.session.overflow; // an overflow session has no slot rivals
    const bySlot = new Map<string, OpenRow[]>();
    const byPlate = new Map<string, OpenRow[]>();
    const cols = ['id', 'creation_hlc', 'zone_id', 'slot_id', 'vehicle_number'] as const;
    for (const part of chunks([...new Set(open.filter(([, f]) => holds(f.c)).map(([, f]) => f.c.session.slot_id))], IN_CHUNK)) {
      for (const r of await trx.selectFrom('sync_sessions').select(cols).where('is_open', '=', 1).where('slot_id', 'in', part).execute()) {
        bySlot.set(r.slot_id, [...(bySlot.get(r.slot_id) ?? []), r]);
      }
    }
    for (const part of chunks([...new Set(open.map(([, f]) => f.c.vehicle.vehicle_number))], IN_CHUNK)) {
      for (const r of await trx.selectFrom('sync_sessions').select(cols).where('is_open', '=', 1).where('vehicle_number', 'in', part).execute()) {
        byPlate.set(r.vehicle_number, [...(byPlate.get(r.vehicle_number) ?? []), r]);
      }
    }
    const beats = (x: { creation_hlc: string; id: string }, y: { creation_hlc: string; id: string }) =>
      x.creation_hlc < y.creation_hlc || (x.creation_hlc === y.creation_hlc && x.id < y.id);
    const order = (x: OpenRow, y: OpenRow) => (beats(x, y) ? -1 : beats(y, x) ? 1 : 0);

    for (const [id, { c }] of open) {
      if (again.has(id)) continue; // decided already this round: settled again after its re-fold
      const me = { id, creation_hlc: c.creationHlc };
      const lastHlc = (b.events.get(id) ?? []).map((e) => e.hlc).sort().at(-1) ?? c.creationHlc;
      const slotRivals = holds(c) ? (bySlot.get(c.session.slot_id) ?? []).filter((r) => r.id !== id && !again.has(r.id)).sort(order) : [];
      for (const rival of slotRivals) {
        const loser = beats(me, rival) ? { id: rival.id, zone: rival.zone_id, other: id } : { id, zone: c.session.zone_id, other: rival.id };
        const target = await this.freeSlot(trx, b, loser.zone, c.session.slot_id);
        if (target) b.reserved.add(target);
        // No free slot anywhere: the loser stays open without a slot (overflow), never two
        // sessions holding one slot, which no gate can mirror.
        await this.serverEvent(trx, b, 'session.slotMoved', loser.id, target ? {
          slot_id: target, from_slot_id: c.session.slot_id, other_session_id: loser.other,
          detail: `Slot also allocated offline to session ${loser.other} (earlier): moved to another slot.`,
        } : {
          slot_id: c.session.slot_id, from_slot_id: c.session.slot_id, other_session_id: loser.other, overflow: true,
          detail: `Slot also allocated offline to session ${loser.other} (earlier) and no slot is free: overflow, no slot held.`,
        }, [lastHlc, rival.creation_hlc]);
        again.add(loser.id);
        if (loser.id === id) break;
      }
      const plateRivals = (byPlate.get(c.vehicle.vehicle_number) ?? []).filter((r) => r.id !== id && !again.has(r.id)).sort(order);
      for (const rival of plateRivals) {
        const loserId = beats(me, rival) ? rival.id : id;
        const otherId = loserId === id ? rival.id : id;
        await this.serverEvent(trx, b, 'session.vehicleClash', loserId, {
          vehicle_number: `${c.vehicle.vehicle_number}#${loserId.slice(-4).toUpperCase()}`, other_session_id: otherId,
          detail: `Vehicle ${c.vehicle.vehicle_number} is also open as session ${otherId}: check the number plate.`,
        }, [lastHlc, rival.creation_hlc]);
        again.add(loserId);
        if (loserId === id) break;
      }
    }
  }

  /**
   * First free slot for a clash loser (zones read once per transaction; only on a clash): its own
   * zone first, else the first free slot of another zone (an overflow slot: the session keeps its
   * zone and tariff; the gates accept a server-assigned slot of another zone). Only a facility
   * with no free slot at all has no target: see docs/sync.md.
   */
  private async freeSlot(trx: Tx, b: Batch, zoneId: string, exclude: string): Promise<string | null> {
    if (!b.zones) {
      const rows = await trx.selectFrom('sync_entities').select(['entity_id', 'data']).where('entity_type', '=', 'zone').orderBy('entity_id').execute();
      b.zones = rows.map((z) => ({
        id: z.entity_id,
        slots: ((JSON.parse(z.data) as { slots?: { id: string; position: number }[] }).slots ?? []).slice().sort((x, y) => x.position - y.position),
      }));
    }
    // Own zone first; when it is full, the other zones (in a fixed order, so every run decides
    // the same). Leaving two open sessions in one slot is not an option: no gate can hold that
    // state (one open session per slot), so the gates would skip or provisionally move a session
    // that the server never sends again, and never converge.
    const own = b.zones.filter((z) => z.id === zoneId);
    const others = b.zones.filter((z) => z.id !== zoneId);
    for (const zone of [...own, ...others]) {
      const candidates = zone.slots.filter((s) => s.id !== exclude && !b.reserved.has(s.id));
      if (!candidates.length) continue;
      const busy = new Set<string>();
      for (const part of chunks(candidates.map((s) => s.id), IN_CHUNK)) {
        for (const r of await trx.selectFrom('sync_sessions').select('slot_id').where('is_open', '=', 1).where('slot_id', 'in', part).execute()) busy.add(r.slot_id);
      }
      const free = candidates.find((s) => !busy.has(s.id));
      if (free) return free.id;
    }
    return null;
  }

  // ------------------------------------------------------------------ zones, operators, keys

  private async upsertEntity(trx: Tx, type: string, id: string, naturalKey: string | null, hlc: string, data: unknown): Promise<boolean> {
    const have = await trx.selectFrom('sync_entities').select(['hlc']).where('entity_type', '=', type).where('entity_id', '=', id).executeTakeFirst();
    if (have && have.hlc >= hlc) return false;
    const row = { entity_type: type, entity_id: id, natural_key: naturalKey, hlc, data: JSON.stringify(data), updated_at: this.now() };
    if (have) await trx.updateTable('sync_entities').set(row).where('entity_type', '=', type).where('entity_id', '=', id).execute();
    else await trx.insertInto('sync_entities').values(row).execute();
    return true;
  }

  private async applyZone(trx: Tx, b: Batch, kioskId: string, e: PushEvent): Promise<void> {
    const p = e.payload as { zone: Record<string, unknown> & { id: string; name: string }; slots: { id: string; slot_number: string; position: number }[] };
    const have = await trx.selectFrom('sync_entities').select(['hlc', 'data']).where('entity_type', '=', 'zone').where('entity_id', '=', p.zone.id).executeTakeFirst();
    const prev = have ? (JSON.parse(have.data) as typeof p) : null;
    // Slots are only ever added: union by id; zone fields: last writer by HLC.
    const slots = new Map((prev?.slots ?? []).map((s) => [s.id, s]));
    for (const s of p.slots) slots.set(s.id, s);
    const zone = !prev || (have && have.hlc < e.hlc) ? p.zone : prev.zone;
    const data = { zone, slots: [...slots.values()].sort((a, b) => a.position - b.position) };
    const hlc = have && have.hlc > e.hlc ? have.hlc : e.hlc;
    const row = { entity_type: 'zone', entity_id: p.zone.id, natural_key: String(zone.name).toLowerCase(), hlc, data: JSON.stringify(data), updated_at: this.now() };
    if (have) await trx.updateTable('sync_entities').set(row).where('entity_type', '=', 'zone').where('entity_id', '=', p.zone.id).execute();
    else await trx.insertInto('sync_entities').values(row).execute();
    b.zones = null;
    b.pending.push({ seq: 0, entityType: 'zone', entityId: p.zone.id, originKioskId: kioskId, data: { kind: 'zone', ...data } });
  }

  private async applyOperator(trx: Tx, b: Batch, kioskId: string, e: PushEvent): Promise<void> {
    const p = e.payload as { operator: { id: string; username: string } };
    if (await this.upsertEntity(trx, 'operator', p.operator.id, p.operator.username, e.hlc, p.operator)) {
      b.pending.push({ seq: 0, entityType: 'operator', entityId: p.operator.id, originKioskId: kioskId, data: { kind: 'operator', operator: p.operator } });
    }
  }

  private async applyTicketKey(trx: Tx, b: Batch, kioskId: string, key: { keyId: string; secret: string }): Promise<void> {
    const have = await trx.selectFrom('sync_entities').select('data').where('entity_type', '=', 'ticketKey').where('entity_id', '=', key.keyId).executeTakeFirst();
    if (have) return; // keys are immutable; first publisher keeps the id
    const data = { kind: 'ticketKey', keyId: key.keyId, kioskId, secret: this.ticketSecrets.seal(key.secret) }; // sealed at rest, opened in pull()
    await trx.insertInto('sync_entities').values({
      entity_type: 'ticketKey', entity_id: key.keyId, natural_key: kioskId, hlc: '', data: JSON.stringify(data), updated_at: this.now(),
    }).execute();
    b.pending.push({ seq: 0, entityType: 'ticketKey', entityId: key.keyId, originKioskId: kioskId, data });
  }

  /**
   * Appends a server-originated session event (parker booking, cancellation, online payment
   * result) and its re-folded session to the change log. For the other server modules.
   * [sync: server-events] `once`: skip when the server already recorded this event type for the
   * session (idempotent re-publish). Returns the change-log position after the commit (>= the
   * session's new entry), or null when skipped.
   */
  async recordServerSessionEvent(type: string, sessionId: string, payload: Record<string, unknown>, opts: { once?: boolean } = {}): Promise<number | null> {
    const at = await this.db.transaction().execute(async (trx) => {
      const b = await this.begin(trx);
      if (opts.once && (await trx.selectFrom('sync_events').select('id').where('entity_id', '=', sessionId)
        .where('kiosk_id', '=', SERVER_NODE).where('type', '=', type).executeTakeFirst())) return null;
      await this.serverEvent(trx, b, type, sessionId, payload, []);
      await this.refold(trx, b, [sessionId], null);
      return this.finish(trx, b);
    });
    if (at !== null) this.emitter.emit('change');
    return at;
  }

  /**
   * [sync: server-events] Appends one non-session change entry (e.g. an online payment result for
   * the kiosk that asked, src-server/sync/server-events.ts). Long-polling pulls wake at once.
   */
  async recordServerChange(entityType: string, entityId: string, data: unknown, originKioskId: string | null = null): Promise<void> {
    await this.recordServerChanges([{ entityType, entityId, data, originKioskId }]);
  }

  /** Several change-log entries in one transaction (one counter lock, one commit). */
  async recordServerChanges(entries: { entityType: string; entityId: string; data: unknown; originKioskId: string | null }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const b = await this.begin(trx);
      for (const e of entries) b.pending.push({ seq: 0, ...e });
      await this.finish(trx, b);
    });
    this.emitter.emit('change');
  }

  // ------------------------------------------------------------------ pull

  async pull(kioskId: string, after: number, limit: number, waitMs = 0, signal?: AbortSignal): Promise<PullResult> {
    this.stats.pulls++;
    const take = Math.max(1, Math.min(limit, this.maxPullLimit));
    let rows = await this.readChanges(after, take);
    if (rows.length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.emitter.off('change', done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        this.emitter.on('change', done);
        signal?.addEventListener('abort', done);
      });
      rows = await this.readChanges(after, take);
    }
    // `after` acknowledges everything up to it: remember the kiosk's cursor.
    await this.db.updateTable('sync_kiosks').set({ cursor: after, last_pull_at: this.now() }).where('kiosk_id', '=', kioskId).where('cursor', '<', after).execute();
    const changes: ChangeEntry[] = rows.map((r) => ({
      seq: num(r.seq), entityType: r.entity_type, entityId: r.entity_id, originKioskId: r.origin_kiosk_id, data: this.openStored(r.entity_type, r.data),
    }));
    return { changes, cursor: changes.length ? changes[changes.length - 1]!.seq : after, hasMore: changes.length === take, serverTime: this.now() };
  }

  /** A change entry's data as the gates need it: a ticket key's secret opened (sealed at rest). */
  private openStored(entityType: string, data: string): unknown {
    const parsed = JSON.parse(data) as { secret?: unknown };
    if (entityType === 'ticketKey' && typeof parsed.secret === 'string') parsed.secret = this.ticketSecrets.open(parsed.secret);
    return parsed;
  }

  private readChanges(after: number, limit: number) {
    return this.db.selectFrom('sync_changes').selectAll().where('seq', '>', after).orderBy('seq').limit(limit).execute();
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
