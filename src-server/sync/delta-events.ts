/**
 * Session events that carry what changed (sync protocol 3): each is resolved against its base
 * event (an earlier event of the same session from the same kiosk, earlier in this batch or
 * stored APPLIED) into the full rows, before anything else reads it. sync_events then stores the
 * full rows, so the fold, the facility checks and every later base lookup read whole snapshots.
 * A delta whose base this server has not applied (parked, or not this session's) is parked as
 * MALFORMED: its changes cannot be placed.
 */
import { paymentSnapSchema, sessionChangePayload, sessionSnapSchema, type SessionDeltaPayload, type WireEvent } from '../../src-shared/contracts/sync.js';
import { isSessionDelta, resolveSessionDelta, type ResolvedSessionChange } from '../../src-shared/domain/session-delta.js';
import { chunks, IN_CHUNK, padded } from './bulk-insert.js';
import { handlingOf } from './event-handlers.js';
import type { SyncReason } from '../../src-shared/contracts/sync.js';
import type { Tx } from './write-batch.js';

export type Verdict = { ok: true; payload: object } | { ok: false; reason: SyncReason; error: string };

/**
 * `parsed`: the base's rows are this server's schema output (an event of this batch), not rows
 * read back from storage (which an older server may have written).
 */
interface Base { entityId: string | null; state: ResolvedSessionChange; parsed: boolean }

function baseOf(entityId: string | null, payload: object, parsed: boolean): Base | null {
  const p = payload as { session?: ResolvedSessionChange['session']; payment?: ResolvedSessionChange['payment'] };
  return p.session ? { entityId, state: { session: p.session, payment: p.payment ?? null }, parsed } : null;
}

const SESSION_KEYS = Object.keys(sessionSnapSchema.shape);
const PAYMENT_KEYS = Object.keys(paymentSnapSchema.shape);

/** The object's keys of `keys`, in that order: what a zod object schema without transforms outputs for input whose values it accepts. */
function inShapeOrder(keys: readonly string[], from: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in from) out[k] = from[k];
  return out;
}

/**
 * What `sessionChangePayload.safeParse(resolveSessionDelta(base, d))` gives, without checking
 * every field again, when that is certain: the base is schema output with every field of the
 * full rows, the delta's fields passed the same field schemas (the delta schema is the full one
 * made partial) and the schemas have no transforms or cross-field rules, so the merge is valid
 * and the parse would only put the keys in schema order. A payment that is not the base's own
 * (a new one, possibly partial) is left to the schema (null).
 */
function resolveParsedBase(base: ResolvedSessionChange, d: SessionDeltaPayload): { session: unknown; payment: unknown; operatorId: string | null } | null {
  if (d.payment !== null && base.payment?.id !== d.payment.id) return null;
  return {
    session: inShapeOrder(SESSION_KEYS, { ...base.session, ...d.session }),
    payment: d.payment === null ? null : inShapeOrder(PAYMENT_KEYS, { ...base.payment, ...d.payment }),
    operatorId: d.operatorId,
  };
}

/** The verdicts with every delta replaced by its full rows (or parked when it cannot be resolved). */
export async function resolveDeltas(trx: Tx, kioskId: string, list: { e: WireEvent; verdict: Verdict }[]): Promise<{ e: WireEvent; verdict: Verdict }[]> {
  const deltaOf = (v: { verdict: Verdict }): SessionDeltaPayload | null => (v.verdict.ok && isSessionDelta(v.verdict.payload) ? v.verdict.payload : null);
  const deltas = list.map(deltaOf).filter((d): d is SessionDeltaPayload => d !== null);
  if (deltas.length === 0) return list;
  const inBatch = new Set(list.map((v) => v.e.id));
  const bases = new Map<string, Base>();
  const wanted = [...new Set(deltas.map((d) => d.base).filter((id) => !inBatch.has(id)))];
  for (const part of chunks(wanted, IN_CHUNK)) {
    const rows = await trx.selectFrom('sync_events').select(['id', 'entity_id', 'payload'])
      .where('id', 'in', padded(part)).where('kiosk_id', '=', kioskId).where('outcome', '=', 'APPLIED').execute();
    for (const r of rows) {
      const b = baseOf(r.entity_id, JSON.parse(r.payload) as object, false);
      if (b) bases.set(r.id, b);
    }
  }
  return list.map((v) => {
    const d = deltaOf(v);
    let verdict = v.verdict;
    if (d) {
      const base = bases.get(d.base);
      const fast = base && base.entityId === v.e.entityId && base.parsed ? resolveParsedBase(base.state, d) : null;
      const resolved = !base || base.entityId !== v.e.entityId ? null
        : fast ? { success: true as const, data: fast as object }
          : sessionChangePayload.safeParse(resolveSessionDelta(base.state, d));
      if (!resolved) {
        verdict = { ok: false, reason: 'MALFORMED', error: `MALFORMED: ${v.e.type} changes event ${d.base}, which this server has not applied for ${v.e.entityId ?? 'null'}` };
      } else if (!resolved.success) {
        const issue = resolved.error.issues[0];
        verdict = { ok: false, reason: 'MALFORMED', error: `MALFORMED: ${v.e.type} against event ${d.base}: ${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}` };
      } else verdict = { ok: true, payload: resolved.data };
    }
    if (verdict.ok && handlingOf(v.e.type) === 'session') {
      const b = baseOf(v.e.entityId, verdict.payload, true);
      if (b) bases.set(v.e.id, b);
    }
    return { e: v.e, verdict };
  });
}
