/**
 * Applying pulled changes to the kiosk tables (issue 5). The server sends the canonical state of
 * each changed entity (its fold of every event, src-server/sync/fold.ts); the kiosk mirrors it:
 * - a session this kiosk still has PENDING outbox events for is left alone: its own newer events
 *   reach the server, which then sends a canonical state that includes them;
 * - slot ids are global (zones and slots replicate with their ids); vehicle ids are local, so
 *   vehicles are matched by number;
 * - a remote session that wants a slot held here by another open session takes it, and the
 *   local holder moves provisionally to a free slot (none free: to overflow) until its own
 *   canonical state arrives. The server never lets two open sessions hold one slot (a clash loser
 *   with no free slot anywhere becomes an overflow session that holds none), so the change log
 *   always brings the holder's canonical state after the one that took its slot here;
 * - an overflow session (`overflow = 1`) is open but holds no slot: it never takes or frees one.
 * Everything runs inside the caller's transaction (the pull batch + cursor move, one commit).
 * Audit actions are `sync.*` so the audit shows what came from elsewhere.
 */
import type Database from 'better-sqlite3';
import { newId } from '../core/ids.js';
import { serverPaymentSchema } from '../online/server-client.js'; // [sync]
import { paymentResultSinkOf } from '../sync/registry.js'; // [sync]
import type { ServiceContext } from './context.js';

const OPEN = new Set(['BOOKED', 'PARKED', 'EXITING']);

export interface RemoteSession {
  id: string; code: string; zone_id: string; slot_id: string; status: string;
  booked_at: number | null; entry_at: number | null; exit_at: number | null;
  quote_amount_paise: number | null; quoted_at: number | null; quote_valid_until: number | null;
  amount_due_paise: number | null; amount_paid_paise: number; last_paid_at: number | null;
  lost_ticket: number; conflict: number; conflict_reason: string | null;
  origin_kiosk_id: string; created_by: string | null; created_at: number; updated_at: number;
  /** 1: open without a slot (clash loser in a full car park). Absent from older servers: 0. */
  overflow?: number;
}
export interface RemotePayment {
  id: string; session_id: string; method: string; status: string; amount_paise: number;
  tendered_paise: number | null; change_paise: number | null; gateway: string | null; gateway_ref: string | null;
  upi_uri: string | null; idempotency_key: string | null; operator_id: string | null; late: number;
  review_reason: string | null; created_at: number; expires_at: number | null; completed_at: number | null; updated_at: number;
}
export interface RemoteConflict { kind: string; hlc: string; detail: string }
export type RemoteChangeData =
  | { kind: 'session'; session: RemoteSession; vehicle: { vehicle_number: string; owner_name: string | null }; payments: RemotePayment[];
      conflicts?: RemoteConflict[]; resolutions?: { hlc: string; resolution: string; reason: string; operatorId: string | null }[] }
  | { kind: 'zone'; zone: Record<string, unknown> & { id: string; name: string }; slots: { id: string; slot_number: string; position: number }[] }
  | { kind: 'operator'; operator: { id: string; username: string; name: string; role: string; pin_hash: string; is_active: number } }
  | { kind: 'ticketKey'; keyId: string; kioskId: string; secret: string }
  // [sync] an online payment result the server pushes to the kiosk that asked (src-server/sync/server-events.ts)
  | { kind: 'paymentResult'; kioskId: string; payment: { paymentId: string } & Record<string, unknown> };

export interface TicketKeySink {
  put(keyId: string, kioskId: string, secretBase64: string, now: number): void;
}

export type ApplyOutcome = 'applied' | 'unchanged' | 'pending' | 'skipped';

export class MissingDependency extends Error {}

const stmtCache = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function st(db: Database.Database, sql: string): Database.Statement {
  let m = stmtCache.get(db);
  if (!m) stmtCache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

export function hasPendingEvents(ctx: ServiceContext, entityId: string): boolean {
  return Boolean(st(ctx.store.sqlite, `SELECT 1 FROM outbox WHERE entity_id = ? AND status = 'PENDING' LIMIT 1`).get(entityId));
}

function vehicleIdFor(ctx: ServiceContext, number: string, owner: string | null, now: number): string {
  const db = ctx.store.sqlite;
  const row = st(db, 'SELECT id, owner_name FROM vehicles WHERE vehicle_number = ?').get(number) as { id: string; owner_name: string | null } | undefined;
  if (row) {
    if (owner && owner !== row.owner_name) st(db, 'UPDATE vehicles SET owner_name = ?, updated_at = ? WHERE id = ?').run(owner, now, row.id);
    return row.id;
  }
  const id = newId(ctx.clock);
  st(db, 'INSERT INTO vehicles (id, vehicle_number, owner_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, number, owner, now, now);
  return id;
}

/**
 * Moves an open local session out of `slotId`, provisionally (its canonical state follows): to the
 * first free slot (its zone first), or to overflow (open, holding no slot) when none is free here.
 */
function evict(ctx: ServiceContext, holderId: string, slotId: string): void {
  const db = ctx.store.sqlite;
  const holder = st(db, 'SELECT zone_id FROM sessions WHERE id = ?').get(holderId) as { zone_id: string } | undefined;
  const target = st(db, `SELECT s.id FROM slots s JOIN zones z ON z.id = s.zone_id WHERE s.current_session_id IS NULL AND s.id <> ?
      AND NOT EXISTS (SELECT 1 FROM sessions x WHERE x.slot_id = s.id AND x.status IN ('BOOKED','PARKED','EXITING') AND x.overflow = 0)
      ORDER BY (s.zone_id = ?) DESC, z.position, s.position LIMIT 1`).get(slotId, holder?.zone_id ?? '') as { id: string } | undefined;
  st(db, 'UPDATE slots SET current_session_id = NULL WHERE id = ?').run(slotId);
  if (!target) {
    st(db, `UPDATE sessions SET overflow = 1, conflict = 1, conflict_reason = 'SLOT_CLASH' WHERE id = ?`).run(holderId);
    return;
  }
  st(db, `UPDATE sessions SET slot_id = ?, conflict = 1, conflict_reason = 'SLOT_CLASH' WHERE id = ?`).run(target.id, holderId);
  st(db, 'UPDATE slots SET current_session_id = ? WHERE id = ?').run(holderId, target.id);
}

const SESSION_COLS = [
  'code', 'vehicle_id', 'zone_id', 'slot_id', 'status', 'booked_at', 'entry_at', 'exit_at', 'quote_amount_paise', 'quoted_at',
  'quote_valid_until', 'amount_due_paise', 'amount_paid_paise', 'last_paid_at', 'lost_ticket', 'conflict', 'conflict_reason',
  'origin_kiosk_id', 'created_by', 'created_at', 'updated_at', 'overflow',
] as const;
const PAYMENT_COLS = [
  'session_id', 'method', 'status', 'amount_paise', 'tendered_paise', 'change_paise', 'gateway', 'gateway_ref', 'upi_uri',
  'idempotency_key', 'operator_id', 'late', 'review_reason', 'created_at', 'expires_at', 'completed_at', 'updated_at',
] as const;
const UPSERT_SESSION = `INSERT INTO sessions (id, ${SESSION_COLS.join(', ')}) VALUES (?${', ?'.repeat(SESSION_COLS.length)})
  ON CONFLICT(id) DO UPDATE SET ${SESSION_COLS.map((c) => `${c} = excluded.${c}`).join(', ')}`;
const UPSERT_PAYMENT = `INSERT INTO payments (id, ${PAYMENT_COLS.join(', ')}) VALUES (?${', ?'.repeat(PAYMENT_COLS.length)})
  ON CONFLICT(id) DO UPDATE SET ${PAYMENT_COLS.filter((c) => c !== 'session_id').map((c) => `${c} = excluded.${c}`).join(', ')}`;

function sessionSignature(db: Database.Database, id: string): string {
  const s = st(db, 'SELECT * FROM sessions WHERE id = ?').get(id);
  const p = st(db, 'SELECT id, status, amount_paise, review_reason FROM payments WHERE session_id = ? ORDER BY id').all(id);
  return JSON.stringify([s ?? null, p]);
}

export function applyRemoteSession(ctx: ServiceContext, data: Extract<RemoteChangeData, { kind: 'session' }>): ApplyOutcome {
  const db = ctx.store.sqlite;
  const s = data.session;
  if (hasPendingEvents(ctx, s.id)) return 'pending';
  if (!st(db, 'SELECT 1 FROM zones WHERE id = ?').get(s.zone_id)) throw new MissingDependency(`zone ${s.zone_id} not known here yet`);
  // Any known slot: a clash loser whose zone was full is moved by the server to an overflow slot
  // of another zone (it keeps its own zone and tariff), and every gate must mirror that.
  const slot = st(db, 'SELECT current_session_id FROM slots WHERE id = ?').get(s.slot_id) as { current_session_id: string | null } | undefined;
  if (!slot) throw new MissingDependency(`slot ${s.slot_id} not known here yet`);
  const before = sessionSignature(db, s.id);
  const now = ctx.clock.now();
  const open = OPEN.has(s.status);
  const holds = open && s.overflow !== 1; // an overflow session is open but holds no slot

  st(db, 'UPDATE slots SET current_session_id = NULL WHERE current_session_id = ?').run(s.id);
  if (holds && slot.current_session_id && slot.current_session_id !== s.id) evict(ctx, slot.current_session_id, s.slot_id);

  let vehicleId = vehicleIdFor(ctx, data.vehicle.vehicle_number, data.vehicle.owner_name, now);
  if (open) {
    const other = st(db, `SELECT id FROM sessions WHERE vehicle_id = ? AND id <> ? AND status IN ('BOOKED','PARKED','EXITING') LIMIT 1`).get(vehicleId, s.id);
    // Same plate open twice (two offline gates): provisional number until the server decides.
    if (other) vehicleId = vehicleIdFor(ctx, `${data.vehicle.vehicle_number}#${s.id.slice(-4).toUpperCase()}`, data.vehicle.owner_name, now);
  }
  const row: Record<string, unknown> = { ...s, vehicle_id: vehicleId, overflow: s.overflow === 1 ? 1 : 0 };
  st(db, UPSERT_SESSION).run(s.id, ...SESSION_COLS.map((c) => row[c] ?? null));
  if (holds) st(db, 'UPDATE slots SET current_session_id = ? WHERE id = ?').run(s.id, s.slot_id);
  for (const p of data.payments) {
    const pr = p as unknown as Record<string, unknown>;
    st(db, UPSERT_PAYMENT).run(p.id, ...PAYMENT_COLS.map((c) => (c === 'session_id' ? s.id : pr[c] ?? null)));
  }
  if (sessionSignature(db, s.id) === before) return 'unchanged';
  ctx.audit.append({
    operatorId: null, action: 'sync.sessionApplied', entityType: 'session', entityId: s.id,
    details: { status: s.status, conflict: s.conflict_reason, payments: data.payments.length },
  });
  queueMicrotask(() => ctx.emit({ type: 'session.changed', sessionId: s.id, status: s.status }));
  return 'applied';
}

function applyZone(ctx: ServiceContext, data: Extract<RemoteChangeData, { kind: 'zone' }>): ApplyOutcome {
  const db = ctx.store.sqlite;
  const z = data.zone as Record<string, unknown> & { id: string; name: string };
  const clash = st(db, 'SELECT id FROM zones WHERE name = ? COLLATE NOCASE AND id <> ?').get(z.name, z.id);
  if (clash) throw new MissingDependency(`a different zone named ${z.name} exists here`);
  const cols = ['name', 'position', 'hourly_rate_paise', 'is_active', 'grace_minutes', 'daily_cap_paise', 'lost_ticket_fee_paise', 'exit_grace_minutes', 'created_at', 'updated_at'];
  const exists = Boolean(st(db, 'SELECT 1 FROM zones WHERE id = ?').get(z.id));
  const positionTaken = st(db, 'SELECT 1 FROM zones WHERE position = ? AND id <> ?').get(z.position, z.id);
  const values = cols.map((c) => (c === 'position' && positionTaken && !exists ? (st(db, 'SELECT COALESCE(MAX(position), 0) + 1 AS p FROM zones').get() as { p: number }).p : z[c] ?? null));
  st(db, `INSERT INTO zones (id, ${cols.join(', ')}) VALUES (?${', ?'.repeat(cols.length)})
    ON CONFLICT(id) DO UPDATE SET ${cols.filter((c) => c !== 'position' && c !== 'created_at').map((c) => `${c} = excluded.${c}`).join(', ')}`).run(z.id, ...values);
  for (const slot of data.slots) {
    st(db, 'INSERT OR IGNORE INTO slots (id, zone_id, slot_number, position, current_session_id, created_at) VALUES (?, ?, ?, ?, NULL, ?)')
      .run(slot.id, z.id, slot.slot_number, slot.position, ctx.clock.now());
  }
  ctx.audit.append({ operatorId: null, action: 'sync.zoneApplied', entityType: 'zone', entityId: z.id, details: { name: z.name, slots: data.slots.length } });
  return 'applied';
}

function applyOperator(ctx: ServiceContext, data: Extract<RemoteChangeData, { kind: 'operator' }>): ApplyOutcome {
  const db = ctx.store.sqlite;
  const o = data.operator;
  const clash = st(db, 'SELECT id FROM operators WHERE username = ? AND id <> ?').get(o.username, o.id);
  if (clash) throw new MissingDependency(`a different operator named ${o.username} exists here`);
  const cur = st(db, 'SELECT role, pin_hash, is_active, name FROM operators WHERE id = ?').get(o.id) as { role: string; pin_hash: string; is_active: number; name: string } | undefined;
  const now = ctx.clock.now();
  if (!cur) {
    st(db, `INSERT INTO operators (id, username, name, role, pin_hash, is_active, failed_attempts, locked_until, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?)`).run(o.id, o.username, o.name, o.role, o.pin_hash, o.is_active, now, now);
  } else {
    if (cur.role === o.role && cur.pin_hash === o.pin_hash && cur.is_active === o.is_active && cur.name === o.name) return 'unchanged';
    st(db, 'UPDATE operators SET name = ?, role = ?, pin_hash = ?, is_active = ?, updated_at = ? WHERE id = ?').run(o.name, o.role, o.pin_hash, o.is_active, now, o.id);
    if (cur.role !== o.role || cur.pin_hash !== o.pin_hash || o.is_active === 0) st(db, 'DELETE FROM auth_tokens WHERE operator_id = ?').run(o.id);
  }
  ctx.audit.append({ operatorId: null, action: 'sync.operatorApplied', entityType: 'operator', entityId: o.id, details: { username: o.username, role: o.role, isActive: o.is_active === 1 } });
  return 'applied';
}

/**
 * Applies one pulled change. A change that cannot be applied yet (e.g. a zone name taken by a
 * different local zone) is recorded in sync_skipped and retried after later pulls; it never
 * holds back the cursor for everything else.
 */
export function applyRemoteChange(ctx: ServiceContext, keys: TicketKeySink, seq: number, data: RemoteChangeData): ApplyOutcome {
  const db = ctx.store.sqlite;
  try {
    db.exec('SAVEPOINT apply_one');
    let outcome: ApplyOutcome;
    switch (data.kind) {
      case 'session': outcome = applyRemoteSession(ctx, data); break;
      case 'zone': outcome = applyZone(ctx, data); break;
      case 'operator': outcome = applyOperator(ctx, data); break;
      case 'ticketKey': keys.put(data.keyId, data.kioskId, data.secret, ctx.clock.now()); outcome = 'applied'; break;
      case 'paymentResult': outcome = applyPaymentResult(ctx, data); break; // [sync]
      default: throw new MissingDependency(`unknown change kind ${(data as { kind: string }).kind}`);
    }
    db.exec('RELEASE apply_one');
    if (outcome !== 'pending') st(db, 'DELETE FROM sync_skipped WHERE entity_id = ? AND seq < ?').run(entityIdOf(data), seq);
    return outcome;
  } catch (err) {
    db.exec('ROLLBACK TO apply_one');
    db.exec('RELEASE apply_one');
    if (!(err instanceof MissingDependency) && !(err instanceof Error && /constraint/i.test(err.message))) throw err;
    st(db, 'INSERT OR REPLACE INTO sync_skipped (seq, entity_type, entity_id, data, error, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(seq, data.kind, entityIdOf(data), JSON.stringify(data), err.message, ctx.clock.now());
    return 'skipped';
  }
}

function entityIdOf(d: RemoteChangeData): string {
  switch (d.kind) {
    case 'session': return d.session.id;
    case 'zone': return d.zone.id;
    case 'operator': return d.operator.id;
    case 'ticketKey': return d.keyId;
    case 'paymentResult': return d.payment.paymentId;
  }
}

/**
 * [sync] A pushed online payment result: only the kiosk that asked applies it, through
 * OnlinePayments.apply (the same checks as the 1 s poll: exact amount, same session, matching
 * reference; SUCCESS completes the exit). Others ignore it: the asking kiosk's own payment events
 * bring the payment to every gate through the session fold. A result that fails to apply is
 * rolled back and kept in sync_skipped (retried; the poller is the fallback anyway).
 */
function applyPaymentResult(ctx: ServiceContext, data: Extract<RemoteChangeData, { kind: 'paymentResult' }>): ApplyOutcome {
  if (data.kioskId !== ctx.kioskId) return 'unchanged';
  const sink = paymentResultSinkOf(ctx);
  if (!sink) return 'unchanged'; // no online payments configured here: nothing can be waiting for it
  const parsed = serverPaymentSchema.safeParse(data.payment);
  if (!parsed.success) throw new MissingDependency('malformed payment result');
  const before = st(ctx.store.sqlite, 'SELECT status, review_reason FROM payments WHERE id = ?').get(parsed.data.paymentId);
  try {
    sink(parsed.data);
  } catch (err) {
    throw new MissingDependency(`payment result not applied: ${err instanceof Error ? err.message : String(err)}`);
  }
  const after = st(ctx.store.sqlite, 'SELECT status, review_reason FROM payments WHERE id = ?').get(parsed.data.paymentId);
  return JSON.stringify(before) === JSON.stringify(after) ? 'unchanged' : 'applied';
}

/** Retries skipped changes (oldest first); those that apply now are removed. */
export function retrySkipped(ctx: ServiceContext, keys: TicketKeySink): number {
  const rows = st(ctx.store.sqlite, 'SELECT seq, data FROM sync_skipped ORDER BY seq').all() as { seq: number; data: string }[];
  let done = 0;
  for (const r of rows) {
    const outcome = applyRemoteChange(ctx, keys, r.seq, JSON.parse(r.data) as RemoteChangeData);
    if (outcome !== 'skipped') {
      st(ctx.store.sqlite, 'DELETE FROM sync_skipped WHERE seq = ?').run(r.seq);
      done++;
    }
  }
  return done;
}
