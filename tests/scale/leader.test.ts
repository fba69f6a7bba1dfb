/**
 * The periodic jobs (reconciler status polls, expiry at the deadline, booking sweep) on exactly
 * one of three instances (real processes, one PostgreSQL, the gateway simulator speaking
 * Razorpay): kill -9 the leader and another instance takes the advisory lock within seconds.
 * An open UPI payment paid after the kill, whose webhook went to the dead instance (lost), still
 * completes through the new leader's status poll; another open payment expires at its deadline.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ServerClient, type ServerPayment } from '../../src-main/online/server-client.js';
import { createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';
import { SECRETS } from '../server/helpers/env.js';
import { freePort, startScript, type Proc as ScriptProc } from '../server/helpers/processes.js';
import { Cluster, until } from './cluster.js';

/**
 * How long an instance may take to hold the lock: generous for a loaded machine (it checks every
 * 300 ms here), yet short of the payments' 30 s deadline (the paid one must be paid before it) and
 * of a lock left held by a dead leader's connection.
 */
const LEADER_WAIT_MS = 15_000;

describe('jobs leader across instances (PostgreSQL advisory lock)', () => {
  let database: TestDatabase | null = null;
  let cluster: Cluster | null = null;
  let sim: ScriptProc | null = null;

  afterAll(async () => {
    await cluster?.stopAll();
    await sim?.stop();
    await database?.drop();
  }, 60_000);

  it('kill -9 the leader: another takes over, an open payment completes and another expires', async () => {
    database = await createTestDatabase('postgres');
    const simPort = await freePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    cluster = Cluster.forDatabase(database.url, { PAYMENT_TTL_SECONDS: '30', RECONCILE_INTERVAL_MS: '200' }, simUrl, 'razorpay');
    const cred = await cluster.enrol('Gate 1');
    const i1 = await cluster.add();
    await until(async () => (await cluster!.leaders()).length === 1, LEADER_WAIT_MS, 100, 'a first leader');
    const i2 = await cluster.add();
    const i3 = await cluster.add();
    sim = await startScript('gateway-sim', { ...SECRETS, GATEWAY_SIM_PORT: String(simPort), SIM_SERVER_URL: i1.url }, /gateway-sim listening/);
    expect((await cluster.leaders()).map((i) => i.name)).toEqual(['i1']);

    const client = (base: string) => new ServerClient({ baseUrl: base, kioskId: cred.id, kioskSecret: cred.secret });
    const paid = await client(i2.url).createPayment({ sessionId: 'lead-1', amountPaise: 4000, idempotencyKey: 'leader-test-1' });
    const unpaid = await client(i3.url).createPayment({ sessionId: 'lead-2', amountPaise: 2000, idempotencyKey: 'leader-test-2' });

    await cluster.kill(i1);
    const takeoverMs = await until(async () => (await cluster!.leaders()).length === 1, LEADER_WAIT_MS, 50, 'a new leader');
    const leaders = await cluster.leaders();
    expect(leaders).toHaveLength(1);
    expect(['i2', 'i3']).toContain(leaders[0]!.name);
    expect(leaders[0]!.proc!.out()).toContain('now runs the periodic jobs');
    console.log(JSON.stringify({ takeoverMs, leader: leaders[0]!.name }));

    // The customer pays; the simulator's webhook goes to the dead instance and is lost.
    const res = await fetch(`${simUrl}/_sim/payments/${paid.gatewayRef}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    const seen = async (id: string, pred: (p: ServerPayment) => boolean) => {
      let last: ServerPayment | null = null;
      await until(async () => pred((last = await client(i3.url).getPayment(id))), 45_000, 250, `payment ${id}`);
      return last!;
    };
    // First status poll 20 s after creation (the reconciler's schedule), by the new leader.
    expect(await seen(paid.paymentId, (p) => p.status !== 'PENDING')).toMatchObject({ status: 'SUCCESS', late: false });
    expect(await seen(unpaid.paymentId, (p) => p.status !== 'PENDING')).toMatchObject({ status: 'EXPIRED' });
    // Still exactly one leader.
    expect(await cluster.leaders()).toHaveLength(1);
  }, 240_000);
});
