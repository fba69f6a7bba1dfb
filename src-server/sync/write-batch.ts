/**
 * What one writing transaction (a push, a server event) accumulates in memory and then writes with
 * a few multi-row statements: the counter (read once under the lock, written once at the end), the
 * fold inputs of the sessions it touches (loaded once, one query per 500 sessions), the server
 * events it decides, and the change-log entries it appends.
 */
import type { recordCheckpoint } from '../audit/checkpoints.js';
import { CompiledQuery, PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import { SYNC_PROTOCOL_VERSION, type PaymentSnap, type SessionSnap, type VehicleSnap } from '../../src-shared/contracts/sync.js';
import { decodeHlc, encodeHlc, hlcNow, hlcReceive, type Hlc } from '../../src-shared/domain/hlc.js';
import { chunks, IN_CHUNK, insertRows, padded, type PlaceholderStyle } from './bulk-insert.js';
import { isFoldType } from './event-handlers.js';
import type { FoldEvent } from './fold-event.js';
import type { SyncDatabase } from './schema.js';

export const SERVER_NODE = 'server';

export type Tx = Transaction<SyncDatabase>;
export const num = (v: unknown): number => Number(v);

/** Seals / opens gates' ticket secrets at rest (src-server/db/secret-box.ts). */
export interface TicketSecrets {
  seal(plain: string): string;
  open(stored: string): string;
}

/** What the split parts of the sync service share: the database, the clock, the placeholder style, the ticket-secret box. */
export interface SyncWriter {
  readonly db: Kysely<SyncDatabase>;
  readonly ticketSecrets: TicketSecrets;
  now(): number;
  style(): PlaceholderStyle;
  /** Stores a pushed audit head inside the push transaction (src-server/audit/checkpoints.ts). */
  readonly anchor?: typeof recordCheckpoint | undefined;
}

export interface PendingChange {
  /** The facility whose kiosks read the entry; the batch's facility when absent. */
  facilityId?: string;
  entityType: string;
  entityId: string;
  originKioskId: string | null;
  /** The entry's data, or its JSON already written. */
  data: unknown;
}

export class Batch {
  /** Complete fold inputs per session (stored events + this transaction's). */
  readonly events = new Map<string, FoldEvent[]>();
  readonly serverRows: SyncDatabase['sync_events'][] = [];
  readonly pending: PendingChange[] = [];
  /** Slots given to a moved session in this transaction (its row is stored only when it is re-folded). */
  readonly reserved = new Set<string>();
  /** Facilities that got change entries (set by finish: whose long-polls to wake after commit). */
  touchedFacilities = new Set<string>();
  zones: { id: string; slots: { id: string; position: number }[] }[] | null = null;
  constructor(
    readonly start: { seq: number; serverSeq: number; hlc: string },
    public serverSeq: number,
    public hlc: string,
    /** The facility this transaction writes for: its sessions, entities, server events and change entries. */
    readonly facilityId: string,
    /**
     * 'facility' (PostgreSQL): the facility's writer lock is held, the counter only at the end;
     * 'global' (SQLite): the counter lock, taken first, is the one writer lock.
     */
    readonly lock: 'facility' | 'global' = 'global',
  ) {}
}

const isPostgres = (trx: Tx): boolean => trx.getExecutor().adapter instanceof PostgresAdapter;

export const EVENT_COLS = ['id', 'facility_id', 'kiosk_id', 'seq', 'hlc', 'type', 'entity_id', 'payload', 'schema_version', 'outcome', 'error', 'received_at'] as const;
const CHANGE_COLS = ['seq', 'facility_id', 'entity_type', 'entity_id', 'origin_kiosk_id', 'data', 'created_at'] as const;

/**
 * A fold input from a stored payload object (the same object whose JSON is in sync_events.payload);
 * `vehicle`, when given, is the one the push attached (stored in the payload as `vehicle`).
 */
export function foldEventOf(id: string, kioskId: string, hlc: string, type: string, p: Record<string, unknown>, vehicle?: VehicleSnap | null): FoldEvent {
  return {
    id, hlc, kioskId, type,
    session: (p.session as SessionSnap | undefined) ?? null,
    payment: (p.payment as PaymentSnap | undefined) ?? null,
    vehicle: vehicle ?? (p.vehicle as VehicleSnap | undefined) ?? null,
    extra: p,
  };
}

/**
 * Takes the writer lock of `facilityId` for this transaction. Writers of one facility are
 * serialised (its sessions fold, its slots and plates clash, in one order); writers of different
 * facilities run side by side.
 * - PostgreSQL: the row of the facility in `sync_facility_heads` (created on first use), locked
 *   to commit by a no-op upsert that returns the facility's server HLC. The server-wide change-log
 *   counter is locked only in `finish`, for its last statements, so sequence numbers are still
 *   assigned in commit order (a reader never sees seq n+1 without seq n) while the rest of the
 *   transaction (reads, fold, clashes) holds no lock another facility waits for.
 * - SQLite (one writer anyway): a no-op update of the single `sync_counter` row, RETURNING its
 *   values, taken first.
 */
export async function begin(trx: Tx, facilityId: string): Promise<Batch> {
  if (isPostgres(trx)) {
    const r = await sql<{ hlc: string }>`INSERT INTO sync_facility_heads (facility_id, hlc)
      VALUES (${facilityId}, COALESCE((SELECT hlc FROM sync_counter WHERE id = 1), ''))
      ON CONFLICT (facility_id) DO UPDATE SET hlc = sync_facility_heads.hlc RETURNING hlc`.execute(trx);
    const hlc = r.rows[0]!.hlc;
    return new Batch({ seq: 0, serverSeq: 0, hlc }, 0, hlc, facilityId, 'facility');
  }
  const c = await trx.updateTable('sync_counter').set((eb) => ({ seq: eb.ref('seq') })).where('id', '=', 1)
    .returning(['seq', 'server_seq', 'hlc']).executeTakeFirstOrThrow();
  const start = { seq: num(c.seq), serverSeq: num(c.server_seq), hlc: c.hlc };
  return new Batch(start, start.serverSeq, start.hlc, facilityId);
}

/** The next server-event number: PostgreSQL's sequence (no lock), or the counter held by this transaction. */
async function nextServerSeq(trx: Tx, b: Batch): Promise<number> {
  if (b.lock === 'global') return ++b.serverSeq;
  const r = await sql<{ n: string | number }>`SELECT nextval('sync_server_seq') AS n`.execute(trx);
  b.serverSeq = num(r.rows[0]!.n);
  return b.serverSeq;
}

/** Writes what the batch accumulated: server events, change-log entries, the counter. Returns the last change-log position. */
export async function finish(w: SyncWriter, trx: Tx, b: Batch): Promise<number> {
  const facilities = new Set<string>();
  await insertRows(trx, w.style(), 'sync_events', EVENT_COLS, b.serverRows);
  // Only the last entry per entity matters inside one transaction (it subsumes the earlier ones).
  const lastIdx = new Map<string, number>();
  b.pending.forEach((p, i) => lastIdx.set(`${p.entityType}:${p.entityId}`, i));
  const keep = b.pending.filter((p, i) => lastIdx.get(`${p.entityType}:${p.entityId}`) === i);
  let seq = b.start.seq;
  if (b.lock === 'facility') {
    if (b.hlc !== b.start.hlc) await trx.updateTable('sync_facility_heads').set({ hlc: b.hlc }).where('facility_id', '=', b.facilityId).execute();
    if (keep.length === 0) {
      const c = await trx.selectFrom('sync_counter').select('seq').where('id', '=', 1).executeTakeFirstOrThrow();
      return num(c.seq);
    }
    if (keep.length <= COUNTED_INSERT_MAX) {
      const last = await countedInsert(trx, b, keep, w.now());
      b.touchedFacilities = new Set(keep.map((p) => p.facilityId ?? b.facilityId));
      return last;
    }
    // The server-wide counter, from here to commit: the entries' numbers in commit order.
    const c = await trx.updateTable('sync_counter').set({ seq: sql`seq + ${keep.length}` }).where('id', '=', 1).returning('seq').executeTakeFirstOrThrow();
    seq = num(c.seq) - keep.length;
  }
  const now = w.now();
  const rows = keep.map((p) => ({
    seq: ++seq, facility_id: p.facilityId ?? b.facilityId, entity_type: p.entityType, entity_id: p.entityId, origin_kiosk_id: p.originKioskId,
    data: typeof p.data === 'string' ? p.data : JSON.stringify(p.data), created_at: now,
  }));
  await insertRows(trx, w.style(), 'sync_changes', CHANGE_COLS, rows);
  for (const r of rows) facilities.add(r.facility_id);
  b.touchedFacilities = facilities;
  if (b.lock === 'global' && (seq !== b.start.seq || b.serverSeq !== b.start.serverSeq || b.hlc !== b.start.hlc)) {
    await trx.updateTable('sync_counter').set({ seq, server_seq: b.serverSeq, hlc: b.hlc }).where('id', '=', 1).execute();
  }
  return seq;
}

/** Entries appended by one counted insert (7 parameters each, far below PostgreSQL's 65,535). */
const COUNTED_INSERT_MAX = 2000;

/**
 * PostgreSQL: the counter's increment and the entries' insert as one statement, so the
 * server-wide counter lock (held to commit: sequence numbers in commit order, no gap) is held for
 * this one round trip and the commit, not for several; writers of every facility queue on it.
 * Returns the last position.
 */
async function countedInsert(trx: Tx, b: Batch, keep: PendingChange[], now: number): Promise<number> {
  const n = keep.length;
  const params: unknown[] = [n];
  const tuples: string[] = [];
  keep.forEach((p, i) => {
    const at = params.length;
    params.push(p.facilityId ?? b.facilityId, p.entityType, p.entityId, p.originKioskId, typeof p.data === 'string' ? p.data : JSON.stringify(p.data), now);
    tuples.push(`(${i + 1}, $${at + 1}::text, $${at + 2}::text, $${at + 3}::text, $${at + 4}::text, $${at + 5}::text, $${at + 6}::bigint)`);
  });
  const text = `WITH c AS (UPDATE sync_counter SET seq = seq + $1::bigint WHERE id = 1 RETURNING seq)
    INSERT INTO sync_changes (seq, facility_id, entity_type, entity_id, origin_kiosk_id, data, created_at)
    SELECT c.seq - $1::bigint + v.ord, v.facility_id, v.entity_type, v.entity_id, v.origin_kiosk_id, v.data, v.created_at
    FROM c CROSS JOIN (VALUES ${tuples.join(', ')}) AS v(ord, facility_id, entity_type, entity_id, origin_kiosk_id, data, created_at)
    RETURNING seq`;
  const r = await trx.executeQuery<{ seq: string | number }>(CompiledQuery.raw(text, params));
  if (r.rows.length !== n) throw new Error('change-log counter row missing');
  return Math.max(...r.rows.map((x) => num(x.seq)));
}

function nextServerHlc(w: SyncWriter, b: Batch, after: string[]): string {
  let h: Hlc = decodeHlc(b.hlc) ?? { wallMs: 0, counter: 0, node: SERVER_NODE };
  for (const a of after) {
    const r = decodeHlc(a);
    if (r) h = hlcReceive(h, r, w.now());
  }
  h = hlcNow(h, w.now());
  b.hlc = encodeHlc(h);
  return b.hlc;
}

/** Records a server decision about a session (stored at the end of the transaction) and adds it to the fold input. */
export async function serverEvent(w: SyncWriter, trx: Tx, b: Batch, type: string, entityId: string, payload: Record<string, unknown>, after: string[]): Promise<void> {
  await loadEvents(trx, b, [entityId]);
  const seq = await nextServerSeq(trx, b);
  const hlc = nextServerHlc(w, b, after);
  const json = JSON.stringify(payload);
  b.serverRows.push({
    id: `server-${seq}`, facility_id: b.facilityId, kiosk_id: SERVER_NODE, seq, hlc, type, entity_id: entityId, payload: json,
    schema_version: SYNC_PROTOCOL_VERSION, outcome: 'APPLIED', error: null, received_at: w.now(),
  });
  if (isFoldType(type)) b.events.get(entityId)!.push(foldEventOf(`server-${seq}`, SERVER_NODE, hlc, type, JSON.parse(json) as Record<string, unknown>));
}

/** Loads the stored fold inputs of the sessions not loaded yet in this batch: one query per 500. */
export async function loadEvents(trx: Tx, b: Batch, ids: string[]): Promise<void> {
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
