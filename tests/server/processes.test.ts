/**
 * Full flows with real processes on loopback (tests/helpers/stack.ts): the server + the gateway
 * simulator (+ the enrolment CLI), the kiosk-side ServerClient polling as the kiosk will:
 * Razorpay and PhonePe success by signed webhook, expiry at the deadline, late success. SQLite
 * and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerClient } from '../../src-main/online/server-client.js';
import type { ServerPayment } from '../../src-main/online/server-client.js';
import { startStack, type Stack } from '../helpers/stack.js';
import type { Backend } from './helpers/databases.js';
import { BACKENDS } from './helpers/databases.js';
import { runScript, START_TIMEOUT_MS } from './helpers/processes.js';

async function waitFor(client: ServerClient, id: string, pred: (p: ServerPayment) => boolean, timeoutMs = 15_000): Promise<ServerPayment> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const p = await client.getPayment(id);
    if (pred(p) || Date.now() > until) return p;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function simPost(simUrl: string, path: string, body: unknown = {}) {
  const res = await fetch(`${simUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { delivered: { status: number } | null };
}

function stack(backend: Backend, gateway: 'razorpay' | 'phonepe', extra: Record<string, string> = {}) {
  const s = { procs: null as Stack | null, client: null as unknown as ServerClient, simUrl: '' };
  beforeAll(async () => {
    s.procs = await startStack({ backend, gateway, serverExtra: { PAYMENT_TTL_SECONDS: '5', RECONCILE_INTERVAL_MS: '200', ...extra } });
    s.simUrl = s.procs.simUrl;
    const { id: kioskId, secret: kioskSecret } = await s.procs.enrol('Process gate');
    expect(kioskId && kioskSecret).toBeTruthy();
    s.client = new ServerClient({ baseUrl: s.procs.serverUrl, kioskId, kioskSecret });
  }, 60_000);
  afterAll(async () => {
    await s.procs?.stop();
  }, 30_000);
  return s;
}

describe.each(BACKENDS)('real processes, Razorpay, on %s', (backend) => {
  const s = stack(backend, 'razorpay');

  it('create -> simulator sends a signed webhook -> server SUCCESS -> kiosk client sees it', async () => {
    const p = await s.client.createPayment({ sessionId: 'proc-1', amountPaise: 4000, idempotencyKey: `proc-rzp-${backend}-1` });
    expect(p.gatewayRef).toMatch(/^qr_/);
    expect(p.upiUri).toContain('am=40.00');
    const r = await simPost(s.simUrl, `/_sim/payments/${p.gatewayRef}/pay`);
    expect(r.delivered?.status).toBe(200);
    expect((await waitFor(s.client, p.paymentId, (x) => x.status === 'SUCCESS')).status).toBe('SUCCESS');
  });

  it('expiry at the deadline, then a late success kept and flagged', async () => {
    const p = await s.client.createPayment({ sessionId: 'proc-2', amountPaise: 4000, idempotencyKey: `proc-rzp-${backend}-2` });
    const expired = await waitFor(s.client, p.paymentId, (x) => x.status !== 'PENDING');
    expect(expired.status).toBe('EXPIRED');
    await simPost(s.simUrl, `/_sim/payments/${p.gatewayRef}/pay`);
    const late = await waitFor(s.client, p.paymentId, (x) => x.status === 'SUCCESS');
    expect(late).toMatchObject({ status: 'SUCCESS', late: true, needsReview: true });
  });
});

describe.each(BACKENDS)('real processes, Razorpay Orders (RAZORPAY_MODE=order), on %s', (backend) => {
  const s = stack(backend, 'razorpay', { RAZORPAY_MODE: 'order', RAZORPAY_CONTACT: '+919800000000', RAZORPAY_EMAIL: 'gate@parkgate.example' });

  it('order + UPI intent -> simulator sends a signed order.paid -> server SUCCESS; expiry then a late capture', async () => {
    const p = await s.client.createPayment({ sessionId: 'proc-o1', amountPaise: 4000, idempotencyKey: `proc-rzo-${backend}-1` });
    expect(p.gatewayRef).toMatch(/^order_/);
    expect(p.upiUri).toMatch(/^upi:\/\/pay\?.*am=40\.00/);
    expect((await simPost(s.simUrl, `/_sim/payments/${p.gatewayRef}/pay`)).delivered?.status).toBe(200);
    expect((await waitFor(s.client, p.paymentId, (x) => x.status === 'SUCCESS')).status).toBe('SUCCESS');

    const q = await s.client.createPayment({ sessionId: 'proc-o2', amountPaise: 4000, idempotencyKey: `proc-rzo-${backend}-2` });
    expect((await waitFor(s.client, q.paymentId, (x) => x.status !== 'PENDING')).status).toBe('EXPIRED');
    await simPost(s.simUrl, `/_sim/payments/${q.gatewayRef}/pay`, { razorpayEvent: 'payment.captured' });
    expect(await waitFor(s.client, q.paymentId, (x) => x.status === 'SUCCESS')).toMatchObject({ late: true, reviewReason: 'LATE_PAYMENT' });
  });
});

describe.each(BACKENDS)('real processes, PhonePe, on %s', (backend) => {
  const s = stack(backend, 'phonepe');

  it('create -> simulator sends a signed v1 callback -> server SUCCESS', async () => {
    const p = await s.client.createPayment({ sessionId: 'proc-3', amountPaise: 6000, idempotencyKey: `proc-pp-${backend}-1` });
    expect(p.gateway).toBe('phonepe');
    await simPost(s.simUrl, `/_sim/payments/${p.gatewayRef}/pay`);
    expect((await waitFor(s.client, p.paymentId, (x) => x.status === 'SUCCESS')).status).toBe('SUCCESS');
  });

  it('a failed payment is FAILED; expiry and a late v2 success are handled', async () => {
    const f = await s.client.createPayment({ sessionId: 'proc-4', amountPaise: 6000, idempotencyKey: `proc-pp-${backend}-2` });
    await simPost(s.simUrl, `/_sim/payments/${f.gatewayRef}/fail`);
    expect((await waitFor(s.client, f.paymentId, (x) => x.status !== 'PENDING')).status).toBe('FAILED');

    const p = await s.client.createPayment({ sessionId: 'proc-5', amountPaise: 6000, idempotencyKey: `proc-pp-${backend}-3` });
    expect((await waitFor(s.client, p.paymentId, (x) => x.status !== 'PENDING')).status).toBe('EXPIRED');
    await simPost(s.simUrl, `/_sim/payments/${p.gatewayRef}/pay`, { phonepeVersion: 'v2' });
    expect(await waitFor(s.client, p.paymentId, (x) => x.status === 'SUCCESS')).toMatchObject({ late: true, reviewReason: 'LATE_PAYMENT' });
  });
});

describe('server start-up refusals', () => {
  it('refuses to start a gateway whose secret is missing', async () => {
    const r = await runScript('server', [], { PAYMENT_GATEWAY: 'razorpay', RAZORPAY_KEY_ID: 'k', RAZORPAY_KEY_SECRET: '', RAZORPAY_WEBHOOK_SECRET: '', DATABASE_URL: ':memory:', PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.out).toContain('RAZORPAY_KEY_SECRET');
    expect(r.out).not.toMatch(/listening/);
  }, START_TIMEOUT_MS); // npm + tsx start-up alone can take most of 20 s on a loaded machine
});
