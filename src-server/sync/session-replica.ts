/**
 * Sessions on the server: each touched session is folded once per transaction, stored in
 * sync_sessions with multi-row upserts, its clashes settled, and one change-log entry queued.
 */
import type { CanonicalSession } from '../../src-shared/contracts/sync.js';
import { INSERT_CHUNK, insertRows } from './bulk-insert.js';
import { settleClashes } from './clashes.js';
import { foldSession, isOpenStatus } from './fold.js';
import type { SyncSessionsTable } from './schema.js';
import { loadEvents, type Batch, type SyncWriter, type Tx } from './write-batch.js';

const SESSION_COLS = ['id', 'facility_id', 'zone_id', 'slot_id', 'vehicle_number', 'status', 'is_open', 'creation_hlc', 'conflict', 'amount_paid_paise', 'data', 'updated_at'] as const;
// The facility of a session never changes (foreign events are refused before the fold).
const SESSION_UPSERT = ` on conflict ("id") do update set ${SESSION_COLS.slice(2).map((c) => `"${c}" = excluded."${c}"`).join(', ')}`;

/**
 * Folds each session once, stores them all with multi-row upserts, settles slot/plate clashes
 * with one rival query, and queues one change entry per session. Sessions a clash decision
 * changed are folded again (a second round only when there was a clash).
 */
export async function refold(w: SyncWriter, trx: Tx, b: Batch, sessionIds: string[], originKioskId: string | null): Promise<void> {
  if (sessionIds.length === 0) return;
  await loadEvents(trx, b, sessionIds);
  const folded = new Map<string, { c: CanonicalSession; json: string }>();
  for (const id of sessionIds) {
    const c = foldSession(b.events.get(id) ?? []);
    if (c) folded.set(id, { c, json: JSON.stringify(c) });
  }
  await storeSessions(w, trx, b.facilityId, [...folded.values()]);
  const again = new Set<string>();
  await settleClashes(w, trx, b, folded, again);
  for (const [id, f] of folded) {
    if (again.has(id)) continue;
    // `{"kind":"session",...c}` without serialising the session a second time.
    b.pending.push({ entityType: 'session', entityId: id, originKioskId, data: `{"kind":"session",${f.json.slice(1)}` });
  }
  if (again.size) await refold(w, trx, b, [...again], null);
}

async function storeSessions(w: SyncWriter, trx: Tx, facilityId: string, list: { c: CanonicalSession; json: string }[]): Promise<void> {
  const now = w.now();
  const rows: SyncSessionsTable[] = list.map(({ c, json }) => ({
    // An overflow session holds no slot: '' keeps it out of the slot-rival and free-slot queries.
    id: c.session.id, facility_id: facilityId, zone_id: c.session.zone_id, slot_id: c.session.overflow ? '' : c.session.slot_id, vehicle_number: c.vehicle.vehicle_number,
    status: c.session.status, is_open: isOpenStatus(c.session.status) ? 1 : 0, creation_hlc: c.creationHlc,
    conflict: c.session.conflict, amount_paid_paise: c.session.amount_paid_paise, data: json, updated_at: now,
  }));
  await insertRows(trx, w.style(), 'sync_sessions', SESSION_COLS, rows, SESSION_UPSERT, INSERT_CHUNK / 2);
}

