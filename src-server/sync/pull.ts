/**
 * A kiosk's pull: its facility's entries of the change log after a cursor, in order; with `waitMs`
 * it long-polls until something is appended for that facility (online payment results and other
 * gates' events arrive within a second). `after` acknowledges everything up to it: the kiosk's
 * cursor is recorded (refund holds wait for it), before the pull is answered.
 *
 * Long-polls go through one feed per facility (FacilityFeed): the facility's recent entries,
 * each read from the database once and serialised to JSON once, for every waiting pull of that
 * facility on this instance. An append wakes the feed (the change waker's scope
 * `wakeEvent(facilityId)`: in-process, or PostgreSQL LISTEN/NOTIFY across instances), the feed
 * reads what is new with one query and hands the same entries (the same bytes) to every pull
 * whose cursor is behind; wake-ups arriving while a read is in flight are coalesced into one more
 * read. So the database work of a wake-up is per facility and per append, not per waiting kiosk,
 * and another facility's burst neither wakes nor feeds this facility's pulls.
 *
 * Freshness: every long-poll's first look is a feed read that started after the pull arrived
 * (pulls arriving together share it), so a pull never misses what was committed before it came.
 * While pulls wait the feed also re-reads every `waker.fallbackMs`, so a lost notification delays
 * them by that much, never by `waitMs`. A cursor older than the feed's window, and every pull
 * without a wait, reads the database directly (pulls asking for the same range at once share it).
 *
 * Entries of one facility become visible in sequence order (src-server/sync/write-batch.ts), so
 * "everything after the last entry the feed read" is exactly what a read of `seq > head` returns.
 */
import type { ChangeEntry, PullResult } from '../../src-shared/contracts/sync.js';
import { DEFAULT_SCOPE, type ChangeWaker } from '../scale/change-waker.js';
import { CursorAcks } from './cursor-acks.js';
import { num, type SyncWriter } from './write-batch.js';

/** A change entry as read once: its JSON (what every pull sends) and, parsed on demand, the object. */
export class StoredChange {
  private parsed: ChangeEntry | undefined;
  constructor(readonly seq: number, readonly json: string) {}
  /** The entry as an object (shared between pulls: read-only). */
  get entry(): ChangeEntry {
    this.parsed ??= JSON.parse(this.json) as ChangeEntry;
    return this.parsed;
  }
}

/** A pull's answer before it is turned into objects (service.pull) or sent as bytes (the route). */
export interface PullAnswer {
  changes: StoredChange[];
  cursor: number;
  hasMore: boolean;
  serverTime: number;
  protocolVersion: number;
  /** The facility the server has this kiosk in (the kiosk adopts it). */
  facilityId?: string;
}

export function pullResultOf(a: PullAnswer): PullResult {
  return { changes: a.changes.map((c) => c.entry), cursor: a.cursor, hasMore: a.hasMore, serverTime: a.serverTime, protocolVersion: a.protocolVersion,
    ...(a.facilityId !== undefined ? { facilityId: a.facilityId } : {}) };
}

/** The answer's JSON (`PullResult`): the entries' JSON as read, joined, no object built or serialised again. */
export function pullJsonOf(a: PullAnswer): string {
  let changes = '';
  for (let i = 0; i < a.changes.length; i++) changes += (i ? ',' : '') + a.changes[i]!.json;
  const facility = a.facilityId !== undefined ? `,"facilityId":${JSON.stringify(a.facilityId)}` : '';
  return `{"changes":[${changes}],"cursor":${a.cursor},"hasMore":${a.hasMore},"serverTime":${a.serverTime},"protocolVersion":${a.protocolVersion}${facility}}`;
}

interface ChangeRow { seq: number | string | bigint; entity_type: string; entity_id: string; origin_kiosk_id: string | null; data: string }

/** Entries a feed keeps (older cursors read the database). */
const FEED_MAX_ENTRIES = 2000;
/** JSON characters a feed keeps at most (the same bound, in memory). */
const FEED_MAX_CHARS = 2_000_000;
/** Entries read per statement when a feed catches up. */
const FEED_PAGE = 1000;
/** A feed nobody pulled from for this long is dropped (its facility went quiet on this instance). */
const FEED_IDLE_MS = 5 * 60_000;

interface Waiter {
  after: number;
  done(): void;
}

/** One facility's recent change entries on this instance and the long-polls waiting on them. */
class FacilityFeed {
  /** Entries in seq order; together they are every entry of the facility with seq > `from`, up to `head`. */
  private changes: StoredChange[] = [];
  private chars = 0;
  private from = 0;
  private head = 0;
  private ready = false;
  private readonly waiters = new Set<Waiter>();
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private fallback: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  lastUsed = Date.now();

  constructor(private readonly reader: ChangeLogReader, readonly facilityId: string, private readonly fallbackMs: number, waker: ChangeWaker) {
    const woken = () => {
      // Nobody waiting: the next pull reads afresh anyway.
      if (this.waiters.size > 0) this.refresh().catch(() => undefined); // a failed read is retried by the fallback
    };
    const offFacility = waker.subscribe(wakeEvent(facilityId), woken);
    const offAll = waker.subscribe(DEFAULT_SCOPE, woken);
    this.unsubscribe = () => {
      offFacility();
      offAll();
    };
  }

  get idle(): boolean {
    return this.waiters.size === 0 && this.running === null && this.next === null;
  }

  close(): void {
    this.unsubscribe();
    if (this.fallback) clearTimeout(this.fallback);
    this.fallback = null;
  }

  /** A read of the log that starts after this call (one in flight at a time; callers meanwhile share the next one). */
  refresh(): Promise<void> {
    this.next ??= (this.running ?? Promise.resolve()).catch(() => undefined).then(() => this.run());
    return this.next;
  }

  private async run(): Promise<void> {
    this.next = null;
    const p = this.load();
    this.running = p;
    try {
      await p;
    } finally {
      if (this.running === p) this.running = null;
      this.wakeWaiters();
    }
  }

  private async load(): Promise<void> {
    const db = this.reader.writer.db;
    if (!this.ready) {
      // The facility's latest entries: pulls at (or near) the end of the log start from here.
      const rows = await db.selectFrom('sync_changes').select(['seq', 'entity_type', 'entity_id', 'origin_kiosk_id', 'data'])
        .where('facility_id', '=', this.facilityId).orderBy('seq', 'desc').limit(FEED_PAGE).execute();
      rows.reverse();
      this.append(rows);
      this.from = rows.length < FEED_PAGE ? 0 : this.changes[0]!.seq - 1;
      this.ready = true;
      this.trim();
      return;
    }
    for (let page = 0; page < 50; page++) {
      const rows = await db.selectFrom('sync_changes').select(['seq', 'entity_type', 'entity_id', 'origin_kiosk_id', 'data'])
        .where('facility_id', '=', this.facilityId).where('seq', '>', this.head).orderBy('seq').limit(FEED_PAGE).execute();
      this.append(rows);
      this.trim();
      if (rows.length < FEED_PAGE) return;
    }
  }

  private append(rows: ChangeRow[]): void {
    for (const r of rows) {
      const c = this.reader.stored(r);
      if (c.seq <= this.head) continue;
      this.changes.push(c);
      this.chars += c.json.length;
      this.head = c.seq;
    }
  }

  private trim(): void {
    let drop = 0;
    while (this.changes.length - drop > FEED_MAX_ENTRIES || (this.chars > FEED_MAX_CHARS && this.changes.length - drop > 1)) {
      this.chars -= this.changes[drop]!.json.length;
      drop++;
    }
    if (drop === 0) return;
    this.from = this.changes[drop - 1]!.seq;
    this.changes = this.changes.slice(drop);
  }

  /** The entries after `after` (at most `take`), or null when `after` is older than the feed (read the database). */
  after(after: number, take: number): StoredChange[] | null {
    if (!this.ready || after < this.from) return null;
    if (after >= this.head) return [];
    // The first entry with seq > after.
    let lo = 0;
    let hi = this.changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.changes[mid]!.seq > after) hi = mid;
      else lo = mid + 1;
    }
    return this.changes.slice(lo, lo + take);
  }

  /** Resolves when the feed has something after `after` (or `after` fell out of it), after `ms`, or on abort. */
  wait(after: number, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const w: Waiter = {
        after,
        done: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', w.done);
          if (this.waiters.delete(w) && this.waiters.size === 0 && this.fallback) {
            clearTimeout(this.fallback);
            this.fallback = null;
          }
          resolve();
        },
      };
      const timer = setTimeout(w.done, ms);
      if (signal?.aborted) {
        w.done();
        return;
      }
      signal?.addEventListener('abort', w.done);
      this.waiters.add(w);
      this.armFallback();
      // Anything that came while this pull was between its read and its wait.
      if (this.head > after || this.from > after) w.done();
    });
  }

  /** While pulls wait, the log is re-read every `fallbackMs` (a lost notification costs that much at most). */
  private armFallback(): void {
    if (this.fallback || !Number.isFinite(this.fallbackMs)) return;
    this.fallback = setTimeout(() => {
      this.fallback = null;
      void this.refresh().catch(() => undefined).then(() => {
        if (this.waiters.size > 0) this.armFallback();
      });
    }, this.fallbackMs);
    this.fallback.unref();
  }

  private wakeWaiters(): void {
    for (const w of [...this.waiters]) if (this.head > w.after || this.from > w.after) w.done();
  }
}

export class ChangeLogReader {
  private readonly acks: CursorAcks;
  private readonly feeds = new Map<string, FacilityFeed>();
  private lastSweep = Date.now();

  constructor(readonly writer: SyncWriter, private readonly maxLimit: number, readonly waker: ChangeWaker) {
    this.acks = new CursorAcks(writer.db, () => writer.now());
  }

  /** Wakes the long-polls of these facilities (the scope of a change-log commit), on every instance. */
  notify(facilityIds: Iterable<string>): void {
    for (const f of new Set(facilityIds)) this.waker.publish(wakeEvent(f));
  }

  private feed(facilityId: string): FacilityFeed {
    const now = Date.now();
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      for (const [id, f] of this.feeds) {
        if (f.idle && now - f.lastUsed > FEED_IDLE_MS) {
          f.close();
          this.feeds.delete(id);
        }
      }
    }
    let f = this.feeds.get(facilityId);
    if (!f) {
      f = new FacilityFeed(this, facilityId, this.waker.fallbackMs, this.waker);
      this.feeds.set(facilityId, f);
    }
    f.lastUsed = now;
    return f;
  }

  async pull(kioskId: string, facilityId: string, after: number, limit: number, waitMs: number, signal: AbortSignal | undefined, protocolVersion: number): Promise<PullAnswer> {
    const take = Math.max(1, Math.min(limit, this.maxLimit));
    // `after` is known now: its acknowledgement is written while the pull reads and waits.
    const acked = this.acks.record(kioskId, after);
    acked.catch(() => undefined); // awaited below; a pull that fails first must not leave it unhandled
    let changes: StoredChange[];
    if (waitMs <= 0) changes = await this.read(facilityId, after, take);
    else {
      const feed = this.feed(facilityId);
      await feed.refresh();
      changes = feed.after(after, take) ?? (await this.read(facilityId, after, take));
      // Wall time (not the injected clock): this is how long an HTTP request stays open.
      const until = Date.now() + waitMs;
      for (let left = waitMs; changes.length === 0 && left > 0 && !signal?.aborted; left = until - Date.now()) {
        await feed.wait(after, left, signal);
        changes = feed.after(after, take) ?? (await this.read(facilityId, after, take));
      }
    }
    await acked;
    return { changes, cursor: changes.length ? changes[changes.length - 1]!.seq : after, hasMore: changes.length === take, serverTime: this.writer.now(), protocolVersion };
  }

  /** A change-log row as the gates get it, serialised once: a ticket key's secret opened (sealed at rest). */
  stored(r: ChangeRow): StoredChange {
    const seq = num(r.seq);
    let data = r.data;
    if (r.entity_type === 'ticketKey') {
      const parsed = JSON.parse(data) as { secret?: unknown };
      if (typeof parsed.secret === 'string') parsed.secret = this.writer.ticketSecrets.open(parsed.secret);
      data = JSON.stringify(parsed);
    }
    const origin = r.origin_kiosk_id === null ? 'null' : JSON.stringify(r.origin_kiosk_id);
    return new StoredChange(seq, `{"seq":${seq},"entityType":${JSON.stringify(r.entity_type)},"entityId":${JSON.stringify(r.entity_id)},"originKioskId":${origin},"data":${data}}`);
  }

  /** Reads in flight by (facility, after, limit): pulls asking for the same range at once share one. */
  private readonly reading = new Map<string, Promise<StoredChange[]>>();

  /** The facility's entries after `after`, from the database (shared, read-only). */
  private read(facilityId: string, after: number, limit: number): Promise<StoredChange[]> {
    const key = `${facilityId}:${after}:${limit}`;
    const have = this.reading.get(key);
    if (have) return have;
    const p = this.writer.db.selectFrom('sync_changes').select(['seq', 'entity_type', 'entity_id', 'origin_kiosk_id', 'data'])
      .where('facility_id', '=', facilityId).where('seq', '>', after).orderBy('seq').limit(limit).execute()
      .then((rows) => rows.map((r) => this.stored(r)))
      .finally(() => this.reading.delete(key));
    this.reading.set(key, p);
    return p;
  }
}

/** The wake-up scope of a facility (a string, so the cross-instance notifier keys on it too). */
export function wakeEvent(facilityId: string): string {
  return `facility:${facilityId}`;
}
