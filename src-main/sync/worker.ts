/**
 * The kiosk's sync worker (DESIGN.md §5). One cycle:
 *   1. push PENDING outbox events in seq order, in batches; APPLIED/DUPLICATE -> ACKED,
 *      REJECTED -> PARKED (kept, shown to supervisors, never blocks the rest). A SEQ_GAP answer
 *      (the server lost events, e.g. restored from a backup) re-queues from the server's expected
 *      sequence: nothing is deleted before it is acknowledged, so it can be resent.
 *   2. pull the change log after the cursor; each page is applied and the cursor moved in ONE
 *      transaction, so a crash can never leave the cursor past data that was not applied.
 * Cycles run one at a time (single flight). When idle, the pull long-polls so other gates'
 * events and online payment results arrive within a second; a local write cuts the long-poll
 * short. Failures retry on a timer with exponential backoff and full jitter, whether or not
 * anything new is written locally.
 */
import { sql } from 'kysely';
import type { SyncStatus } from '../../src-shared/contracts/api.js';
import { SYNC_PROTOCOL_VERSION, syncRefusalSchema, type SyncProtocolProblem, type WireEvent } from '../../src-shared/contracts/sync.js';
import { decodeHlc, encodeHlc, hlcInit, hlcReceive } from '../../src-shared/domain/hlc.js';
import { applyChangeEntry, retrySkipped } from '../services/apply-remote.js';
import type { ServiceContext, SyncPort } from '../services/context.js';
import { storedClockOffset } from '../online/clock-offset.js';
import type { OutboxRow } from '../store/schema.js';
import type { RemoteTicketKeys } from './ticket-keys.js';
import { acknowledge, auditHead } from '../records/audit-anchor.js';
import { SyncServerError, type SyncTransport } from './transport.js';
import { adoptServerFacility } from '../validations/facility.js';

export interface SyncWorkerOptions {
  ctx: ServiceContext;
  keys: RemoteTicketKeys;
  transport: SyncTransport;
  batchSize?: number;
  pullLimit?: number;
  /** Long-poll wait while idle (ms); 0 disables long-polling (poll every idleDelayMs). */
  longPollMs?: number;
  idleDelayMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Offset beyond which a visible clock alert is raised. */
  skewAlertMs?: number;
  random?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;
}

type PushRow = Pick<OutboxRow, 'id' | 'seq' | 'hlc' | 'type' | 'entity_id' | 'payload' | 'schema_version' | 'created_at'>;

/** What a refusal of this kiosk's protocol version means for the person at the kiosk. */
function protocolProblemOf(err: unknown): SyncProtocolProblem | null {
  if (!(err instanceof SyncServerError)) return null;
  const r = syncRefusalSchema.safeParse(err.details);
  if (!r.success) return null;
  return r.data.reason === 'PROTOCOL_TOO_OLD' ? 'KIOSK_TOO_OLD' : r.data.reason === 'PROTOCOL_TOO_NEW' ? 'SERVER_TOO_OLD' : null;
}

const isAbort = (err: unknown) => err instanceof Error && (err.name === 'AbortError' || (err.cause instanceof Error && err.cause.name === 'AbortError'));

export class SyncWorker implements SyncPort {
  private readonly ctx: ServiceContext;
  private readonly o: Required<Omit<SyncWorkerOptions, 'ctx' | 'keys' | 'transport' | 'log'>> & Pick<SyncWorkerOptions, 'log'>;
  private running: Promise<void> | null = null;
  private loopPromise: Promise<void> | null = null;
  private stopped = true;
  private longPoll: AbortController | null = null;
  private wake: (() => void) | null = null;
  private dirty = false;
  private failures = 0;
  private online = false;
  private syncing = false;
  private lastError: string | null = null;
  private protocolProblem: SyncProtocolProblem | null = null;
  private lastStatusJson = '';
  /** Counters (tests, bench). */
  readonly stats = { cycles: 0, pushed: 0, pulled: 0, applied: 0, failures: 0 };

  constructor(private readonly opts: SyncWorkerOptions) {
    this.ctx = opts.ctx;
    this.o = {
      batchSize: opts.batchSize ?? 500,
      pullLimit: opts.pullLimit ?? 1000,
      longPollMs: opts.longPollMs ?? 20_000,
      idleDelayMs: opts.idleDelayMs ?? 5_000,
      baseDelayMs: opts.baseDelayMs ?? 1_000,
      maxDelayMs: opts.maxDelayMs ?? 60_000,
      skewAlertMs: opts.skewAlertMs ?? 120_000,
      random: opts.random ?? Math.random,
      log: opts.log,
    };
  }

  // ------------------------------------------------------------------ lifecycle

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loopPromise = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.longPoll?.abort();
    this.wake?.();
    await this.loopPromise?.catch(() => {});
    await this.running?.catch(() => {});
  }

  /** A local write happened: push it now instead of waiting for the long-poll to end. */
  nudge(): void {
    this.dirty = true;
    this.longPoll?.abort();
    this.wake?.();
  }

  /** Runs one full cycle (after any running one). Rejects with the cycle's error. */
  async syncNow(): Promise<void> {
    while (this.running) await this.running.catch(() => {});
    await this.exclusive(0);
  }

  private exclusive(waitMs: number): Promise<void> {
    const run = this.cycle(waitMs).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let delay = 0;
      try {
        while (this.running) await this.running.catch(() => {});
        if (this.stopped) break;
        const idle = this.pendingCount() === 0 && !this.dirty;
        this.dirty = false;
        await this.exclusive(idle ? this.o.longPollMs : 0);
        this.failures = 0;
        if (idle && this.o.longPollMs === 0) delay = this.o.idleDelayMs;
      } catch (err) {
        if (this.stopped) break;
        if (isAbort(err)) continue;
        this.failures++;
        this.stats.failures++;
        const cap = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** Math.min(this.failures - 1, 16));
        delay = Math.max(100, Math.round(cap * this.o.random())); // full jitter
      }
      if (delay > 0 && !this.stopped) await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      t.unref?.();
      this.wake = done;
    });
  }

  // ------------------------------------------------------------------ one cycle

  private async cycle(waitMs: number): Promise<void> {
    this.syncing = true;
    this.stats.cycles++;
    this.publishStatus();
    try {
      await this.pushAll();
      await this.pullAll(waitMs);
      this.online = true;
      this.lastError = null;
      this.protocolProblem = null;
    } catch (err) {
      if (!isAbort(err)) {
        this.online = !(err instanceof TypeError) && err instanceof SyncServerError && err.status < 500;
        this.lastError = err instanceof Error ? err.message : String(err);
        const problem = protocolProblemOf(err);
        if (problem !== this.protocolProblem) {
          this.protocolProblem = problem;
          if (problem) this.opts.log?.('error', 'the central server refused this kiosk\'s sync protocol version', { problem, protocolVersion: SYNC_PROTOCOL_VERSION });
        }
      }
      throw err;
    } finally {
      this.syncing = false;
      this.publishStatus();
    }
  }

  private state(): { cursor: number; last_sync_at: number | null; clock_offset_ms: number | null; key_published: string | null } {
    const { q, db } = this.ctx.store;
    const row = q.first(db.selectFrom('sync_state').select(['cursor', 'last_sync_at', 'clock_offset_ms', 'key_published']).where('id', '=', 1));
    return row ?? { cursor: 0, last_sync_at: null, clock_offset_ms: null, key_published: null };
  }

  private measure(serverTime: number, t0: number, t1: number): void {
    const offset = Math.round(serverTime - (t0 + t1) / 2);
    storedClockOffset(this.ctx.store).set(offset);
  }

  /** Server time minus kiosk time, as last measured (0 when never measured). */
  clockOffsetMs(): number {
    return this.state().clock_offset_ms ?? 0;
  }

  /** For the transport: a refused timestamp gave a first estimate from the Date header. */
  setOffsetEstimate(offsetMs: number): void {
    storedClockOffset(this.ctx.store).set(offsetMs);
  }

  private wire(rows: PushRow[]): WireEvent[] {
    const { q, db } = this.ctx.store;
    return rows.map((r) => {
      const payload = JSON.parse(r.payload) as { session?: { vehicle_id?: string } | null };
      const vid = payload.session?.vehicle_id;
      const v = vid ? q.first(db.selectFrom('vehicles').select(['vehicle_number', 'owner_name']).where('id', '=', vid)) : undefined;
      return {
        id: r.id, seq: r.seq, hlc: r.hlc, type: r.type, entityId: r.entity_id, payload, schemaVersion: r.schema_version,
        createdAt: r.created_at, ...(v ? { vehicle: v } : {}),
      };
    });
  }

  private async pushAll(): Promise<void> {
    const { q, db } = this.ctx.store;
    const kioskId = this.ctx.kioskId;
    for (let round = 0; round < 10_000; round++) {
      const rows = q.all(db.selectFrom('outbox').select(['id', 'seq', 'hlc', 'type', 'entity_id', 'payload', 'schema_version', 'created_at'])
        .where('status', '=', sql.lit<'PENDING'>('PENDING')).where('kiosk_id', '=', kioskId).orderBy('seq').limit(this.o.batchSize));
      const key = this.opts.keys.ownForPublish();
      const publishKey = this.state().key_published !== key.keyId;
      if (rows.length === 0 && !publishKey) return;
      const t0 = this.ctx.clock.now();
      let res;
      try {
        res = await this.opts.transport.push({
          protocolVersion: SYNC_PROTOCOL_VERSION, events: this.wire(rows), ...(publishKey ? { ticketKeys: [key] } : {}), clientTime: t0,
          auditHead: auditHead(this.ctx),
        });
      } catch (err) {
        const refusal = err instanceof SyncServerError && err.code === 'CONFLICT' ? syncRefusalSchema.safeParse(err.details) : null;
        const expectedSeq = refusal?.success && refusal.data.reason === 'SEQ_GAP' ? refusal.data.expectedSeq : undefined;
        if (expectedSeq !== undefined) {
          this.opts.log?.('warn', 'server is missing events: resending', { fromSeq: expectedSeq });
          q.run(db.updateTable('outbox').set({ status: 'PENDING', acked_at: null })
            .where('kiosk_id', '=', kioskId).where('seq', '>=', expectedSeq).where('status', '=', 'ACKED'));
          continue;
        }
        throw err;
      }
      this.measure(res.serverTime, t0, this.ctx.clock.now());
      const now = this.ctx.clock.now();
      const results = res.results;
      q.tx(() => {
        for (const r of results) {
          if (r.outcome === 'REJECTED') {
            const error = r.error ?? r.reason ?? 'rejected';
            q.run(db.updateTable('outbox').set({ status: 'PARKED', error }).where('id', '=', r.id).where('status', '=', 'PENDING'));
            this.opts.log?.('warn', 'event parked', { id: r.id, seq: r.seq, error });
          } else {
            q.run(db.updateTable('outbox').set({ status: 'ACKED', acked_at: now, error: null }).where('id', '=', r.id).where('status', '=', 'PENDING'));
          }
        }
        if (publishKey) q.run(db.updateTable('sync_state').set({ key_published: key.keyId }).where('id', '=', 1));
        acknowledge(this.ctx, res.auditCheckpoint);
      });
      this.stats.pushed += rows.length;
      if (rows.length < this.o.batchSize) return;
    }
  }

  private async pullAll(waitMs: number): Promise<void> {
    const { q, db } = this.ctx.store;
    let wait = waitMs;
    for (let round = 0; round < 100_000; round++) {
      const { cursor } = this.state();
      const t0 = this.ctx.clock.now();
      let res;
      if (wait > 0) {
        this.longPoll = new AbortController();
        try {
          res = await this.opts.transport.pull(cursor, this.o.pullLimit, wait, this.longPoll.signal);
        } finally {
          this.longPoll = null;
        }
      } else {
        res = await this.opts.transport.pull(cursor, this.o.pullLimit, 0);
      }
      if (wait === 0) this.measure(res.serverTime, t0, this.ctx.clock.now()); // a long-poll's time is not a round trip
      wait = 0;
      const changes = res.changes;
      const nextCursor = Math.max(res.cursor, cursor);
      let applied = 0;
      q.tx(() => {
        if (res.facilityId) adoptServerFacility(this.ctx, res.facilityId);
        let maxHlc = '';
        for (const c of changes) {
          if (c.seq <= cursor) continue;
          const { outcome, change } = applyChangeEntry(this.ctx, this.opts.keys, c);
          if (outcome === 'applied') applied++;
          if (change?.kind === 'session') {
            for (const x of [...change.conflicts, ...change.resolutions]) if (x.hlc > maxHlc) maxHlc = x.hlc;
          }
        }
        if (maxHlc) this.receiveHlc(maxHlc);
        // Skipped changes are retried whenever something applied, and on every cycle while any
        // wait: what they lacked (e.g. a free local slot) may have come from a local action.
        if (applied > 0 || (changes.length === 0 && this.skippedCount() > 0)) retrySkipped(this.ctx, this.opts.keys);
        q.run(db.updateTable('sync_state').set({ cursor: nextCursor, last_sync_at: this.ctx.clock.now() }).where('id', '=', 1).where('cursor', '=', cursor));
      });
      this.stats.pulled += changes.length;
      this.stats.applied += applied;
      if (!res.hasMore) {
        if (changes.length === 0) q.run(db.updateTable('sync_state').set({ last_sync_at: this.ctx.clock.now() }).where('id', '=', 1));
        return;
      }
    }
  }

  /** Keeps the local HLC ahead of what the server decided (so a resolution sorts after its conflict). */
  private receiveHlc(remote: string): void {
    const r = decodeHlc(remote);
    if (!r) return;
    const { q, db } = this.ctx.store;
    const cur = q.first(db.selectFrom('meta').select('value').where('key', '=', 'hlc'));
    const local = (cur && decodeHlc(cur.value)) || hlcInit(this.ctx.kioskId);
    const next = encodeHlc(hlcReceive(local, r, this.ctx.clock.now()));
    q.run(db.insertInto('meta').values({ key: 'hlc', value: next }).onConflict((oc) => oc.column('key').doUpdateSet({ value: next })));
  }

  // ------------------------------------------------------------------ status

  private count(table: 'sync_skipped' | 'outbox', status?: OutboxRow['status']): number {
    const { q, db } = this.ctx.store;
    if (table === 'sync_skipped') return q.first(db.selectFrom('sync_skipped').select((eb) => eb.fn.countAll<number>().as('n')))?.n ?? 0;
    // A literal, so SQLite can use the partial index on PENDING rows.
    return q.first(db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', sql.lit<OutboxRow['status']>(status ?? 'PENDING')))?.n ?? 0;
  }

  private skippedCount(): number {
    return this.count('sync_skipped');
  }

  pendingCount(): number {
    return this.count('outbox', 'PENDING');
  }

  status(): SyncStatus {
    const { q, db } = this.ctx.store;
    const s = this.state();
    const oldest = q.first(db.selectFrom('outbox').select((eb) => eb.fn.min('created_at').as('t')).where('status', '=', sql.lit<'PENDING'>('PENDING')))?.t ?? null;
    const now = this.ctx.clock.now();
    const offset = s.clock_offset_ms;
    return {
      enabled: true,
      online: this.online,
      syncing: this.syncing,
      pendingEvents: this.pendingCount(),
      oldestPendingAgeSeconds: oldest === null ? null : Math.max(0, Math.floor((now - oldest) / 1000)),
      parkedEvents: this.count('outbox', 'PARKED'),
      skippedChanges: this.skippedCount(),
      lastSyncAt: s.last_sync_at === null ? null : new Date(s.last_sync_at).toISOString(),
      clockOffsetMs: offset,
      clockSkewAlert: offset !== null && Math.abs(offset) > this.o.skewAlertMs,
      cursor: s.cursor,
      lastError: this.lastError,
      protocolProblem: this.protocolProblem,
    };
  }

  private publishStatus(): void {
    const status = this.status();
    const json = JSON.stringify({ ...status, oldestPendingAgeSeconds: null });
    if (json === this.lastStatusJson) return;
    this.lastStatusJson = json;
    queueMicrotask(() => this.ctx.emit({ type: 'sync.status', status }));
  }
}
