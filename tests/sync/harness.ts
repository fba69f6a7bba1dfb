/**
 * In-process sync harness: the server's SyncService on SQLite (in memory by default), real kiosk
 * cores on temp files, and a transport that calls the service directly through a JSON round trip
 * with injectable faults (drop before, lose the response after commit, duplicate, delayed replay).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import type { PullResult as PullResponse, PushBody, PushResult as PushResponse, SyncTransport } from '../../src-main/sync/transport.js';
import { SyncServerError } from '../../src-main/sync/transport.js';
import type { SyncWorker } from '../../src-main/sync/worker.js';
import { AppError, HTTP_STATUS } from '../../src-shared/contracts/errors.js';
import { CachingSqliteDialect } from '../../src-server/db/sqlite-dialect.js';
import { SyncService } from '../../src-server/sync/service.js';

export class TestClock {
  constructor(public t = Date.UTC(2025, 0, 6, 8, 0, 0)) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

let migratedImage: Promise<Buffer> | null = null;

/**
 * A fresh in-memory server database at the latest migration. The migrations run once per test
 * file; every later database starts from the serialized image of that one (the same pages, so
 * the same schema and rows as migrating again), which saves the migrations' cost on every call.
 */
export async function migratedMemoryDb(): Promise<Database.Database> {
  migratedImage ??= (async () => {
    const sqlite = new Database(':memory:');
    const db = new Kysely<unknown>({ dialect: new CachingSqliteDialect(sqlite) });
    await migrateToLatest(db as never);
    const image = sqlite.serialize();
    await db.destroy();
    return image;
  })();
  return new Database(await migratedImage);
}

export async function memoryServer(now: () => number): Promise<{ service: SyncService; db: Kysely<unknown>; close(): Promise<void> }> {
  const sqlite = await migratedMemoryDb();
  // The server's own SQLite dialect (src-server/db/connect.ts), statement cache included.
  const db = new Kysely<unknown>({ dialect: new CachingSqliteDialect(sqlite) });
  await migrateToLatest(db as never); // already at the latest: checks the image, applies nothing
  return { service: new SyncService({ db, now }), db, close: () => db.destroy() };
}

export interface Faults {
  /** Probability the request never reaches the server. */
  drop?: number;
  /** Probability the server commits but the response is lost. */
  loseResponse?: number;
  /** Probability the request is delivered twice. */
  duplicate?: number;
  /** Probability a copy is kept and replayed later (reorder / delay). */
  delayReplay?: number;
}

export class NetworkDown extends TypeError {
  constructor() {
    super('fetch failed (simulated)');
  }
}

/** Calls the SyncService like the HTTP routes do (JSON in, JSON out, AppError -> error envelope). */
export class InProcTransport implements SyncTransport {
  online = true;
  faults: Faults = {};
  rand: () => number = Math.random;
  delayed: (() => Promise<unknown>)[] = [];
  constructor(private readonly server: () => SyncService, private readonly kioskId: string) {}

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.online) throw new NetworkDown();
    const f = this.faults;
    if (f.drop && this.rand() < f.drop) throw new NetworkDown();
    if (f.delayReplay && this.rand() < f.delayReplay) this.delayed.push(() => fn().catch(() => undefined));
    let out: T;
    try {
      out = await fn();
      if (f.duplicate && this.rand() < f.duplicate) await fn().catch(() => undefined);
    } catch (err) {
      if (err instanceof AppError) throw new SyncServerError(HTTP_STATUS[err.code], err.code, err.message, err.details);
      throw err;
    }
    if (f.loseResponse && this.rand() < f.loseResponse) throw new NetworkDown();
    return JSON.parse(JSON.stringify(out)) as T;
  }

  push(body: PushBody): Promise<PushResponse> {
    const wire = JSON.parse(JSON.stringify(body)) as PushBody;
    return this.call(() => this.server().push(this.kioskId, wire));
  }

  pull(after: number, limit: number, waitMs: number, signal?: AbortSignal): Promise<PullResponse> {
    return this.call(() => this.server().pull(this.kioskId, after, limit, Math.min(waitMs, 50), signal));
  }

  /** Replays delayed copies (stale duplicates arriving late). */
  async flushDelayed(): Promise<void> {
    const d = this.delayed.splice(0);
    for (const f of d) await f();
  }
}

export interface TestKiosk {
  name: string;
  kiosk: Kiosk;
  worker: SyncWorker;
  transport: InProcTransport;
  dbPath: string;
  tokens: Map<string, string>;
}

export async function openKiosk(dir: string, name: string, clock: { now(): number }, server: () => SyncService, seed: boolean): Promise<TestKiosk> {
  const dbPath = join(dir, `${name}.db`);
  const transport = new InProcTransport(server, name);
  const kiosk = await createKiosk({ dbPath, clock, kioskId: name, seedDemo: seed, sync: { transport, autoStart: false } });
  return { name, kiosk, worker: kiosk.syncWorker!, transport, dbPath, tokens: new Map() };
}

export async function reopenKiosk(dir: string, k: TestKiosk, clock: { now(): number }, server: () => SyncService): Promise<TestKiosk> {
  await k.kiosk.close();
  const kiosk = await createKiosk({ dbPath: k.dbPath, clock, kioskId: k.name, sync: { transport: k.transport, autoStart: false } });
  return { ...k, kiosk, worker: kiosk.syncWorker!, tokens: new Map() };
  void dir;
  void server;
}

export async function token(k: TestKiosk, username: string): Promise<string> {
  const have = k.tokens.get(username);
  if (have) return have;
  const r = await k.kiosk.call('auth.login', { username, pin: '2468' });
  if (!r.ok) throw new Error(`${k.name}: login ${username}: ${r.error.code} ${r.error.message}`);
  k.tokens.set(username, r.data.token);
  return r.data.token;
}

export async function call<T = unknown>(k: TestKiosk, method: string, input: unknown, user = 'supervisor'): Promise<T> {
  const r = await k.kiosk.call(method, input, await token(k, user));
  if (!r.ok) throw Object.assign(new Error(`${k.name} ${method}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
  return r.data as T;
}

export async function tryCall<T = unknown>(k: TestKiosk, method: string, input: unknown, user = 'supervisor'): Promise<{ ok: true; data: T } | { ok: false; code: string }> {
  const r = await k.kiosk.call(method, input, await token(k, user));
  return r.ok ? { ok: true, data: r.data as T } : { ok: false, code: r.error.code };
}

export interface ComparableSession {
  id: string; code: string; vehicle: string; zone: string; slot: string; status: string;
  entry: number | null; exit: number | null; paid: number; due: number | null; conflict: number; reason: string | null;
  /** 1: open without holding a slot (slot clash in a full car park). */
  overflow: number;
  payments: string[];
}

export function kioskSessions(k: TestKiosk): ComparableSession[] {
  return comparableSessions(k.kiosk.ctx.store.sqlite);
}

/** The comparable view of a kiosk database (open, or a file opened read-only). */
export function comparableSessions(db: Database.Database): ComparableSession[] {
  const rows = db.prepare(`SELECT s.*, v.vehicle_number FROM sessions s JOIN vehicles v ON v.id = s.vehicle_id ORDER BY s.id`).all() as Record<string, any>[];  
  const pay = db.prepare('SELECT id, status, amount_paise, review_reason FROM payments WHERE session_id = ? ORDER BY id');
  return rows.map((r) => ({
    id: r.id, code: r.code, vehicle: r.vehicle_number, zone: r.zone_id, slot: r.slot_id, status: r.status, entry: r.entry_at, exit: r.exit_at,
    paid: r.amount_paid_paise, due: r.amount_due_paise, conflict: r.conflict, reason: r.conflict_reason, overflow: r.overflow,
    payments: (pay.all(r.id) as Record<string, unknown>[]).map((p) => `${p.id}:${p.status}:${p.amount_paise}:${p.review_reason ?? ''}`),
  }));
}

export async function serverSessions(service: SyncService): Promise<ComparableSession[]> {
  return (await service.sessions()).map(({ session: s, vehicle, payments }) => ({
    id: s.id, code: s.code, vehicle: vehicle.vehicle_number, zone: s.zone_id, slot: s.slot_id, status: s.status, entry: s.entry_at, exit: s.exit_at,
    paid: s.amount_paid_paise, due: s.amount_due_paise, conflict: s.conflict, reason: s.conflict_reason, overflow: s.overflow ?? 0,
    payments: payments.map((p) => `${p.id}:${p.status}:${p.amount_paise}:${p.review_reason ?? ''}`),
  }));
}

export function tempDir(prefix = 'pg-sync-'): { dir: string; cleanup(): void } {
  // /dev/shm when present: the kiosk store fsyncs every commit (synchronous=FULL), tmpfs makes that cheap.
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Syncs every kiosk until nothing is pending anywhere and a full round changes nothing. */
export async function heal(kiosks: TestKiosk[], rounds = 6): Promise<void> {
  for (const k of kiosks) {
    k.transport.online = true;
    k.transport.faults = {};
    await k.transport.flushDelayed();
  }
  for (let i = 0; i < rounds; i++) {
    for (const k of kiosks) await k.worker.syncNow();
  }
}

/** Gates sharing one in-memory server: the first seeded with the demo facility, every one synced `rounds` times, shifts opened on request. */
export interface Facility {
  clock: TestClock;
  server: { service: SyncService; close(): Promise<void> };
  kiosks: TestKiosk[];
  close(): Promise<void>;
}

export async function openFacility(names: string[], opts: { rounds: number; shifts: boolean }): Promise<Facility> {
  const tmp = tempDir();
  const clock = new TestClock();
  const server = await memoryServer(clock.now);
  const kiosks: TestKiosk[] = [];
  for (const [i, name] of names.entries()) kiosks.push(await openKiosk(tmp.dir, name, clock, () => server.service, i === 0));
  await heal(kiosks, opts.rounds); // a new gate with an empty database gets zones, operators and ticket keys
  if (opts.shifts) for (const k of kiosks) await call(k, 'shifts.open', { openingFloatPaise: 0 }, 'cashier');
  return {
    clock, server, kiosks,
    async close() {
      for (const k of kiosks) await k.kiosk.close();
      await server.close();
      tmp.cleanup();
    },
  };
}

/** A small seeded PRNG (mulberry32): the same seed gives the same run. */
export { mulberry32 as mulberry } from '../helpers/prng.js';
