/**
 * Session events that carry what changed (sync protocol 3): each is resolved against its base
 * event (an earlier event of the same session from the same kiosk, earlier in this batch or
 * stored APPLIED) into the full rows, before anything else reads it. sync_events then stores the
 * full rows, so the fold, the facility checks and every later base lookup read whole snapshots.
 * A delta whose base this server has not applied (parked, or not this session's) is parked as
 * MALFORMED: its changes cannot be placed.
 */
import { sessionChangePayload, type SessionDeltaPayload, type WireEvent } from '../../src-shared/contracts/sync.js';
import { isSessionDelta, resolveSessionDelta, type ResolvedSessionChange } from '../../src-shared/domain/session-delta.js';
import { chunks, IN_CHUNK, padded } from './bulk-insert.js';
import { handlingOf } from './event-handlers.js';
import type { SyncReason } from '../../src-shared/contracts/sync.js';
import type { Tx } from './write-batch.js';

export type Verdict = { ok: true; payload: object } | { ok: false; reason: SyncReason; error: string };

interface Base { entityId: string | null; state: ResolvedSessionChange }

function baseOf(entityId: string | null, payload: object): Base | null {
  const p = payload as { session?: ResolvedSessionChange['session']; payment?: ResolvedSessionChange['payment'] };
  return p.session ? { entityId, state: { session: p.session, payment: p.payment ?? null } } : null;
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
      const b = baseOf(r.entity_id, JSON.parse(r.payload) as object);
      if (b) bases.set(r.id, b);
    }
  }
  return list.map((v) => {
    const d = deltaOf(v);
    let verdict = v.verdict;
    if (d) {
      const base = bases.get(d.base);
      const resolved = base && base.entityId === v.e.entityId ? sessionChangePayload.safeParse(resolveSessionDelta(base.state, d)) : null;
      if (!resolved) {
        verdict = { ok: false, reason: 'MALFORMED', error: `MALFORMED: ${v.e.type} changes event ${d.base}, which this server has not applied for ${v.e.entityId ?? 'null'}` };
      } else if (!resolved.success) {
        const issue = resolved.error.issues[0];
        verdict = { ok: false, reason: 'MALFORMED', error: `MALFORMED: ${v.e.type} against event ${d.base}: ${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}` };
      } else verdict = { ok: true, payload: resolved.data };
    }
    if (verdict.ok && handlingOf(v.e.type) === 'session') {
      const b = baseOf(v.e.entityId, verdict.payload);
      if (b) bases.set(v.e.id, b);
    }
    return { e: v.e, verdict };
  });
}
