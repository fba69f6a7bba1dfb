/**
 * Parker bookings and online payment results through sync, in process: the real server
 * (buildServer + gateway simulator on loopback, tests/server/helpers/harness.ts) and two kiosk
 * cores syncing with its SyncService through the in-process transport (tests/sync/harness.ts).
 * Gate A is seeded and publishes zones A/B; gate B starts empty.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServerClient } from '../../src-main/online/server-client.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import { sweepBookings } from '../../src-server/bookings/service.js';
import type { ServerSyncEvents } from '../../src-server/sync/server-events.js';
import { BACKENDS } from '../server/helpers/databases.js';
import { simControl, startHarness, type Harness } from '../server/helpers/harness.js';
import { call, heal, kioskSessions, serverSessions, tempDir, type TestKiosk } from './harness.js';
import { parkerRequest } from './parker-api.js';
import { openServerGate } from './server-gate.js';

interface Booking {
  id: string; code: string; status: string; slotNumber: string; zoneName: string; zoneId: string;
  refundPaise: number | null; refundStatus: string | null; sessionStatus: string | null; reviewReason: string | null;
  payment: { paymentId: string; status: string; gatewayRef: string; amountPaise: number } | null;
}

describe.each(BACKENDS)('parker bookings and payment results reach the gates (%s)', (backend) => {
  let h: Harness;
  let tmp: ReturnType<typeof tempDir>;
  let a: TestKiosk;
  let b: TestKiosk;
  let parker: string;
  const gates = () => h.server.ctx.syncEvents as ServerSyncEvents;

  const api = <T>(method: string, path: string, body?: unknown, auth: string | null = parker) => parkerRequest<T>(h, method, path, body, auth);
  const book = async (vehicleNumber: string, prepay = false) => {
    const r = await api<Booking>('POST', '/parker/v1/bookings', { vehicleNumber, zoneId: 'A', prepay });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.data;
  };
  const booking = async (id: string) => (await api<Booking>('GET', `/parker/v1/bookings/${id}`)).body.data;
  const bookingDeps = () => ({ payments: h.server.ctx.payments, reconciler: h.server.ctx.reconciler, gates: gates() });

  const openGate = (name: string, seed: boolean) => openServerGate(h, tmp.dir, name, seed);
  const sessionAt = (k: TestKiosk, id: string) => kioskSessions(k).find((s) => s.id === id);
  const slotHolder = (k: TestKiosk, slotId: string) =>
    (k.kiosk.ctx.store.sqlite.prepare('SELECT current_session_id AS s FROM slots WHERE id = ?').get(slotId) as { s: string | null }).s;

  beforeEach(async () => {
    tmp = tempDir('pg-parker-');
    h = await startHarness(backend, 'razorpay', { RATE_LIMIT_PER_TOKEN: '1000', RATE_LIMIT_PER_IP: '5000' });
    a = await openGate('Gate A', true);
    b = await openGate('Gate B', false);
    await a.worker.syncNow(); // publishes zones A/B, operators, ticket key
    await b.worker.syncNow();
    const reg = await api<{ token: string }>('POST', '/parker/v1/register', { email: 'ravi@example.com', password: 'correct horse' }, null);
    parker = reg.body.data.token;
  }, 60_000);

  afterEach(async () => {
    vi.restoreAllMocks();
    await a.kiosk.close();
    await b.kiosk.close();
    await h.close();
    tmp.cleanup();
  });

  it('lists and books the zones the gates published', async () => {
    const zones = await api<{ id: string; name: string; totalSlots: number; availableSlots: number }[]>('GET', '/parker/v1/zones', undefined, null);
    expect(zones.body.data.map((z) => [z.name, z.totalSlots, z.availableSlots])).toEqual([['A', 10, 10], ['B', 5, 5]]);
    const gateZone = a.kiosk.ctx.store.sqlite.prepare(`SELECT id FROM zones WHERE name = 'A'`).get() as { id: string };
    const bk = await book('KA01PK0001');
    expect(bk.zoneId).toBe(gateZone.id);
    const after = await api<{ name: string; availableSlots: number }[]>('GET', '/parker/v1/zones', undefined, null);
    expect(after.body.data.find((z) => z.name === 'A')!.availableSlots).toBe(9);
  });

  it('booked -> A (online) and B (offline, syncs later) see BOOKED -> scan at B -> PARKED everywhere', async () => {
    b.transport.online = false;
    const bk = await book('KA01PK1234');
    await a.worker.syncNow();
    expect(sessionAt(a, bk.id)).toMatchObject({ status: 'BOOKED', code: bk.code, vehicle: 'KA01PK1234' });
    const slotId = sessionAt(a, bk.id)!.slot;
    expect(slotHolder(a, slotId)).toBe(bk.id);
    await expect(b.worker.syncNow()).rejects.toThrow();
    expect(sessionAt(b, bk.id)).toBeUndefined();
    b.transport.online = true;
    await b.worker.syncNow();
    expect(sessionAt(b, bk.id)).toMatchObject({ status: 'BOOKED', code: bk.code, slot: slotId });

    const entered = await call<{ status: string }>(b, 'gate.scanEntry', { code: bk.code }, 'attendant');
    expect(entered.status).toBe('PARKED');
    await heal([a, b]);
    for (const k of [a, b]) expect(sessionAt(k, bk.id)).toMatchObject({ status: 'PARKED', conflict: 0 });
    expect(kioskSessions(a)).toEqual(kioskSessions(b));
    expect(await serverSessions(gates().sync)).toEqual(kioskSessions(a));
    expect(await booking(bk.id)).toMatchObject({ status: 'BOOKED', sessionStatus: 'PARKED' });
    expect((await api('POST', `/parker/v1/bookings/${bk.id}/cancel`)).body.error?.code).toBe('ALREADY_ENTERED');
    const released = await h.server.ctx.db.selectFrom('bookings').select('released_at').where('id', '=', bk.id).executeTakeFirstOrThrow();
    expect(released.released_at).not.toBeNull(); // the open session holds the slot now, not the booking
  });

  it('cancelled within 5 minutes -> CANCELLED at the gates, slot free, refund paid once after every gate acknowledged', async () => {
    const bk = await book('KA02PK0002', true);
    await simControl(h, `/_sim/payments/${bk.payment!.gatewayRef}/pay`);
    await heal([a, b]);
    const slotId = sessionAt(a, bk.id)!.slot;
    h.clock.advance(240_000);
    const c = await api<Booking>('POST', `/parker/v1/bookings/${bk.id}/cancel`);
    expect(c.body.data).toMatchObject({ status: 'CANCELLED', refundPaise: 4000, refundStatus: 'HELD' });
    await heal([a, b]);
    for (const k of [a, b]) {
      expect(sessionAt(k, bk.id)).toMatchObject({ status: 'CANCELLED', conflict: 0 });
      expect(slotHolder(k, slotId)).toBeNull();
    }
    await sweepBookings(bookingDeps());
    const after = await booking(bk.id);
    expect(after).toMatchObject({ status: 'CANCELLED', refundPaise: 4000, refundStatus: 'PROCESSED', reviewReason: null });
    expect(after.payment?.status).toBe('REFUNDED');
    await api('POST', `/parker/v1/bookings/${bk.id}/cancel`); // repeated cancel: still one refund
    await sweepBookings(bookingDeps());
    expect(h.sim.find(bk.payment!.gatewayRef)!.refunds.size).toBe(1);
    expect(await h.server.ctx.db.selectFrom('refunds').selectAll().where('payment_id', '=', bk.payment!.paymentId).execute()).toHaveLength(1);
    // The slot is bookable again.
    const again = await book('KA02PK0003');
    expect(again.slotNumber).toBe(bk.slotNumber);
  });

  it('a cancel racing an entry at an offline gate: the entry stands (flagged) and the refund is withheld', async () => {
    const bk = await book('KA03PK0003', true);
    await simControl(h, `/_sim/payments/${bk.payment!.gatewayRef}/pay`);
    await heal([a, b]);
    b.transport.online = false;
    h.clock.advance(60_000);
    await call(b, 'gate.scanEntry', { code: bk.code }, 'attendant'); // B does not know of the cancel yet
    h.clock.advance(1000);
    const c = await api<Booking>('POST', `/parker/v1/bookings/${bk.id}/cancel`);
    expect(c.body.data).toMatchObject({ status: 'CANCELLED', refundStatus: 'HELD' });
    await a.worker.syncNow();
    await a.worker.syncNow();
    await sweepBookings(bookingDeps());
    expect(await booking(bk.id)).toMatchObject({ refundStatus: 'HELD' }); // B has not acknowledged
    expect(h.sim.find(bk.payment!.gatewayRef)!.refunds.size).toBe(0);

    await heal([a, b]);
    for (const k of [a, b]) expect(sessionAt(k, bk.id)).toMatchObject({ status: 'PARKED', conflict: 1, reason: 'CANCEL_RACED_ENTRY' });
    expect(kioskSessions(a)).toEqual(kioskSessions(b));
    await sweepBookings(bookingDeps());
    const after = await booking(bk.id);
    expect(after).toMatchObject({ status: 'CANCELLED', refundStatus: 'WITHHELD', sessionStatus: 'PARKED' });
    expect(after.reviewReason).toMatch(/^CANCEL_RACED_ENTRY/);
    expect(after.payment?.status).toBe('SUCCESS');
    expect(h.sim.find(bk.payment!.gatewayRef)!.refunds.size).toBe(0);
    expect(await call<unknown[]>(a, 'sync.conflicts', {})).toHaveLength(1);
  });

  it('a booking and an offline walk-in in the same slot: the earlier keeps it, the booking is moved and flagged', async () => {
    b.transport.online = false;
    const walkIn = await call<{ id: string; slotNumber: string }>(b, 'gate.issueTicket', { vehicleNumber: 'KA04WI0004' }, 'attendant');
    h.clock.advance(1000);
    const bk = await book('KA04PK0004');
    expect(bk.slotNumber).toBe(walkIn.slotNumber); // the server did not know of the walk-in
    await heal([a, b]);
    const sessions = kioskSessions(a);
    expect(kioskSessions(b)).toEqual(sessions);
    const w = sessions.find((s) => s.id === walkIn.id)!;
    const p = sessions.find((s) => s.id === bk.id)!;
    expect(w).toMatchObject({ status: 'PARKED', conflict: 0 });
    expect(p).toMatchObject({ status: 'BOOKED', conflict: 1, reason: 'SLOT_CLASH' });
    expect(p.slot).not.toBe(w.slot);
    const moved = await booking(bk.id);
    expect(moved.slotNumber).not.toBe(walkIn.slotNumber); // the parker sees the slot the gates hold for them
    const entered = await call<{ status: string }>(a, 'gate.scanEntry', { code: bk.code }, 'attendant');
    expect(entered.status).toBe('PARKED');
  });

  it('an online payment SUCCESS reaches the kiosk that asked through the long-poll pull', async () => {
    // Only the sync channel may deliver it: the 1 s poll (the fallback) is made to fail here.
    const poll = vi.spyOn(ServerClient.prototype, 'getPayment').mockRejectedValue(new AppError('OFFLINE', 'poll disabled in this test'));
    const s = await call<{ id: string; code: string }>(a, 'gate.issueTicket', { vehicleNumber: 'KA05OP0005' }, 'attendant');
    h.clock.advance(3600_000 + 60_000);
    await call(a, 'gate.quoteExit', { code: s.code }, 'attendant');
    const pay = await call<{ id: string; gatewayRef: string; status: string }>(a, 'gate.startOnlinePayment', { sessionId: s.id }, 'cashier');
    expect(pay.status).toBe('PENDING');
    await a.worker.syncNow();
    a.worker.start(); // long-polls while idle
    await new Promise((r) => setTimeout(r, 100));
    const paymentStatus = () =>
      (a.kiosk.ctx.store.sqlite.prepare('SELECT status FROM payments WHERE id = ?').get(pay.id) as { status: string }).status;
    const t0 = performance.now();
    await simControl(h, `/_sim/payments/${pay.gatewayRef}/pay`);
    // Generous for a loaded machine, yet short of the worker's 20 s long-poll: only a woken pull
    // brings it in time (how fast is `npm run bench`'s business).
    while (paymentStatus() !== 'SUCCESS' && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 5));
    const delayMs = performance.now() - t0;
    expect(paymentStatus()).toBe('SUCCESS');
    console.info(`[parker-flow ${backend}] webhook -> kiosk SUCCESS via pull: ${delayMs.toFixed(0)} ms`);
    expect(sessionAt(a, s.id)).toMatchObject({ status: 'COMPLETED' });
    await a.worker.stop();
    await heal([a, b]);
    expect(sessionAt(b, s.id)).toMatchObject({ status: 'COMPLETED' });
    expect(kioskSessions(b)).toEqual(kioskSessions(a));
    // Gate B ignored the result (not its payment); nothing was skipped anywhere.
    for (const k of [a, b]) expect(k.worker.status().skippedChanges).toBe(0);
    const pushed = await gates().db.selectFrom('sync_changes').select('entity_id').where('entity_type', '=', 'paymentResult').execute();
    expect(pushed.map((r) => r.entity_id)).toContain(pay.id);
    poll.mockRestore();
  });
});
