/**
 * Two gates and the server, in process: a ticket issued at A leaves at B after sync; with both
 * gates cut off, a ticket signed at A is billed at B from the ticket and A's synced key; double
 * exit, slot clash, supervisor resolution; everything converges and integrity holds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, heal, kioskSessions, openFacility, serverSessions, type Facility, type TestClock, type TestKiosk } from './harness.js';

const HOUR = 3600_000;

describe('sync: two gates and the server', () => {
  let facility: Facility;
  let clock: TestClock;
  let server: Facility['server'];
  let a: TestKiosk;
  let b: TestKiosk;

  beforeEach(async () => {
    facility = await openFacility(['gate-a', 'gate-b'], { rounds: 1, shifts: true });
    ({ clock, server, kiosks: [a, b] } = facility as Facility & { kiosks: [TestKiosk, TestKiosk] });
  });

  afterEach(() => facility.close());

  async function expectConverged() {
    await heal([a, b]);
    const sa = kioskSessions(a);
    const sb = kioskSessions(b);
    const ss = await serverSessions(server.service);
    expect(sb).toEqual(sa);
    expect(ss).toEqual(sa);
    for (const k of [a, b]) {
      const integrity = await call<{ ok: boolean; findings: unknown[] }>(k, 'integrity.check', {});
      expect(integrity.findings, k.name).toEqual([]);
      expect(k.worker.status().pendingEvents).toBe(0);
      expect(k.worker.status().parkedEvents).toBe(0);
    }
    return sa;
  }

  it('a new gate becomes usable after its first sync', async () => {
    const zones = await call<{ name: string; totalSlots: number }[]>(b, 'zones.list', {}, 'attendant');
    expect(zones.map((z) => [z.name, z.totalSlots])).toEqual([['A', 10], ['B', 5]]);
    await b.worker.syncNow();
    expect(b.worker.status()).toMatchObject({ enabled: true, online: true, pendingEvents: 0, parkedEvents: 0 });
  });

  it('ticket issued at A exits at B after sync', async () => {
    const s = await call<{ id: string; code: string }>(a, 'gate.issueTicket', { vehicleNumber: 'KA01AB1234' }, 'attendant');
    await a.worker.syncNow();
    await b.worker.syncNow();
    clock.advance(2 * HOUR + 60_000);
    const q = await call<{ amountDuePaise: number }>(b, 'gate.quoteExit', { code: s.code }, 'attendant');
    expect(q.amountDuePaise).toBe(3 * 4000);
    await call(b, 'gate.payCash', { sessionId: s.id, tenderedPaise: 20000 }, 'cashier');
    const sessions = await expectConverged();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ status: 'COMPLETED', paid: 12000, vehicle: 'KA01AB1234', conflict: 0 });
  });

  it('offline: ticket signed at A is billed at B from the ticket, histories merge', async () => {
    a.transport.online = false;
    b.transport.online = false;
    const s = await call<{ id: string; code: string }>(a, 'gate.issueTicket', { vehicleNumber: 'MH12XY0001' }, 'attendant');
    clock.advance(HOUR + 10 * 60_000);
    const q = await call<{ amountDuePaise: number; sessionId: string }>(b, 'gate.quoteExit', { code: s.code }, 'attendant');
    expect(q.sessionId).toBe(s.id);
    expect(q.amountDuePaise).toBe(2 * 4000);
    await call(b, 'gate.payCash', { sessionId: s.id, tenderedPaise: 8000 }, 'cashier');
    await expect(b.worker.syncNow()).rejects.toThrow();
    expect(b.worker.status()).toMatchObject({ online: false, pendingEvents: 4 }); // shift opened, adopted, quoted, completed
    const sessions = await expectConverged();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ status: 'COMPLETED', paid: 8000, vehicle: 'MH12XY0001', conflict: 0 });
  });

  it('double exit at two offline gates: earliest canonical, second payment flagged, supervisor refunds', async () => {
    const s = await call<{ id: string; code: string }>(a, 'gate.issueTicket', { vehicleNumber: 'DL3CAA0007' }, 'attendant');
    await heal([a, b]);
    a.transport.online = false;
    b.transport.online = false;
    clock.advance(HOUR / 2);
    await call(a, 'gate.quoteExit', { code: s.code }, 'attendant');
    await call(a, 'gate.payCash', { sessionId: s.id, tenderedPaise: 4000 }, 'cashier');
    clock.advance(60_000);
    await call(b, 'gate.quoteExit', { code: s.code }, 'attendant');
    await call(b, 'gate.payCash', { sessionId: s.id, tenderedPaise: 4000 }, 'cashier');
    // B syncs first: arrival order must not matter.
    b.transport.online = true;
    await b.worker.syncNow();
    const sessions = await expectConverged();
    expect(sessions[0]).toMatchObject({ status: 'COMPLETED', conflict: 1, reason: 'DOUBLE_EXIT', paid: 8000 });
    const flagged = sessions[0]!.payments.filter((p) => p.includes('REFUND_DUE'));
    expect(flagged).toHaveLength(1);
    const conflicts = await call<{ session: { id: string }; refundDue: unknown[] }[]>(b, 'sync.conflicts', {});
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.refundDue).toHaveLength(1);
    await call(b, 'sync.resolveConflict', { sessionId: s.id, resolution: 'REFUNDED', reason: 'Cash returned to the driver' });
    const after = await expectConverged();
    expect(after[0]).toMatchObject({ conflict: 0, reason: null });
    expect(after[0]!.payments.filter((p) => p.includes(':REFUNDED:'))).toHaveLength(1);
    expect(await call<unknown[]>(a, 'sync.conflicts', {})).toEqual([]);
  });

  it('two offline gates allocate the same slot: earlier keeps it, the other moves and is flagged', async () => {
    a.transport.online = false;
    b.transport.online = false;
    const sa = await call<{ id: string; slotNumber: string }>(a, 'gate.issueTicket', { vehicleNumber: 'TN01AA1111' }, 'attendant');
    clock.advance(1000);
    const sb = await call<{ id: string; slotNumber: string }>(b, 'gate.issueTicket', { vehicleNumber: 'TN01BB2222' }, 'attendant');
    expect(sb.slotNumber).toBe(sa.slotNumber);
    b.transport.online = true;
    await b.worker.syncNow();
    const sessions = await expectConverged();
    const byId = new Map(sessions.map((s) => [s.id, s]));
    expect(byId.get(sa.id)).toMatchObject({ conflict: 0 });
    expect(byId.get(sb.id)).toMatchObject({ conflict: 1, reason: 'SLOT_CLASH' });
    expect(byId.get(sb.id)!.slot).not.toBe(byId.get(sa.id)!.slot);
  });

  it('a cancellation racing an entry: the entry stands, flagged', async () => {
    const booked = await call<{ id: string; code: string }>(a, 'gate.book', { vehicleNumber: 'KL07CC3333' }, 'attendant');
    await heal([a, b]);
    a.transport.online = false;
    b.transport.online = false;
    await call(a, 'sessions.cancel', { sessionId: booked.id, reason: 'Parker cancelled by phone' });
    clock.advance(1000);
    await call(b, 'gate.scanEntry', { code: booked.code }, 'attendant');
    const sessions = await expectConverged();
    expect(sessions[0]).toMatchObject({ status: 'PARKED', conflict: 1, reason: 'CANCEL_RACED_ENTRY' });
  });
});
