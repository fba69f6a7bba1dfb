/**
 * End to end in process: a parker books with a one-hour online pre-payment through the real
 * server and the gateway simulator (Razorpay adapter), the signed webhook makes it SUCCESS, the
 * server publishes it into the booked session, the gates sync, and at the exit only the
 * remainder is due (nothing within the pre-paid hour). A gate that scanned the entry before it
 * had pulled the pre-payment still credits it once it syncs. A late pre-payment is credited only
 * after a supervisor accepts it; a refunded one reaches the gates as a refund. SQLite and PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DailyReport, Quote } from '../../src-shared/contracts/entities.js';
import { sweepBookings } from '../../src-server/bookings/service.js';
import { resolveFlagged } from '../../src-server/payments/flagged.js';
import type { ServerSyncEvents } from '../../src-server/sync/server-events.js';
import { BACKENDS } from '../server/helpers/databases.js';
import { simControl, startHarness, type Harness } from '../server/helpers/harness.js';
import { call, heal, kioskSessions, serverSessions, tempDir, type TestKiosk } from './harness.js';
import { parkerRequest } from './parker-api.js';
import { openServerGate } from './server-gate.js';

interface Booking { id: string; code: string; status: string; refundStatus: string | null; payment: { paymentId: string; status: string; gatewayRef: string; amountPaise: number } | null }

describe.each(BACKENDS)('a booking pre-paid online is credited at the exit (%s)', (backend) => {
  let h: Harness;
  let tmp: ReturnType<typeof tempDir>;
  let a: TestKiosk;
  let b: TestKiosk;
  let parker: string;
  const gates = () => h.server.ctx.syncEvents as ServerSyncEvents;

  const api = async <T>(method: string, path: string, body?: unknown, auth: string | null = parker) => (await parkerRequest<T>(h, method, path, body, auth)).body;
  const book = async (vehicleNumber: string) => {
    const r = await api<Booking>('POST', '/parker/v1/bookings', { vehicleNumber, zoneId: 'A', prepay: true });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.data.payment).toMatchObject({ status: 'PENDING', amountPaise: 4000 });
    return r.data;
  };
  const payOnline = async (bk: Booking) => {
    await simControl(h, `/_sim/payments/${bk.payment!.gatewayRef}/pay`);
    await gates().drain();
  };

  const openGate = (name: string, seed: boolean) => openServerGate(h, tmp.dir, name, seed);
  const payments = (k: TestKiosk, sessionId: string) =>
    k.kiosk.ctx.store.sqlite.prepare('SELECT id, method, status, amount_paise, gateway, gateway_ref, operator_id FROM payments WHERE session_id = ? ORDER BY created_at').all(sessionId) as
      { id: string; method: string; status: string; amount_paise: number; gateway: string | null; gateway_ref: string | null; operator_id: string | null }[];
  const session = (k: TestKiosk, id: string) => kioskSessions(k).find((s) => s.id === id);

  beforeEach(async () => {
    tmp = tempDir('pg-prepaid-');
    h = await startHarness(backend, 'razorpay', { RATE_LIMIT_PER_TOKEN: '1000', RATE_LIMIT_PER_IP: '5000' });
    a = await openGate('Gate A', true);
    b = await openGate('Gate B', false);
    await heal([a, b]);
    parker = (await api<{ token: string }>('POST', '/parker/v1/register', { email: 'asha@example.com', password: 'correct horse' }, null)).data.token;
    await call(b, 'shifts.open', { openingFloatPaise: 0 }, 'cashier');
  }, 60_000);

  afterEach(async () => {
    await a.kiosk.close();
    await b.kiosk.close();
    await h.close();
    tmp.cleanup();
  });

  it('pay online -> gates sync -> scanEntry -> quoteExit credits the hour -> cash only the remainder', async () => {
    const bk = await book('KA01PP0001');
    await payOnline(bk);
    await heal([a, b]);
    expect(session(b, bk.id)).toMatchObject({ status: 'BOOKED', paid: 4000 });
    expect(payments(b, bk.id)).toEqual([{ id: bk.payment!.paymentId, method: 'ONLINE', status: 'SUCCESS', amount_paise: 4000, gateway: 'razorpay', gateway_ref: bk.payment!.gatewayRef, operator_id: null }]);

    await call(b, 'gate.scanEntry', { code: bk.code }, 'attendant');
    h.clock.advance(2 * 3600_000);
    const q = await call<Quote>(b, 'gate.quoteExit', { code: bk.code }, 'attendant');
    expect(q).toMatchObject({ billableHours: 2, feePaise: 8000, amountPaidPaise: 4000, amountDuePaise: 4000 });
    const paid = await call<{ session: { status: string; amountPaidPaise: number }; payment: { amountPaise: number } }>(b, 'gate.payCash', { sessionId: bk.id, tenderedPaise: 4000 }, 'cashier');
    expect(paid).toMatchObject({ session: { status: 'COMPLETED', amountPaidPaise: 8000 }, payment: { amountPaise: 4000 } });

    await heal([a, b]);
    expect(kioskSessions(a)).toEqual(kioskSessions(b));
    expect(await serverSessions(gates().sync)).toEqual(kioskSessions(a));
    expect(session(a, bk.id)).toMatchObject({ status: 'COMPLETED', paid: 8000, due: 8000, conflict: 0 });
    for (const k of [a, b]) expect((await call<{ ok: boolean }>(k, 'integrity.check', {})).ok).toBe(true);
    const day = new Date(h.clock.now() + 5.5 * 3600_000).toISOString().slice(0, 10); // facility day (Asia/Kolkata)
    const report = await call<DailyReport>(a, 'reports.daily', { date: day });
    expect(report.revenue).toMatchObject({ onlinePaise: 4000, onlineCount: 1, cashPaise: 4000, totalPaise: 8000 });
    expect(report.byOperator.find((o) => o.operatorName === 'Central server')).toMatchObject({ payments: 1, revenuePaise: 4000 });
  });

  it('a stay within the pre-paid hour exits with nothing due', async () => {
    const bk = await book('KA01PP0002');
    await payOnline(bk);
    await heal([a, b]);
    await call(a, 'gate.scanEntry', { code: bk.code }, 'attendant');
    h.clock.advance(50 * 60_000);
    const q = await call<Quote>(a, 'gate.quoteExit', { code: bk.code }, 'attendant');
    expect(q).toMatchObject({ feePaise: 4000, amountPaidPaise: 4000, amountDuePaise: 0 });
    expect(await call<{ status: string }>(a, 'gate.completeExit', { sessionId: bk.id }, 'attendant')).toMatchObject({ status: 'COMPLETED' });
    await heal([a, b]);
    expect(session(b, bk.id)).toMatchObject({ status: 'COMPLETED', paid: 4000, conflict: 0 });
    expect((await call<{ ok: boolean }>(b, 'integrity.check', {})).ok).toBe(true);
  });

  it('a gate that scanned the entry before it had the pre-payment credits it once it syncs', async () => {
    const bk = await book('KA01PP0003');
    await heal([a, b]); // the booking (not paid yet) is at both gates
    b.transport.online = false;
    await payOnline(bk);
    await a.worker.syncNow();
    expect(session(a, bk.id)).toMatchObject({ paid: 4000 });
    h.clock.advance(60_000);
    await call(b, 'gate.scanEntry', { code: bk.code }, 'attendant');
    expect(session(b, bk.id)).toMatchObject({ status: 'PARKED', paid: 0 });
    await heal([a, b]);
    expect(session(b, bk.id)).toMatchObject({ status: 'PARKED', paid: 4000 });
    h.clock.advance(90 * 60_000);
    expect(await call<Quote>(b, 'gate.quoteExit', { code: bk.code }, 'attendant')).toMatchObject({ feePaise: 8000, amountPaidPaise: 4000, amountDuePaise: 4000 });
  });

  it('a late pre-payment is credited only once a supervisor accepts it', async () => {
    const bk = await book('KA01PP0004');
    h.clock.advance(300_000);
    await h.server.ctx.reconciler.tick(); // the pre-payment attempt expires
    await payOnline(bk); // ...and is paid after that: late, flagged
    await sweepBookings({ payments: h.server.ctx.payments, reconciler: h.server.ctx.reconciler, gates: gates() });
    await heal([a, b]);
    expect(session(a, bk.id)).toMatchObject({ status: 'BOOKED', paid: 0 });
    expect(payments(a, bk.id)).toEqual([]);
    await resolveFlagged(h.server.ctx.payments, { paymentId: bk.payment!.paymentId, action: 'accept', reason: 'parker paid late', by: 'cli:test' });
    await gates().drain();
    await heal([a, b]);
    expect(session(a, bk.id)).toMatchObject({ status: 'BOOKED', paid: 4000 });
  });

  it('cancelled within 5 minutes: the refund reaches the gates and the report nets it out', async () => {
    const bk = await book('KA01PP0005');
    await payOnline(bk);
    await heal([a, b]);
    h.clock.advance(120_000);
    const c = await api<Booking>('POST', `/parker/v1/bookings/${bk.id}/cancel`);
    expect(c.data).toMatchObject({ status: 'CANCELLED', refundStatus: 'HELD' });
    await heal([a, b]);
    await sweepBookings({ payments: h.server.ctx.payments, reconciler: h.server.ctx.reconciler, gates: gates() });
    await gates().drain();
    await heal([a, b]);
    for (const k of [a, b]) {
      expect(session(k, bk.id)).toMatchObject({ status: 'CANCELLED' });
      expect(payments(k, bk.id).map((p) => p.status)).toEqual(['REFUNDED']);
      expect((await call<{ ok: boolean }>(k, 'integrity.check', {})).ok).toBe(true);
    }
    expect(h.sim.find(bk.payment!.gatewayRef)!.refunds.size).toBe(1);
    const day = new Date(h.clock.now() + 5.5 * 3600_000).toISOString().slice(0, 10);
    const report = await call<DailyReport>(b, 'reports.daily', { date: day });
    expect(report.revenue).toMatchObject({ onlinePaise: 4000, refundsPaise: 4000, totalPaise: 0 });
  });
});
