/**
 * Regression (process campaign, seed 1358524432, default size, SQLite): a gate that was cut off
 * for half a minute had exited cars the server did not know about yet, so for the server the car
 * park was full when two other offline gates gave the same last slot to two cars. With no free
 * slot the server left BOTH sessions open in that slot. No gate can hold that (one open session
 * per slot): one gate skipped the other session forever (a session missing there), another moved
 * its own copy provisionally (flagged SLOT_CLASH locally, in a slot the server never had) and
 * nothing ever corrected it, because the server never decided anything about the pair again.
 * Rule now (docs/sync.md): the loser of a clash with no free slot anywhere becomes an OVERFLOW
 * session: open, billed and able to exit, holding no slot, flagged SLOT_CLASH; every gate mirrors it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, heal, kioskSessions, openFacility, serverSessions, type Facility, type TestClock, type TestKiosk } from './harness.js';

const OPEN = ['BOOKED', 'PARKED', 'EXITING'];

describe('sync: slot clash when the car park is full', () => {
  let facility: Facility;
  let clock: TestClock;
  let server: Facility['server'];
  let a: TestKiosk;
  let b: TestKiosk;
  let c: TestKiosk;

  beforeEach(async () => {
    facility = await openFacility(['gate-a', 'gate-b', 'gate-c'], { rounds: 2, shifts: true });
    ({ clock, server, kiosks: [a, b, c] } = facility as Facility & { kiosks: [TestKiosk, TestKiosk, TestKiosk] });
  });

  afterEach(() => facility.close());

  async function converged(): Promise<Awaited<ReturnType<typeof serverSessions>>> {
    await heal([a, b, c]);
    const ss = await serverSessions(server.service);
    for (const k of [a, b, c]) {
      expect(kioskSessions(k), `${k.name} vs server`).toEqual(ss);
      expect(k.worker.status().skippedChanges, `${k.name} skipped`).toBe(0);
      const integrity = await call<{ findings: unknown[] }>(k, 'integrity.check', {});
      expect(integrity.findings, k.name).toEqual([]);
    }
    const holding = ss.filter((s) => OPEN.includes(s.status) && s.overflow === 0);
    expect(new Set(holding.map((s) => s.slot)).size, 'one open session per held slot').toBe(holding.length);
    return ss;
  }

  async function exit(k: TestKiosk, code: string, id: string): Promise<void> {
    const q = await call<{ amountDuePaise: number }>(k, 'gate.quoteExit', { code }, 'attendant');
    if (q.amountDuePaise > 0) await call(k, 'gate.payCash', { sessionId: id, tenderedPaise: q.amountDuePaise }, 'cashier');
    else await call(k, 'gate.completeExit', { sessionId: id }, 'attendant');
  }

  it('exits the server has not seen yet: the loser becomes an overflow session and every gate agrees', async () => {
    // 14 of the 15 slots taken, known everywhere.
    const parked: { id: string; code: string }[] = [];
    for (let i = 0; i < 14; i++) parked.push(await call(a, 'gate.issueTicket', { vehicleNumber: `KA01FF${String(i).padStart(4, '0')}` }, 'attendant'));
    await converged();

    // Gate C is cut off and lets two cars out: C knows two more free slots, nobody else does.
    c.transport.online = false;
    await exit(c, parked[0]!.code, parked[0]!.id);
    await exit(c, parked[1]!.code, parked[1]!.id);
    // Gates A and B, offline too, give the last slot (the same one) to two cars; A first.
    a.transport.online = false;
    b.transport.online = false;
    const first = await call<{ id: string; slotNumber: string; code: string }>(a, 'gate.issueTicket', { vehicleNumber: 'KA01FF1111' }, 'attendant');
    clock.advance(1000);
    const second = await call<{ id: string; slotNumber: string; code: string }>(b, 'gate.issueTicket', { vehicleNumber: 'KA01FF2222' }, 'attendant');
    expect(second.slotNumber).toBe(first.slotNumber);

    // Arrival order of the campaign: B, then A (the clash is decided while the server sees no free
    // slot), then C with its exits.
    b.transport.online = true;
    await b.worker.syncNow();
    a.transport.online = true;
    await a.worker.syncNow();
    await b.worker.syncNow();
    c.transport.online = true;
    let ss = await converged();
    const byId = () => new Map(ss.map((s) => [s.id, s]));
    expect(byId().get(first.id)).toMatchObject({ status: 'PARKED', conflict: 0, overflow: 0 });
    expect(byId().get(second.id)).toMatchObject({ status: 'PARKED', conflict: 1, reason: 'SLOT_CLASH', overflow: 1, slot: byId().get(first.id)!.slot });
    expect(ss.filter((s) => OPEN.includes(s.status)).length).toBe(14); // 12 left + 2 new: two slots free again
    const conflicts = await call<{ session: { id: string }; reason: string | null }[]>(a, 'sync.conflicts', {});
    expect(conflicts.find((x) => x.session.id === second.id)?.reason).toBe('SLOT_CLASH');

    // The winner leaves; every free slot (its slot too) goes to a new car while the overflow car
    // is still inside; a supervisor accepts the overflow (the flag clears, it still holds no
    // slot); then the overflow car leaves: nothing is released twice.
    await exit(c, first.code, first.id);
    await converged();
    const next: { id: string; slotNumber: string }[] = [];
    for (let i = 0; i < 3; i++) next.push(await call(b, 'gate.issueTicket', { vehicleNumber: `KA01FF3${i}33` }, 'attendant'));
    expect(next.map((n) => n.slotNumber)).toContain(first.slotNumber);
    await converged();
    await call(c, 'sync.resolveConflict', { sessionId: second.id, resolution: 'ACCEPT', reason: 'Parked on the ramp, checked' });
    ss = await converged();
    expect(byId().get(second.id)).toMatchObject({ status: 'PARKED', conflict: 0, overflow: 1 });
    await exit(a, second.code, second.id);
    ss = await converged();
    expect(byId().get(second.id)).toMatchObject({ status: 'COMPLETED', overflow: 1 });
    for (const n of next) expect(byId().get(n.id)).toMatchObject({ status: 'PARKED', overflow: 0, conflict: 0 });
  });

  it('an offline gate bills a signed ticket whose slot it gave away in a full zone (overflow) instead of refusing the exit', async () => {
    const zoneB = (await call<{ id: string; name: string }[]>(a, 'zones.list', {}, 'attendant')).find((z) => z.name === 'B')!;
    for (let i = 0; i < 4; i++) await call(a, 'gate.issueTicket', { vehicleNumber: `KA03FF000${i}`, zoneId: zoneB.id }, 'attendant');
    await converged();
    a.transport.online = false;
    b.transport.online = false;
    const x = await call<{ id: string; code: string; slotNumber: string }>(a, 'gate.issueTicket', { vehicleNumber: 'KA03FF1111', zoneId: zoneB.id }, 'attendant');
    clock.advance(60_000);
    const y = await call<{ id: string; slotNumber: string }>(b, 'gate.issueTicket', { vehicleNumber: 'KA03FF2222', zoneId: zoneB.id }, 'attendant');
    expect(y.slotNumber).toBe(x.slotNumber);
    clock.advance(30 * 60_000);
    // X leaves at B, which has never seen it and has no free slot in zone B: billed from the ticket.
    await exit(b, x.code, x.id);
    a.transport.online = true;
    b.transport.online = true;
    const ss = await converged();
    const byId = new Map(ss.map((s) => [s.id, s]));
    expect(byId.get(x.id)).toMatchObject({ status: 'COMPLETED', overflow: 0 });
    expect(byId.get(y.id)).toMatchObject({ status: 'PARKED', overflow: 0 });
  });

  it('two gates only, the loser has no free slot anywhere: overflow, and its slot is still held once', async () => {
    for (let i = 0; i < 14; i++) await call(a, 'gate.issueTicket', { vehicleNumber: `KA02FF${String(i).padStart(4, '0')}` }, 'attendant');
    await converged();
    a.transport.online = false;
    b.transport.online = false;
    // B issues first this time (earlier creation HLC) but syncs last: A's car is the loser, and A
    // learns that its own car holds no slot.
    const early = await call<{ id: string; slotNumber: string }>(b, 'gate.issueTicket', { vehicleNumber: 'KA02FF1111' }, 'attendant');
    clock.advance(1000);
    const late = await call<{ id: string; slotNumber: string }>(a, 'gate.issueTicket', { vehicleNumber: 'KA02FF2222' }, 'attendant');
    expect(late.slotNumber).toBe(early.slotNumber);
    a.transport.online = true;
    await a.worker.syncNow();
    b.transport.online = true;
    const ss = await converged();
    const byId = new Map(ss.map((s) => [s.id, s]));
    expect(byId.get(early.id)).toMatchObject({ overflow: 0, conflict: 0 });
    expect(byId.get(late.id)).toMatchObject({ overflow: 1, conflict: 1, reason: 'SLOT_CLASH' });
  });
});
