/**
 * Core benchmark: `npx tsx tests/bench/core-bench.ts` (or `npm run bench`).
 *
 * 1. A database with 1,000,000 historical COMPLETED sessions (vehicles, sessions, payments in the
 *    real schema, created by createKiosk's migrations), generated with raw prepared INSERTs and
 *    cached as .data/bench-1m.db, keyed by the schema's migration list and the generator version.
 *    Every run works on a fresh copy (.data/bench-run.db), so the cache stays pristine.
 * 2. p50/p99 of gate.issueTicket, gate.scanEntry (BOOKED codes from gate.book), gate.quoteExit and
 *    gate.payCash: raw better-sqlite3 prepared statements doing the equivalent row writes in one
 *    BEGIN IMMEDIATE transaction (the floor), the core in-process (kiosk.call), and the HTTP bridge
 *    (fetch, keep-alive), all in this run on the same file.
 * 3. `serve` start-up to the ready line on that database, and database size per 100k sessions.
 *
 * Options: --ops <n> (default 2000 per operation and path), --sessions <n> (default 1,000,000),
 * --rebuild (ignore the cache), --keep (keep the run copy).
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startHttpBridge } from '../../src-main/bridge/http-bridge.js';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { KIOSK_MIGRATIONS } from '../../src-main/store/migrations.js';
import { decodeHlc, encodeHlc, hlcNow } from '../../src-shared/domain/hlc.js';
import { uuidv7 } from '../../src-shared/domain/ids.js';
import { mulberry32 } from '../helpers/prng.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GENERATOR_VERSION = 1;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const { values: opts } = parseArgs({
  options: {
    ops: { type: 'string', default: '2000' },
    sessions: { type: 'string', default: '1000000' },
    rebuild: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});
const OPS = Number(opts.ops);
const SESSIONS = Number(opts.sessions);
const WARMUP = Math.min(100, Math.max(10, Math.floor(OPS / 20)));
const BENCH_SLOTS = 5000;
if (!Number.isInteger(OPS) || OPS < 10 || 2 * (OPS + WARMUP) > BENCH_SLOTS) throw new Error(`--ops must be 10..${BENCH_SLOTS / 2 - 100}`);
if (!Number.isInteger(SESSIONS) || SESSIONS < 1000) throw new Error('--sessions must be at least 1000');

const DATA_DIR = join(ROOT, '.data');
const CACHE = join(DATA_DIR, SESSIONS === 1_000_000 ? 'bench-1m.db' : `bench-${SESSIONS}.db`);
const RUN_DB = join(DATA_DIR, 'bench-run.db');
const DATASET_KEY = `${Object.keys(KIOSK_MIGRATIONS).sort().join(',')}|gen-v${GENERATOR_VERSION}|sessions=${SESSIONS}|slots=${BENCH_SLOTS}`;

const log = (msg: string) => process.stderr.write(`[core-bench] ${msg}\n`);

function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal', '.secrets.json']) rmSync(`${path}${suffix}`, { force: true });
}

/* ------------------------------------------------------------------ dataset */

function cachedDatasetOk(): boolean {
  if (!existsSync(CACHE)) return false;
  try {
    const db = new Database(CACHE, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare(`SELECT value FROM meta WHERE key = 'bench_dataset'`).get() as { value: string } | undefined;
      return row?.value === DATASET_KEY;
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

async function loginAll(kiosk: Kiosk): Promise<Record<'attendant' | 'cashier' | 'supervisor', string>> {
  const one = async (username: string) => {
    const r = await kiosk.call('auth.login', { username, pin: '2468' }, null);
    if (!r.ok) throw new Error(`login ${username}: ${r.error.message}`);
    return r.data.token;
  };
  return { attendant: await one('attendant'), cashier: await one('cashier'), supervisor: await one('supervisor') };
}

async function generateDataset(): Promise<void> {
  const tmp = `${CACHE}.tmp`;
  removeDb(tmp);
  removeDb(CACHE);
  mkdirSync(DATA_DIR, { recursive: true });
  const started = Date.now();
  const histEnd = Math.floor((Date.now() - 2 * DAY) / 1000) * 1000;
  const histStart = histEnd - 365 * DAY;
  const setupAt = histStart - DAY;

  // Schema, operators, zones A and B (demo seed) and zone BENCH with 5,000 slots: through the API.
  const kiosk = await createKiosk({ dbPath: tmp, seedDemo: true, clock: { now: () => setupAt } });
  const tokens = await loginAll(kiosk);
  const zone = await kiosk.call('zones.create', { name: 'BENCH', hourlyRatePaise: 3000 }, tokens.supervisor);
  if (!zone.ok) throw new Error(zone.error.message);
  for (let from = 1; from <= BENCH_SLOTS; from += 1000) {
    const slotNumbers = Array.from({ length: Math.min(1000, BENCH_SLOTS - from + 1) }, (_, i) => `S-${String(from + i).padStart(4, '0')}`);
    const r = await kiosk.call('slots.create', { zoneId: zone.data.id, slotNumbers }, tokens.supervisor);
    if (!r.ok) throw new Error(r.error.message);
  }
  const kioskId = kiosk.kioskId;
  await kiosk.close();

  const db = new Database(tmp);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // generation only: the run copy is opened with the kiosk's FULL
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
  const operators = (db.prepare(`SELECT id, role FROM operators`).all() as { id: string; role: string }[]);
  const staff = operators.map((o) => o.id);
  const cashiers = operators.filter((o) => o.role === 'CASHIER' || o.role === 'SUPERVISOR').map((o) => o.id);
  const slotRows = db.prepare(
    `SELECT s.id, s.zone_id, z.name, z.hourly_rate_paise FROM slots s JOIN zones z ON z.id = s.zone_id ORDER BY z.position, s.position`,
  ).all() as { id: string; zone_id: string; name: string; hourly_rate_paise: number }[];
  const byZone = new Map<string, typeof slotRows>();
  for (const s of slotRows) byZone.set(s.name, [...(byZone.get(s.name) ?? []), s]);
  const zoneA = byZone.get('A')!;
  const zoneB = byZone.get('B')!;
  const zoneBench = byZone.get('BENCH')!;

  const rnd = mulberry32(20_240_601);
  const rand10 = new Uint8Array(10);
  const id = (ms: number) => {
    for (let i = 0; i < 10; i++) rand10[i] = (rnd() * 256) | 0;
    return uuidv7(ms, rand10);
  };
  const b64 = (bytes: Buffer) => bytes.toString('base64url');

  const insertVehicle = db.prepare(
    `INSERT INTO vehicles (id, vehicle_number, owner_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const insertSession = db.prepare(`INSERT INTO sessions (
      id, code, vehicle_id, zone_id, slot_id, status, booked_at, entry_at, exit_at, quote_amount_paise, quoted_at,
      quote_valid_until, amount_due_paise, amount_paid_paise, last_paid_at, lost_ticket, conflict, conflict_reason,
      origin_kiosk_id, created_by, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, 'COMPLETED', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, NULL, ?, ?, ?, ?)`);
  const insertPayment = db.prepare(`INSERT INTO payments (
      id, session_id, method, status, amount_paise, tendered_paise, change_paise, gateway, gateway_ref, upi_uri,
      idempotency_key, operator_id, late, review_reason, created_at, expires_at, completed_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, 0, NULL, ?, ?, ?, ?)`);

  // Vehicles: 1 per 4 sessions; a tenth of them are regulars who make 40% of the visits.
  const vehicleCount = Math.max(100, Math.floor(SESSIONS / 4));
  const regulars = Math.max(10, Math.floor(vehicleCount / 10));
  const vehicleIds: string[] = new Array(vehicleCount);
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  const states = ['KA', 'MH', 'DL', 'TN', 'KL', 'TS', 'GJ', 'UP'];
  const owners = ['Asha Rao', 'Vikram Singh', 'Priya Nair', 'Rahul Verma', 'Meera Iyer', 'Arjun Das', null, null];
  db.transaction(() => {
    for (let i = 0; i < vehicleCount; i++) {
      // A bijective scramble of i into state / district / two letters / four digits: unique and varied.
      let j = (i * 7919) % (8 * 99 * 23 * 23 * 10000);
      const digits = j % 10000; j = Math.floor(j / 10000);
      const l2 = j % 23; j = Math.floor(j / 23);
      const l1 = j % 23; j = Math.floor(j / 23);
      const district = j % 99; j = Math.floor(j / 99);
      const number = `${states[j % 8]}${String(district + 1).padStart(2, '0')}${letters[l1]}${letters[l2]}${String(digits).padStart(4, '0')}`;
      const created = histStart + Math.floor(rnd() * 30 * DAY);
      vehicleIds[i] = id(created);
      insertVehicle.run(vehicleIds[i], number, owners[i % owners.length] ?? null, created, created);
    }
  })();

  // Sessions in time order over 365 days; payments for every non-zero fee (some after a failed online try).
  const step = (histEnd - histStart - 14 * HOUR) / SESSIONS;
  const BATCH = 50_000;
  let payments = 0;
  for (let base = 0; base < SESSIONS; base += BATCH) {
    db.transaction(() => {
      for (let i = base; i < Math.min(SESSIONS, base + BATCH); i++) {
        const entry = Math.floor(histStart + i * step + rnd() * step);
        const r = rnd();
        const durationS = r < 0.08
          ? 30 + Math.floor(rnd() * 270) // inside the 5-minute grace: free
          : Math.min(12 * 3600, Math.floor(600 + -Math.log(1 - rnd()) * 2.2 * 3600));
        const exit = entry + durationS * 1000;
        const booked = rnd() < 0.25 ? entry - Math.floor((2 + rnd() * 58) * 60_000) : entry;
        const zr = rnd();
        const zoneSlots = zr < 0.4 ? zoneA : zr < 0.6 ? zoneB : zoneBench;
        const slot = zoneSlots[Math.floor(rnd() * zoneSlots.length)]!;
        const hours = durationS <= 300 ? 0 : Math.ceil(durationS / 3600);
        const fee = hours * slot.hourly_rate_paise;
        const vehicle = vehicleIds[rnd() < 0.4 ? Math.floor(rnd() * regulars) : Math.floor(rnd() * vehicleCount)]!;
        const sessionId = id(booked);
        const idx = Buffer.alloc(4);
        idx.writeUInt32BE(i);
        const code = rnd() < 0.2
          ? `QR-${(i * 2654435761 % 2 ** 48).toString(16).toUpperCase().padStart(12, '0').slice(-12)}`
          : `PG1.k${b64(idx)}.${b64(Buffer.from(Array.from({ length: 84 }, () => (rnd() * 256) | 0)))}.${b64(Buffer.from(Array.from({ length: 16 }, () => (rnd() * 256) | 0)))}`;
        const quotedAt = exit - 30_000;
        insertSession.run(
          sessionId, code, vehicle, slot.zone_id, slot.id, booked, entry, exit, fee, quotedAt, quotedAt + 10 * 60_000,
          fee, fee, fee > 0 ? exit : null, kioskId, staff[i % staff.length]!, booked, exit,
        );
        if (fee > 0) {
          const op = cashiers[i % cashiers.length]!;
          if (rnd() < 0.02) {
            const t = exit - 90_000;
            insertPayment.run(id(t), sessionId, 'ONLINE', 'FAILED', fee, null, null, 'razorpay', `pay_f${i}`, op, t, t + 300_000, null, t + 60_000);
            payments++;
          }
          if (rnd() < 0.7) {
            const tendered = Math.ceil(fee / 10_000) * 10_000;
            insertPayment.run(id(exit - 5000), sessionId, 'CASH', 'SUCCESS', fee, tendered, tendered - fee, null, null, op, exit - 5000, null, exit - 5000, exit - 5000);
          } else {
            const t = exit - 60_000;
            insertPayment.run(id(t), sessionId, 'ONLINE', 'SUCCESS', fee, null, null, 'razorpay', `pay_${i}`, op, t, t + 300_000, t + 20_000, t + 20_000);
          }
          payments++;
        }
      }
    })();
    if ((base / BATCH) % 4 === 3) log(`generated ${Math.min(SESSIONS, base + BATCH).toLocaleString('en')} sessions (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('bench_dataset', ?)`).run(DATASET_KEY);
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(tmp, CACHE);
  if (existsSync(`${tmp}.secrets.json`)) renameSync(`${tmp}.secrets.json`, `${CACHE}.secrets.json`);
  removeDb(tmp);
  log(`dataset ${CACHE}: ${SESSIONS.toLocaleString('en')} sessions, ${vehicleCount.toLocaleString('en')} vehicles, ${payments.toLocaleString('en')} payments in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/* ------------------------------------------------------------------ measuring */

type Path = 'raw' | 'core' | 'http';
type Op = 'gate.issueTicket' | 'gate.scanEntry' | 'gate.quoteExit' | 'gate.payCash';
const OPS_LIST: Op[] = ['gate.issueTicket', 'gate.scanEntry', 'gate.quoteExit', 'gate.payCash'];

const samples = new Map<string, number[]>();
const key = (op: Op, path: Path) => `${op}|${path}`;

async function timed<T>(op: Op, path: Path, record: boolean, fn: () => T | Promise<T>): Promise<T> {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (record) {
    const k = key(op, path);
    let list = samples.get(k);
    if (!list) samples.set(k, (list = []));
    list.push(ms);
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function stats(op: Op, path: Path): { n: number; p50: number; p99: number } {
  const s = [...(samples.get(key(op, path)) ?? [])].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99) };
}

/** The same row writes as the core, as hand-written prepared statements in BEGIN IMMEDIATE. */
class RawGate {
  private readonly s;
  private readonly sha = (text: string) => createHash('sha256').update(text).digest('hex');
  private seq = 0;
  /** payCash needs the cashier's open shift where the schema has shifts (payments.shift_id). */
  private readonly hasShifts: boolean;
  constructor(private readonly db: Database.Database, private readonly kioskId: string, private readonly now: () => number) {
    const p = (sql: string) => db.prepare(sql);
    this.hasShifts = (db.prepare(`SELECT name FROM pragma_table_info('payments')`).pluck().all() as string[]).includes('shift_id');
    this.s = {
      openForVehicle: p(`SELECT s.status FROM sessions s JOIN vehicles v ON v.id = s.vehicle_id
                         WHERE v.vehicle_number = ? AND s.status IN ('BOOKED','PARKED','EXITING')`),
      zone: p(`SELECT * FROM zones WHERE id = ?`),
      freeSlot: p(`SELECT id, slot_number FROM slots WHERE zone_id = ? AND current_session_id IS NULL ORDER BY position LIMIT 1`),
      vehicleByNumber: p(`SELECT id FROM vehicles WHERE vehicle_number = ?`),
      insertVehicle: p(`INSERT INTO vehicles (id, vehicle_number, owner_name, created_at, updated_at) VALUES (?, ?, NULL, ?, ?)`),
      insertSession: p(`INSERT INTO sessions (id, code, vehicle_id, zone_id, slot_id, status, booked_at, entry_at, origin_kiosk_id,
                          created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      takeSlot: p(`UPDATE slots SET current_session_id = ? WHERE id = ? AND current_session_id IS NULL`),
      releaseSlot: p(`UPDATE slots SET current_session_id = NULL WHERE current_session_id = ?`),
      sessionByCode: p(`SELECT * FROM sessions WHERE code = ?`),
      sessionById: p(`SELECT * FROM sessions WHERE id = ?`),
      enter: p(`UPDATE sessions SET status = 'PARKED', entry_at = ?, updated_at = ? WHERE id = ? AND status = 'BOOKED'`),
      quote: p(`UPDATE sessions SET status = ?, quote_amount_paise = ?, quoted_at = ?, quote_valid_until = ?, amount_due_paise = ?,
                  updated_at = ? WHERE id = ?`),
      openShift: this.hasShifts
        ? p(`SELECT id FROM shifts WHERE operator_id = ? AND status = 'OPEN'`)
        : p(`SELECT NULL AS id WHERE ? IS NULL`),
      pendingOnline: p(`SELECT id FROM payments WHERE session_id = ? AND method = 'ONLINE' AND status = 'PENDING'`),
      insertPayment: this.hasShifts
        ? p(`INSERT INTO payments (id, session_id, method, status, amount_paise, tendered_paise, change_paise, operator_id,
               created_at, completed_at, updated_at, shift_id) VALUES (?, ?, 'CASH', 'SUCCESS', ?, ?, ?, ?, ?, ?, ?, ?)`)
        : p(`INSERT INTO payments (id, session_id, method, status, amount_paise, tendered_paise, change_paise, operator_id,
               created_at, completed_at, updated_at) VALUES (?, ?, 'CASH', 'SUCCESS', ?, ?, ?, ?, ?, ?, ?)`),
      complete: p(`UPDATE sessions SET status = 'COMPLETED', exit_at = ?, amount_paid_paise = ?, amount_due_paise = ?, last_paid_at = ?,
                     updated_at = ? WHERE id = ? AND status IN ('PARKED','EXITING')`),
      lastAudit: p(`SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`),
      insertAudit: p(`INSERT INTO audit_log (id, at, operator_id, action, entity_type, entity_id, details, prev_hash, hash)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      maxSeq: p(`SELECT MAX(seq) AS seq FROM outbox WHERE kiosk_id = ?`),
      readHlc: p(`SELECT value FROM meta WHERE key = 'hlc'`),
      hlc: p(`INSERT INTO meta (key, value) VALUES ('hlc', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      insertOutbox: p(`INSERT INTO outbox (id, kiosk_id, seq, hlc, type, entity_id, payload, schema_version, created_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`),
    };
  }

  private newId(): string {
    return uuidv7(this.now(), Buffer.from(createHash('md5').update(`${++this.seq}:${Math.random()}`).digest()).subarray(0, 10));
  }

  /** One audit row chained onto the last one, with the same hash recipe as the core (so audit.verify still passes). */
  private audit(operatorId: string, action: string, entityType: string, entityId: string, details: unknown): void {
    const last = this.s.lastAudit.get() as { id: number; hash: string } | undefined;
    const row = [last?.hash ?? '0'.repeat(64), (last?.id ?? 0) + 1, this.now(), operatorId, action, entityType, entityId, JSON.stringify(details)] as const;
    const hash = this.sha(JSON.stringify(row));
    this.s.insertAudit.run(row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[0], hash);
  }

  private outbox(type: string, entityId: string, payload: unknown): void {
    const seq = ((this.s.maxSeq.get(this.kioskId) as { seq: number | null }).seq ?? 0) + 1;
    const stored = this.s.readHlc.get() as { value: string } | undefined;
    const prev = (stored && decodeHlc(stored.value)) || { wallMs: 0, counter: 0, node: this.kioskId };
    const hlc = encodeHlc(hlcNow(prev, this.now()));
    this.s.hlc.run(hlc);
    this.s.insertOutbox.run(this.newId(), this.kioskId, seq, hlc, type, entityId, JSON.stringify(payload), this.now());
  }

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  book(operatorId: string, vehicleNumber: string, zoneId: string, enter: boolean): { id: string; code: string } {
    return this.tx(() => {
      const zone = this.s.zone.get(zoneId) as { id: string; is_active: number } | undefined;
      if (!zone || zone.is_active !== 1) throw new Error('zone');
      if (this.s.openForVehicle.get(vehicleNumber)) throw new Error('CONFLICT');
      const slot = this.s.freeSlot.get(zoneId) as { id: string; slot_number: string } | undefined;
      if (!slot) throw new Error('NO_SLOT_AVAILABLE');
      const now = this.now();
      let vehicle = (this.s.vehicleByNumber.get(vehicleNumber) as { id: string } | undefined)?.id;
      if (!vehicle) {
        vehicle = this.newId();
        this.s.insertVehicle.run(vehicle, vehicleNumber, now, now);
      }
      const id = this.newId();
      const code = `RAW.${id}.${this.sha(id).slice(0, 32)}`;
      this.s.insertSession.run(id, code, vehicle, zoneId, slot.id, enter ? 'PARKED' : 'BOOKED', now, enter ? now : null, this.kioskId, operatorId, now, now);
      if (this.s.takeSlot.run(id, slot.id).changes !== 1) throw new Error('slot taken');
      const row = this.s.sessionById.get(id);
      this.audit(operatorId, enter ? 'session.ticketIssued' : 'session.booked', 'session', id, { vehicleNumber, slot: slot.slot_number });
      this.outbox(enter ? 'session.ticketIssued' : 'session.booked', id, { session: row, payment: null, operatorId });
      return { id, code };
    });
  }

  scanEntry(operatorId: string, code: string): void {
    this.tx(() => {
      const s = this.s.sessionByCode.get(code) as { id: string; status: string } | undefined;
      if (!s) throw new Error('TICKET_UNKNOWN');
      const now = this.now();
      if (this.s.enter.run(now, now, s.id).changes !== 1) throw new Error('ALREADY_ENTERED');
      const row = this.s.sessionById.get(s.id);
      this.audit(operatorId, 'session.entered', 'session', s.id, {});
      this.outbox('session.entered', s.id, { session: row, payment: null, operatorId });
    });
  }

  quoteExit(operatorId: string, code: string): { sessionId: string; amountDuePaise: number } {
    return this.tx(() => {
      const s = this.s.sessionByCode.get(code) as { id: string; status: string; zone_id: string; entry_at: number } | undefined;
      if (!s || (s.status !== 'PARKED' && s.status !== 'EXITING')) throw new Error('not exitable');
      const zone = this.s.zone.get(s.zone_id) as { hourly_rate_paise: number; grace_minutes: number };
      const now = this.now();
      const seconds = Math.floor((now - s.entry_at) / 1000);
      const due = seconds <= zone.grace_minutes * 60 ? 0 : Math.max(1, Math.ceil(seconds / 3600)) * zone.hourly_rate_paise;
      this.s.quote.run(due > 0 ? 'EXITING' : s.status, due, now, now + 10 * 60_000, due, now, s.id);
      const row = this.s.sessionById.get(s.id);
      this.audit(operatorId, 'session.quoted', 'session', s.id, { amountDuePaise: due });
      this.outbox('session.quoted', s.id, { session: row, payment: null, operatorId });
      return { sessionId: s.id, amountDuePaise: due };
    });
  }

  payCash(operatorId: string, sessionId: string, tendered: number): void {
    this.tx(() => {
      const s = this.s.sessionById.get(sessionId) as { id: string; status: string; quote_amount_paise: number; amount_paid_paise: number } | undefined;
      if (!s || s.status !== 'EXITING') throw new Error('not exiting');
      if (this.s.pendingOnline.get(sessionId)) throw new Error('PAYMENT_PENDING');
      const due = s.quote_amount_paise;
      const shift = this.s.openShift.get(operatorId) as { id: string | null } | undefined;
      if (this.hasShifts && !shift?.id) throw new Error('NO_OPEN_SHIFT');
      if (tendered < due) throw new Error('INSUFFICIENT_TENDER');
      const now = this.now();
      const paymentId = this.newId();
      const values = [paymentId, sessionId, due, tendered, tendered - due, operatorId, now, now, now];
      this.s.insertPayment.run(...(this.hasShifts ? [...values, shift!.id] : values));
      const paid = s.amount_paid_paise + due;
      if (this.s.complete.run(now, paid, paid, now, now, sessionId).changes !== 1) throw new Error('ALREADY_EXITED');
      this.s.releaseSlot.run(sessionId);
      const row = this.s.sessionById.get(sessionId);
      this.audit(operatorId, 'session.completed', 'session', sessionId, { amountPaidPaise: paid });
      this.audit(operatorId, 'payment.success', 'payment', paymentId, { sessionId, method: 'CASH', amountPaise: due, status: 'SUCCESS' });
      this.outbox('session.completed', sessionId, { session: row, payment: { id: paymentId }, operatorId });
    });
  }
}

interface Gate {
  issueTicket(vehicleNumber: string): Promise<{ id: string; code: string }>;
  book(vehicleNumber: string): Promise<{ id: string; code: string }>;
  scanEntry(code: string): Promise<void>;
  quoteExit(code: string): Promise<{ sessionId: string; amountDuePaise: number }>;
  payCash(sessionId: string, tenderedPaise: number): Promise<void>;
}

function apiGate(call: (method: string, input: unknown, token: string) => Promise<{ ok: boolean; data?: any; error?: any }>,
  tokens: Record<'attendant' | 'cashier', string>, zoneId: string): Gate {
  const must = async (method: string, input: unknown, token: string) => {
    const r = await call(method, input, token);
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.data;
  };
  return {
    issueTicket: async (vehicleNumber) => must('gate.issueTicket', { vehicleNumber, zoneId }, tokens.attendant),
    book: async (vehicleNumber) => must('gate.book', { vehicleNumber, zoneId }, tokens.attendant),
    scanEntry: async (code) => void (await must('gate.scanEntry', { code }, tokens.attendant)),
    quoteExit: async (code) => must('gate.quoteExit', { code }, tokens.attendant),
    payCash: async (sessionId, tenderedPaise) => void (await must('gate.payCash', { sessionId, tenderedPaise }, tokens.cashier)),
  };
}

function usedBytes(db: Database.Database): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  return (pages - free) * pageSize;
}

/** Spawns `serve` on the database and returns the ms from spawn to the `listening on` line. */
function serveStartup(command: string, args: string[]): Promise<number> {
  return new Promise((res, rej) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    let err = '';
    let done = false;
    const timer = setTimeout(() => {
      if (!done) {
        child.kill('SIGKILL');
        rej(new Error(`serve did not start in 30 s: ${err}`));
      }
    }, 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!done && /listening on http:\/\/127\.0\.0\.1:\d+/.test(out)) {
        done = true;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        clearTimeout(timer);
        child.kill('SIGTERM');
        child.once('exit', () => res(ms));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.once('exit', (code) => {
      if (!done) {
        clearTimeout(timer);
        rej(new Error(`serve exited (${code}) before the ready line: ${err}`));
      }
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/* ------------------------------------------------------------------ main */

async function main(): Promise<void> {
  const totalStarted = Date.now();
  if (opts.rebuild || !cachedDatasetOk()) {
    log(opts.rebuild ? 'rebuilding the dataset' : `no cached dataset for ${DATASET_KEY}: generating ${CACHE}`);
    await generateDataset();
  } else {
    log(`reusing ${CACHE}`);
  }
  const datasetBytes = statSync(CACHE).size;
  removeDb(RUN_DB);
  copyFileSync(CACHE, RUN_DB);
  if (existsSync(`${CACHE}.secrets.json`)) copyFileSync(`${CACHE}.secrets.json`, `${RUN_DB}.secrets.json`);

  const clock = { ms: Math.floor(Date.now() / 1000) * 1000 };
  const kiosk = await createKiosk({ dbPath: RUN_DB, clock: { now: () => clock.ms } });
  const tokens = await loginAll(kiosk);
  // Where the core has cash shifts, payCash needs the cashier's shift open (NOT_FOUND = no shifts yet).
  const shift = await kiosk.call('shifts.open', { openingFloatPaise: 0 }, tokens.cashier);
  if (!shift.ok && shift.error.code !== 'NOT_FOUND' && shift.error.code !== 'CONFLICT') throw new Error(shift.error.message);
  const zones = await kiosk.call('zones.list', {}, tokens.attendant);
  if (!zones.ok) throw new Error(zones.error.message);
  const bench = zones.data.find((z) => z.name === 'BENCH');
  if (!bench || bench.availableSlots < 2 * (OPS + WARMUP)) throw new Error('the BENCH zone is missing or has too few free slots');
  const sessionsInDb = kiosk.ctx.store.sqlite.prepare(`SELECT COUNT(*) FROM sessions`).pluck().get() as number;
  log(`${sessionsInDb.toLocaleString('en')} sessions in ${RUN_DB}; ${OPS} timed ops (+${WARMUP} warm-up) per operation and path`);

  // Raw baseline: its own connection with the kiosk's pragmas.
  const raw = new Database(RUN_DB);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  const cashierId = (raw.prepare(`SELECT id FROM operators WHERE username = 'cashier'`).pluck().get() as string);
  const attendantId = (raw.prepare(`SELECT id FROM operators WHERE username = 'attendant'`).pluck().get() as string);
  const rawGate = new RawGate(raw, kiosk.kioskId, () => clock.ms);
  const rawApi: Gate = {
    issueTicket: async (v) => rawGate.book(attendantId, v, bench.id, true),
    book: async (v) => rawGate.book(attendantId, v, bench.id, false),
    scanEntry: async (code) => rawGate.scanEntry(attendantId, code),
    quoteExit: async (code) => rawGate.quoteExit(attendantId, code),
    payCash: async (id, tendered) => rawGate.payCash(cashierId, id, tendered),
  };
  const coreApi = apiGate((m, i, t) => kiosk.call(m, i, t), tokens, bench.id);
  const bridge = await startHttpBridge(kiosk, { port: 0, staticDir: null });
  const post = async (method: string, input: unknown, token: string) => {
    const res = await fetch(`${bridge.url}/api/v1/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
      keepalive: true,
    });
    return (await res.json()) as { ok: boolean; data?: unknown; error?: unknown };
  };
  const httpApi = apiGate(async (method, input, token) => {
    try {
      return await post(method, input, token);
    } catch (err) {
      // A pooled socket the server closed while this process was busy (see the pause below): once more.
      if ((err as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw err;
      return post(method, input, token);
    }
  }, tokens, bench.id);

  // Interleave the paths (raw, core, http, raw, core, http) so a noisy neighbour hits all of them alike.
  const rounds = 2;
  const perRound = Math.ceil(OPS / rounds);
  // Footprint: pages in use before/after the in-process passes only (every row the core writes).
  const footprint = { bytes: 0, sessions: 0 };
  for (let round = 0; round < rounds; round++) {
    for (const [path, gate] of [['raw', rawApi], ['core', coreApi], ['http', httpApi]] as const) {
      Object.assign(tokens, await loginAll(kiosk)); // each pass moves the clock 3 h; tokens last 12 h
      // The raw and in-process passes never yield to the event loop (synchronous SQLite behind
      // already-resolved promises), so let timers run: the server's keep-alive expiry and the
      // client's pool must agree before HTTP requests reuse a socket.
      await new Promise((r) => setTimeout(r, 200));
      const before = usedBytes(raw);
      await measurePathChunk(path, gate, clock, `${path.toUpperCase()}${round}`, perRound);
      if (path === 'core') {
        footprint.bytes += usedBytes(raw) - before;
        footprint.sessions += 2 * (perRound + WARMUP);
      }
      log(`${path} pass ${round + 1}/${rounds} done`);
    }
  }

  // The run must leave a consistent database behind (the raw baseline writes valid audit rows too).
  const audit = await kiosk.call('audit.verify', {}, tokens.supervisor);
  const auditOk = audit.ok && audit.data.ok;
  await bridge.close();
  raw.close();
  await kiosk.close();

  // serve start-up on that database: the CLI as `npm run serve` runs it (cached bundle), under tsx, and via npx tsx.
  const runs = 3;
  const bundled: number[] = [];
  const nodeTsx: number[] = [];
  const npxTsx: number[] = [];
  await serveStartup(process.execPath, ['scripts/run-cli.mjs', 'serve', '--db', RUN_DB, '--port', '0']); // builds the bundle if stale
  for (let i = 0; i < runs; i++) {
    bundled.push(await serveStartup(process.execPath, ['scripts/run-cli.mjs', 'serve', '--db', RUN_DB, '--port', '0']));
    nodeTsx.push(await serveStartup(process.execPath, ['--import', 'tsx', 'src-main/cli.ts', 'serve', '--db', RUN_DB, '--port', '0']));
    npxTsx.push(await serveStartup('npx', ['tsx', 'src-main/cli.ts', 'serve', '--db', RUN_DB, '--port', '0']));
  }

  // ------------------------------------------------------------------ table
  const lines: string[] = [];
  lines.push(`Core benchmark: ${sessionsInDb.toLocaleString('en')} sessions in the database, ${OPS} timed ops per row `
    + `(+${WARMUP} warm-up), synchronous=FULL, WAL; node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  lines.push('');
  lines.push('| operation | path | ops | p50 ms | p99 ms | p99 / raw p99 | target | result |');
  lines.push('|---|---|---:|---:|---:|---:|---|---|');
  let allPass = true;
  for (const op of OPS_LIST) {
    const r = stats(op, 'raw');
    const c = stats(op, 'core');
    const h = stats(op, 'http');
    lines.push(`| ${op} | raw better-sqlite3 | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p99)} | 1.0x | baseline | - |`);
    const coreOk = c.p99 < 2 && c.p99 <= 3 * r.p99;
    const httpOk = h.p99 < 10;
    allPass &&= coreOk && httpOk;
    lines.push(`| ${op} | in-process kiosk.call | ${c.n} | ${fmt(c.p50)} | ${fmt(c.p99)} | ${(c.p99 / r.p99).toFixed(1)}x | p99 < 2 ms and <= 3x raw | ${coreOk ? 'PASS' : 'FAIL'} |`);
    lines.push(`| ${op} | HTTP bridge (keep-alive) | ${h.n} | ${fmt(h.p50)} | ${fmt(h.p99)} | ${(h.p99 / r.p99).toFixed(1)}x | p99 < 10 ms | ${httpOk ? 'PASS' : 'FAIL'} |`);
  }
  lines.push('');
  lines.push('| measure | value | target | result |');
  lines.push('|---|---:|---|---|');
  const bundledMed = median(bundled);
  lines.push(`| serve start-up to ready line, \`npm run serve\` path: \`node scripts/run-cli.mjs serve\` (median of ${runs}; runs ${bundled.map(fmt).join(' / ')} ms) | ${fmt(bundledMed)} ms | < 1000 ms | ${bundledMed < 1000 ? 'PASS' : 'FAIL'} |`);
  const nodeMed = median(nodeTsx);
  const npxMed = median(npxTsx);
  lines.push(`| serve start-up to ready line, \`node --import tsx src-main/cli.ts serve\` (median of ${runs}; runs ${nodeTsx.map(fmt).join(' / ')} ms) | ${fmt(nodeMed)} ms | (reference) | - |`);
  lines.push(`| serve start-up to ready line, \`npx tsx src-main/cli.ts serve\` (median of ${runs}; runs ${npxTsx.map(fmt).join(' / ')} ms) | ${fmt(npxMed)} ms | (reference) | - |`);
  lines.push(`| database file with ${SESSIONS.toLocaleString('en')} historical sessions (sessions + vehicles + payments + indexes) | ${mb(datasetBytes)} | - | - |`);
  lines.push(`| size per 100k historical sessions (file / ${SESSIONS / 100_000}) | ${mb(datasetBytes / (SESSIONS / 100_000))} | - | - |`);
  const perSession = footprint.bytes / footprint.sessions;
  lines.push(`| size per 100k sessions written through the core, full life cycle incl. their audit_log + outbox rows (measured over ${footprint.sessions.toLocaleString('en')} sessions) | ${mb(perSession * 100_000)} | - | - |`);
  lines.push(`| audit.verify after the run | ${auditOk ? 'ok' : 'BROKEN'} | ok | ${auditOk ? 'PASS' : 'FAIL'} |`);
  lines.push('');
  lines.push(`Overall: ${allPass && auditOk ? 'all latency targets met' : 'some targets missed (see FAIL rows)'}; total ${((Date.now() - totalStarted) / 1000).toFixed(0)} s.`);
  process.stdout.write(`${lines.join('\n')}\n`);

  if (!opts.keep) removeDb(RUN_DB);
}

/**
 * One pass for one path: walk-in tickets, bookings then their entry scans, exit quotes and cash
 * payments (2h10m later); the booked cars are then let out untimed so the slots are free again.
 */
async function measurePathChunk(path: Path, gate: Gate, clock: { ms: number }, tag: string, timedOps: number): Promise<void> {
  const n = timedOps + WARMUP;
  const t0 = clock.ms;
  const record = (i: number) => i >= WARMUP;
  const walkIns: { id: string; code: string }[] = [];
  for (let i = 0; i < n; i++) {
    clock.ms = t0 + i;
    walkIns.push(await timed('gate.issueTicket', path, record(i), () => gate.issueTicket(`${tag}W${i}`)));
  }
  const booked: { id: string; code: string }[] = [];
  for (let i = 0; i < n; i++) booked.push(await gate.book(`${tag}B${i}`));
  for (let i = 0; i < n; i++) await timed('gate.scanEntry', path, record(i), () => gate.scanEntry(booked[i]!.code));
  clock.ms = t0 + 2 * HOUR + 10 * 60_000;
  const quotes: { sessionId: string; amountDuePaise: number }[] = [];
  for (let i = 0; i < n; i++) quotes.push(await timed('gate.quoteExit', path, record(i), () => gate.quoteExit(walkIns[i]!.code)));
  for (let i = 0; i < n; i++) {
    const q = quotes[i]!;
    await timed('gate.payCash', path, record(i), () => gate.payCash(q.sessionId, q.amountDuePaise + 1000));
  }
  for (const b of booked) {
    const q = await gate.quoteExit(b.code);
    await gate.payCash(q.sessionId, q.amountDuePaise);
  }
  clock.ms = t0 + 3 * HOUR;
}

await main();
// fetch's keep-alive pool would hold the event loop open for a while: the benchmark is done.
process.exit(0);
