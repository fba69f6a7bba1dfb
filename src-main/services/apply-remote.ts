/**
 * Applying pulled changes to the kiosk tables. The server sends the canonical state of each
 * changed entity (its fold of every event, src-server/sync/fold.ts); the kiosk mirrors it:
 * - every entry is checked against the sync contract first (src-shared/contracts/sync.ts
 *   `syncChangeSchema`); one this kiosk cannot read (a kind from a newer server, a malformed
 *   body) is kept in sync_skipped with its reason and never holds back the cursor;
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
 * Adding a change kind: its schema in `syncChangeSchema` and its entry in CHANGE_HANDLERS below.
 */
import type { Statement } from 'better-sqlite3';
import { sql, type Selectable } from 'kysely';
import { syncChangeSchema, type ChangeEntry, type SyncChange, type SyncChangeKind } from '../../src-shared/contracts/sync.js';
import { newId } from '../core/ids.js';
import type { Store } from '../store/open.js';
import type { OutboxStatus, PaymentsTable, SessionsTable } from '../store/schema.js';
import type { ServiceContext } from './context.js';
import { applyPassFlag, applyRemoteMovement, applyRemotePass } from '../passes/remote.js';
import { applyRemoteLedger, applyRemoteMerchant, applyRemoteProgram, applyRemoteValidation } from '../validations/remote.js';

const OPEN = ['BOOKED', 'PARKED', 'EXITING'] as const;
const isOpen = (status: string) => (OPEN as readonly string[]).includes(status);
/**
 * Status filters as SQL literals, not bound parameters: SQLite uses a partial index
 * (`WHERE status = 'PENDING'`, `WHERE status IN (...)`) only when the query's literal implies it;
 * with a parameter every pulled change scanned the whole outbox and sessions tables.
 */
const OPEN_LIT = OPEN.map((s) => sql.lit(s));
const PENDING_LIT = sql.lit<OutboxStatus>('PENDING');

const SESSION_KEYS = [
  'id', 'code', 'vehicle_id', 'zone_id', 'slot_id', 'status', 'booked_at', 'entry_at', 'exit_at', 'quote_amount_paise', 'quoted_at',
  'quote_valid_until', 'amount_due_paise', 'amount_paid_paise', 'last_paid_at', 'lost_ticket', 'conflict', 'conflict_reason',
  'origin_kiosk_id', 'created_by', 'created_at', 'updated_at', 'overflow',
] as const;
const PAYMENT_KEYS = [
  'id', 'session_id', 'method', 'status', 'amount_paise', 'tendered_paise', 'change_paise', 'gateway', 'gateway_ref', 'upi_uri',
  'idempotency_key', 'operator_id', 'late', 'review_reason', 'created_at', 'expires_at', 'completed_at', 'updated_at',
] as const;
type SessionValues = { [K in (typeof SESSION_KEYS)[number]]: Selectable<SessionsTable>[K] };
type PaymentValues = { [K in (typeof PAYMENT_KEYS)[number]]: Selectable<PaymentsTable>[K] };

/**
 * The queries of applying a pulled session, compiled once per store: applying tens of thousands
 * of pulled changes spent more time compiling the queries than running them.
 */
function sessionQueries(store: Store) {
  const { q, db } = store;
  const { id: _id, ...sessionSet } = Object.fromEntries(SESSION_KEYS.map((k) => [k, k])) as Record<(typeof SESSION_KEYS)[number], string>;
  void _id;
  return {
    pending: q.prepare<{ entityId: string }, { id: string }>(['entityId'], (p) =>
      db.selectFrom('outbox').select('id').where('entity_id', '=', p.entityId).where('status', '=', PENDING_LIT).limit(1)),
    zone: q.prepare<{ id: string }, { id: string }>(['id'], (p) => db.selectFrom('zones').select('id').where('id', '=', p.id)),
    slot: q.prepare<{ id: string }, { current_session_id: string | null }>(['id'], (p) => db.selectFrom('slots').select('current_session_id').where('id', '=', p.id)),
    session: q.prepare<{ id: string }, Selectable<SessionsTable>>(['id'], (p) => db.selectFrom('sessions').selectAll().where('id', '=', p.id)),
    paymentSigs: q.prepare<{ sessionId: string }, { id: string; status: string; amount_paise: number; review_reason: string | null }>(['sessionId'], (p) =>
      db.selectFrom('payments').select(['id', 'status', 'amount_paise', 'review_reason']).where('session_id', '=', p.sessionId).orderBy('id')),
    releaseSlots: q.prepare<{ sessionId: string }, never>(['sessionId'], (p) =>
      db.updateTable('slots').set({ current_session_id: null }).where('current_session_id', '=', p.sessionId)),
    holdSlot: q.prepare<{ sessionId: string; slotId: string }, never>(['sessionId', 'slotId'], (p) =>
      db.updateTable('slots').set({ current_session_id: p.sessionId }).where('id', '=', p.slotId)),
    vehicleByNumber: q.prepare<{ number: string }, { id: string; owner_name: string | null }>(['number'], (p) =>
      db.selectFrom('vehicles').select(['id', 'owner_name']).where('vehicle_number', '=', p.number)),
    vehicleOwner: q.prepare<{ id: string; owner: string | null; now: number }, never>(['id', 'owner', 'now'], (p) =>
      db.updateTable('vehicles').set({ owner_name: p.owner, updated_at: p.now }).where('id', '=', p.id)),
    vehicleInsert: q.prepare<{ id: string; number: string; owner: string | null; now: number }, never>(['id', 'number', 'owner', 'now'], (p) =>
      db.insertInto('vehicles').values({ id: p.id, vehicle_number: p.number, owner_name: p.owner, created_at: p.now, updated_at: p.now })),
    otherOpen: q.prepare<{ vehicleId: string; sessionId: string }, { id: string }>(['vehicleId', 'sessionId'], (p) =>
      db.selectFrom('sessions').select('id').where('vehicle_id', '=', p.vehicleId).where('id', '<>', p.sessionId).where('status', 'in', OPEN_LIT).limit(1)),
    upsertSession: q.prepare<SessionValues, never>(SESSION_KEYS, (p) =>
      db.insertInto('sessions').values(p).onConflict((oc) => oc.column('id').doUpdateSet((eb) =>
        Object.fromEntries(Object.keys(sessionSet).map((c) => [c, eb.ref(`excluded.${c}` as 'excluded.code')])) as never))),
    skippedBefore: q.prepare<{ entityId: string; seq: number }, never>(['entityId', 'seq'], (p) =>
      db.deleteFrom('sync_skipped').where('entity_id', '=', p.entityId).where('seq', '<', p.seq)),
    anySkipped: q.prepare<Record<string, never>, { seq: number }>([], () => db.selectFrom('sync_skipped').select('seq').limit(1)),
    upsertPayment: q.prepare<PaymentValues, never>(PAYMENT_KEYS, (p) =>
      db.insertInto('payments').values(p).onConflict((oc) => oc.column('id').doUpdateSet((eb) =>
        Object.fromEntries(PAYMENT_KEYS.filter((c) => c !== 'id' && c !== 'session_id').map((c) => [c, eb.ref(`excluded.${c}` as 'excluded.status')])) as never))),
  };
}
const queriesByStore = new WeakMap<Store, ReturnType<typeof sessionQueries>>();
function queries(ctx: ServiceContext): ReturnType<typeof sessionQueries> {
  let qs = queriesByStore.get(ctx.store);
  if (!qs) queriesByStore.set(ctx.store, (qs = sessionQueries(ctx.store)));
  return qs;
}

type Change<K extends SyncChangeKind> = Extract<SyncChange, { kind: K }>;

export interface TicketKeySink {
  put(keyId: string, kioskId: string, secretBase64: string, now: number): void;
}

export type ApplyOutcome = 'applied' | 'unchanged' | 'pending' | 'skipped';

export class MissingDependency extends Error {}

export function hasPendingEvents(ctx: ServiceContext, entityId: string): boolean {
  return Boolean(queries(ctx).pending.first({ entityId }));
}

function vehicleIdFor(ctx: ServiceContext, number: string, owner: string | null, now: number): string {
  const qs = queries(ctx);
  const row = qs.vehicleByNumber.first({ number });
  if (row) {
    if (owner && owner !== row.owner_name) qs.vehicleOwner.run({ id: row.id, owner, now });
    return row.id;
  }
  const id = newId(ctx.clock);
  qs.vehicleInsert.run({ id, number, owner, now });
  return id;
}

/** A slot no open session holds (overflow sessions hold none). */
function freeSlotQuery(ctx: ServiceContext) {
  const { db } = ctx.store;
  return db.selectFrom('slots as s').innerJoin('zones as z', 'z.id', 's.zone_id').select('s.id')
    .where('s.current_session_id', 'is', null)
    .where(({ not, exists, selectFrom }) => not(exists(
      selectFrom('sessions as x').select('x.id').whereRef('x.slot_id', '=', 's.id').where('x.status', 'in', OPEN_LIT).where('x.overflow', '=', sql.lit(0)),
    )));
}

/**
 * Moves an open local session out of `slotId`, provisionally (its canonical state follows): to the
 * first free slot (its zone first), or to overflow (open, holding no slot) when none is free here.
 */
function evict(ctx: ServiceContext, holderId: string, slotId: string): void {
  const { q, db } = ctx.store;
  const holder = q.first(db.selectFrom('sessions').select('zone_id').where('id', '=', holderId));
  const target = q.first(freeSlotQuery(ctx).where('s.id', '<>', slotId)
    .orderBy((eb) => eb('s.zone_id', '=', holder?.zone_id ?? ''), 'desc').orderBy('z.position').orderBy('s.position').limit(1));
  q.run(db.updateTable('slots').set({ current_session_id: null }).where('id', '=', slotId));
  if (!target) {
    q.run(db.updateTable('sessions').set({ overflow: 1, conflict: 1, conflict_reason: 'SLOT_CLASH' }).where('id', '=', holderId));
    return;
  }
  q.run(db.updateTable('sessions').set({ slot_id: target.id, conflict: 1, conflict_reason: 'SLOT_CLASH' }).where('id', '=', holderId));
  q.run(db.updateTable('slots').set({ current_session_id: holderId }).where('id', '=', target.id));
}

function sessionSignature(ctx: ServiceContext, id: string): string {
  const qs = queries(ctx);
  return JSON.stringify([qs.session.first({ id }) ?? null, qs.paymentSigs.all({ sessionId: id })]);
}

export function applyRemoteSession(ctx: ServiceContext, data: Change<'session'>): ApplyOutcome {
  const qs = queries(ctx);
  const s = data.session;
  if (hasPendingEvents(ctx, s.id)) return 'pending';
  if (!qs.zone.first({ id: s.zone_id })) throw new MissingDependency(`zone ${s.zone_id} not known here yet`);
  // Any known slot: a clash loser whose zone was full is moved by the server to an overflow slot
  // of another zone (it keeps its own zone and tariff), and every gate must mirror that.
  const slot = qs.slot.first({ id: s.slot_id });
  if (!slot) throw new MissingDependency(`slot ${s.slot_id} not known here yet`);
  const before = sessionSignature(ctx, s.id);
  const now = ctx.clock.now();
  const open = isOpen(s.status);
  const holds = open && s.overflow !== 1; // an overflow session is open but holds no slot

  qs.releaseSlots.run({ sessionId: s.id });
  if (holds && slot.current_session_id && slot.current_session_id !== s.id) evict(ctx, slot.current_session_id, s.slot_id);

  let vehicleId = vehicleIdFor(ctx, data.vehicle.vehicle_number, data.vehicle.owner_name, now);
  if (open) {
    const other = qs.otherOpen.first({ vehicleId, sessionId: s.id });
    // Same plate open twice (two offline gates): provisional number until the server decides.
    if (other) vehicleId = vehicleIdFor(ctx, `${data.vehicle.vehicle_number}#${s.id.slice(-4).toUpperCase()}`, data.vehicle.owner_name, now);
  }
  qs.upsertSession.run({
    id: s.id, code: s.code, vehicle_id: vehicleId, zone_id: s.zone_id, slot_id: s.slot_id, status: s.status, booked_at: s.booked_at, entry_at: s.entry_at,
    exit_at: s.exit_at, quote_amount_paise: s.quote_amount_paise, quoted_at: s.quoted_at, quote_valid_until: s.quote_valid_until,
    amount_due_paise: s.amount_due_paise, amount_paid_paise: s.amount_paid_paise, last_paid_at: s.last_paid_at, lost_ticket: s.lost_ticket,
    conflict: s.conflict, conflict_reason: s.conflict_reason, origin_kiosk_id: s.origin_kiosk_id, created_by: s.created_by,
    created_at: s.created_at, updated_at: s.updated_at, overflow: s.overflow === 1 ? 1 : 0,
  });
  if (holds) qs.holdSlot.run({ sessionId: s.id, slotId: s.slot_id });
  for (const p of data.payments) qs.upsertPayment.run({ ...p, session_id: s.id });
  if (sessionSignature(ctx, s.id) === before) return 'unchanged';
  ctx.audit.append({
    operatorId: null, action: 'sync.sessionApplied', entityType: 'session', entityId: s.id,
    details: { status: s.status, conflict: s.conflict_reason, payments: data.payments.length },
  });
  queueMicrotask(() => ctx.emit({ type: 'session.changed', sessionId: s.id, status: s.status }));
  return 'applied';
}

function applyZone(ctx: ServiceContext, data: Change<'zone'>): ApplyOutcome {
  const { q, db } = ctx.store;
  const z = data.zone;
  const clash = q.first(db.selectFrom('zones').select('id').where((eb) => eb(eb.fn('lower', ['name']), '=', z.name.toLowerCase())).where('id', '<>', z.id));
  if (clash) throw new MissingDependency(`a different zone named ${z.name} exists here`);
  const exists = Boolean(q.first(db.selectFrom('zones').select('id').where('id', '=', z.id)));
  const positionTaken = q.first(db.selectFrom('zones').select('id').where('position', '=', z.position).where('id', '<>', z.id));
  const position = positionTaken && !exists
    ? Number(q.first(db.selectFrom('zones').select((eb) => eb.fn.coalesce(eb.fn.max('position'), eb.val(0)).as('p')))?.p ?? 0) + 1
    : z.position;
  const { id: _id, position: _position, created_at: _created, ...update } = z;
  void _id; void _position; void _created;
  q.run(db.insertInto('zones').values({ ...z, position }).onConflict((oc) => oc.column('id').doUpdateSet(update)));
  const at = ctx.clock.now();
  for (const slot of data.slots) {
    q.run(db.insertInto('slots').values({ id: slot.id, zone_id: z.id, slot_number: slot.slot_number, position: slot.position, current_session_id: null, created_at: at })
      .onConflict((oc) => oc.doNothing()));
  }
  ctx.audit.append({ operatorId: null, action: 'sync.zoneApplied', entityType: 'zone', entityId: z.id, details: { name: z.name, slots: data.slots.length } });
  return 'applied';
}

function applyOperator(ctx: ServiceContext, data: Change<'operator'>): ApplyOutcome {
  const { q, db } = ctx.store;
  const o = data.operator;
  const clash = q.first(db.selectFrom('operators').select('id').where('username', '=', o.username).where('id', '<>', o.id));
  if (clash) throw new MissingDependency(`a different operator named ${o.username} exists here`);
  const cur = q.first(db.selectFrom('operators').select(['role', 'pin_hash', 'is_active', 'name']).where('id', '=', o.id));
  const now = ctx.clock.now();
  if (!cur) {
    q.run(db.insertInto('operators').values({
      id: o.id, username: o.username, name: o.name, role: o.role, pin_hash: o.pin_hash, is_active: o.is_active, failed_attempts: 0, locked_until: null, created_at: now, updated_at: now,
    }));
  } else {
    if (cur.role === o.role && cur.pin_hash === o.pin_hash && cur.is_active === o.is_active && cur.name === o.name) return 'unchanged';
    q.run(db.updateTable('operators').set({ name: o.name, role: o.role, pin_hash: o.pin_hash, is_active: o.is_active, updated_at: now }).where('id', '=', o.id));
    if (cur.role !== o.role || cur.pin_hash !== o.pin_hash || o.is_active === 0) q.run(db.deleteFrom('auth_tokens').where('operator_id', '=', o.id));
  }
  ctx.audit.append({ operatorId: null, action: 'sync.operatorApplied', entityType: 'operator', entityId: o.id, details: { username: o.username, role: o.role, isActive: o.is_active === 1 } });
  return 'applied';
}

/**
 * A pushed online payment result: only the kiosk that asked applies it, through
 * OnlinePayments.apply (ctx.payments: the same checks as the 1 s poll: exact amount, same session,
 * matching reference; SUCCESS completes the exit). Others ignore it: the asking kiosk's own payment
 * events bring the payment to every gate through the session fold. A result that fails to apply is
 * rolled back and kept in sync_skipped (retried; the poller is the fallback anyway).
 */
function applyPaymentResult(ctx: ServiceContext, data: Change<'paymentResult'>): ApplyOutcome {
  if (data.kioskId !== ctx.kioskId) return 'unchanged';
  if (!ctx.payments) return 'unchanged'; // no online payments configured here: nothing can be waiting for it
  const { q, db } = ctx.store;
  const state = () => q.first(db.selectFrom('payments').select(['status', 'review_reason']).where('id', '=', data.payment.paymentId));
  const before = state();
  try {
    ctx.payments.apply(data.payment);
  } catch (err) {
    throw new MissingDependency(`payment result not applied: ${err instanceof Error ? err.message : String(err)}`);
  }
  return JSON.stringify(before) === JSON.stringify(state()) ? 'unchanged' : 'applied';
}

/** How each change kind is applied and which entity it is about. */
const CHANGE_HANDLERS: { [K in SyncChangeKind]: { apply(ctx: ServiceContext, keys: TicketKeySink, change: Change<K>): ApplyOutcome; entityId(change: Change<K>): string } } = {
  session: { apply: (ctx, _keys, c) => applyRemoteSession(ctx, c), entityId: (c) => c.session.id },
  zone: { apply: (ctx, _keys, c) => applyZone(ctx, c), entityId: (c) => c.zone.id },
  operator: { apply: (ctx, _keys, c) => applyOperator(ctx, c), entityId: (c) => c.operator.id },
  ticketKey: {
    apply: (ctx, keys, c) => {
      keys.put(c.keyId, c.kioskId, c.secret, ctx.clock.now());
      return 'applied';
    },
    entityId: (c) => c.keyId,
  },
  paymentResult: { apply: (ctx, _keys, c) => applyPaymentResult(ctx, c), entityId: (c) => c.payment.paymentId },
  merchant: { apply: (ctx, _keys, c) => applyRemoteMerchant(ctx, c.merchant), entityId: (c) => c.merchant.id },
  validationProgram: { apply: (ctx, _keys, c) => applyRemoteProgram(ctx, c.program), entityId: (c) => c.program.id },
  merchantLedger: { apply: (ctx, _keys, c) => applyRemoteLedger(ctx, c.entry), entityId: (c) => c.entry.id },
  validation: { apply: (ctx, _keys, c) => applyRemoteValidation(ctx, c.validation), entityId: (c) => c.validation.id },
  seasonPass: { apply: (ctx, _keys, c) => applyRemotePass(ctx, c.pass), entityId: (c) => c.pass.id },
  passMovement: { apply: (ctx, _keys, c) => applyRemoteMovement(ctx, c.movement), entityId: (c) => c.movement.id },
  passFlag: { apply: (ctx, _keys, c) => applyPassFlag(ctx, c), entityId: (c) => c.movementId },
};

function handlerOf<K extends SyncChangeKind>(change: Change<K>) {
  return CHANGE_HANDLERS[change.kind as K];
}

/** The per-change savepoint's statements, prepared once per store (exec would parse them for every pulled change). */
const savepointsByStore = new WeakMap<Store, { begin: Statement; release: Statement; rollback: Statement }>();
function savepoints(store: Store) {
  let sp = savepointsByStore.get(store);
  if (!sp) {
    const p = (text: string) => store.sqlite.prepare(text);
    savepointsByStore.set(store, (sp = { begin: p('SAVEPOINT apply_one'), release: p('RELEASE apply_one'), rollback: p('ROLLBACK TO apply_one') }));
  }
  return sp;
}

function skip(ctx: ServiceContext, seq: number, entityType: string, entityId: string, data: unknown, error: string): void {
  const { q, db } = ctx.store;
  const row = { seq, entity_type: entityType, entity_id: entityId, data: JSON.stringify(data), error, at: ctx.clock.now() };
  q.run(db.insertInto('sync_skipped').values(row).onConflict((oc) => oc.column('seq').doUpdateSet(row)));
}

/**
 * Applies one pulled change entry. One that cannot be read (unknown kind, malformed) or cannot
 * be applied yet (e.g. a zone name taken by a different local zone) is recorded in sync_skipped
 * and retried after later pulls; it never holds back the cursor for everything else.
 */
export function applyChangeEntry(ctx: ServiceContext, keys: TicketKeySink, entry: Pick<ChangeEntry, 'seq' | 'entityType' | 'entityId' | 'data'>): { outcome: ApplyOutcome; change: SyncChange | null } {
  const parsed = syncChangeSchema.safeParse(entry.data);
  if (!parsed.success) {
    const kind = (entry.data as { kind?: unknown } | null)?.kind;
    const known = typeof kind === 'string' && Object.hasOwn(CHANGE_HANDLERS, kind);
    const issue = parsed.error.issues[0];
    skip(ctx, entry.seq, entry.entityType, entry.entityId, entry.data,
      known ? `MALFORMED: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim() : `UNKNOWN_KIND: ${String(kind)}`);
    return { outcome: 'skipped', change: null };
  }
  const change = parsed.data;
  const handler = handlerOf(change);
  const qs = queries(ctx);
  const sp = savepoints(ctx.store);
  try {
    sp.begin.run();
    const outcome = handler.apply(ctx, keys, change as never);
    sp.release.run();
    // Older skipped copies of this entity are superseded (the table is empty almost always).
    if (outcome !== 'pending' && qs.anySkipped.first({})) qs.skippedBefore.run({ entityId: handler.entityId(change as never), seq: entry.seq });
    return { outcome, change };
  } catch (err) {
    sp.rollback.run();
    sp.release.run();
    if (!(err instanceof MissingDependency) && !(err instanceof Error && /constraint/i.test(err.message))) throw err;
    skip(ctx, entry.seq, change.kind, handler.entityId(change as never), entry.data, err.message);
    return { outcome: 'skipped', change };
  }
}

/** One change's data at change-log position `seq` (the entity named by the data itself). */
export function applyRemoteChange(ctx: ServiceContext, keys: TicketKeySink, seq: number, data: unknown): ApplyOutcome {
  return applyChangeEntry(ctx, keys, { seq, entityType: '', entityId: '', data }).outcome;
}

/** Retries skipped changes (oldest first); those that apply now are removed. */
export function retrySkipped(ctx: ServiceContext, keys: TicketKeySink): number {
  const { q, db } = ctx.store;
  const rows = q.all(db.selectFrom('sync_skipped').select(['seq', 'entity_type', 'entity_id', 'data']).orderBy('seq'));
  let done = 0;
  for (const r of rows) {
    const { outcome } = applyChangeEntry(ctx, keys, { seq: r.seq, entityType: r.entity_type, entityId: r.entity_id, data: JSON.parse(r.data) as unknown });
    if (outcome !== 'skipped') {
      q.run(db.deleteFrom('sync_skipped').where('seq', '=', r.seq));
      done++;
    }
  }
  return done;
}
