/**
 * Session events as what changed (sync protocol 3): after the first event of a session, a kiosk
 * writes only the changed fields against the previous event (`base`); the server resolves each
 * delta and stores the full rows, which equal the kiosk's rows; a delta whose base the server has
 * not applied is parked; after a restart the kiosk starts again from full rows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paymentSnapSchema, sessionSnapSchema, SYNC_PROTOCOL_VERSION } from '../../src-shared/contracts/sync.js';
import { call, memoryServer, openKiosk, reopenKiosk, serverSessions, tempDir, TestClock, type TestKiosk } from './harness.js';

type Row = { id: string; type: string; payload: string };

describe('sync: delta session events', () => {
  let clock: TestClock;
  let server: Awaited<ReturnType<typeof memoryServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let k: TestKiosk;
  beforeEach(async () => {
    clock = new TestClock(Date.UTC(2026, 5, 1, 8, 0, 0));
    server = await memoryServer(clock.now);
    tmp = tempDir();
    k = await openKiosk(tmp.dir, 'gate-a', clock, () => server.service, true);
    await call(k, 'shifts.open', { openingFloatPaise: 10_000 }, 'cashier');
  });
  afterEach(async () => {
    await k.kiosk.close();
    await server.close();
    tmp.cleanup();
  });

  const outbox = (sessionId: string) => k.kiosk.ctx.store.sqlite.prepare('SELECT id, type, payload FROM outbox WHERE entity_id = ? ORDER BY seq').all(sessionId) as Row[];
  const stored = async (id: string) => {
    const r = await server.db.selectFrom('sync_events' as never).select(['payload', 'outcome', 'error'] as never).where('id' as never, '=', id as never).executeTakeFirstOrThrow() as { payload: string; outcome: string; error: string | null };
    return { ...r, payload: JSON.parse(r.payload) as Record<string, unknown> };
  };

  async function exit(plate: string): Promise<string> {
    const s = await call<{ id: string; code: string }>(k, 'gate.issueTicket', { vehicleNumber: plate }, 'attendant');
    clock.advance(90 * 60_000);
    await call(k, 'gate.quoteExit', { code: s.code }, 'attendant');
    await call(k, 'gate.payCash', { sessionId: s.id, tenderedPaise: 50_000 }, 'cashier');
    return s.id;
  }

  it('the first event carries the full rows, the later ones what changed; the server stores the full rows, equal to the kiosk\'s', async () => {
    const id = await exit('KA03DE0001');
    const events = outbox(id);
    expect(events.map((e) => e.type)).toEqual(['session.ticketIssued', 'session.quoted', 'session.completed']);
    const [issued, quoted, completed] = events.map((e) => JSON.parse(e.payload) as { base?: string; session: Record<string, unknown>; payment: Record<string, unknown> | null });
    expect(issued!.base).toBeUndefined();
    expect(Object.keys(issued!.session).sort()).toEqual(Object.keys(sessionSnapSchema.shape).sort());
    expect(quoted).toMatchObject({ base: events[0]!.id, session: { id, status: 'EXITING' }, payment: null });
    expect(Object.keys(quoted!.session).sort()).toEqual(['amount_due_paise', 'id', 'quote_amount_paise', 'quote_valid_until', 'quoted_at', 'status', 'updated_at']);
    expect(completed).toMatchObject({ base: events[1]!.id, session: { id, status: 'COMPLETED' }, payment: { method: 'CASH', status: 'SUCCESS' } });
    expect(completed!.session).not.toHaveProperty('code');
    expect(events.reduce((n, e) => n + e.payload.length, 0)).toBeLessThan(2200); // full rows every time: about 2,850 bytes

    await k.worker.syncNow();
    const db = k.kiosk.ctx.store.sqlite;
    const session = sessionSnapSchema.parse(db.prepare('SELECT * FROM sessions WHERE id = ?').get(id));
    const payment = paymentSnapSchema.parse(db.prepare('SELECT * FROM payments WHERE session_id = ?').get(id));
    const last = await stored(events[2]!.id);
    expect(last.outcome).toBe('APPLIED');
    expect(last.payload).not.toHaveProperty('base');
    expect(sessionSnapSchema.parse(last.payload.session)).toEqual({ ...session, updated_at: (last.payload.session as { updated_at: number }).updated_at });
    expect(last.payload.payment).toEqual(payment);
    expect((await serverSessions(server.service)).find((s) => s.id === id)).toMatchObject({ status: 'COMPLETED', paid: session.amount_paid_paise, due: session.amount_due_paise, exit: session.exit_at });
  });

  it('a delta whose base the server has not applied is parked with the reason; the events before it apply', async () => {
    const s = await call<{ id: string; code: string }>(k, 'gate.issueTicket', { vehicleNumber: 'KA03DE0002' }, 'attendant');
    await k.worker.syncNow();
    const [issued] = outbox(s.id);
    const seq = (k.kiosk.ctx.store.sqlite.prepare('SELECT MAX(seq) AS s FROM outbox').get() as { s: number }).s;
    const res = await server.service.push('gate-a', {
      protocolVersion: SYNC_PROTOCOL_VERSION,
      events: [
        { id: 'd-1', seq: seq + 1, hlc: `${'9'.repeat(15)}-000000-gate-a`, type: 'session.quoted', entityId: s.id, schemaVersion: 3, createdAt: clock.now(), payload: { base: 'no-such-event', session: { id: s.id, status: 'EXITING' }, payment: null, operatorId: null } },
        { id: 'd-2', seq: seq + 2, hlc: `${'9'.repeat(15)}-000001-gate-a`, type: 'session.quoted', entityId: s.id, schemaVersion: 3, createdAt: clock.now(), payload: { base: issued!.id, session: { id: s.id, status: 42 }, payment: null, operatorId: null } },
      ],
    });
    expect(res.results.map((r) => [r.id, r.outcome, r.reason])).toEqual([['d-1', 'REJECTED', 'MALFORMED'], ['d-2', 'REJECTED', 'MALFORMED']]);
    expect(res.results[0]!.error).toMatch(/changes event no-such-event, which this server has not applied/);
    expect(res.results[1]!.error).toMatch(/^MALFORMED: session\.quoted session\.status/);
    expect((await serverSessions(server.service)).find((x) => x.id === s.id)).toMatchObject({ status: 'PARKED' });
  });

  it('after a restart the next event of a session carries the full rows again, and the session still converges', async () => {
    const s = await call<{ id: string; code: string }>(k, 'gate.issueTicket', { vehicleNumber: 'KA03DE0003' }, 'attendant');
    clock.advance(30 * 60_000);
    k = await reopenKiosk(tmp.dir, k, clock, () => server.service);
    await call(k, 'gate.quoteExit', { code: s.code }, 'attendant');
    await call(k, 'gate.payCash', { sessionId: s.id, tenderedPaise: 50_000 }, 'cashier');
    const payloads = outbox(s.id).map((e) => JSON.parse(e.payload) as { base?: string });
    expect(payloads.map((p) => p.base !== undefined)).toEqual([false, false, true]);
    await k.worker.syncNow();
    const local = k.kiosk.ctx.store.sqlite.prepare('SELECT status, amount_paid_paise AS paid FROM sessions WHERE id = ?').get(s.id);
    expect((await serverSessions(server.service)).find((x) => x.id === s.id)).toMatchObject({ ...local as object, conflict: 0 });
  });

  it('a delta on a base of the same push stores the same rows, in the same key order, as one on a stored base', async () => {
    const id = await exit('KA03DE0004');
    const rows = k.kiosk.ctx.store.sqlite.prepare('SELECT id, seq, hlc, type, entity_id, payload, schema_version, created_at FROM outbox WHERE entity_id = ? ORDER BY seq')
      .all(id) as { id: string; seq: number; hlc: string; type: string; entity_id: string; payload: string; schema_version: number; created_at: number }[];
    const events = rows.map((r, i) => ({ id: r.id, seq: i + 1, hlc: r.hlc, type: r.type, entityId: r.entity_id, schemaVersion: r.schema_version, createdAt: r.created_at, payload: JSON.parse(r.payload) as { session: Record<string, unknown> } }));
    // A base without the optional vehicle_id and a delta that sets it: the stored rows put it in schema order, not last.
    delete events[0]!.payload.session.vehicle_id;
    events[1]!.payload.session.vehicle_id = 'veh-later';
    const together = await memoryServer(clock.now);
    const apart = await memoryServer(clock.now);
    try {
      await together.service.push('gate-x', { protocolVersion: SYNC_PROTOCOL_VERSION, events });
      for (const e of events) await apart.service.push('gate-x', { protocolVersion: SYNC_PROTOCOL_VERSION, events: [e] });
      const payloads = async (s: typeof together) => (await s.db.selectFrom('sync_events' as never).select(['id', 'outcome', 'payload'] as never)
        .where('kiosk_id' as never, '=', 'gate-x' as never).orderBy('seq' as never).execute()) as { id: string; outcome: string; payload: string }[];
      const a = await payloads(together);
      expect(a.map((r) => r.outcome)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
      expect(a).toEqual(await payloads(apart));
      const quoted = JSON.parse(a[1]!.payload) as { session: Record<string, unknown> };
      expect(quoted.session.vehicle_id).toBe('veh-later');
      expect(Object.keys(quoted.session)).toEqual(Object.keys(sessionSnapSchema.shape).filter((key) => key in quoted.session));
      expect(await serverSessions(together.service)).toEqual(await serverSessions(apart.service));
    } finally {
      await together.close();
      await apart.close();
    }
  });
});
