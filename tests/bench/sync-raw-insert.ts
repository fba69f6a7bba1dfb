/**
 * The sync bench's reference: a raw batched INSERT of exactly the rows the server stored for the
 * pushed events, in the same run. Per push (one server transaction) the reference writes, in one
 * transaction: the push's sync_events rows, the sync_sessions upserts of the sessions it touched
 * (the canonical state that push produced, as its change-log entry carries it), its sync_changes
 * rows, and the counter and kiosk rows. Tables come from the real migration (same columns,
 * constraints and indexes), a fresh database per pass. Parameters are built before the clock
 * starts, so only the database work is timed. On SQLite two raw ways are timed, prepared
 * single-row statements and multi-row statements (power-of-two pieces, each prepared once); the
 * reference is the way with the lower median over the rounds, and its median.
 */
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import { CachingSqliteDialect } from '../../src-server/db/sqlite-dialect.js';
import type { SyncDatabase } from '../../src-server/sync/schema.js';

type Row = Record<string, unknown>;
const EVENT_COLS = ['id', 'kiosk_id', 'seq', 'hlc', 'type', 'entity_id', 'payload', 'schema_version', 'outcome', 'error', 'received_at'];
const SESSION_COLS = ['id', 'zone_id', 'slot_id', 'vehicle_number', 'status', 'is_open', 'creation_hlc', 'conflict', 'amount_paid_paise', 'data', 'updated_at'];
const CHANGE_COLS = ['seq', 'entity_type', 'entity_id', 'origin_kiosk_id', 'data', 'created_at'];
const UPSERT = ` ON CONFLICT (id) DO UPDATE SET ${SESSION_COLS.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}`;

/** Where one push's rows are: read from the counter and the kiosk row before and after it. */
export interface PushMark {
  kioskId: string;
  seqFrom: number; // kiosk sequence numbers (seqFrom, seqTo]
  seqTo: number;
  changeFrom: number; // change-log positions (changeFrom, changeTo]
  changeTo: number;
  serverSeqFrom: number; // server events (serverSeqFrom, serverSeqTo]
  serverSeqTo: number;
  hlc: string;
  pushAt: number | null;
  offset: number | null;
}

export interface StoredPush {
  mark: PushMark;
  events: Row[];
  sessions: Row[];
  changes: Row[];
}

export async function pushMarkState(db: Kysely<SyncDatabase>, kioskId: string) {
  const c = await db.selectFrom('sync_counter').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  const k = await db.selectFrom('sync_kiosks').selectAll().where('kiosk_id', '=', kioskId).executeTakeFirst();
  return {
    seq: Number(c.seq), serverSeq: Number(c.server_seq), hlc: c.hlc, lastSeq: Number(k?.last_seq ?? 0),
    pushAt: k?.last_push_at == null ? null : Number(k.last_push_at), offset: k?.clock_offset_ms == null ? null : Number(k.clock_offset_ms),
  };
}

const SESSION_PREFIX = '{"kind":"session",';

/** The rows each marked push stored, read back from the server's tables. */
export async function storedRows(db: Kysely<SyncDatabase>, marks: PushMark[]): Promise<StoredPush[]> {
  const out: StoredPush[] = [];
  for (const m of marks) {
    const kioskEvents = await db.selectFrom('sync_events').selectAll().where('kiosk_id', '=', m.kioskId)
      .where('seq', '>', m.seqFrom).where('seq', '<=', m.seqTo).orderBy('seq').execute();
    const serverEvents = await db.selectFrom('sync_events').selectAll().where('kiosk_id', '=', 'server')
      .where('seq', '>', m.serverSeqFrom).where('seq', '<=', m.serverSeqTo).orderBy('seq').execute();
    const changes = await db.selectFrom('sync_changes').selectAll().where('seq', '>', m.changeFrom).where('seq', '<=', m.changeTo).orderBy('seq').execute();
    const sessions = changes.filter((c) => c.entity_type === 'session' && c.data.startsWith(SESSION_PREFIX)).map((c) => {
      const data = `{${c.data.slice(SESSION_PREFIX.length)}`;
      const s = JSON.parse(data) as { session: { id: string; zone_id: string; slot_id: string; status: string; conflict: number; amount_paid_paise: number }; vehicle: { vehicle_number: string }; creationHlc: string };
      return {
        id: s.session.id, zone_id: s.session.zone_id, slot_id: s.session.slot_id, vehicle_number: s.vehicle.vehicle_number, status: s.session.status,
        is_open: ['BOOKED', 'PARKED', 'EXITING'].includes(s.session.status) ? 1 : 0, creation_hlc: s.creationHlc, conflict: s.session.conflict,
        amount_paid_paise: s.session.amount_paid_paise, data, updated_at: Number(c.created_at),
      };
    });
    out.push({ mark: m, events: [...kioskEvents, ...serverEvents] as Row[], sessions, changes: changes as Row[] });
  }
  return out;
}

type Way = 'single' | 'multi';
const WAY_NAMES: Record<Way, string> = { single: 'prepared single-row statements', multi: 'multi-row statements' };

/** One round of reference passes, ms per raw way: every stored row, and the event rows alone. */
export interface RawRound {
  all: Partial<Record<Way, number>>;
  events: Partial<Record<Way, number>>;
}

export interface RawTiming {
  /** Every row the server stored: median over the rounds of the way with the lowest median, ms. */
  allMs: number;
  /** The event rows alone (the old, narrower reference): the lowest median of the ways, ms. */
  eventsMs: number;
  way: string;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function summarize(rounds: RawRound[]): RawTiming {
  const med = (pick: (r: RawRound) => number | undefined) => {
    const xs = rounds.map(pick).filter((x): x is number => x !== undefined);
    return xs.length ? median(xs) : Infinity;
  };
  const ways: Way[] = ['single', 'multi'];
  const best = ways.reduce((a, b) => (med((r) => r.all[b]) < med((r) => r.all[a]) ? b : a));
  return {
    allMs: med((r) => r.all[best]),
    eventsMs: Math.min(...ways.map((w) => med((r) => r.events[w]))),
    way: `${WAY_NAMES[best]}, median of ${rounds.length}`,
  };
}

const values = (rows: Row[], cols: string[]) => rows.map((r) => cols.map((c) => r[c]));
const pieces = (n: number): number[] => {
  const out: number[] = [];
  for (let left = n; left > 0;) {
    const p = left >= 512 ? 512 : 2 ** Math.floor(Math.log2(left));
    out.push(p);
    left -= p;
  }
  return out;
};

async function freshSqlite(): Promise<Database.Database> {
  const raw = new Database(':memory:');
  const db = new Kysely<unknown>({ dialect: new CachingSqliteDialect(raw) });
  await migrateToLatest(db as never);
  return raw;
}

/** One timed pass on a fresh in-memory SQLite database with the sync schema. */
async function sqlitePass(batches: StoredPush[], multi: boolean, eventsOnly: boolean): Promise<number> {
  const db = await freshSqlite();
  for (const id of new Set(batches.map((b) => b.mark.kioskId))) {
    db.prepare('INSERT INTO sync_kiosks (kiosk_id, last_seq, cursor) VALUES (?, 0, 0)').run(id);
  }
  const single = {
    event: db.prepare(`INSERT INTO sync_events (${EVENT_COLS.join(', ')}) VALUES (${EVENT_COLS.map(() => '?').join(', ')})`),
    session: db.prepare(`INSERT INTO sync_sessions (${SESSION_COLS.join(', ')}) VALUES (${SESSION_COLS.map(() => '?').join(', ')})${UPSERT}`),
    change: db.prepare(`INSERT INTO sync_changes (${CHANGE_COLS.join(', ')}) VALUES (${CHANGE_COLS.map(() => '?').join(', ')})`),
  };
  const multiCache = new Map<string, Database.Statement>();
  const multiStmt = (table: string, cols: string[], n: number, suffix: string) => {
    const key = `${table}|${n}`;
    let s = multiCache.get(key);
    if (!s) {
      const tuple = `(${cols.map(() => '?').join(', ')})`;
      s = db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${Array(n).fill(tuple).join(', ')}${suffix}`);
      multiCache.set(key, s);
    }
    return s;
  };
  const counter = db.prepare('UPDATE sync_counter SET seq = ?, server_seq = ?, hlc = ? WHERE id = 1');
  const kiosk = db.prepare('UPDATE sync_kiosks SET last_seq = ?, last_push_at = ?, clock_offset_ms = ? WHERE kiosk_id = ?');
  // Parameters built before timing.
  type Part = { table: string; cols: string[]; suffix: string; stmt: 'event' | 'session' | 'change'; rows: unknown[][] };
  const plan = batches.map((b) => ({
    mark: b.mark,
    parts: [
      { table: 'sync_events', cols: EVENT_COLS, suffix: '', stmt: 'event', rows: values(b.events, EVENT_COLS) },
      ...(eventsOnly ? [] : [
        { table: 'sync_sessions', cols: SESSION_COLS, suffix: UPSERT, stmt: 'session', rows: values(b.sessions, SESSION_COLS) },
        { table: 'sync_changes', cols: CHANGE_COLS, suffix: '', stmt: 'change', rows: values(b.changes, CHANGE_COLS) },
      ]),
    ] as Part[],
  }));
  const flat = plan.map((p) => p.parts.map((part) => {
    let i = 0;
    return pieces(part.rows.length).map((n) => {
      const params = part.rows.slice(i, i + n).flat();
      i += n;
      return { stmt: multiStmt(part.table, part.cols, n, part.suffix), params };
    });
  }));
  const t0 = performance.now();
  plan.forEach((p, bi) => {
    db.transaction(() => {
      if (multi) {
        for (const part of flat[bi]!) for (const piece of part) piece.stmt.run(piece.params);
      } else {
        for (const part of p.parts) for (const r of part.rows) single[part.stmt].run(r);
      }
      if (!eventsOnly) {
        const m = p.mark;
        counter.run(m.changeTo, m.serverSeqTo, m.hlc);
        kiosk.run(m.seqTo, m.pushAt, m.offset, m.kioskId);
      }
    })();
  });
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

/** One round on SQLite in memory, like the bench's server: each way, each on a fresh database. */
export async function sqliteRound(batches: StoredPush[]): Promise<RawRound> {
  const round: RawRound = { all: {}, events: {} };
  for (const way of ['single', 'multi'] as const) {
    round.all[way] = await sqlitePass(batches, way === 'multi', false);
    round.events[way] = await sqlitePass(batches, way === 'multi', true);
  }
  return round;
}

/**
 * One round on PostgreSQL: fresh tables from the migration in `url` for each pass, multi-row
 * INSERTs (up to 1,000 rows) per push, one client (row-at-a-time would be a round trip per row).
 */
export async function pgRound(url: string, batches: StoredPush[]): Promise<RawRound> {
  const round: RawRound = { all: {}, events: {} };
  for (const eventsOnly of [false, true]) {
    const k = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
    for (const t of ['sync_entities', 'sync_sessions', 'sync_changes', 'sync_events', 'sync_kiosks', 'sync_counter']) await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(k);
    await migrateToLatest(k as never);
    await k.destroy();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (const id of new Set(batches.map((b) => b.mark.kioskId))) await client.query('INSERT INTO sync_kiosks (kiosk_id, last_seq, cursor) VALUES ($1, 0, 0)', [id]);
    const statements = batches.map((b) => {
      const parts: [string, string[], string, Row[]][] = [['sync_events', EVENT_COLS, '', b.events]];
      if (!eventsOnly) parts.push(['sync_sessions', SESSION_COLS, UPSERT, b.sessions], ['sync_changes', CHANGE_COLS, '', b.changes]);
      const qs: { text: string; values: unknown[] }[] = [];
      for (const [table, cols, suffix, rows] of parts) {
        for (let i = 0; i < rows.length; i += 1000) {
          const part = rows.slice(i, i + 1000);
          const tuples = part.map((_, r) => `(${cols.map((__, c) => `$${r * cols.length + c + 1}`).join(', ')})`);
          qs.push({ text: `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${tuples.join(', ')}${suffix}`, values: values(part, cols).flat() });
        }
      }
      if (!eventsOnly) {
        const m = b.mark;
        qs.push({ text: 'UPDATE sync_counter SET seq = $1, server_seq = $2, hlc = $3 WHERE id = 1', values: [m.changeTo, m.serverSeqTo, m.hlc] });
        qs.push({ text: 'UPDATE sync_kiosks SET last_seq = $1, last_push_at = $2, clock_offset_ms = $3 WHERE kiosk_id = $4', values: [m.seqTo, m.pushAt, m.offset, m.kioskId] });
      }
      return qs;
    });
    const t0 = performance.now();
    for (const qs of statements) {
      await client.query('BEGIN');
      for (const q of qs) await client.query(q);
      await client.query('COMMIT');
    }
    const ms = performance.now() - t0;
    await client.end();
    (eventsOnly ? round.events : round.all).multi = ms;
  }
  return round;
}
