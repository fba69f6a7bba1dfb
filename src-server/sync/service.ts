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
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import { decodeHlc, encodeHlc, hlcNow, hlcReceive, type Hlc } from '../../src-shared/domain/hlc.js';
import { foldSession, isOpenStatus, type CanonicalSession, type FoldEvent, type PaymentSnap, type SessionSnap, type VehicleSnap } from './fold.js';
import type { SyncDatabase, SyncSessionsTable } from './schema.js';

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
}

export type PushOutcome = 'APPLIED' | 'DUPLICATE' | 'REJECTED';
export interface PushResult {
  results: { id: string; seq: number; outcome: PushOutcome; error?: string }[];
  lastSeq: number;
  serverTime: number;
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
}

type Tx = Transaction<SyncDatabase>;
const SESSION_TYPES = new Set([
  'session.booked', 'session.ticketIssued', 'session.entered', 'session.quoted', 'session.lostTicket',
  'session.completed', 'session.cancelled', 'session.adopted', 'session.conflictResolved', 'session.expired',
]);
/** Online-payment events carry the session snapshot and the payment row: folded like session events. */
const isSessionType = (t: string) => SESSION_TYPES.has(t) || t.startsWith('payment.');
/** Kiosk-local records kept on the server (reports) but not replicated to other gates. */
const STORED_ONLY = ['shift.', 'settings.'];
const ZONE_TYPES = new Set(['zone.created', 'zone.updated', 'slots.created']);
const OPERATOR_TYPES = new Set(['operator.created', 'operator.updated']);

const num = (v: unknown): number => Number(v);

interface Pending {
  seq: number;
  entityType: string;
  entityId: string;
  originKioskId: string | null;
  data: unknown;
}

export class SyncService {
  readonly db: Kysely<SyncDatabase>;
  private readonly now: () => number;
  private readonly emitter = new EventEmitter();
  private readonly maxPullLimit: number;
  /** Counters for the bench and ops. */
  readonly stats = { eventsApplied: 0, eventsDuplicate: 0, eventsRejected: 0, pushes: 0, pulls: 0 };

  constructor(opts: SyncServiceOptions) {
    this.db = opts.db as Kysely<SyncDatabase>;
    this.now = opts.now ?? (() => Date.now());
    this.maxPullLimit = opts.maxPullLimit ?? 1000;
    this.emitter.setMaxListeners(0);
  }

  // ------------------------------------------------------------------ push

  async push(kioskId: string, input: PushInput): Promise<PushResult> {
    const events = [...input.events].sort((a, b) => a.seq - b.seq);
    this.stats.pushes++;
    const result = await this.db.transaction().execute(async (trx) => {
      await this.lock(trx);
      const state = await this.kioskState(trx, kioskId);
      let lastSeq = state.last_seq;
      const results: PushResult['results'] = [];
      const fresh: PushEvent[] = [];
      for (const e of events) {
        if (e.seq <= lastSeq) {
          const have = await trx.selectFrom('sync_events').select('id').where('kiosk_id', '=', kioskId).where('seq', '=', e.seq).executeTakeFirst();
          if (have && have.id !== e.id) {
            throw new AppError('CONFLICT', 'This kiosk sent a different event for a sequence number the server already has.', { reason: 'SEQ_REUSED', seq: e.seq });
          }
          results.push({ id: e.id, seq: e.seq, outcome: 'DUPLICATE' });
          continue;
        }
        if (e.seq !== lastSeq + 1) {
          throw new AppError('CONFLICT', 'Events are missing before this batch.', { reason: 'SEQ_GAP', expectedSeq: lastSeq + 1 });
        }
        lastSeq = e.seq;
        fresh.push(e);
      }

      const pending: Pending[] = [];
      const touchedSessions = new Set<string>();
      const rows: SyncDatabase['sync_events'][] = [];
      const receivedAt = this.now();
      for (const e of fresh) {
        const verdict = this.validate(e);
        const stored = verdict.ok ? { ...(e.payload as object), ...(e.vehicle ? { vehicle: e.vehicle } : {}) } : e.payload;
        rows.push({
          id: e.id, kiosk_id: kioskId, seq: e.seq, hlc: e.hlc, type: e.type, entity_id: e.entityId,
          payload: JSON.stringify(stored ?? null), schema_version: e.schemaVersion,
          outcome: verdict.ok ? 'APPLIED' : 'PARKED', error: verdict.ok ? null : verdict.error, received_at: receivedAt,
        });
        results.push(verdict.ok ? { id: e.id, seq: e.seq, outcome: 'APPLIED' } : { id: e.id, seq: e.seq, outcome: 'REJECTED', error: verdict.error });
        if (!verdict.ok) {
          this.stats.eventsRejected++;
          if (e.entityId && isSessionType(e.type)) touchedSessions.add(e.entityId); // the kiosk gets the canonical state back
          continue;
        }
        this.stats.eventsApplied++;
        if (isSessionType(e.type)) touchedSessions.add(e.entityId!);
      }
      for (let i = 0; i < rows.length; i += 400) await trx.insertInto('sync_events').values(rows.slice(i, i + 400)).execute();

      for (const e of fresh) {
        const row = rows.find((r) => r.id === e.id)!;
        if (row.outcome !== 'APPLIED') continue;
        if (ZONE_TYPES.has(e.type)) await this.applyZone(trx, kioskId, e, pending);
        else if (OPERATOR_TYPES.has(e.type)) await this.applyOperator(trx, kioskId, e, pending);
      }
      // A duplicate re-announces its session: a kiosk whose acknowledgement was lost then still
      // finds a change entry for it after its cursor.
      for (const r of results) {
        if (r.outcome !== 'DUPLICATE') continue;
        const e = events.find((x) => x.id === r.id)!;
        if (e.entityId && isSessionType(e.type)) touchedSessions.add(e.entityId);
      }
      this.stats.eventsDuplicate += results.filter((r) => r.outcome === 'DUPLICATE').length;

      for (const key of input.ticketKeys ?? []) await this.applyTicketKey(trx, kioskId, key, pending);
      await this.refold(trx, [...touchedSessions], kioskId, pending);

      const offset = input.clientTime !== undefined ? receivedAt - input.clientTime : state.clock_offset_ms;
      await trx.updateTable('sync_kiosks').set({ last_seq: lastSeq, last_push_at: receivedAt, clock_offset_ms: offset })
        .where('kiosk_id', '=', kioskId).execute();
      await this.appendChanges(trx, pending);
      return { results, lastSeq, serverTime: this.now() };
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

  private async lock(trx: Tx): Promise<void> {
    // Row lock on PostgreSQL (held to commit); a no-op write on SQLite, already serialised.
    await trx.updateTable('sync_counter').set((eb) => ({ seq: eb.ref('seq') })).where('id', '=', 1).execute();
  }

  private async kioskState(trx: Tx, kioskId: string) {
    const row = await trx.selectFrom('sync_kiosks').selectAll().where('kiosk_id', '=', kioskId).executeTakeFirst();
    if (row) return { ...row, last_seq: num(row.last_seq), cursor: num(row.cursor) };
    const fresh = { kiosk_id: kioskId, last_seq: 0, cursor: 0, last_push_at: null, last_pull_at: null, clock_offset_ms: null };
    await trx.insertInto('sync_kiosks').values(fresh).execute();
    return fresh;
  }

  private async nextServerHlc(trx: Tx, after: string[]): Promise<string> {
    const c = await trx.selectFrom('sync_counter').select('hlc').where('id', '=', 1).executeTakeFirstOrThrow();
    let h: Hlc = decodeHlc(c.hlc) ?? { wallMs: 0, counter: 0, node: SERVER_NODE };
    for (const a of after) {
      const r = decodeHlc(a);
      if (r) h = hlcReceive(h, r, this.now());
    }
    h = hlcNow(h, this.now());
    const encoded = encodeHlc(h);
    await trx.updateTable('sync_counter').set({ hlc: encoded }).where('id', '=', 1).execute();
    return encoded;
  }

  private async serverEvent(trx: Tx, type: string, entityId: string, payload: Record<string, unknown>, after: string[]): Promise<void> {
    const c = await trx.updateTable('sync_counter').set((eb) => ({ server_seq: eb('server_seq', '+', 1) })).where('id', '=', 1)
      .returning('server_seq').executeTakeFirstOrThrow();
    const hlc = await this.nextServerHlc(trx, after);
    const seq = num(c.server_seq);
    await trx.insertInto('sync_events').values({
      id: `server-${seq}`, kiosk_id: SERVER_NODE, seq, hlc, type, entity_id: entityId, payload: JSON.stringify(payload),
      schema_version: SERVER_EVENT_SCHEMA_VERSION, outcome: 'APPLIED', error: null, received_at: this.now(),
    }).execute();
  }

  // ------------------------------------------------------------------ sessions

  private async loadFoldEvents(trx: Tx, ids: string[]): Promise<Map<string, FoldEvent[]>> {
    const out = new Map<string, FoldEvent[]>();
    for (let i = 0; i < ids.length; i += 400) {
      const rows = await trx.selectFrom('sync_events').select(['id', 'kiosk_id', 'hlc', 'type', 'entity_id', 'payload'])
        .where('entity_id', 'in', ids.slice(i, i + 400)).where('outcome', '=', 'APPLIED').execute();
      for (const r of rows) {
        if (!isSessionType(r.type) && r.type !== 'session.slotMoved' && r.type !== 'session.vehicleClash') continue;
        const p = JSON.parse(r.payload) as Record<string, unknown>;
        const list = out.get(r.entity_id!) ?? [];
        list.push({
          id: r.id, hlc: r.hlc, kioskId: r.kiosk_id, type: r.type,
          session: (p.session as SessionSnap | undefined) ?? null,
          payment: (p.payment as PaymentSnap | undefined) ?? null,
          vehicle: (p.vehicle as VehicleSnap | undefined) ?? null,
          extra: p,
        });
        out.set(r.entity_id!, list);
      }
    }
    return out;
  }

  /** Re-folds sessions, settles slot/vehicle clashes, stores them and queues change entries. */
  private async refold(trx: Tx, sessionIds: string[], originKioskId: string | null, pending: Pending[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const eventsBy = await this.loadFoldEvents(trx, sessionIds);
    const folded = new Map<string, CanonicalSession>();
    for (const id of sessionIds) {
      const c = foldSession(eventsBy.get(id) ?? []);
      if (c) folded.set(id, c);
    }
    const again = new Set<string>();
    for (const [id, c] of folded) {
      await this.store(trx, c);
      if (isOpenStatus(c.session.status)) await this.settleClashes(trx, id, c, eventsBy.get(id) ?? [], again);
    }
    for (const [id, c] of folded) {
      if (again.has(id)) continue;
      pending.push({ seq: 0, entityType: 'session', entityId: id, originKioskId, data: { kind: 'session', ...c } });
    }
    if (again.size) await this.refold(trx, [...again], null, pending);
  }

  private async store(trx: Tx, c: CanonicalSession): Promise<void> {
    const row: SyncSessionsTable = {
      id: c.session.id, zone_id: c.session.zone_id, slot_id: c.session.slot_id, vehicle_number: c.vehicle.vehicle_number,
      status: c.session.status, is_open: isOpenStatus(c.session.status) ? 1 : 0, creation_hlc: c.creationHlc,
      conflict: c.session.conflict, amount_paid_paise: c.session.amount_paid_paise, data: JSON.stringify(c), updated_at: this.now(),
    };
    const { id: _id, ...rest } = row;
    await trx.insertInto('sync_sessions').values(row).onConflict((oc) => oc.column('id').doUpdateSet(rest)).execute();
  }

  private async settleClashes(trx: Tx, id: string, c: CanonicalSession, events: FoldEvent[], again: Set<string>): Promise<void> {
    const lastHlc = events.map((e) => e.hlc).sort().at(-1) ?? c.creationHlc;
    const beats = (a: { creation_hlc: string; id: string }, b: { creation_hlc: string; id: string }) =>
      a.creation_hlc < b.creation_hlc || (a.creation_hlc === b.creation_hlc && a.id < b.id);
    const me = { id, creation_hlc: c.creationHlc };

    const slotRivals = await trx.selectFrom('sync_sessions').select(['id', 'creation_hlc', 'zone_id', 'data'])
      .where('slot_id', '=', c.session.slot_id).where('is_open', '=', 1).where('id', '!=', id).execute();
    for (const rival of slotRivals) {
      const loser = beats(me, rival) ? { id: rival.id, zone: rival.zone_id, other: id } : { id, zone: c.session.zone_id, other: rival.id };
      const target = await this.freeSlot(trx, loser.zone, c.session.slot_id);
      if (!target) continue; // nowhere to move: stays flagged by the kiosk's own view; documented limitation
      await this.serverEvent(trx, 'session.slotMoved', loser.id, {
        slot_id: target, from_slot_id: c.session.slot_id, other_session_id: loser.other,
        detail: `Slot also allocated offline to session ${loser.other} (earlier): moved to another slot.`,
      }, [lastHlc, rival.creation_hlc]);
      again.add(loser.id);
      if (loser.id === id) break;
    }

    const vehRivals = await trx.selectFrom('sync_sessions').select(['id', 'creation_hlc'])
      .where('vehicle_number', '=', c.vehicle.vehicle_number).where('is_open', '=', 1).where('id', '!=', id).execute();
    for (const rival of vehRivals) {
      const loserId = beats(me, rival) ? rival.id : id;
      const otherId = loserId === id ? rival.id : id;
      await this.serverEvent(trx, 'session.vehicleClash', loserId, {
        vehicle_number: `${c.vehicle.vehicle_number}#${loserId.slice(-4).toUpperCase()}`, other_session_id: otherId,
        detail: `Vehicle ${c.vehicle.vehicle_number} is also open as session ${otherId}: check the number plate.`,
      }, [lastHlc, rival.creation_hlc]);
      again.add(loserId);
      if (loserId === id) break;
    }
  }

  private async freeSlot(trx: Tx, zoneId: string, exclude: string): Promise<string | null> {
    const zone = await trx.selectFrom('sync_entities').select('data').where('entity_type', '=', 'zone').where('entity_id', '=', zoneId).executeTakeFirst();
    const zones = zone ? [zone] : [];
    const all = await trx.selectFrom('sync_entities').select('data').where('entity_type', '=', 'zone').execute();
    for (const z of [...zones, ...all]) {
      const slots = ((JSON.parse(z.data) as { slots: { id: string; position: number }[] }).slots ?? []).slice().sort((a, b) => a.position - b.position);
      if (!slots.length) continue;
      const busy = new Set((await trx.selectFrom('sync_sessions').select('slot_id').where('is_open', '=', 1)
        .where('slot_id', 'in', slots.map((s) => s.id)).execute()).map((r) => r.slot_id));
      const free = slots.find((s) => s.id !== exclude && !busy.has(s.id));
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

  private async applyZone(trx: Tx, kioskId: string, e: PushEvent, pending: Pending[]): Promise<void> {
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
    pending.push({ seq: 0, entityType: 'zone', entityId: p.zone.id, originKioskId: kioskId, data: { kind: 'zone', ...data } });
  }

  private async applyOperator(trx: Tx, kioskId: string, e: PushEvent, pending: Pending[]): Promise<void> {
    const p = e.payload as { operator: { id: string; username: string } };
    if (await this.upsertEntity(trx, 'operator', p.operator.id, p.operator.username, e.hlc, p.operator)) {
      pending.push({ seq: 0, entityType: 'operator', entityId: p.operator.id, originKioskId: kioskId, data: { kind: 'operator', operator: p.operator } });
    }
  }

  private async applyTicketKey(trx: Tx, kioskId: string, key: { keyId: string; secret: string }, pending: Pending[]): Promise<void> {
    const have = await trx.selectFrom('sync_entities').select('data').where('entity_type', '=', 'ticketKey').where('entity_id', '=', key.keyId).executeTakeFirst();
    if (have) return; // keys are immutable; first publisher keeps the id
    const data = { kind: 'ticketKey', keyId: key.keyId, kioskId, secret: key.secret };
    await trx.insertInto('sync_entities').values({
      entity_type: 'ticketKey', entity_id: key.keyId, natural_key: kioskId, hlc: '', data: JSON.stringify(data), updated_at: this.now(),
    }).execute();
    pending.push({ seq: 0, entityType: 'ticketKey', entityId: key.keyId, originKioskId: kioskId, data });
  }

  private async appendChanges(trx: Tx, pending: Pending[]): Promise<void> {
    // Only the last entry per entity matters inside one transaction (it subsumes the earlier ones).
    const lastIdx = new Map<string, number>();
    pending.forEach((p, i) => lastIdx.set(`${p.entityType}:${p.entityId}`, i));
    const keep = pending.filter((p, i) => lastIdx.get(`${p.entityType}:${p.entityId}`) === i);
    if (keep.length === 0) return;
    const c = await trx.updateTable('sync_counter').set((eb) => ({ seq: eb('seq', '+', keep.length) })).where('id', '=', 1)
      .returning('seq').executeTakeFirstOrThrow();
    let seq = num(c.seq) - keep.length;
    const now = this.now();
    const rows = keep.map((p) => ({
      seq: ++seq, entity_type: p.entityType, entity_id: p.entityId, origin_kiosk_id: p.originKioskId, data: JSON.stringify(p.data), created_at: now,
    }));
    for (let i = 0; i < rows.length; i += 500) await trx.insertInto('sync_changes').values(rows.slice(i, i + 500)).execute();
  }

  /**
   * Appends a server-originated session event (parker booking, cancellation, online payment
   * result) and its re-folded session to the change log. For the other server modules.
   */
  async recordServerSessionEvent(type: string, sessionId: string, payload: Record<string, unknown>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.lock(trx);
      await this.serverEvent(trx, type, sessionId, payload, []);
      const pending: Pending[] = [];
      await this.refold(trx, [sessionId], null, pending);
      await this.appendChanges(trx, pending);
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
      seq: num(r.seq), entityType: r.entity_type, entityId: r.entity_id, originKioskId: r.origin_kiosk_id, data: JSON.parse(r.data) as unknown,
    }));
    return { changes, cursor: changes.length ? changes[changes.length - 1]!.seq : after, hasMore: changes.length === take, serverTime: this.now() };
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
