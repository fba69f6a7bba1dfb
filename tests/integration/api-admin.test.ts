/** Auth, zones, slots, vehicles, operators, audit, integrity, health and dev methods through HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './kiosk-harness.js';

let h: Harness;
let admin: string;
let supervisor: string;
let attendant: string;

beforeAll(async () => {
  h = await startHarness();
  await h.setClock('2026-05-01T10:00:00.000Z');
  admin = await h.login('admin');
  supervisor = await h.login('supervisor');
  attendant = await h.login('attendant');
});
afterAll(() => h.close());

describe('system.health and dev.setClock', () => {
  it('health answers without a token', async () => {
    const r = await h.post('system.health');
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ db: 'ok', online: false, lastSyncAt: null, needsSetup: false });
    expect(r.json.data.pendingEvents).toBeGreaterThan(0);
    expect(typeof r.json.data.version).toBe('string');
  });

  it('dev.setClock validates its input and moves the core clock', async () => {
    expect((await h.post('dev.setClock', { now: 'yesterday' })).json.error.code).toBe('VALIDATION_FAILED');
    await h.setClock('2026-05-02T00:00:00.000Z');
    expect((await h.post('system.health')).json.data.now).toBe('2026-05-02T00:00:00.000Z');
  });

  it('without --fake-clock, dev.setClock does not exist (404)', async () => {
    const plain = await startHarness({ fakeClock: false });
    try {
      const r = await plain.post('dev.setClock', { now: '2026-01-01T00:00:00Z' });
      expect(r.status).toBe(404);
      expect(r.json.error.code).toBe('NOT_FOUND');
    } finally {
      await plain.close();
    }
  });
});

describe('auth', () => {
  it('logs in, returns the operator, and auth.me agrees', async () => {
    const r = await h.post('auth.login', { username: 'Cashier', pin: '2468' });
    expect(r.json.data.operator).toMatchObject({ username: 'cashier', role: 'CASHIER', name: 'Cashier' });
    const me = await h.post('auth.me', {}, r.json.data.token);
    expect(me.json.data).toMatchObject({ username: 'cashier', role: 'CASHIER' });
  });

  it('a wrong PIN or user is UNAUTHENTICATED with one message; 5 wrong PINs lock the account for 5 minutes', async () => {
    admin = await h.login('admin'); // the clock moved a day above: earlier tokens have expired
    const wrongUser = await h.post('auth.login', { username: 'nobody', pin: '2468' });
    expect(wrongUser.status).toBe(401);
    expect((await h.post('operators.create', { username: 'lockme', name: 'Lock Me', role: 'ATTENDANT', pin: '1357' }, admin)).json.ok).toBe(true);
    for (let i = 0; i < 4; i += 1) {
      const r = await h.post('auth.login', { username: 'lockme', pin: '0000' });
      expect(r.json.error).toMatchObject({ code: 'UNAUTHENTICATED', message: wrongUser.json.error.message });
    }
    expect((await h.post('auth.login', { username: 'lockme', pin: '0000' })).json.error.code).toBe('UNAUTHENTICATED');
    // Locked: the same answer as a wrong PIN (no hint that the name exists), the lock in details.
    const locked = await h.post('auth.login', { username: 'lockme', pin: '1357' });
    expect(locked.status).toBe(401);
    expect(locked.json.error).toMatchObject({ code: 'UNAUTHENTICATED', message: wrongUser.json.error.message, details: { triesLeft: 0 } });
    const now = Date.parse((await h.post('system.health')).json.data.now);
    expect(locked.json.error.details.lockedUntil).toBe(new Date(now + 5 * 60_000).toISOString());
    await h.setClock(new Date(now + 5 * 60_000 - 1000).toISOString());
    expect((await h.post('auth.login', { username: 'lockme', pin: '1357' })).json.error.details.triesLeft).toBe(0);
    await h.setClock(new Date(now + 5 * 60_000 + 1).toISOString());
    expect((await h.post('auth.login', { username: 'lockme', pin: '1357' })).json.ok).toBe(true);
  });

  it('a token expires after 12 hours', async () => {
    const t = await h.login('attendant');
    const now = Date.parse((await h.post('system.health')).json.data.now);
    await h.setClock(new Date(now + 12 * 3600_000 + 1).toISOString());
    expect((await h.post('zones.list', {}, t)).json.error.code).toBe('UNAUTHENTICATED');
    admin = await h.login('admin');
    supervisor = await h.login('supervisor');
    attendant = await h.login('attendant');
  });

  it('auth.setup works only while no operator exists', async () => {
    expect((await h.post('auth.setup', { username: 'boss', name: 'Boss', pin: '9999' })).json.error.code).toBe('FORBIDDEN');
    const fresh = await startHarness({ seedDemo: false });
    try {
      expect((await fresh.post('system.health')).json.data.needsSetup).toBe(true);
      expect((await fresh.post('auth.setup', { username: 'boss', name: 'Boss', pin: '12' })).json.error.code).toBe('VALIDATION_FAILED');
      const r = await fresh.post('auth.setup', { username: 'boss', name: 'Boss', pin: '9999' });
      expect(r.json.data.operator).toMatchObject({ username: 'boss', role: 'ADMIN' });
      expect((await fresh.post('system.health')).json.data.needsSetup).toBe(false);
    } finally {
      await fresh.close();
    }
  });
});

describe('zones and slots', () => {
  it('creates a zone with tariff options, adds slots, lists occupancy', async () => {
    const z = (await h.post('zones.create', { name: 'P1', hourlyRatePaise: 3000, tariff: { graceMinutes: 10, dailyCapPaise: 20000 } }, supervisor)).json.data;
    expect(z).toMatchObject({ name: 'P1', hourlyRatePaise: 3000, isActive: true, totalSlots: 0, availableSlots: 0,
      tariff: { graceMinutes: 10, dailyCapPaise: 20000, lostTicketFeePaise: null, exitGraceMinutes: 15 } });
    const slots = (await h.post('slots.create', { zoneId: z.id, slotNumbers: ['p1-01', 'P1-02'] }, supervisor)).json.data;
    expect(slots.map((s: any) => s.slotNumber)).toEqual(['P1-01', 'P1-02']);
    expect((await h.post('slots.create', { zoneId: z.id, slotNumbers: ['P1-02'] }, supervisor)).json.error.code).toBe('CONFLICT');
    expect((await h.post('slots.create', { zoneId: z.id, slotNumbers: ['X', 'X'] }, supervisor)).json.error.code).toBe('VALIDATION_FAILED');
    expect((await h.post('slots.create', { zoneId: 'missing', slotNumbers: ['X'] }, supervisor)).json.error.code).toBe('NOT_FOUND');
    await h.post('gate.issueTicket', { vehicleNumber: 'GJ05XY7777', zoneId: z.id }, attendant);
    const listed = (await h.post('slots.list', { zoneId: z.id }, attendant)).json.data;
    expect(listed[0]).toMatchObject({ slotNumber: 'P1-01', isOccupied: true, currentVehicle: 'GJ05XY7777' });
    expect(listed[1]).toMatchObject({ slotNumber: 'P1-02', isOccupied: false, currentVehicle: null });
    const zones = (await h.post('zones.list', {}, attendant)).json.data;
    expect(zones.find((x: any) => x.id === z.id)).toMatchObject({ totalSlots: 2, availableSlots: 1 });
  });

  it('updates rate, tariff and active flag; a duplicate name is CONFLICT; bad input VALIDATION_FAILED', async () => {
    const zones = (await h.post('zones.list', {}, attendant)).json.data;
    const a = zones.find((z: any) => z.name === 'A');
    const u = (await h.post('zones.update', { zoneId: a.id, hourlyRatePaise: 5000, tariff: { exitGraceMinutes: 0 } }, supervisor)).json.data;
    expect(u).toMatchObject({ hourlyRatePaise: 5000, tariff: { exitGraceMinutes: 0, graceMinutes: 5 } });
    expect((await h.post('zones.update', { zoneId: a.id, name: 'b' }, supervisor)).json.error.code).toBe('CONFLICT');
    expect((await h.post('zones.create', { name: 'A', hourlyRatePaise: 1 }, supervisor)).json.error.code).toBe('CONFLICT');
    expect((await h.post('zones.create', { name: 'Neg', hourlyRatePaise: -1 }, supervisor)).json.error.code).toBe('VALIDATION_FAILED');
    expect((await h.post('zones.create', { name: 'Frac', hourlyRatePaise: 10.5 }, supervisor)).json.error.code).toBe('VALIDATION_FAILED');
    expect((await h.post('zones.update', { zoneId: 'missing', hourlyRatePaise: 1 }, supervisor)).json.error.code).toBe('NOT_FOUND');
    await h.post('zones.update', { zoneId: a.id, hourlyRatePaise: 4000, tariff: { exitGraceMinutes: 15 } }, supervisor);
  });
});

describe('vehicles.search', () => {
  it('finds by part of the plate with the open session', async () => {
    await h.post('gate.issueTicket', { vehicleNumber: 'TN09CD4321' }, attendant);
    const r = (await h.post('vehicles.search', { q: 'cd 43' }, attendant)).json.data;
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ vehicleNumber: 'TN09CD4321', openSession: { status: 'PARKED' } });
    expect((await h.post('vehicles.search', { q: '' }, attendant)).json.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('operators', () => {
  it('creates, lists, updates; duplicate usernames are CONFLICT; the last admin is protected', async () => {
    const op = (await h.post('operators.create', { username: 'ravi', name: 'Ravi K', role: 'CASHIER', pin: '4321' }, admin)).json.data;
    expect(op).toMatchObject({ username: 'ravi', role: 'CASHIER', isActive: true });
    expect(JSON.stringify(op)).not.toMatch(/pin/i);
    expect((await h.post('operators.create', { username: 'ravi', name: 'Other', role: 'CASHIER', pin: '4321' }, admin)).json.error.code).toBe('CONFLICT');
    expect((await h.post('operators.create', { username: 'x y', name: 'Bad', role: 'CASHIER', pin: '4321' }, admin)).json.error.code).toBe('VALIDATION_FAILED');
    expect((await h.post('operators.create', { username: 'zed', name: 'Zed', role: 'KING', pin: '4321' }, admin)).json.error.code).toBe('VALIDATION_FAILED');
    const t = await h.login('ravi', '4321');
    const demoted = (await h.post('operators.update', { operatorId: op.id, role: 'ATTENDANT', pin: '8642' }, admin)).json.data;
    expect(demoted.role).toBe('ATTENDANT');
    expect((await h.post('zones.list', {}, t)).json.error.code).toBe('UNAUTHENTICATED');
    expect((await h.post('auth.login', { username: 'ravi', pin: '8642' })).json.ok).toBe(true);
    await h.post('operators.update', { operatorId: op.id, isActive: false }, admin);
    expect((await h.post('auth.login', { username: 'ravi', pin: '8642' })).json.error.code).toBe('FORBIDDEN');
    const list = (await h.post('operators.list', {}, admin)).json.data;
    const adminOp = list.find((o: any) => o.username === 'admin');
    expect((await h.post('operators.update', { operatorId: adminOp.id, role: 'CASHIER' }, admin)).json.error.code).toBe('CONFLICT');
    expect((await h.post('operators.update', { operatorId: 'missing', name: 'x' }, admin)).json.error.code).toBe('NOT_FOUND');
    const pinHashes = h.kiosk.ctx.store.sqlite.prepare('SELECT pin_hash FROM operators').all() as { pin_hash: string }[];
    expect(pinHashes.every((r) => r.pin_hash.startsWith('scrypt$') && !r.pin_hash.includes('2468'))).toBe(true);
  });
});

describe('audit and integrity', () => {
  it('lists audit entries newest first, filters by entity, and detects a tampered row', async () => {
    const list = (await h.post('audit.list', { limit: 5 }, supervisor)).json.data;
    expect(list).toHaveLength(5);
    expect(list[0].id).toBeGreaterThan(list[4].id);
    const older = (await h.post('audit.list', { limit: 2, beforeId: list[4].id }, supervisor)).json.data;
    expect(older[0].id).toBeLessThan(list[4].id);
    expect((await h.post('audit.verify', {}, supervisor)).json.data.ok).toBe(true);
    expect((await h.post('integrity.check', {}, supervisor)).json.data.ok).toBe(true);

    const db = h.kiosk.ctx.store.sqlite;
    expect(() => db.prepare(`UPDATE audit_log SET action = 'x' WHERE id = 3`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE id = 3').run()).toThrow(/append-only/);
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare(`UPDATE audit_log SET details = '{"amountPaise":1}' WHERE id = 3`).run();
    const verify = (await h.post('audit.verify', {}, supervisor)).json.data;
    expect(verify).toMatchObject({ ok: false, brokenAt: 3 });
    const integrity = (await h.post('integrity.check', {}, supervisor)).json.data;
    expect(integrity.ok).toBe(false);
    expect(integrity.findings.map((f: any) => f.check)).toContain('audit_chain');
  });

  it('integrity.check names the ids behind each broken invariant', async () => {
    const fresh = await startHarness();
    try {
      const att = await fresh.login('attendant');
      const sup = await fresh.login('supervisor');
      const s = (await fresh.post('gate.issueTicket', { vehicleNumber: 'AP28Z1111' }, att)).json.data;
      const db = fresh.kiosk.ctx.store.sqlite;
      db.prepare('UPDATE slots SET current_session_id = NULL WHERE current_session_id = ?').run(s.id);
      db.prepare(`UPDATE sessions SET status = 'COMPLETED', exit_at = entry_at + 1000, amount_due_paise = 4000 WHERE id = ?`).run(s.id);
      const r = (await fresh.post('integrity.check', {}, sup)).json.data;
      expect(r.ok).toBe(false);
      const unpaid = r.findings.find((f: any) => f.check === 'unpaid_exits');
      expect(unpaid.ids).toEqual([s.id]);
    } finally {
      await fresh.close();
    }
  });
});
