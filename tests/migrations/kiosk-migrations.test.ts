/**
 * Each kiosk migration upgrades a database of the previous version that holds rows, and keeps
 * them: a car parked in a slot, a paid session, an operator, an audit entry, outbox events
 * (one of them still PENDING, so it is pushed after the upgrade).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KIOSK_MIGRATIONS } from '../../src-main/store/migrations.js';
import { openStore } from '../../src-main/store/open.js';

const NAMES = Object.keys(KIOSK_MIGRATIONS).sort();
const T = 1_767_000_000_000;

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pg-kiosk-mig-'));
  path = join(dir, 'kiosk.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Migrates the file at `path` up to and including `name` (only the migrations up to it are known). */
async function migrateTo(name: string): Promise<void> {
  const known = Object.fromEntries(NAMES.filter((n) => n <= name).map((n) => [n, KIOSK_MIGRATIONS[n]!]));
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(path) }) });
  try {
    const { error, results } = await new Migrator({ db, provider: { getMigrations: async () => known } }).migrateToLatest();
    if (error) throw error;
    expect(results?.every((r) => r.status === 'Success')).toBe(true);
  } finally {
    await db.destroy();
  }
}

function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Rows a kiosk at 0001 holds: zone + 2 slots, an operator, a parked car in slot 1, a paid session, outbox events. */
function seedV1(db: Database.Database): void {
  db.prepare(`INSERT INTO zones VALUES ('z1', 'A', 1, 4000, 1, 15, 20000, 10000, 10, ?, ?)`).run(T, T);
  db.prepare(`INSERT INTO slots VALUES ('s1', 'z1', 'A-01', 1, 'sess-open', ?), ('s2', 'z1', 'A-02', 2, NULL, ?)`).run(T, T);
  db.prepare(`INSERT INTO operators VALUES ('op1', 'cashier', 'Ravi', 'CASHIER', 'scrypt$x', 1, 0, NULL, ?, ?)`).run(T, T);
  db.prepare(`INSERT INTO vehicles VALUES ('v1', 'KA01AB0001', 'Asha', ?, ?), ('v2', 'KA01AB0002', NULL, ?, ?)`).run(T, T, T, T);
  const session = db.prepare(`INSERT INTO sessions (id, code, vehicle_id, zone_id, slot_id, status, booked_at, entry_at, exit_at, amount_due_paise,
    amount_paid_paise, last_paid_at, origin_kiosk_id, created_by, created_at, updated_at) VALUES (?, ?, ?, 'z1', ?, ?, ?, ?, ?, ?, ?, ?, 'k1', 'op1', ?, ?)`);
  session.run('sess-open', 'PG1.open', 'v1', 's1', 'PARKED', T, T, null, null, 0, null, T, T);
  session.run('sess-paid', 'PG1.paid', 'v2', 's2', 'COMPLETED', T, T, T + 3_600_000, 4000, 4000, T + 3_600_000, T, T + 3_600_000);
  db.prepare(`INSERT INTO payments (id, session_id, method, status, amount_paise, tendered_paise, change_paise, operator_id, created_at, completed_at, updated_at)
    VALUES ('pay1', 'sess-paid', 'CASH', 'SUCCESS', 4000, 5000, 1000, 'op1', ?, ?, ?)`).run(T + 3_600_000, T + 3_600_000, T + 3_600_000);
  db.prepare(`INSERT INTO audit_log (at, operator_id, action, entity_type, entity_id, details, prev_hash, hash) VALUES (?, 'op1', 'session.completed', 'session', 'sess-paid', '{}', '', 'h1')`).run(T);
  const outbox = db.prepare(`INSERT INTO outbox (id, kiosk_id, seq, hlc, type, entity_id, payload, schema_version, created_at, status, acked_at) VALUES (?, 'k1', ?, ?, ?, ?, ?, 1, ?, ?, ?)`);
  outbox.run('e1', 1, `${T}-0-k1`, 'session.completed', 'sess-paid', '{"session":{"id":"sess-paid"}}', T, 'ACKED', T);
  outbox.run('e2', 2, `${T + 1}-0-k1`, 'session.ticketIssued', 'sess-open', '{"session":{"id":"sess-open"}}', T, 'PENDING', null);
}

function dataOf(db: Database.Database) {
  return {
    zones: db.prepare('SELECT id, name, hourly_rate_paise, grace_minutes, daily_cap_paise FROM zones').all(),
    slots: db.prepare('SELECT id, slot_number, current_session_id FROM slots ORDER BY id').all(),
    sessions: db.prepare('SELECT id, status, slot_id, amount_paid_paise, exit_at FROM sessions ORDER BY id').all(),
    payments: db.prepare('SELECT id, session_id, status, amount_paise, change_paise FROM payments').all(),
    operators: db.prepare('SELECT id, username, role FROM operators').all(),
    audit: db.prepare('SELECT action, entity_id, hash FROM audit_log').all(),
    outbox: db.prepare('SELECT id, seq, type, status, schema_version FROM outbox ORDER BY seq').all(),
  };
}

describe('kiosk migrations keep the data of the version before', () => {
  it('the migrations run in file order 0001..0004 (at least)', () => {
    expect(NAMES.slice(0, 4)).toEqual(['0001_initial', '0002_shifts_reports', '0003_sync', '0004_sync_slot_overflow']);
  });

  it('0001 -> 0002: rows kept; payments get a null shift link; shifts and settings start empty', async () => {
    await migrateTo('0001_initial');
    const before = withDb((db) => (seedV1(db), dataOf(db)));
    await migrateTo('0002_shifts_reports');
    withDb((db) => {
      expect(dataOf(db)).toEqual(before);
      expect(db.prepare('SELECT shift_id FROM payments').all()).toEqual([{ shift_id: null }]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM shifts').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM settings').get()).toEqual({ n: 0 });
    });
  });

  it('0002 -> 0003: rows kept; sync starts at cursor 0 with no key published; the pending event is still pending', async () => {
    await migrateTo('0002_shifts_reports');
    const before = withDb((db) => (seedV1(db), dataOf(db)));
    await migrateTo('0003_sync');
    withDb((db) => {
      expect(dataOf(db)).toEqual(before);
      expect(db.prepare('SELECT * FROM sync_state').all()).toEqual([{ id: 1, cursor: 0, last_sync_at: null, clock_offset_ms: null, key_published: null }]);
      expect(db.prepare(`SELECT id FROM outbox WHERE status = 'PENDING'`).all()).toEqual([{ id: 'e2' }]);
    });
  });

  it('0003 -> 0004: rows kept; existing sessions hold their slots (overflow 0); only sessions holding a slot are unique per slot', async () => {
    await migrateTo('0003_sync');
    const before = withDb((db) => {
      seedV1(db);
      db.prepare(`UPDATE sync_state SET cursor = 41, clock_offset_ms = -1200, key_published = 'key1' WHERE id = 1`).run();
      return dataOf(db);
    });
    await migrateTo('0004_sync_slot_overflow');
    withDb((db) => {
      expect(dataOf(db)).toEqual(before);
      expect(db.prepare('SELECT id, overflow FROM sessions ORDER BY id').all()).toEqual([{ id: 'sess-open', overflow: 0 }, { id: 'sess-paid', overflow: 0 }]);
      expect(db.prepare('SELECT cursor, clock_offset_ms, key_published FROM sync_state').get()).toEqual({ cursor: 41, clock_offset_ms: -1200, key_published: 'key1' });
      const open = db.prepare(`INSERT INTO sessions (id, code, vehicle_id, zone_id, slot_id, status, origin_kiosk_id, created_at, updated_at, overflow)
        VALUES (?, ?, 'v2', 'z1', 's1', 'PARKED', 'k1', 0, 0, ?)`);
      expect(() => open.run('sess-rival', 'PG1.rival', 0)).toThrow(/UNIQUE/); // s1 is held by sess-open
      expect(() => open.run('sess-overflow', 'PG1.overflow', 1)).not.toThrow(); // an overflow session holds no slot
      expect(() => open.run('sess-bad', 'PG1.bad', 2)).toThrow(/CHECK/);
    });
  });

  it('0011 -> 0014: receipt numbers kept; their lost-ticket fee starts unknown (null) and refuses a negative fee', async () => {
    await migrateTo('0001_initial');
    withDb((db) => seedV1(db));
    await migrateTo('0011_tax_documents');
    const before = withDb((db) => {
      db.prepare(`INSERT INTO receipt_numbers (session_id, payment_id, kiosk_id, seq, number, created_at) VALUES ('sess-paid', 'pay1', 'k1', 1, 'K1-000001', ?)`).run(T);
      return dataOf(db);
    });
    await migrateTo('0014_receipt_lines');
    withDb((db) => {
      expect(dataOf(db)).toEqual(before);
      expect(db.prepare('SELECT number, lost_ticket_fee_paise FROM receipt_numbers').all()).toEqual([{ number: 'K1-000001', lost_ticket_fee_paise: null }]);
      expect(() => db.prepare(`UPDATE receipt_numbers SET lost_ticket_fee_paise = -1`).run()).toThrow(/CHECK/);
    });
  });

  it('0011 -> 0017: rows kept; lost-ticket records start empty and accept only the known proofs', async () => {
    await migrateTo('0004_sync_slot_overflow');
    const before = withDb((db) => (seedV1(db), dataOf(db)));
    await migrateTo('0011_tax_documents');
    await migrateTo('0017_lost_ticket_exits');
    withDb((db) => {
      expect(dataOf(db)).toEqual(before);
      expect(db.prepare('SELECT COUNT(*) n FROM lost_ticket_exits').get()).toEqual({ n: 0 });
      const insert = db.prepare(`INSERT INTO lost_ticket_exits (session_id, basis, typed_plate, proof, reason, amount_due_paise, operator_id, recorded_at)
        VALUES ('sess-open', 'PLATE_MATCH', 'KA01AB0001', ?, 'lost', 100, 'op1', 1)`);
      expect(() => insert.run('PASSPORT')).toThrow(/CHECK/);
      expect(() => insert.run('RC')).not.toThrow();
    });
  });

  it('0011 -> 0018: rows kept; validation tables empty; a code id is single-use and one program counts once per visit', async () => {
    await migrateTo('0001_initial');
    withDb((db) => seedV1(db));
    await migrateTo('0011_tax_documents');
    const before = withDb((db) => dataOf(db));
    await migrateTo('0018_validations');
    withDb((db) => {
      expect(dataOf(db)).toEqual(before);
      for (const t of ['merchants', 'validation_programs', 'session_validations', 'merchant_ledger']) {
        expect(db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get(), t).toEqual({ n: 0 });
      }
      db.prepare(`INSERT INTO merchants VALUES ('m1', 'Mall', 0, 1, 0, 0)`).run();
      db.prepare(`INSERT INTO validation_programs (id, merchant_id, name, kind, reason_code, bill_rule, created_at, updated_at)
        VALUES ('p1', 'm1', 'Free', 'FULL_EXEMPTION', 'FREE', 'NONE', 0, 0), ('p2', 'm1', 'Half', 'PERCENT_OFF', 'HALF', 'NONE', 0, 0)`).run();
      const v = db.prepare(`INSERT INTO session_validations (id, session_id, program_id, merchant_id, source, code_id, kiosk_id, created_at, updated_at)
        VALUES (?, 'sess-open', ?, 'm1', 'CODE', ?, 'k1', 0, 0)`);
      v.run('v1', 'p1', 'code-1');
      expect(() => v.run('v2', 'p2', 'code-1')).toThrow(/UNIQUE/);
      expect(() => v.run('v3', 'p1', 'code-2')).toThrow(/UNIQUE/);
      expect(() => db.prepare(`INSERT INTO merchant_ledger VALUES ('l1', 'm1', 'TOPUP', -5, NULL, NULL, 'k1', 0)`).run()).toThrow(/CHECK/);
    });
  });

  it('0018 -> 0019: rows kept; pass tables empty; a card is on one pass; a session has one entry movement', async () => {
    await migrateTo('0001_initial');
    withDb((db) => seedV1(db));
    await migrateTo('0018_validations');
    const before = withDb((db) => dataOf(db));
    await migrateTo('0019_season_passes');
    withDb((db) => {
      expect(dataOf(db)).toEqual(before);
      for (const t of ['season_passes', 'pass_sales', 'pass_movements']) expect(db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get(), t).toEqual({ n: 0 });
      const p = db.prepare(`INSERT INTO season_passes VALUES (?, 'MONTHLY', 'A', '[]', ?, '[]', NULL, ?, ?, 1, 'HARD', 0, 0, 0)`);
      p.run('p1', 'card-1', 0, 10);
      expect(() => p.run('p2', 'card-1', 0, 10)).toThrow(/UNIQUE/);
      expect(() => p.run('p3', 'card-3', 10, 10)).toThrow(/CHECK/);
      const m = db.prepare(`INSERT INTO pass_movements VALUES (?, 'p1', 'ENTRY', 'sess-open', NULL, NULL, 'k1', 0)`);
      m.run('m1');
      expect(() => m.run('m2')).toThrow(/UNIQUE/);
    });
  });

  it('0022 -> 0026: print jobs kept (waiting ones still waiting, by the same index); the kind PASS is accepted, an unknown kind still refused', async () => {
    await migrateTo('0001_initial');
    withDb((db) => seedV1(db));
    await migrateTo('0022_pass_reserved_spaces');
    const job = (db0: Database.Database) => db0.prepare(`INSERT INTO print_jobs (id, kind, entity_id, copy, status, attempts, created_at, updated_at) VALUES (?, ?, ?, 0, ?, 0, ?, ?)`);
    withDb((db) => {
      job(db).run('j1', 'TICKET', 'sess-open', 'QUEUED', T, T);
      job(db).run('j2', 'RECEIPT', 'sess-paid', 'DONE', T + 1, T + 1);
      expect(() => job(db).run('j3', 'PASS', 'p1', 'QUEUED', T, T)).toThrow(/CHECK/);
    });
    const before = withDb((db) => [dataOf(db), db.prepare('SELECT * FROM print_jobs ORDER BY id').all()]);
    await migrateTo('0026_pass_print_jobs');
    withDb((db) => {
      expect([dataOf(db), db.prepare('SELECT * FROM print_jobs ORDER BY id').all()]).toEqual(before);
      job(db).run('j3', 'PASS', 'p1', 'QUEUED', T + 2, T + 2);
      expect(() => job(db).run('j4', 'FLYER', null, 'QUEUED', T, T)).toThrow(/CHECK/);
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM print_jobs WHERE status IN ('QUEUED', 'SENDING') ORDER BY created_at").all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toContain('print_jobs_waiting');
    });
  });

  it('0026 -> 0027: a gate that signed codes under the old unassigned facility keeps it pinned; a fresh one or one already assigned is left alone', async () => {
    const meta = (db: Database.Database) => db.prepare(`SELECT value FROM meta WHERE key = 'facility_id'`).get();
    // Passes sold (their codes say 'default'): pinned.
    await migrateTo('0026_pass_print_jobs');
    withDb((db) => db.prepare(`INSERT INTO season_passes VALUES ('p1', 'MONTHLY', 'A', '["KA01AB0001"]', NULL, '[]', NULL, 0, 10, 1, 'HARD', 0, 0, 0, '[]')`).run());
    await migrateTo('0027_facility_identity');
    withDb((db) => expect(meta(db)).toEqual({ value: 'default' }));
    rmSync(path, { force: true });
    // Nothing signed yet: no row (the server's default facility, or what the server says).
    await migrateTo('0001_initial');
    withDb((db) => seedV1(db));
    await migrateTo('0026_pass_print_jobs');
    await migrateTo('0027_facility_identity');
    withDb((db) => expect(meta(db)).toBeUndefined());
    rmSync(path, { force: true });
    // Already assigned: kept.
    await migrateTo('0026_pass_print_jobs');
    withDb((db) => {
      db.prepare(`INSERT INTO meta (key, value) VALUES ('facility_id', 'north-mall')`).run();
      db.prepare(`INSERT INTO season_passes VALUES ('p1', 'MONTHLY', 'A', '["KA01AB0001"]', NULL, '[]', NULL, 0, 10, 1, 'HARD', 0, 0, 0, '[]')`).run();
    });
    await migrateTo('0027_facility_identity');
    withDb((db) => expect(meta(db)).toEqual({ value: 'north-mall' }));
  });

  it('a 0004 database opens with every later migration and keeps its rows', async () => {
    await migrateTo('0004_sync_slot_overflow');
    const before = withDb((db) => (seedV1(db), dataOf(db)));
    const store = await openStore(path);
    try {
      const after = dataOf(store.sqlite);
      expect(after).toEqual(before);
    } finally {
      await store.close();
    }
  });

  it('-> 0016: rows kept; a short ticket number is found through the id-tail index', async () => {
    await migrateTo('0001_initial');
    const before = withDb((db) => (seedV1(db), dataOf(db)));
    await migrateTo('0016_ticket_numbers');
    withDb((db) => {
      expect(dataOf(db)).toEqual(before);
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM sessions WHERE substr(id, 25, 12) IN ('000000000001', '000000000002')").all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toContain('sessions_id_tail');
    });
  });
});
