/** Parker API: accounts, bookings (slot held), pre-payment, cancel with the 5-minute refund rule, rate limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addZone } from '../../src-server/zones/zones.js';
import { BACKENDS } from './helpers/databases.js';
import type { Harness } from './helpers/harness.js';
import { simControl, startHarness } from './helpers/harness.js';

interface Envelope<T> {
  ok: boolean;
  data: T;
  error?: { code: string };
}
interface Booking {
  id: string;
  code: string;
  status: string;
  slotNumber: string;
  zoneName: string;
  refundPaise: number | null;
  refundStatus: string | null;
  payment: { paymentId: string; status: string; gatewayRef: string; amountPaise: number; upiUri: string } | null;
}

describe.each(BACKENDS)('parker bookings on %s', (backend) => {
  let h: Harness;
  let token: string;
  const call = async <T>(method: string, path: string, body?: unknown, auth: string | null = token) => {
    const res = await fetch(`${h.serverUrl}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Envelope<T> };
  };

  beforeAll(async () => {
    h = await startHarness(backend, 'razorpay', { RATE_LIMIT_PER_TOKEN: '40', RATE_LIMIT_PER_IP: '1000', PARKER_MAX_ACTIVE_BOOKINGS: '20' });
    await addZone(h.server.ctx.db, h.clock, 'A', 4000, 2);
    await addZone(h.server.ctx.db, h.clock, 'B', 2000, 3);
    const reg = await call<{ token: string }>('POST', '/parker/v1/register', { email: 'Asha@Example.com', password: 'correct horse' }, null);
    expect(reg.status).toBe(200);
    token = reg.body.data.token;
  }, 30_000);
  afterAll(async () => h?.close());

  it('registers once, logs in, refuses a wrong password and a bad token', async () => {
    expect((await call('POST', '/parker/v1/register', { email: 'asha@example.com', password: 'another pass' }, null)).body.error?.code).toBe('CONFLICT');
    expect((await call('POST', '/parker/v1/register', { email: 'not-an-email', password: 'x' }, null)).status).toBe(400);
    expect((await call('POST', '/parker/v1/login', { email: 'asha@example.com', password: 'wrong password' }, null)).status).toBe(401);
    const login = await call<{ token: string }>('POST', '/parker/v1/login', { email: 'asha@example.com', password: 'correct horse' }, null);
    expect(login.status).toBe(200);
    expect(login.body.data.token).not.toBe(token);
    expect((await call('GET', '/parker/v1/bookings', undefined, 'x'.repeat(43))).status).toBe(401);
    expect((await call('GET', '/parker/v1/bookings', undefined, null)).status).toBe(401);
    const stored = await h.server.ctx.db.selectFrom('parkers').select('password_hash').executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^scrypt\$/);
  });

  it('books a slot with a QR- code; a full zone says NO_SLOT_AVAILABLE; a vehicle holds one booking', async () => {
    const b1 = await call<Booking>('POST', '/parker/v1/bookings', { vehicleNumber: 'ka-01 ab 1111', zoneId: 'A' });
    expect(b1.status).toBe(200);
    expect(b1.body.data).toMatchObject({ status: 'BOOKED', zoneName: 'A', slotNumber: 'A-01', payment: null });
    expect(b1.body.data.code).toMatch(/^QR-[0-9A-F]{12}$/);
    expect((await call('POST', '/parker/v1/bookings', { vehicleNumber: 'KA01AB1111', zoneId: 'A' })).body.error?.code).toBe('CONFLICT');
    const b2 = await call<Booking>('POST', '/parker/v1/bookings', { vehicleNumber: 'KA01AB2222', zoneId: 'A' });
    expect(b2.body.data.slotNumber).toBe('A-02');
    const full = await call('POST', '/parker/v1/bookings', { vehicleNumber: 'KA01AB3333', zoneId: 'A' });
    expect(full.status).toBe(409);
    expect(full.body.error?.code).toBe('NO_SLOT_AVAILABLE');
    expect((await call('POST', '/parker/v1/bookings', { vehicleNumber: '??', zoneId: 'A' })).status).toBe(400);
    // cancel frees the slot
    await call('POST', `/parker/v1/bookings/${b1.body.data.id}/cancel`);
    const again = await call<Booking>('POST', '/parker/v1/bookings', { vehicleNumber: 'KA01AB3333', zoneId: 'A' });
    expect(again.body.data.slotNumber).toBe('A-01');
    const zones = await call<Array<{ name: string; availableSlots: number; totalSlots: number }>>('GET', '/parker/v1/zones', undefined, null);
    expect(zones.body.data.find((z) => z.name === 'A')).toMatchObject({ totalSlots: 2, availableSlots: 0 });
  });

  it('concurrent bookings never hold one slot twice', async () => {
    const results = await Promise.all(['KA02C1', 'KA02C2', 'KA02C3', 'KA02C4', 'KA02C5'].map((v) => call<Booking>('POST', '/parker/v1/bookings', { vehicleNumber: v, zoneId: 'B' })));
    const ok = results.filter((r) => r.status === 200).map((r) => r.body.data.slotNumber);
    expect(ok.sort()).toEqual(['B-01', 'B-02', 'B-03']);
    expect(results.filter((r) => r.body.error?.code === 'NO_SLOT_AVAILABLE')).toHaveLength(2);
    for (const r of results.filter((x) => x.status === 200)) await call('POST', `/parker/v1/bookings/${r.body.data.id}/cancel`);
  });

  it('pre-pays online; cancelling within 5 minutes refunds 100% through the gateway, exactly once', async () => {
    const b = await call<Booking>('POST', '/parker/v1/bookings', { vehicleNumber: 'KA03R1', zoneId: 'B', prepay: true });
    expect(b.body.data.payment).toMatchObject({ status: 'PENDING', amountPaise: 2000 });
    expect(b.body.data.payment!.upiUri).toContain('am=20.00');
    await simControl(h, `/_sim/payments/${b.body.data.payment!.gatewayRef}/pay`);
    h.clock.advance(299_000);
    const c1 = await call<Booking>('POST', `/parker/v1/bookings/${b.body.data.id}/cancel`);
    expect(c1.body.data).toMatchObject({ status: 'CANCELLED', refundPaise: 2000, refundStatus: 'PROCESSED' });
    expect(c1.body.data.payment?.status).toBe('REFUNDED');
    const c2 = await call<Booking>('POST', `/parker/v1/bookings/${b.body.data.id}/cancel`);
    expect(c2.body.data).toMatchObject({ status: 'CANCELLED', refundPaise: 2000, refundStatus: 'PROCESSED' });
    expect(h.sim.find(b.body.data.payment!.gatewayRef)!.refunds.size).toBe(1);
    const refunds = await h.server.ctx.db.selectFrom('refunds').selectAll().where('payment_id', '=', b.body.data.payment!.paymentId).execute();
    expect(refunds).toHaveLength(1);
  });

  it('cancelling after 5 minutes refunds nothing; an unpaid pre-payment is closed and expired on cancel', async () => {
    const b = await call<Booking>('POST', '/parker/v1/bookings', { vehicleNumber: 'KA03R2', zoneId: 'B', prepay: true });
    await simControl(h, `/_sim/payments/${b.body.data.payment!.gatewayRef}/pay`);
    h.clock.advance(301_000);
    const c = await call<Booking>('POST', `/parker/v1/bookings/${b.body.data.id}/cancel`);
    expect(c.body.data).toMatchObject({ status: 'CANCELLED', refundPaise: 0, refundStatus: null });
    expect(c.body.data.payment?.status).toBe('SUCCESS');

    const u = await call<Booking>('POST', '/parker/v1/bookings', { vehicleNumber: 'KA03R3', zoneId: 'B', prepay: true });
    const cu = await call<Booking>('POST', `/parker/v1/bookings/${u.body.data.id}/cancel`);
    expect(cu.body.data.payment?.status).toBe('EXPIRED');
    expect(h.sim.find(u.body.data.payment!.gatewayRef)!.closed).toBe(true);
  });

  it('a parker sees only their own bookings', async () => {
    const other = await call<{ token: string }>('POST', '/parker/v1/register', { email: 'ravi@example.com', password: 'ravi password' }, null);
    const mine = await call<Booking[]>('GET', '/parker/v1/bookings');
    expect(mine.body.data.length).toBeGreaterThan(0);
    const theirs = await call<Booking[]>('GET', '/parker/v1/bookings', undefined, other.body.data.token);
    expect(theirs.body.data).toEqual([]);
    expect((await call('GET', `/parker/v1/bookings/${mine.body.data[0]!.id}`, undefined, other.body.data.token)).status).toBe(404);
    expect((await call('POST', `/parker/v1/bookings/${mine.body.data[0]!.id}/cancel`, undefined, other.body.data.token)).status).toBe(404);
  });

  it('rate-limits per token with 429 RATE_LIMITED', async () => {
    const fresh = await call<{ token: string }>('POST', '/parker/v1/register', { email: 'rl@example.com', password: 'rate limit me' }, null);
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await call('GET', '/parker/v1/bookings', undefined, fresh.body.data.token)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    const limited = await call('GET', '/parker/v1/bookings', undefined, fresh.body.data.token);
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('RATE_LIMITED');
  });
});
