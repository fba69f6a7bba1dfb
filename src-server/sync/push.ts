/**
 * A kiosk's push: one transaction per batch with a fixed number of statements (about ten,
 * whatever the batch size): lock + counter read, kiosk state, one lookup of already-stored
 * sequence numbers (only when the batch overlaps them), one read of the touched sessions' stored
 * events, multi-row inserts of the events, one fold per touched session, multi-row upserts of
 * sync_sessions, one query for open slot/plate rivals, multi-row inserts of server events and
 * change-log entries, the counter and the kiosk row. Zones, operators and ticket keys (rare)
 * keep their per-item statements.
 *
 * Per kiosk: events at or below the kiosk's last sequence are duplicates (acknowledged, not
 * applied again; a different id there is SEQ_REUSED); the next one must be exactly last+1 (a gap
 * is refused with SEQ_GAP so the kiosk resends from there). Every event is validated with the
 * sync contract's schema for its type; one the server cannot apply (unknown type, newer schema,
 * malformed) is stored PARKED with its reason and answered REJECTED: kept, never applied, never
 * blocking the rest. A session event carrying only what changed (protocol 3) is resolved against
 * its base event and stored as full rows (delta-events.ts). A kiosk writes only into its own facility: an event about another facility's
 * session, zone or operator is parked as FOREIGN_FACILITY, and one reusing another kiosk's event id
 * is refused without being stored.
 */
import type { z } from 'zod';
import { AppError } from '../../src-shared/contracts/errors.js';
import {
  OLDEST_ACCEPTED_PROTOCOL_VERSION, sessionDeltaPayload, sessionEventPayload, sessionSnapSchema, SYNC_EVENT_PAYLOADS, SYNC_PROTOCOL_VERSION,
  type PushBody, type PushResult, type SyncEventType, type SyncReason, type WireEvent,
} from '../../src-shared/contracts/sync.js';
import { decodeHlc } from '../../src-shared/domain/hlc.js';
import { chunks, IN_CHUNK, insertRows, padded } from './bulk-insert.js';
import { resolveDeltas, type Verdict } from './delta-events.js';
import { concernsSession, handlingOf } from './event-handlers.js';
import type { FoldEvent } from './fold.js';
import { applyOperator, applyTicketKey, applyZone } from './replicated-entities.js';
import type { SyncDatabase } from './schema.js';
import { refold } from './session-replica.js';
import { storedPayloadJson } from './stored-payload.js';
import { applyValidationEvents, type ValidationEvent } from '../validations/replicate.js';
import { applyPassEvents, type PassEvent } from '../passes/replicate.js';
import { begin, EVENT_COLS, finish, foldEventOf, loadEvents, num, type SyncWriter, type Tx } from './write-batch.js';

/** The protocol versions a server accepts (tests narrow it to play an older or newer server). */
export interface ProtocolWindow {
  current: number;
  oldest: number;
}
export const DEFAULT_PROTOCOL_WINDOW: ProtocolWindow = { current: SYNC_PROTOCOL_VERSION, oldest: OLDEST_ACCEPTED_PROTOCOL_VERSION };

export interface PushStats { eventsApplied: number; eventsDuplicate: number; eventsRejected: number }


/** Refuses a push or pull of a protocol version outside the window (version 1 sent none). */
export function checkProtocol(window: ProtocolWindow, version: number | undefined): void {
  const v = version ?? 1;
  if (v > window.current) {
    throw new AppError('CONFLICT', `This kiosk speaks sync protocol ${v}; the central server only knows up to ${window.current}. Update the central server.`,
      { reason: 'PROTOCOL_TOO_NEW', serverVersion: window.current });
  }
  if (v < window.oldest) {
    throw new AppError('CONFLICT', `This kiosk speaks sync protocol ${v}; the central server needs ${window.oldest} or newer. Update this kiosk.`,
      { reason: 'PROTOCOL_TOO_OLD', serverVersion: window.current, oldestAccepted: window.oldest });
  }
}

/** The event's payload as its schema builds it, or why it cannot be applied. */
export function validateEvent(window: ProtocolWindow, e: WireEvent): Verdict {
  if (e.schemaVersion > window.current) return { ok: false, reason: 'SCHEMA_TOO_NEW', error: `SCHEMA_TOO_NEW: version ${e.schemaVersion}` };
  if (!decodeHlc(e.hlc)) return { ok: false, reason: 'BAD_HLC', error: 'BAD_HLC' };
  const handling = handlingOf(e.type);
  if (!handling) return { ok: false, reason: 'UNKNOWN_TYPE', error: `UNKNOWN_TYPE: ${e.type}` };
  const parsed = parsePayload(SYNC_EVENT_PAYLOADS[e.type as SyncEventType], e.payload);
  if (!parsed.success) {
    const issue = payloadIssue(parsed.error.issues, e.payload);
    return { ok: false, reason: 'MALFORMED', error: `MALFORMED: ${e.type} ${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}` };
  }
  const p = parsed.data as { session?: { id: string }; zone?: { id: string }; operator?: { id: string }; merchant?: { id: string }; program?: { id: string } };
  const subject = handling === 'session' ? p.session?.id : handling === 'zone' ? p.zone?.id : handling === 'operator' ? p.operator?.id
    : handling === 'merchant' ? p.merchant?.id : handling === 'validationProgram' ? p.program?.id : undefined;
  if (handling !== 'stored' && subject !== e.entityId) return { ok: false, reason: 'MALFORMED', error: `MALFORMED: ${e.type} is about ${subject ?? 'nothing'}, not ${e.entityId ?? 'null'}` };
  return { ok: true, payload: parsed.data };
}

/** The session-snapshot keys whose schema refuses a missing value: a session without one is not full rows. */
const REQUIRED_SESSION_KEYS = Object.entries(sessionSnapSchema.shape).filter(([, s]) => !s.safeParse(undefined).success).map(([k]) => k);

/** True when the full-rows form cannot accept this payload (its session lacks a required field): a delta, or malformed. */
function cannotBeFullRows(payload: unknown): boolean {
  if (typeof payload !== 'object' || payload === null) return false;
  const session = (payload as { session?: unknown }).session;
  if (typeof session !== 'object' || session === null || Array.isArray(session)) return false;
  return REQUIRED_SESSION_KEYS.some((k) => (session as Record<string, unknown>)[k] === undefined);
}

/**
 * `schema.safeParse(payload)`, same result. A session event whose session lacks a full-rows field
 * (a protocol 3 delta) fails the union's first form for certain, so the delta form is tried
 * directly: the union would return exactly its result, without first building (and discarding)
 * an issue for every field the delta leaves out. When the delta form fails too, the union runs,
 * so a malformed payload gets the union's issues as before.
 */
function parsePayload(schema: (typeof SYNC_EVENT_PAYLOADS)[SyncEventType], payload: unknown): ReturnType<typeof schema.safeParse> {
  if (schema === sessionEventPayload && cannotBeFullRows(payload)) {
    const delta = sessionDeltaPayload.safeParse(payload);
    if (delta.success) return delta;
  }
  return schema.safeParse(payload);
}

/**
 * The issue to report: for a session event (full rows or, protocol 3, a delta: a union), the one
 * of the form the payload is written in (with `base`: the delta), not the union's summary.
 */
function payloadIssue(issues: z.core.$ZodIssue[], payload: unknown): z.core.$ZodIssue | undefined {
  const first = issues[0];
  if (first?.code !== 'invalid_union' || first.errors.length < 2) return first;
  const delta = typeof payload === 'object' && payload !== null && Object.hasOwn(payload, 'base');
  return first.errors[delta ? 1 : 0]?.[0] ?? first;
}

async function kioskState(trx: Tx, kioskId: string, facilityId: string) {
  const row = await trx.selectFrom('sync_kiosks').selectAll().where('kiosk_id', '=', kioskId).executeTakeFirst();
  if (row) return { ...row, last_seq: num(row.last_seq), cursor: num(row.cursor) };
  const fresh = { kiosk_id: kioskId, facility_id: facilityId, last_seq: 0, cursor: 0, last_push_at: null, last_pull_at: null, clock_offset_ms: null };
  await trx.insertInto('sync_kiosks').values(fresh).execute();
  return fresh;
}

export async function applyPush(w: SyncWriter, window: ProtocolWindow, stats: PushStats, kioskId: string, facilityId: string, input: PushBody): Promise<PushResult> {
  checkProtocol(window, input.protocolVersion);
  const events = [...input.events].sort((a, b) => a.seq - b.seq);
  return w.db.transaction().execute(async (trx) => {
    const b = await begin(trx, facilityId);
    const state = await kioskState(trx, kioskId, facilityId);
    const results: PushResult['results'] = [];

    // Sequence check. The stored ids of the sequence numbers the batch repeats: one query.
    const storedIds = new Map<number, string>();
    const repeated = [...new Set(events.filter((e) => e.seq <= state.last_seq).map((e) => e.seq))];
    for (const part of chunks(repeated, IN_CHUNK)) {
      const rows = await trx.selectFrom('sync_events').select(['id', 'seq']).where('kiosk_id', '=', kioskId).where('seq', 'in', padded(part)).execute();
      for (const r of rows) storedIds.set(num(r.seq), r.id);
    }
    let lastSeq = state.last_seq;
    const fresh: WireEvent[] = [];
    const freshIds = new Map<number, string>();
    const touched = new Set<string>();
    const duplicateSubjects = new Set<string>();
    for (const e of events) {
      if (e.seq <= lastSeq) {
        const have = e.seq <= state.last_seq ? storedIds.get(e.seq) : freshIds.get(e.seq);
        if (have !== undefined && have !== e.id) {
          throw new AppError('CONFLICT', 'This kiosk sent a different event for a sequence number the server already has.', { reason: 'SEQ_REUSED', seq: e.seq });
        }
        results.push({ id: e.id, seq: e.seq, outcome: 'DUPLICATE' });
        // A duplicate re-announces its session: a kiosk whose acknowledgement was lost then
        // still finds a change entry for it after its cursor.
        if (e.entityId && concernsSession(e.type)) duplicateSubjects.add(e.entityId);
        continue;
      }
      if (e.seq !== lastSeq + 1) {
        throw new AppError('CONFLICT', 'Events are missing before this batch.', { reason: 'SEQ_GAP', expectedSeq: lastSeq + 1 });
      }
      lastSeq = e.seq;
      freshIds.set(e.seq, e.id);
      fresh.push(e);
    }
    stats.eventsDuplicate += results.length;
    for (const id of await ownSessions(trx, facilityId, [...duplicateSubjects])) touched.add(id);

    const receivedAt = w.now();
    const rows: SyncDatabase['sync_events'][] = [];
    const freshFold: [string, FoldEvent][] = [];
    const entityEvents: { type: 'zone' | 'operator'; hlc: string; payload: object }[] = [];
    const validationEvents: ValidationEvent[] = [];
    const passEvents: PassEvent[] = [];
    // Deltas (protocol 3) become full rows first: everything below reads whole snapshots.
    const validated = await resolveDeltas(trx, kioskId, fresh.map((e) => ({ e, verdict: validateEvent(window, e) })));
    const foreign = await foreignSubjects(trx, facilityId, validated.flatMap(({ e, verdict }) => (verdict.ok ? [{ type: e.type, payload: verdict.payload }] : [])));
    const taken = await takenEventIds(trx, fresh.map((e) => e.id));
    for (const v of validated) {
      const { e } = v;
      const owner = taken.get(e.id);
      if (owner !== undefined) {
        // Another kiosk's event id: refused and not stored (the id is that event's).
        const reason: SyncReason = owner !== facilityId ? 'FOREIGN_FACILITY' : 'MALFORMED';
        results.push({ id: e.id, seq: e.seq, outcome: 'REJECTED', error: `${reason}: event id ${e.id} is another kiosk's event`, reason });
        stats.eventsRejected++;
        continue;
      }
      const verdict: Verdict = v.verdict.ok && foreign.has(e.entityId ?? '')
        ? { ok: false, reason: 'FOREIGN_FACILITY', error: `FOREIGN_FACILITY: ${e.entityId ?? ''} belongs to another facility` }
        : v.verdict;
      rows.push({
        id: e.id, facility_id: facilityId, kiosk_id: kioskId, seq: e.seq, hlc: e.hlc, type: e.type, entity_id: e.entityId,
        payload: verdict.ok ? storedPayloadJson(verdict.payload, e.vehicle) : JSON.stringify(e.payload ?? null), schema_version: e.schemaVersion,
        outcome: verdict.ok ? 'APPLIED' : 'PARKED', error: verdict.ok ? null : verdict.error, received_at: receivedAt,
      });
      if (!verdict.ok) {
        results.push({ id: e.id, seq: e.seq, outcome: 'REJECTED', error: verdict.error, reason: verdict.reason });
        stats.eventsRejected++;
        // The kiosk gets the canonical state back (never another facility's).
        if (e.entityId && concernsSession(e.type) && verdict.reason !== 'FOREIGN_FACILITY') touched.add(e.entityId);
        continue;
      }
      results.push({ id: e.id, seq: e.seq, outcome: 'APPLIED' });
      stats.eventsApplied++;
      const handling = handlingOf(e.type);
      if (handling === 'session') {
        touched.add(e.entityId!);
        freshFold.push([e.entityId!, foldEventOf(e.id, kioskId, e.hlc, e.type, verdict.payload as Record<string, unknown>, e.vehicle)]);
      } else if (handling === 'zone' || handling === 'operator') entityEvents.push({ type: handling, hlc: e.hlc, payload: verdict.payload });
      else if (handling === 'merchant' || handling === 'validationProgram' || e.type.startsWith('validation.') || e.type === 'merchant.ledger') validationEvents.push({ id: e.id, type: e.type, hlc: e.hlc, payload: verdict.payload });
      else if (e.type === 'seasonPass.upserted' || e.type === 'pass.movement') passEvents.push({ id: e.id, type: e.type, hlc: e.hlc, payload: verdict.payload });
    }

    // The touched sessions' stored events (read before this batch's rows exist), plus this batch's.
    await loadEvents(trx, b, [...touched]);
    for (const [sessionId, fe] of freshFold) b.events.get(sessionId)!.push(fe);
    await insertRows(trx, w.style(), 'sync_events', EVENT_COLS, rows);

    for (const e of entityEvents) {
      if (e.type === 'zone') await applyZone(w, trx, b, kioskId, e as Parameters<typeof applyZone>[4]);
      else await applyOperator(w, trx, b, kioskId, e as Parameters<typeof applyOperator>[4]);
    }
    await applyValidationEvents(w, trx, b, kioskId, validationEvents);
    await applyPassEvents(w, trx, b, kioskId, passEvents);
    for (const key of input.ticketKeys ?? []) await applyTicketKey(w, trx, b, kioskId, key); // a key id of another facility is kept there
    await refold(w, trx, b, [...touched], kioskId);

    const offset = input.clientTime !== undefined ? receivedAt - input.clientTime : state.clock_offset_ms;
    await trx.updateTable('sync_kiosks').set({ last_seq: lastSeq, last_push_at: receivedAt, clock_offset_ms: offset })
      .where('kiosk_id', '=', kioskId).execute();
    // Before the change-log entries: finish ends holding the server-wide counter lock (to commit).
    const auditCheckpoint = await w.anchor?.(trx, kioskId, input.auditHead, { newEvents: fresh.length, lastSeq, receivedAt });
    await finish(w, trx, b);
    return { results, lastSeq, serverTime: w.now(), protocolVersion: window.current, ...(auditCheckpoint ? { auditCheckpoint } : {}) };
  });
}

/**
 * Of these validated events, the subjects (session, zone, operator ids) that belong to another
 * facility, the sessions placed in another facility's zone, and the passes of another facility
 * with their movements and sales: such events are refused
 * (FOREIGN_FACILITY, parked), so a kiosk can never write into a facility it is not enrolled in.
 */
async function foreignSubjects(trx: Tx, facilityId: string, events: { type: string; payload: object }[]): Promise<Set<string>> {
  const sessions = new Map<string, string | null>();
  const entities: { type: 'zone' | 'operator'; id: string }[] = [];
  /** Subjects (event entity ids) per season pass they are about. */
  const passSubjects = new Map<string, string[]>();
  for (const { type, payload } of events) {
    const handling = handlingOf(type);
    const p = payload as {
      session?: { id: string; zone_id?: string }; zone?: { id: string }; operator?: { id: string };
      pass?: { id: string }; movement?: { id: string; pass_id: string }; sale?: { id: string; pass_id: string };
    };
    if (handling === 'session' && p.session) sessions.set(p.session.id, p.session.zone_id ?? null);
    else if (handling === 'zone' && p.zone) entities.push({ type: 'zone', id: p.zone.id });
    else if (handling === 'operator' && p.operator) entities.push({ type: 'operator', id: p.operator.id });
    else if (type === 'seasonPass.upserted' && p.pass) passSubjects.set(p.pass.id, [...(passSubjects.get(p.pass.id) ?? []), p.pass.id]);
    else if (type === 'pass.movement' && p.movement) passSubjects.set(p.movement.pass_id, [...(passSubjects.get(p.movement.pass_id) ?? []), p.movement.id]);
    else if (type === 'pass.sold' && p.sale) passSubjects.set(p.sale.pass_id, [...(passSubjects.get(p.sale.pass_id) ?? []), p.sale.id]);
  }
  const out = new Set<string>();
  // A season pass of another facility: its changes, movements and sales are refused here.
  for (const part of chunks([...passSubjects.keys()], IN_CHUNK)) {
    for (const r of await trx.selectFrom('sync_entities').select('entity_id').where('entity_type', '=', 'seasonPass').where('entity_id', 'in', padded(part))
      .where('facility_id', '!=', facilityId).execute()) for (const id of passSubjects.get(r.entity_id) ?? []) out.add(id);
  }
  for (const part of chunks([...sessions.keys()], IN_CHUNK)) {
    for (const r of await trx.selectFrom('sync_sessions').select('id').where('id', 'in', padded(part)).where('facility_id', '!=', facilityId).execute()) out.add(r.id);
  }
  const zoneIds = [...new Set([...sessions.values()].filter((z): z is string => z !== null))];
  const foreignZones = new Set<string>();
  for (const part of chunks(zoneIds, IN_CHUNK)) {
    for (const r of await trx.selectFrom('zones').select('id').where('id', 'in', padded(part)).where('facility_id', '!=', facilityId).execute()) foreignZones.add(r.id);
  }
  for (const [id, zone] of sessions) if (zone !== null && foreignZones.has(zone)) out.add(id);
  for (const part of chunks(entities.filter((x) => x.type === 'zone').map((x) => x.id), IN_CHUNK)) {
    for (const r of await trx.selectFrom('zones').select('id').where('id', 'in', padded(part)).where('facility_id', '!=', facilityId).execute()) out.add(r.id);
  }
  for (const part of chunks(entities.filter((x) => x.type === 'operator').map((x) => x.id), IN_CHUNK)) {
    for (const r of await trx.selectFrom('sync_entities').select('entity_id').where('entity_type', '=', 'operator').where('entity_id', 'in', padded(part))
      .where('facility_id', '!=', facilityId).execute()) out.add(r.entity_id);
  }
  return out;
}

/** The ids among these that are sessions of this facility or not yet known (a duplicate re-announces only those). */
async function ownSessions(trx: Tx, facilityId: string, ids: string[]): Promise<string[]> {
  const foreign = new Set<string>();
  for (const part of chunks(ids, IN_CHUNK)) {
    for (const r of await trx.selectFrom('sync_sessions').select('id').where('id', 'in', padded(part)).where('facility_id', '!=', facilityId).execute()) foreign.add(r.id);
  }
  return ids.filter((id) => !foreign.has(id));
}

/** Of these fresh event ids, the ones already stored (for another kiosk), with the facility that holds them. */
async function takenEventIds(trx: Tx, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks(ids, IN_CHUNK)) {
    for (const r of await trx.selectFrom('sync_events').select(['id', 'facility_id']).where('id', 'in', padded(part)).execute()) out.set(r.id, r.facility_id);
  }
  return out;
}
