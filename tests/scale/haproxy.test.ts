/**
 * The production shape: three server instances (real processes, one PostgreSQL, Redis for the
 * rate limits) behind HAProxy with the repository's deploy/haproxy.cfg (only its ports replaced
 * by free ones). Two kiosks know only HAProxy's URL: a ticket issued at one reaches the other
 * (pushes and long-polls through the balancer, spread over the instances); the gateway
 * simulator's webhook goes through HAProxy too (any instance takes it) and the payment
 * completes; one instance killed with SIGKILL: HAProxy routes around it and sync goes on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ServerClient, type ServerPayment } from '../../src-main/online/server-client.js';
import { createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';
import { SECRETS } from '../server/helpers/env.js';
import { freePort, startScript, type Proc as ScriptProc } from '../server/helpers/processes.js';
import { api, Cluster, startKiosk, stopProc, until, type Kiosk } from './cluster.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** deploy/haproxy.cfg with its front port and the three instance ports replaced. */
export function haproxyConfig(front: number, backends: number[]): string {
  let cfg = readFileSync(join(ROOT, 'deploy', 'haproxy.cfg'), 'utf8');
  cfg = cfg.replace(/bind 127\.0\.0\.1:8080/, `bind 127.0.0.1:${front}`);
  backends.forEach((port, i) => (cfg = cfg.replace(`127.0.0.1:${8081 + i} check`, `127.0.0.1:${port} check`)));
  return cfg;
}

describe('three instances behind HAProxy (deploy/haproxy.cfg)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parkgate-haproxy-'));
  let database: TestDatabase | null = null;
  let cluster: Cluster | null = null;
  let haproxy: ChildProcess | null = null;
  let sim: ScriptProc | null = null;
  const kiosks: Kiosk[] = [];

  afterAll(async () => {
    for (const k of kiosks) await stopProc(k.proc);
    haproxy?.kill('SIGKILL');
    await sim?.stop();
    await cluster?.stopAll();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('kiosks sync through the balancer, a webhook lands on any instance, an instance dies and sync goes on', async () => {
    database = await createTestDatabase('postgres');
    const [front, simPort] = [await freePort(), await freePort()];
    const lb = `http://127.0.0.1:${front}`;
    const simUrl = `http://127.0.0.1:${simPort}`;
    cluster = Cluster.forDatabase(database.url, { TRUST_PROXY: '127.0.0.1', REDIS_URL: 'redis://127.0.0.1:6379/0', REDIS_KEY_PREFIX: `h20a-lb-${front}:`, PUBLIC_BASE_URL: lb }, simUrl, 'razorpay');
    const [a, b] = [await cluster.enrol('Gate A'), await cluster.enrol('Gate B')];
    for (let i = 0; i < 3; i++) await cluster.add();
    const cfgFile = join(dir, 'haproxy.cfg');
    writeFileSync(cfgFile, haproxyConfig(front, cluster.instances.map((i) => i.port)));
    let hout = '';
    haproxy = spawn('haproxy', ['-f', cfgFile, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
    haproxy.stdout!.on('data', (d: Buffer) => (hout = (hout + d.toString()).slice(-20_000)));
    haproxy.stderr!.on('data', (d: Buffer) => (hout = (hout + d.toString()).slice(-20_000)));
    await until(async () => (await fetch(`${lb}/health`).catch(() => null))?.status === 200, 15_000, 100, 'HAProxy up').catch((err: Error) => {
      throw new Error(`${err.message}\n${hout}`);
    });
    sim = await startScript('gateway-sim', { ...SECRETS, GATEWAY_SIM_PORT: String(simPort), SIM_SERVER_URL: lb }, /gateway-sim listening/);

    kiosks.push(await startKiosk(join(dir, 'a.db'), lb, a, { seedDemo: true }));
    kiosks.push(await startKiosk(join(dir, 'b.db'), lb, b));
    const [gateA, gateB] = kiosks as [Kiosk, Kiosk];
    const crossOver = async (plate: string) => {
      const issued = await api(gateA.url, 'gate.issueTicket', { vehicleNumber: plate }, gateA.token);
      expect('ok' in issued && issued.ok, JSON.stringify(issued)).toBe(true);
      const code = (issued as { data: { code: string } }).data.code;
      return until(async () => {
        const r = await api(gateB.url, 'sessions.get', { code }, gateB.token);
        return 'ok' in r && r.ok;
      }, 15_000, 20, `ticket ${plate} at gate B`);
    };
    for (let i = 0; i < 5; i++) await crossOver(`LB${i}`);
    const pushes = await Promise.all(cluster.instances.map((i) => cluster!.metric(i, /^parkgate_sync_pushes_total\{[^}]*\} (\d+)$/m)));
    const pulls = await Promise.all(cluster.instances.map((i) => cluster!.metric(i, /^parkgate_sync_pulls_total\{[^}]*\} (\d+)$/m)));
    console.log(JSON.stringify({ pushes, pulls }));
    expect(pulls.filter((n) => (n ?? 0) > 0).length, 'pulls answered by more than one instance').toBeGreaterThan(1);

    // An online payment through the balancer; the signed webhook comes back through it too.
    const client = new ServerClient({ baseUrl: lb, kioskId: a.id, kioskSecret: a.secret });
    const p = await client.createPayment({ sessionId: 'lb-pay-1', amountPaise: 4000, idempotencyKey: 'lb-pay-key-1' });
    const res = await fetch(`${simUrl}/_sim/payments/${p.gatewayRef}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(((await res.json()) as { delivered: { status: number } | null }).delivered?.status).toBe(200);
    let last: ServerPayment | null = null;
    await until(async () => (last = await client.getPayment(p.paymentId)).status === 'SUCCESS', 10_000, 100, 'payment SUCCESS');
    expect(last).toMatchObject({ status: 'SUCCESS', late: false });

    // One instance dies: HAProxy's check takes it out; the gates go on syncing.
    await cluster.kill(cluster.instances[0]!);
    for (let i = 0; i < 5; i++) await crossOver(`LBK${i}`);
  }, 180_000);
});
