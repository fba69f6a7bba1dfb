/**
 * Parker API limits against the real server (buildServer listening on loopback): one request budget
 * per client across every parker route group, a budget per parker account shared by its tokens,
 * wrong passwords limited per account and per IP (the same answer for a known and an unknown
 * email), a cap on the slots one parker holds, and holds whose car never arrives expire.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { addZone } from '../../src-server/zones/zones.js';
import { BACKENDS } from './helpers/databases.js';
import type { Harness } from './helpers/harness.js';
import { startHarness } from './helpers/harness.js';

interface Envelope<T> {
  ok: boolean;
  data: T;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});
afterAll(async () => h?.close());

async function call<T = unknown>(method: string, path: string, body?: unknown, auth: string | null = null) {
  const res = await fetch(`${h!.serverUrl}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Envelope<T> };
}
const register = async (email: string, password = 'correct horse') =>
  (await call<{ token: string }>('POST', '/parker/v1/register', { email, password })).body.data.token;
const login = (email: string, password: string) => call<{ token: string }>('POST', '/parker/v1/login', { email, password });

describe('request budgets', () => {
  it('one budget per client IP across every parker route group', async () => {
    h = await startHarness('sqlite', 'sim', { RATE_LIMIT_PER_IP: '12', RATE_LIMIT_PER_PARKER: '1000' });
    const token = await register('ip@example.com'); // 1
    for (let i = 0; i < 11; i += 1) expect((await call('GET', '/parker/v1/zones')).status).toBe(200); // 2..12
    expect((await call('GET', '/parker/v1/zones')).status).toBe(429);
    // Limited on /zones means limited on /bookings and /login too.
    const bookings = await call('GET', '/parker/v1/bookings', undefined, token);
    expect(bookings.status).toBe(429);
    expect(bookings.body.error?.code).toBe('RATE_LIMITED');
    expect((await login('ip@example.com', 'correct horse')).status).toBe(429);
  });

  it('two tokens of one parker share the parker\'s budget', async () => {
    h = await startHarness('sqlite', 'sim', { RATE_LIMIT_PER_IP: '1000', RATE_LIMIT_PER_PARKER: '6' });
    const t1 = await register('two@example.com');
    const t2 = (await login('two@example.com', 'correct horse')).body.data.token;
    const other = await register('other@example.com');
    for (let i = 0; i < 3; i += 1) {
      expect((await call('GET', '/parker/v1/bookings', undefined, t1)).status).toBe(200);
      expect((await call('GET', '/parker/v1/bookings', undefined, t2)).status).toBe(200);
    }
    expect((await call('GET', '/parker/v1/bookings', undefined, t2)).status).toBe(429);
    expect((await call('GET', '/parker/v1/bookings', undefined, t1)).status).toBe(429);
    expect((await call('GET', '/parker/v1/bookings', undefined, other)).status).toBe(200); // another parker, own budget
  });
});

describe('wrong passwords', () => {
  it('are limited per account: then even the right password waits; a known and an unknown email get the same answers', async () => {
    h = await startHarness('sqlite', 'sim', { RATE_LIMIT_PER_IP: '1000', PARKER_LOGIN_FAILURES_PER_ACCOUNT: '3', PARKER_LOGIN_FAILURES_PER_IP: '100' });
    await register('known@example.com');
    for (let i = 0; i < 3; i += 1) {
      const known = await login('known@example.com', 'wrong password');
      const unknown = await login('unknown@example.com', 'wrong password');
      expect(known.status).toBe(401);
      expect(unknown).toEqual(known);
    }
    const blocked = await login('known@example.com', 'correct horse');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 900 } });
    expect(await login('unknown@example.com', 'correct horse')).toEqual(blocked);
    await register('fresh@example.com');
    expect((await login('fresh@example.com', 'correct horse')).status).toBe(200); // another account from the same IP
    h.clock.advance(15 * 60_000);
    expect((await login('known@example.com', 'correct horse')).status).toBe(200);
  });

  it('are limited per IP across accounts', async () => {
    h = await startHarness('sqlite', 'sim', { RATE_LIMIT_PER_IP: '1000', PARKER_LOGIN_FAILURES_PER_ACCOUNT: '100', PARKER_LOGIN_FAILURES_PER_IP: '5' });
    await register('victim@example.com');
    for (let i = 0; i < 5; i += 1) expect((await login(`spray${i}@example.com`, 'wrong password')).status).toBe(401);
    expect((await login('victim@example.com', 'correct horse')).status).toBe(429);
  });
});

describe.each(BACKENDS)('slot holds on %s', (backend) => {
  it('one parker may hold PARKER_MAX_ACTIVE_BOOKINGS slots at once; cancelling one frees a place', async () => {
    h = await startHarness(backend, 'sim', { RATE_LIMIT_PER_IP: '1000', PARKER_MAX_ACTIVE_BOOKINGS: '2' });
    await addZone(h.server.ctx.db, h.clock, 'A', 4000, 10);
    const token = await register('hoarder@example.com');
    const b1 = await call<{ id: string }>('POST', '/parker/v1/bookings', { vehicleNumber: 'KA01HH0001', zoneId: 'A' }, token);
    expect(b1.status).toBe(200);
    // Three at once with one place left: at most one gets it (the cap holds under concurrency;
    // in a tight race all three may give their slot back).
    const burst = await Promise.all(['KA01HH0004', 'KA01HH0005', 'KA01HH0006'].map((v) => call('POST', '/parker/v1/bookings', { vehicleNumber: v, zoneId: 'A' }, token)));
    const won = burst.filter((r) => r.status === 200).length;
    expect(won).toBeLessThanOrEqual(1);
    expect(burst.filter((r) => r.status === 409).every((r) => ['CONFLICT', 'NO_SLOT_AVAILABLE'].includes(r.body.error!.code))).toBe(true);
    const held = async () => (await call<Array<{ status: string }>>('GET', '/parker/v1/bookings', undefined, token)).body.data.filter((b) => b.status === 'BOOKED').length;
    expect(await held()).toBe(1 + won);
    if (won === 0) expect((await call('POST', '/parker/v1/bookings', { vehicleNumber: 'KA01HH0002', zoneId: 'A' }, token)).status).toBe(200);
    const third = await call('POST', '/parker/v1/bookings', { vehicleNumber: 'KA01HH0003', zoneId: 'A' }, token);
    expect(third.status).toBe(409);
    expect(third.body.error).toMatchObject({ code: 'CONFLICT', details: { maxActive: 2 } });
    expect(await held()).toBe(2);
    await call('POST', `/parker/v1/bookings/${b1.body.data.id}/cancel`, undefined, token);
    expect((await call('POST', '/parker/v1/bookings', { vehicleNumber: 'KA01HH0003', zoneId: 'A' }, token)).status).toBe(200);
    const zones = await call<Array<{ name: string; availableSlots: number }>>('GET', '/parker/v1/zones');
    expect(zones.body.data.find((z) => z.name === 'A')?.availableSlots).toBe(8);
  });

  it('a hold whose car never arrives is cancelled after PARKER_BOOKING_HOLD_MINUTES and its slot freed', async () => {
    h = await startHarness(backend, 'sim', { RATE_LIMIT_PER_IP: '1000', PARKER_BOOKING_HOLD_MINUTES: '30' });
    await addZone(h.server.ctx.db, h.clock, 'A', 4000, 1);
    const token = await register('noshow@example.com');
    const other = await register('next@example.com');
    const b = await call<{ id: string }>('POST', '/parker/v1/bookings', { vehicleNumber: 'KA01NS0001', zoneId: 'A' }, token);
    expect(b.status).toBe(200);
    h.clock.advance(29 * 60_000);
    expect((await call('POST', '/parker/v1/bookings', { vehicleNumber: 'KA01NS0002', zoneId: 'A' }, other)).body.error?.code).toBe('NO_SLOT_AVAILABLE');
    h.clock.advance(2 * 60_000);
    const next = await call<{ slotNumber: string }>('POST', '/parker/v1/bookings', { vehicleNumber: 'KA01NS0002', zoneId: 'A' }, other);
    expect(next.status).toBe(200);
    expect((await call<{ status: string }>('GET', `/parker/v1/bookings/${b.body.data.id}`, undefined, token)).body.data.status).toBe('CANCELLED');
  });
});
