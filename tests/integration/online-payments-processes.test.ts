/**
 * No rupee taken twice, with real processes: a kiosk (`src-main/cli.ts serve`), the central server
 * (`src-server/main.ts`) and the gateway simulator (`src-server/sim/main.ts`, Razorpay wire format)
 * on loopback, the kiosk behind a TCP proxy (tests/sync/fault-proxy.ts) whose listener is closed
 * to cut the kiosk's network. The payment deadline is 6 s so it passes during the test.
 *
 * - A UPI success that comes after the deadline never opens the gate, whether the kiosk was cut
 *   off or paused (SIGSTOP) across the deadline: only the server's verdict (late) counts.
 * - "Take cash instead" while offline: the cancel is queued and reaches the server later; the
 *   money the customer still paid is flagged, refundable by a supervisor, never counted, and
 *   integrity stays clean. While online: the QR is closed at the gateway at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerClient, type ServerPayment } from '../../src-main/online/server-client.js';
import { kioskRow as readKioskRow } from '../helpers/kiosk-db.js';
import { startStack, type Stack, type StackKiosk } from '../helpers/stack.js';
import { until as untilEvery } from '../helpers/until.js';
import { FaultProxy } from '../sync/fault-proxy.js';

const TTL_S = 6;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>) => untilEvery(what, probe, 45_000, 200);

describe('late and abandoned UPI payments with real processes (kiosk + server + gateway simulator)', () => {
  let stack: Stack | undefined;
  let kiosk: StackKiosk;
  let proxy: FaultProxy;
  let serverClient: ServerClient;
  const tokens = { attendant: '', cashier: '', supervisor: '' };
  let plate = 1000;

  const api = (method: string, input: unknown, who: keyof typeof tokens): Promise<any> => kiosk.api(method, input, tokens[who]);
  const simCall = (method: 'GET' | 'POST', path: string, body: unknown = {}) => stack!.simCall(method, path, body);
  const kioskRow = (sql: string, ...args: unknown[]) => readKioskRow(kiosk.dbPath, sql, ...args);
  const setClock = (ms: number) => api('dev.setClock', { now: new Date(ms).toISOString() }, 'attendant');
  /** A car parked 70 minutes (₹80 due) with a started UPI payment. */
  const carAtExitPayingUpi = async () => {
    await setClock(Date.now() - 70 * 60_000);
    const s = await api('gate.issueTicket', { vehicleNumber: `KA01LP${++plate}` }, 'attendant');
    expect(s.ok, JSON.stringify(s)).toBe(true);
    await setClock(Date.now());
    const q = await api('gate.quoteExit', { code: s.data.code }, 'attendant');
    expect(q.ok, JSON.stringify(q)).toBe(true);
    const p = await api('gate.startOnlinePayment', { sessionId: s.data.id }, 'cashier');
    expect(p, JSON.stringify(p)).toMatchObject({ ok: true, data: { status: 'PENDING' } });
    return { session: s.data as { id: string; code: string }, due: q.data.amountDuePaise as number, payment: p.data as { id: string; gatewayRef: string; expiresAt: string } };
  };
  const serverPayment = (id: string): Promise<ServerPayment> => serverClient.getPayment(id);
  const integrityOk = async () => {
    const r = await api('integrity.check', {}, 'supervisor');
    expect(r.ok && r.data, JSON.stringify(r)).toMatchObject({ ok: true, findings: [] });
  };

  beforeAll(async () => {
    proxy = new FaultProxy(0);
    await proxy.start();
    const behindProxy = (serverUrl: string) => {
      proxy.targetPort = Number(new URL(serverUrl).port);
      return proxy.url;
    };
    stack = await startStack({ gateway: 'razorpay', serverExtra: { PAYMENT_TTL_SECONDS: String(TTL_S), RECONCILE_INTERVAL_MS: '200' }, kiosks: [{ serverUrl: behindProxy }] });
    kiosk = stack.kiosks[0]!;
    serverClient = new ServerClient({ baseUrl: stack.serverUrl, kioskId: kiosk.creds.id, kioskSecret: kiosk.creds.secret });
    for (const who of ['attendant', 'cashier', 'supervisor'] as const) {
      const r = await api('auth.login', { username: who, pin: '2468' }, who);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      tokens[who] = r.data.token;
    }
    expect((await api('shifts.open', { openingFloatPaise: 0 }, 'cashier')).ok).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
  }, 60_000);

  /** The deadline passes on the server (it closes the QR), then the customer pays: a late success. */
  const deadlinePassesThenCustomerPays = async (p: { id: string; gatewayRef: string }) => {
    await until('the server to expire the payment', async () => (await serverPayment(p.id)).status === 'EXPIRED');
    expect((await simCall('GET', `/_sim/payments/${p.gatewayRef}`)).closed).toBe(true);
    const paid = await simCall('POST', `/_sim/payments/${p.gatewayRef}/pay`);
    expect(JSON.parse(paid.delivered.body).data.outcome).toBe('late');
    expect(await serverPayment(p.id)).toMatchObject({ status: 'SUCCESS', late: true, needsReview: true });
  };
  const gateStayedClosed = async (car: Awaited<ReturnType<typeof carAtExitPayingUpi>>) => {
    await until('the kiosk to learn of the late success', async () => kioskRow('SELECT status FROM payments WHERE id = ?', car.payment.id).status === 'SUCCESS');
    await sleep(1500); // a wrong exit would follow the success at once
    expect(kioskRow('SELECT late, review_reason FROM payments WHERE id = ?', car.payment.id)).toMatchObject({ late: 1, review_reason: expect.stringMatching(/refund or accept/) });
    expect(kioskRow('SELECT status, amount_paid_paise FROM sessions WHERE id = ?', car.session.id)).toEqual({ status: 'EXITING', amount_paid_paise: 0 });
    const q = await api('gate.quoteExit', { code: car.session.code }, 'attendant');
    expect(q, 'flagged money does not count until accepted').toMatchObject({ ok: true, data: { amountDuePaise: car.due } });
    await integrityOk();
  };

  it('network cut around the deadline: the late success never opens the gate', async () => {
    const car = await carAtExitPayingUpi();
    await proxy.refuse(true);
    try {
      await deadlinePassesThenCustomerPays(car.payment);
      expect(kioskRow('SELECT status FROM payments WHERE id = ?', car.payment.id).status).toBe('PENDING'); // the kiosk never saw EXPIRED
    } finally {
      await proxy.refuse(false);
    }
    await gateStayedClosed(car);
  }, 120_000);

  it('kiosk paused by SIGSTOP across the deadline: the late success never opens the gate', async () => {
    const car = await carAtExitPayingUpi();
    kiosk.signal('SIGSTOP');
    try {
      await deadlinePassesThenCustomerPays(car.payment);
    } finally {
      kiosk.signal('SIGCONT');
    }
    await gateStayedClosed(car);
  }, 120_000);

  it('cash instead while offline: the cancel reaches the server later; the money still paid is flagged, refundable, never counted', async () => {
    const car = await carAtExitPayingUpi();
    await proxy.refuse(true);
    try {
      expect(await api('payments.cancel', { paymentId: car.payment.id }, 'cashier')).toMatchObject({ ok: true, data: { status: 'EXPIRED' } });
      const cash = await api('gate.payCash', { sessionId: car.session.id, tenderedPaise: car.due }, 'cashier');
      expect(cash.ok, JSON.stringify(cash)).toBe(true);
      // The server has not heard of the cancel: the QR is still open and the customer pays it too.
      const paid = await simCall('POST', `/_sim/payments/${car.payment.gatewayRef}/pay`);
      expect(JSON.parse(paid.delivered.body).data.outcome).toBe('applied');
    } finally {
      await proxy.refuse(false);
    }
    await until('the queued cancel to reach the server', async () => (await serverPayment(car.payment.id)).reviewReason === 'PAID_AFTER_CANCEL');
    // The server applies the cancel before the kiosk reads its answer and marks the row sent.
    await until('the kiosk to mark the cancel sent', async () => kioskRow('SELECT sent_at FROM payment_cancels WHERE payment_id = ?', car.payment.id).sent_at !== null);
    expect((await simCall('GET', `/_sim/payments/${car.payment.gatewayRef}`)).closed).toBe(true);
    await until('the kiosk to flag the money', async () => kioskRow('SELECT status FROM payments WHERE id = ?', car.payment.id).status === 'SUCCESS');
    expect(kioskRow('SELECT late FROM payments WHERE id = ?', car.payment.id).late).toBe(1);
    expect(kioskRow('SELECT status, amount_paid_paise, amount_due_paise FROM sessions WHERE id = ?', car.session.id)).toEqual({ status: 'COMPLETED', amount_paid_paise: car.due, amount_due_paise: car.due });
    await integrityOk();

    const listed = await api('payments.flagged', {}, 'supervisor');
    expect(listed.data.items.find((i: { payment: { id: string } }) => i.payment.id === car.payment.id)).toMatchObject({ resolvable: true });
    const refund = await api('payments.resolveFlagged', { paymentId: car.payment.id, action: 'refund', reason: 'paid cash and UPI' }, 'supervisor');
    expect(refund, JSON.stringify(refund)).toMatchObject({ ok: true, data: { action: 'refund', payment: { status: 'REFUNDED' } } });
    expect((await simCall('GET', `/_sim/payments/${car.payment.gatewayRef}`)).refunds).toHaveLength(1);
    expect(kioskRow('SELECT amount_paid_paise FROM sessions WHERE id = ?', car.session.id).amount_paid_paise).toBe(car.due);
    await integrityOk();
  }, 120_000);

  it('cash instead while online: the QR is closed at the gateway at once; money paid anyway is flagged', async () => {
    const car = await carAtExitPayingUpi();
    expect(await api('payments.cancel', { paymentId: car.payment.id }, 'cashier')).toMatchObject({ ok: true, data: { status: 'EXPIRED' } });
    await until('the QR to be closed at the gateway', async () => (await simCall('GET', `/_sim/payments/${car.payment.gatewayRef}`)).closed === true);
    expect(await serverPayment(car.payment.id)).toMatchObject({ status: 'EXPIRED' });
    expect((await api('gate.payCash', { sessionId: car.session.id, tenderedPaise: car.due }, 'cashier')).ok).toBe(true);
    const paid = await simCall('POST', `/_sim/payments/${car.payment.gatewayRef}/pay`);
    expect(JSON.parse(paid.delivered.body).data.outcome).toBe('late');
    expect(await serverPayment(car.payment.id)).toMatchObject({ status: 'SUCCESS', reviewReason: 'PAID_AFTER_CANCEL' });
    await until('the kiosk to flag the money', async () => kioskRow('SELECT status FROM payments WHERE id = ?', car.payment.id).status === 'SUCCESS');
    expect(kioskRow('SELECT amount_paid_paise FROM sessions WHERE id = ?', car.session.id).amount_paid_paise).toBe(car.due);
    await integrityOk();
  }, 120_000);
});
