/** Kiosk authentication, the kiosk payment API and the kiosk-side ServerClient, on SQLite and PostgreSQL. */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src-server/app.js';
import { loadConfig } from '../../src-server/config.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import { ServerClient } from '../../src-main/online/server-client.js';
import { kioskSigningKey, signKioskRequest } from '../../src-shared/protocol/kiosk-signing.js';
import { addKiosk, revokeKiosk } from '../../src-server/kiosks/enrolment.js';
import { BACKENDS } from './helpers/databases.js';
import { SECRETS, serverEnv } from './helpers/env.js';
import type { Harness } from './helpers/harness.js';
import { newKey, startHarness } from './helpers/harness.js';

async function rejects(p: Promise<unknown>, code: string) {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
}

describe.each(BACKENDS)('kiosk API on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend, 'sim');
  }, 30_000);
  afterAll(async () => h?.close());

  it('creates a payment with a UPI link in rupees, and the same idempotency key returns the same payment', async () => {
    const key = newKey();
    const p = await h.client.createPayment({ sessionId: 'K-1', amountPaise: 4000, idempotencyKey: key, vehicleNumber: 'KA01AB1234' });
    expect(p).toMatchObject({ status: 'PENDING', gateway: 'sim', amountPaise: 4000 });
    expect(p.upiUri).toMatch(/^upi:\/\/pay\?pa=[^&]+&pn=[^&]+&tr=PG[0-9A-F]+&tn=[^&]+&am=40\.00&cu=INR$/);
    expect(new Date(p.expiresAt).getTime() - new Date(p.createdAt).getTime()).toBe(300_000);
    const again = await h.client.createPayment({ sessionId: 'K-1', amountPaise: 4000, idempotencyKey: key });
    expect(again.paymentId).toBe(p.paymentId);
    expect(h.sim.payments.size).toBeGreaterThanOrEqual(1);
    expect([...h.sim.payments.values()].filter((x) => x.ref === p.gatewayRef)).toHaveLength(1);
    await rejects(h.client.createPayment({ sessionId: 'K-1', amountPaise: 4100, idempotencyKey: key }), 'CONFLICT');
    await rejects(h.client.createPayment({ sessionId: 'K-1', amountPaise: 4000, idempotencyKey: newKey() }), 'PAYMENT_PENDING');
  });

  it('validates input with typed errors and creates nothing', async () => {
    const before = await h.server.ctx.db.selectFrom('payments').select('id').execute();
    await rejects(h.client.createPayment({ sessionId: '', amountPaise: 4000, idempotencyKey: newKey() }), 'VALIDATION_FAILED');
    await rejects(h.client.createPayment({ sessionId: 'K-2', amountPaise: 40.5, idempotencyKey: newKey() }), 'VALIDATION_FAILED');
    await rejects(h.client.createPayment({ sessionId: 'K-2', amountPaise: -1, idempotencyKey: newKey() }), 'VALIDATION_FAILED');
    await rejects(h.client.createPayment({ sessionId: 'K-2', amountPaise: 4000, idempotencyKey: 'short' }), 'VALIDATION_FAILED');
    await rejects(h.client.getPayment('no-such-payment'), 'NOT_FOUND');
    expect(await h.server.ctx.db.selectFrom('payments').select('id').execute()).toHaveLength(before.length);
  });

  it('refuses unsigned, mis-signed, stale and revoked requests with 401', async () => {
    const url = `${h.serverUrl}/kiosk/v1/ping`;
    expect((await fetch(url)).status).toBe(401);
    const key = kioskSigningKey(h.kiosk.secret);
    const good = { 'x-kiosk-id': h.kiosk.id, ...signKioskRequest(key, 'GET', '/kiosk/v1/ping', h.clock.now(), '') };
    expect((await fetch(url, { headers: good })).status).toBe(200);
    const wrongPath = { 'x-kiosk-id': h.kiosk.id, ...signKioskRequest(key, 'GET', '/kiosk/v1/payments/x', h.clock.now(), '') };
    expect((await fetch(url, { headers: wrongPath })).status).toBe(401);
    const stale = { 'x-kiosk-id': h.kiosk.id, ...signKioskRequest(key, 'GET', '/kiosk/v1/ping', h.clock.now() - 301_000, '') };
    expect((await fetch(url, { headers: stale })).status).toBe(401);
    const wrongSecret = { 'x-kiosk-id': h.kiosk.id, ...signKioskRequest(kioskSigningKey('guess'), 'GET', '/kiosk/v1/ping', h.clock.now(), '') };
    expect((await fetch(url, { headers: wrongSecret })).status).toBe(401);
    // A signed body that is then altered
    const body = JSON.stringify({ sessionId: 'K-3', amountPaise: 4000, idempotencyKey: newKey() });
    const signed = { 'x-kiosk-id': h.kiosk.id, 'content-type': 'application/json', ...signKioskRequest(key, 'POST', '/kiosk/v1/payments', h.clock.now(), body) };
    const res = await fetch(`${h.serverUrl}/kiosk/v1/payments`, { method: 'POST', headers: signed, body: body.replace('4000', '100') });
    expect(res.status).toBe(401);

    const other = await addKiosk(h.server.ctx.db, h.clock, 'Gate 2');
    const c2 = new ServerClient({ baseUrl: h.serverUrl, kioskId: other.id, kioskSecret: other.secret, now: () => h.clock.now() });
    const mine = await h.client.createPayment({ sessionId: 'K-4', amountPaise: 1000, idempotencyKey: newKey() });
    await rejects(c2.getPayment(mine.paymentId), 'NOT_FOUND');
    expect((await c2.ping()).kioskId).toBe(other.id);
    expect(await revokeKiosk(h.server.ctx.db, h.clock, other.id)).toBe(true);
    // The server refusing the KIOSK is not the operator's session ending: OFFLINE (take cash), with the reason.
    await rejects(c2.ping(), 'OFFLINE');
    const refused = await c2.createPayment({ sessionId: 'K-5', amountPaise: 1000, idempotencyKey: newKey() }).catch((e: unknown) => e as AppError);
    expect(refused).toMatchObject({ code: 'OFFLINE', details: { reason: 'kiosk_refused', status: 401, code: 'UNAUTHENTICATED' } });
  });

  it('a kiosk whose clock is 2 h ahead signs in server time: from the measured offset, else from the Date header once', async () => {
    const skew = 2 * 3600_000;
    let offset = 0;
    const learned: number[] = [];
    const skewed = new ServerClient({
      baseUrl: h.serverUrl, kioskId: h.kiosk.id, kioskSecret: h.kiosk.secret, now: () => h.clock.now() + skew,
      offset: () => offset, onOffset: (ms) => learned.push((offset = ms)),
    });
    // No offset known yet: refused once for the clock, the Date header gives the offset, the retry passes.
    expect((await skewed.ping()).kioskId).toBe(h.kiosk.id);
    expect(learned).toHaveLength(1);
    expect(Math.abs(learned[0]! + skew)).toBeLessThan(300_000); // within the server's window
    // Known offset: no refusal, no new estimate.
    await skewed.createPayment({ sessionId: 'K-skew', amountPaise: 1000, idempotencyKey: newKey() });
    expect(learned).toHaveLength(1);
    // Without a way to learn the offset, the refusal is reported as OFFLINE, never as the operator's UNAUTHENTICATED.
    const stubborn = new ServerClient({ baseUrl: h.serverUrl, kioskId: h.kiosk.id, kioskSecret: h.kiosk.secret, now: () => h.clock.now() + skew });
    await rejects(stubborn.ping(), 'OFFLINE');
  });

  it('the client reports OFFLINE when the server is unreachable or times out', async () => {
    const down = new ServerClient({ baseUrl: 'http://127.0.0.1:1', kioskId: 'k', kioskSecret: 's', timeoutMs: 500 });
    await rejects(down.getPayment('x'), 'OFFLINE');
    const hanging = new ServerClient({
      baseUrl: h.serverUrl, kioskId: 'k', kioskSecret: 's', timeoutMs: 50,
      fetchImpl: (_u, init) => new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(Object.assign(new Error('t'), { name: 'TimeoutError' })))),
    });
    await rejects(hanging.ping(), 'OFFLINE');
    const garbage = new ServerClient({ baseUrl: h.serverUrl, kioskId: 'k', kioskSecret: 's', fetchImpl: async () => new Response('<html>', { status: 502 }) });
    await rejects(garbage.ping(), 'OFFLINE');
  });

  it('a gateway that does not answer yields OFFLINE and leaves no payment behind', async () => {
    // A second server on the same database whose gateway base URL points at a closed port.
    const sdb = h.database.open();
    const config = loadConfig(serverEnv({ databaseUrl: h.database.url, gateway: 'sim', simUrl: 'http://127.0.0.1:1' }));
    const down = await buildServer({ config, db: sdb, clock: h.clock });
    try {
      await down.app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(down.app.server.address() as AddressInfo).port}`;
      const client = new ServerClient({ baseUrl: url, kioskId: h.kiosk.id, kioskSecret: h.kiosk.secret, now: () => h.clock.now() });
      const before = (await sdb.db.selectFrom('payments').select('id').execute()).length;
      await rejects(client.createPayment({ sessionId: 'K-down', amountPaise: 4000, idempotencyKey: newKey() }), 'OFFLINE');
      expect((await sdb.db.selectFrom('payments').select('id').execute()).length).toBe(before);
      expect(down.ctx.metrics.gatewayErrors.get({ gateway: 'sim', op: 'create' })).toBe(1);
    } finally {
      await down.close();
      await sdb.close();
    }
  });

  it('serves /health, /metrics and /openapi.json', async () => {
    const health = (await (await fetch(`${h.serverUrl}/health`)).json()) as { data: { db: string } };
    expect(health.data.db).toBe(backend);
    expect((await fetch(`${h.serverUrl}/metrics`)).status).toBe(401);
    const metrics = await (await fetch(`${h.serverUrl}/metrics`, { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(/parkgate_payments\{facility="main",status="PENDING"\} \d+/);
    expect(metrics).toContain('parkgate_http_requests_total{');
    const api = (await (await fetch(`${h.serverUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(api.paths)).toEqual(expect.arrayContaining(['/kiosk/v1/payments', '/kiosk/v1/payments/{id}', '/webhooks/razorpay', '/parker/v1/bookings/{id}/cancel']));
    const res = await fetch(`${h.serverUrl}/health`, { headers: { 'x-request-id': 'req-abc.1' } });
    expect(res.headers.get('x-request-id')).toBe('req-abc.1');
  });
});
