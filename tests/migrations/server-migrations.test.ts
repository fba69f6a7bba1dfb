/**
 * Each server migration upgrades a database of the previous version that holds rows and keeps
 * them (SQLite and PostgreSQL); the naming rule of migrations/server/index.ts holds.
 */
import { Kysely, Migrator, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVER_MIGRATIONS } from '../../migrations/server/index.js';
import type { ServerDb } from '../../src-server/db/connect.js';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';

const NAMES = Object.keys(SERVER_MIGRATIONS);
const T = 1_767_000_000_000;

describe('server migration names', () => {
  it('are listed in sorting order, and everything after 0001 sorts after 9000_', () => {
    expect([...NAMES].sort()).toEqual(NAMES);
    expect(NAMES[0]).toBe('0001_initial');
    for (const n of NAMES.slice(1)) expect(n >= '9000_' && /^\d{4}_[a-z0-9_]+$/.test(n), n).toBe(true);
  });
});

describe.each(BACKENDS)('server migrations keep the data of the version before (%s)', (backend) => {
  let database: TestDatabase;
  let sdb: ServerDb;
  let db: Kysely<any>; // rows of every schema version

  beforeEach(async () => {
    database = await createTestDatabase(backend);
    sdb = database.open();
    db = sdb.db;
  }, 30_000);
  afterEach(async () => {
    await sdb.close();
    await database.drop();
  });

  async function migrateTo(name: string): Promise<void> {
    const known = Object.fromEntries(NAMES.filter((n) => n <= name).map((n) => [n, SERVER_MIGRATIONS[n]!]));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => known } }).migrateToLatest();
    if (error) throw error;
  }

  async function seedV1(): Promise<void> {
    await db.insertInto('kiosks').values({ id: 'k1', name: 'Gate 1', signing_key: 'key', created_at: T, revoked_at: null }).execute();
    await db.insertInto('zones').values({ id: 'z1', name: 'A', hourly_rate_paise: 4000, is_active: 1, created_at: T }).execute();
    await db.insertInto('slots').values([{ id: 's1', zone_id: 'z1', slot_number: 'A-01' }, { id: 's2', zone_id: 'z1', slot_number: 'A-02' }]).execute();
    await db.insertInto('parkers').values({ id: 'p1', email: 'p@example.com', password_hash: 'h', created_at: T }).execute();
    await db.insertInto('payments').values({
      id: 'pay1', owner: 'kiosk:k1', kiosk_id: 'k1', booking_id: null, session_id: 'sess1', idempotency_key: 'i1', amount_paise: 4000, gateway: 'sim',
      merchant_ref: 'm1', gateway_ref: 'g1', gateway_payment_id: null, upi_uri: null, vehicle_number: 'KA01AB0001', status: 'SUCCESS', late: 0,
      review_reason: null, paid_amount_paise: 4000, refunded_paise: 0, created_at: T, expires_at: T + 300_000, completed_at: T + 60_000, closed_at: null,
      next_poll_at: null, poll_count: 2, updated_at: T + 60_000,
    }).execute();
    await db.insertInto('bookings').values({
      id: 'b1', parker_id: 'p1', zone_id: 'z1', slot_id: 's1', vehicle_number: 'KA01AB0002', code: 'QR-1', status: 'BOOKED', booked_at: T, cancelled_at: null,
      payment_id: null, prepay_paise: 0, refund_paise: null,
    }).execute();
  }

  const rows = async () => ({
    kiosks: await db.selectFrom('kiosks').select(['id', 'name', 'signing_key']).execute(),
    zones: await db.selectFrom('zones').select(['id', 'name', 'hourly_rate_paise', 'is_active']).execute(),
    slots: await db.selectFrom('slots').select(['id', 'zone_id', 'slot_number']).orderBy('id').execute(),
    payments: (await db.selectFrom('payments').select(['id', 'status', 'amount_paise', 'poll_count']).execute()).map((p) => ({ ...p, amount_paise: Number(p.amount_paise) })),
    bookings: await db.selectFrom('bookings').select(['id', 'slot_id', 'status', 'code']).execute(),
  });

  it('0001 -> 9000_sync: rows kept; the sync counter starts at 0 and the sync tables are empty', async () => {
    await migrateTo('0001_initial');
    await seedV1();
    const before = await rows();
    await migrateTo('9000_sync');
    expect(await rows()).toEqual(before);
    const counter = await db.selectFrom('sync_counter').selectAll().execute();
    expect(counter.map((c) => ({ ...c, seq: Number(c.seq), server_seq: Number(c.server_seq) }))).toEqual([{ id: 1, seq: 0, server_seq: 0, hlc: '' }]);
    for (const t of ['sync_kiosks', 'sync_events', 'sync_changes', 'sync_sessions', 'sync_entities']) {
      const n = await db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(n.n), t).toBe(0);
    }
  });

  it('9000_sync -> 9100_booking_sync: rows kept; an unreleased booking still holds its slot, a released one no longer does', async () => {
    await migrateTo('9000_sync');
    await seedV1();
    await db.insertInto('sync_kiosks').values({ kiosk_id: 'k1', last_seq: 7, cursor: 3, last_push_at: T, last_pull_at: T, clock_offset_ms: 12 }).execute();
    const before = await rows();
    await migrateTo('9100_booking_sync');
    expect(await rows()).toEqual(before);
    const b1 = await db.selectFrom('bookings').select(['released_at', 'session_status', 'cancel_seq', 'refund_state', 'review_reason']).where('id', '=', 'b1').executeTakeFirstOrThrow();
    expect(b1).toEqual({ released_at: null, session_status: null, cancel_seq: null, refund_state: null, review_reason: null });
    expect(Number((await db.selectFrom('sync_kiosks').select('last_seq').executeTakeFirstOrThrow()).last_seq)).toBe(7);
    const second = { id: 'b2', parker_id: 'p1', zone_id: 'z1', slot_id: 's1', vehicle_number: 'KA01AB0003', code: 'QR-2', status: 'BOOKED', booked_at: T + 1, prepay_paise: 0 };
    await expect(db.insertInto('bookings').values(second).execute()).rejects.toThrow(/unique|UNIQUE/);
    await db.updateTable('bookings').set({ released_at: T + 5 }).where('id', '=', 'b1').execute();
    await db.insertInto('bookings').values(second).execute();
  });

  it('9800 -> 9950_validation_redemptions: rows kept; no redemptions; the status is checked', async () => {
    await migrateTo('9800_e_receipt_tokens');
    await seedV1();
    const before = await rows();
    await migrateTo('9950_validation_redemptions');
    expect(await rows()).toEqual(before);
    expect(await db.selectFrom('validation_redemptions').selectAll().execute()).toEqual([]);
    const use = { event_id: 'e1', validation_id: 'v1', code_id: 'c1', kiosk_id: 'k1', session_id: 's1', program_id: 'p1', merchant_id: 'm1', hlc: 'h', received_at: T };
    await db.insertInto('validation_redemptions').values({ ...use, status: 'CANONICAL' }).execute();
    await expect(db.insertInto('validation_redemptions').values({ ...use, event_id: 'e2', status: 'MAYBE' }).execute()).rejects.toThrow(/check/i);
  });

  it('9950 -> 9960_pass_movements: rows kept; no movements; direction and status are checked', async () => {
    await migrateTo('9950_validation_redemptions');
    await seedV1();
    const before = await rows();
    await migrateTo('9960_pass_movements');
    expect(await rows()).toEqual(before);
    expect(await db.selectFrom('pass_movements').selectAll().execute()).toEqual([]);
    const m = { event_id: 'e1', movement_id: 'm1', pass_id: 'p1', kiosk_id: 'k1', direction: 'ENTRY', session_id: 's1', hlc: 'h', status: 'OK', flag: null, received_at: T };
    await db.insertInto('pass_movements').values(m).execute();
    await expect(db.insertInto('pass_movements').values({ ...m, event_id: 'e2', status: 'MAYBE' }).execute()).rejects.toThrow(/check/i);
    await expect(db.insertInto('pass_movements').values({ ...m, event_id: 'e3', direction: 'SIDEWAYS' }).execute()).rejects.toThrow(/check/i);
  });

  it('9950 -> 9980_facilities: one facility "main" (named by the gates\' settings) holds every row; zone names are unique per facility', async () => {
    await migrateTo('9950_validation_redemptions');
    await seedV1();
    await db.insertInto('sync_kiosks').values({ kiosk_id: 'k1', last_seq: 2, cursor: 5, last_push_at: T, last_pull_at: T, clock_offset_ms: 0 }).execute();
    const event = (id: string, seq: number, type: string, payload: unknown) => ({
      id, kiosk_id: 'k1', seq, hlc: `00176700000000${seq}-000000-k1`, type, entity_id: null, payload: JSON.stringify(payload), schema_version: 2, outcome: 'APPLIED', error: null, received_at: T,
    });
    await db.insertInto('sync_events').values([
      event('e1', 1, 'settings.updated', { settings: { facilityName: 'Old Name', timeZone: 'UTC' }, operatorId: null }),
      event('e2', 2, 'settings.updated', { settings: { facilityName: 'City Centre Parking', timeZone: 'Asia/Kolkata' }, operatorId: null }),
    ]).execute();
    await db.insertInto('sync_changes').values({ seq: 5, entity_type: 'zone', entity_id: 'z1', origin_kiosk_id: 'k1', data: '{}', created_at: T }).execute();
    await db.insertInto('sync_sessions').values({ id: 'sess1', zone_id: 'z1', slot_id: 's2', vehicle_number: 'KA01AB0001', status: 'PARKED', is_open: 1, creation_hlc: 'h', conflict: 0, amount_paid_paise: 0, data: '{}', updated_at: T }).execute();
    await db.insertInto('sync_entities').values({ entity_type: 'zone', entity_id: 'z1', natural_key: 'a', hlc: 'h', data: '{}', updated_at: T }).execute();
    const before = await rows();
    const changes = await db.selectFrom('sync_changes').select(['seq', 'entity_id']).execute();
    await migrateTo('9980_facilities');
    expect(await rows()).toEqual(before);
    expect((await db.selectFrom('sync_changes').select(['seq', 'entity_id']).execute()).map((c) => ({ ...c, seq: Number(c.seq) }))).toEqual(changes.map((c) => ({ ...c, seq: Number(c.seq) })));
    const facilities = await db.selectFrom('facilities').select(['id', 'name', 'time_zone']).execute();
    expect(facilities).toEqual([{ id: 'main', name: 'City Centre Parking', time_zone: 'Asia/Kolkata' }]);
    for (const t of ['kiosks', 'zones', 'bookings', 'payments', 'sync_kiosks', 'sync_events', 'sync_changes', 'sync_sessions', 'sync_entities']) {
      const f = await db.selectFrom(t).select('facility_id').execute();
      expect(f.length, t).toBeGreaterThan(0);
      expect(new Set(f.map((r) => r.facility_id)), t).toEqual(new Set(['main']));
    }
    // Zone names: unique within a facility, free across facilities; the slots' and bookings' foreign keys still hold.
    await db.insertInto('facilities').values({ id: 'f2', name: 'Airport', time_zone: 'Asia/Kolkata', created_at: T, updated_at: T }).execute();
    await db.insertInto('zones').values({ id: 'z2', facility_id: 'f2', name: 'A', hourly_rate_paise: 3000, is_active: 1, created_at: T }).execute();
    await expect(db.insertInto('zones').values({ id: 'z3', facility_id: 'main', name: 'A', hourly_rate_paise: 3000, is_active: 1, created_at: T }).execute()).rejects.toThrow(/unique|UNIQUE/);
    await db.insertInto('slots').values({ id: 's3', zone_id: 'z2', slot_number: 'A-01' }).execute();
    await expect(db.insertInto('slots').values({ id: 's4', zone_id: 'no-such-zone', slot_number: 'X' }).execute()).rejects.toThrow(/foreign|FOREIGN/i);
    await expect(db.insertInto('bookings').values({
      id: 'b9', parker_id: 'p1', zone_id: 'z1', slot_id: 's1', vehicle_number: 'KA01AB0009', code: 'QR-9', status: 'BOOKED', booked_at: T + 1, prepay_paise: 0,
    }).execute()).rejects.toThrow(/unique|UNIQUE/); // s1 is still held by b1
  });

  it('9980_facilities without pushed settings names the facility "Facility 1" in Asia/Kolkata', async () => {
    await migrateTo('9950_validation_redemptions');
    await seedV1();
    await migrateTo('9980_facilities');
    expect(await db.selectFrom('facilities').select(['id', 'name', 'time_zone']).execute()).toEqual([{ id: 'main', name: 'Facility 1', time_zone: 'Asia/Kolkata' }]);
  });

  it('9980 -> 9981_zones_once: every published zone moves from the JSON into zones/slots (the mirror completed), nothing lost; names stay unique per facility', async () => {
    await migrateTo('9980_facilities');
    await seedV1(); // server-made zone z1 "A" (slots s1, s2) with booking b1 in s1
    await db.insertInto('facilities').values({ id: 'f2', name: 'Airport', time_zone: 'Asia/Kolkata', created_at: T, updated_at: T }).execute();
    const zone = (id: string, name: string, position: number, extra: Record<string, unknown> = {}) => ({
      id, name, position, hourly_rate_paise: 3000, is_active: 1, grace_minutes: 5, daily_cap_paise: 20000, lost_ticket_fee_paise: null, exit_grace_minutes: 15,
      created_at: T + 1, updated_at: T + 2, ...extra,
    });
    const entity = (id: string, facility: string, hlc: string, zoneJson: unknown, slots: unknown[], at: number) => ({
      entity_type: 'zone', entity_id: id, facility_id: facility, natural_key: 'x', hlc, data: JSON.stringify({ zone: zoneJson, slots }), updated_at: at,
    });
    // g1: published in main, already mirrored (a stale rate in the mirror, one slot not mirrored yet); its name "a" takes the name from z1 (server-made).
    await db.insertInto('zones').values({ id: 'g1', facility_id: 'main', name: 'Old', hourly_rate_paise: 1000, is_active: 1, created_at: T }).execute();
    await db.insertInto('slots').values({ id: 'g1s1', zone_id: 'g1', slot_number: 'A-01' }).execute();
    // g2: published in f2, never mirrored, named like g1 (another facility: allowed); g3: published in main with g1's name (g1 keeps it).
    await db.insertInto('sync_entities').values([
      entity('g1', 'main', 'hlc-g1', zone('g1', 'a', 1), [{ id: 'g1s1', slot_number: 'A-01', position: 1 }, { id: 'g1s2', slot_number: 'A-02', position: 2 }], T + 10),
      entity('g2', 'f2', 'hlc-g2', zone('g2', 'a', 1, { lost_ticket_fee_paise: 50000, is_active: 0 }), [{ id: 'g2s1', slot_number: 'P-1', position: 1 }], T + 11),
      entity('g3', 'main', 'hlc-g3', zone('g3', 'A', 2), [{ id: 'g3s1', slot_number: 'B-01', position: 1 }], T + 12),
      { entity_type: 'operator', entity_id: 'op1', facility_id: 'main', natural_key: 'admin', hlc: 'h', data: '{"operator":{"id":"op1"}}', updated_at: T },
    ]).execute();
    await migrateTo('9981_zones_once');

    const zones = await db.selectFrom('zones').selectAll().orderBy('id').execute();
    const norm = (z: Record<string, unknown>) => Object.fromEntries(Object.entries(z).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v]));
    expect(zones.map(norm)).toEqual([
      { ...zone('g1', 'a', 1), facility_id: 'main', hlc: 'hlc-g1', synced_at: T + 10 },
      { ...zone('g2', 'a', 1, { lost_ticket_fee_paise: 50000, is_active: 0 }), facility_id: 'f2', hlc: 'hlc-g2', synced_at: T + 11 },
      { ...zone('g3', 'A~' + 'g3'.slice(-6), 2), facility_id: 'main', hlc: 'hlc-g3', synced_at: T + 12 },
      // The server-made zone gave its name to the gates' one and no longer takes bookings; its own fields are defaults, its slots numbered.
      { id: 'z1', facility_id: 'main', name: 'A~z1', hourly_rate_paise: 4000, is_active: 0, created_at: T, position: 0, grace_minutes: 0, daily_cap_paise: null,
        lost_ticket_fee_paise: null, exit_grace_minutes: 0, updated_at: T, hlc: null, synced_at: null },
    ]);
    expect(await db.selectFrom('slots').select(['id', 'zone_id', 'slot_number', 'position']).orderBy('id').execute()).toEqual([
      { id: 'g1s1', zone_id: 'g1', slot_number: 'A-01', position: 1 },
      { id: 'g1s2', zone_id: 'g1', slot_number: 'A-02', position: 2 },
      { id: 'g2s1', zone_id: 'g2', slot_number: 'P-1', position: 1 },
      { id: 'g3s1', zone_id: 'g3', slot_number: 'B-01', position: 1 },
      { id: 's1', zone_id: 'z1', slot_number: 'A-01', position: 1 },
      { id: 's2', zone_id: 'z1', slot_number: 'A-02', position: 2 },
    ]);
    // Zones are no longer kept as JSON; other entities stay; the booking in the server-made zone keeps its slot.
    expect(await db.selectFrom('sync_entities').select(['entity_type', 'entity_id']).execute()).toEqual([{ entity_type: 'operator', entity_id: 'op1' }]);
    expect(await db.selectFrom('bookings').select(['id', 'zone_id', 'slot_id']).execute()).toEqual([{ id: 'b1', zone_id: 'z1', slot_id: 's1' }]);
    await expect(db.insertInto('zones').values({ id: 'z9', facility_id: 'main', name: 'a', hourly_rate_paise: 0, is_active: 1, created_at: T }).execute()).rejects.toThrow(/unique|UNIQUE/);
    await db.insertInto('zones').values({ id: 'z9', facility_id: 'f2', name: 'B', hourly_rate_paise: 0, is_active: 1, created_at: T }).execute();

    // And back: the published zones return to the JSON, with every field and slot.
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => Object.fromEntries(NAMES.filter((n) => n <= '9981_zones_once').map((n) => [n, SERVER_MIGRATIONS[n]!])) } })
      .migrateDown();
    if (error) throw error;
    const back = await db.selectFrom('sync_entities').select(['entity_id', 'facility_id', 'hlc', 'data']).where('entity_type', '=', 'zone').orderBy('entity_id').execute();
    expect(back.map((b) => ({ ...b, data: JSON.parse(b.data) }))).toEqual([
      { entity_id: 'g1', facility_id: 'main', hlc: 'hlc-g1', data: { zone: zone('g1', 'a', 1), slots: [{ id: 'g1s1', slot_number: 'A-01', position: 1 }, { id: 'g1s2', slot_number: 'A-02', position: 2 }] } },
      { entity_id: 'g2', facility_id: 'f2', hlc: 'hlc-g2', data: { zone: zone('g2', 'a', 1, { lost_ticket_fee_paise: 50000, is_active: 0 }), slots: [{ id: 'g2s1', slot_number: 'P-1', position: 1 }] } },
      { entity_id: 'g3', facility_id: 'main', hlc: 'hlc-g3', data: { zone: zone('g3', 'A~g3', 2), slots: [{ id: 'g3s1', slot_number: 'B-01', position: 1 }] } },
    ]);
  });

  it('a 9100 database migrates to the latest and keeps its rows', async () => {
    await migrateTo('9100_booking_sync');
    await seedV1();
    const before = await rows();
    await migrateToLatest(db);
    expect(await rows()).toEqual(before);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    expect(applied.rows.map((r) => r.name)).toEqual(NAMES);
  });

  it('9800 -> 9920_invoice_series: rows kept; one gate per prefix', async () => {
    await migrateTo('9800_e_receipt_tokens');
    await seedV1();
    const before = await rows();
    await migrateTo('9920_invoice_series');
    expect(await rows()).toEqual(before);
    await db.insertInto('invoice_series').values({ prefix: 'G01', kiosk_id: 'k1', claimed_at: T }).execute();
    await expect(db.insertInto('invoice_series').values({ prefix: 'G01', kiosk_id: 'k2', claimed_at: T }).execute()).rejects.toThrow(/unique|UNIQUE|duplicate/);
  });

  it('Kysely refuses a new migration that sorts before one already applied (why new files take the next free hundred after 9100_)', async () => {
    await migrateToLatest(db);
    const late = { ...SERVER_MIGRATIONS, '0500_late_addition': { up: async () => undefined } };
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => late } }).migrateToLatest();
    expect(String(error)).toMatch(/corrupted migrations/);
  });
});
