/**
 * Uses of merchant validation codes across gates. A code is single-use, but two gates that are
 * offline at once can both accept it: the fold keeps the earliest use (lowest HLC, then event id)
 * as CANONICAL and marks every other DUPLICATE, deterministically whatever order pushes arrive
 * in. A DUPLICATE is a flag for a supervisor (the discount it gave is revenue lost to abuse);
 * nothing is charged afterwards to the driver who has left.
 */
import { sql } from 'kysely';
import { compareHlc, decodeHlc } from '../../src-shared/domain/hlc.js';
import type { ValidationSnap } from '../../src-shared/contracts/validations.js';
import { chunks, IN_CHUNK, padded } from '../sync/bulk-insert.js';
import type { SyncWriter, Tx } from '../sync/write-batch.js';

export interface CodeUse { event_id: string; hlc: string }

/** The earliest use by HLC, ties by event id (the canonical one). */
export function canonicalUse<T extends CodeUse>(uses: readonly T[]): T | null {
  let best: T | null = null;
  for (const u of uses) {
    if (!best) { best = u; continue; }
    const a = decodeHlc(u.hlc);
    const b = decodeHlc(best.hlc);
    const c = a && b ? compareHlc(a, b) : u.hlc < best.hlc ? -1 : u.hlc > best.hlc ? 1 : 0;
    if (c < 0 || (c === 0 && u.event_id < best.event_id)) best = u;
  }
  return best;
}

/** Records the code uses among a push's applied events and re-folds the codes they touch (inside the push transaction). */
export async function recordRedemptions(w: SyncWriter, trx: Tx, kioskId: string, events: { id: string; hlc: string; payload: { validation: ValidationSnap } }[]): Promise<void> {
  const uses = events.filter((e) => e.payload.validation.code_id !== null);
  if (uses.length === 0) return;
  const now = w.now();
  for (const e of uses) {
    const v = e.payload.validation;
    await trx.insertInto('validation_redemptions').values({
      event_id: e.id, validation_id: v.id, code_id: v.code_id!, kiosk_id: kioskId, session_id: v.session_id, program_id: v.program_id,
      merchant_id: v.merchant_id, hlc: e.hlc, status: 'DUPLICATE', received_at: now,
    }).onConflict((oc) => oc.column('event_id').doNothing()).execute();
  }
  const codes = [...new Set(uses.map((e) => e.payload.validation.code_id!))];
  for (const part of chunks(codes, IN_CHUNK)) {
    const rows = await trx.selectFrom('validation_redemptions').select(['event_id', 'code_id', 'hlc', 'status']).where('code_id', 'in', padded(part)).execute();
    const byCode = new Map<string, typeof rows>();
    for (const r of rows) byCode.set(r.code_id, [...(byCode.get(r.code_id) ?? []), r]);
    for (const [, list] of byCode) {
      const keep = canonicalUse(list)!;
      for (const r of list) {
        const status = r.event_id === keep.event_id ? 'CANONICAL' : 'DUPLICATE';
        if (r.status !== status) await trx.updateTable('validation_redemptions').set({ status }).where('event_id', '=', r.event_id).execute();
      }
    }
  }
}

/** Uses the fold flagged (a code used more than once), oldest first. */
export async function flaggedRedemptions(w: Pick<SyncWriter, 'db'>) {
  return w.db.selectFrom('validation_redemptions').selectAll().where('status', '=', sql.lit('DUPLICATE')).orderBy('hlc').orderBy('event_id').execute();
}
