/**
 * Central server bench (`npx tsx tests/bench/server-bench.ts`, or `npm run bench -- --only server`).
 * For SQLite and PostgreSQL: verified Razorpay webhook ingest (each a real PENDING -> SUCCESS
 * transition), kiosk payment creation (signed requests) and the kiosk payment-status GET, each
 * next to a bare Fastify route measured in the same run on the same machine. autocannon runs in
 * this process; the server runs in a child process (this file with --serve) so they do not share
 * an event loop. The gateway is an in-memory adapter: the figures are the server's + database's.
 * Target: >= 1,000 verified webhooks/s on PostgreSQL with p99 < 50 ms. After the load the
 * server reports what it stored, and the bench checks no transition was lost or applied twice.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import type { Kysely } from 'kysely';
import { kioskSigningKey, signKioskRequest } from '../../src-shared/protocol/kiosk-signing.js';
import { buildServer } from '../../src-server/app.js';
import { loadConfig } from '../../src-server/config.js';
import { addKiosk } from '../../src-server/kiosks/enrolment.js';
import type { CreateGatewayPayment, GatewayEvent, PaymentGateway, PaymentRefs } from '../../src-server/payments/gateway.js';
import { razorpayWebhookSignature } from '../../src-server/payments/razorpay/signature.js';
import { buildUpiUri } from '../../src-server/payments/upi.js';
import { systemClock } from '../../src-server/util/clock.js';
import { newMerchantRef, uuidv7 } from '../../src-server/util/ids.js';
import type { Backend } from '../server/helpers/databases.js';
import { BACKENDS, createTestDatabase } from '../server/helpers/databases.js';
import { SECRETS } from '../server/helpers/env.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PREPARED = Number(process.env.BENCH_PREPARED ?? 15_000);

/** In-memory gateway: the bench measures our server and database, not a network peer. */
class MemoryGateway implements PaymentGateway {
  readonly name = 'razorpay' as const;
  async create(i: CreateGatewayPayment) {
    const ref = `qr_${randomBytes(7).toString('hex')}`;
    return { gatewayRef: ref, upiUri: buildUpiUri({ vpa: 'bench@upi', payeeName: 'ParkGate', txnRef: ref, note: i.description, amountPaise: i.amountPaise }) };
  }
  async fetchStatus(r: PaymentRefs): Promise<GatewayEvent> {
    return { gateway: 'razorpay', eventKey: `poll:${r.gatewayRef}`, eventType: 'poll', outcome: 'PENDING', gatewayRef: r.gatewayRef, merchantRef: null, amountPaise: null, currency: null, gatewayPaymentId: null };
  }
  async close() {}
  async refund() {
    return { refundId: 'rfnd_bench' };
  }
}

interface Tally {
  /** bench payments now SUCCESS */
  success: number;
  /** history rows recording a transition to SUCCESS */
  successHistory: number;
  /** distinct payments with a result in the sync change log (pushed to the kiosk) */
  paymentResults: number;
}

interface Ready {
  port: number;
  barePort: number;
  kiosk: { id: string; secret: string };
  statusPaymentId: string;
  refs: Array<{ qr: string; merchantRef: string }>;
}

async function serve(databaseUrl: string): Promise<void> {
  const config = loadConfig({ ...SECRETS, DATABASE_URL: databaseUrl, PAYMENT_GATEWAY: 'razorpay', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', RECONCILE_INTERVAL_MS: '60000', DATABASE_POOL_SIZE: process.env.BENCH_POOL ?? '20' });
  const server = await buildServer({ config, gateways: { razorpay: new MemoryGateway() } });
  const db = server.ctx.db;
  const kiosk = await addKiosk(db, systemClock, 'bench');
  const now = systemClock.now();
  const refs: Ready['refs'] = [];
  let statusPaymentId = '';
  for (let start = 0; start < PREPARED; start += 500) {
    const rows = Array.from({ length: Math.min(500, PREPARED - start) }, (_, i) => {
      const id = uuidv7(systemClock);
      const qr = `qr_${randomBytes(7).toString('hex')}`;
      const merchantRef = newMerchantRef();
      refs.push({ qr, merchantRef });
      statusPaymentId ||= id;
      return {
        id, owner: `kiosk:${kiosk.id}`, kiosk_id: kiosk.id, booking_id: null, session_id: `bench-${start + i}`, idempotency_key: `bench-${start + i}`,
        amount_paise: 4000, gateway: 'razorpay', merchant_ref: merchantRef, gateway_ref: qr, gateway_payment_id: null, upi_uri: 'upi://pay?pa=bench@upi',
        vehicle_number: null, status: 'PENDING' as const, late: 0, review_reason: null, paid_amount_paise: null, refunded_paise: 0,
        created_at: now, expires_at: now + 3_600_000, completed_at: null, closed_at: null, next_poll_at: now + 3_600_000, poll_count: 0, updated_at: now, cancelled_at: null, parent_payment_id: null,
      };
    });
    await db.insertInto('payments').values(rows).execute();
  }
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const bare = Fastify({ logger: false });
  bare.post('/bare', async () => ({ ok: true, data: { outcome: 'applied' } }));
  bare.get('/bare', async () => ({ ok: true, data: { status: 'PENDING' } }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const port = (server.app.server.address() as { port: number }).port;
  const barePort = (bare.server.address() as { port: number }).port;
  const ready: Ready = { port, barePort, kiosk, statusPaymentId, refs };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  process.on('SIGTERM', () => {
    void (async () => {
      await server.ctx.syncEvents?.drain();
      // What the load left behind, so the parent can check that no transition was lost or doubled.
      const count = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0);
      const tally: Tally = {
        success: await count(db.selectFrom('payments').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'SUCCESS').where('session_id', 'like', 'bench-%').executeTakeFirst()),
        successHistory: await count(db.selectFrom('payment_history').select((eb) => eb.fn.countAll().as('n')).where('to_status', '=', 'SUCCESS').executeTakeFirst()),
        paymentResults: await count((db as unknown as Kysely<{ sync_changes: { entity_type: string; entity_id: string } }>).selectFrom('sync_changes').select((eb) => eb.fn.count('entity_id').distinct().as('n')).where('entity_type', '=', 'paymentResult').executeTakeFirst()),
      };
      process.stdout.write(`${JSON.stringify(tally)}\n`);
      await Promise.all([server.close(), bare.close()]);
      process.exit(0);
    })();
  });
}

function webhookBody(qr: string, merchantRef: string): string {
  const payment = { id: `pay_${randomBytes(7).toString('hex')}`, entity: 'payment', amount: 4000, currency: 'INR', status: 'captured', order_id: null, method: 'upi', notes: { merchant_ref: merchantRef } };
  return JSON.stringify({ entity: 'event', account_id: 'acc_bench', event: 'qr_code.credited', contains: ['payment', 'qr_code'], payload: { payment: { entity: payment }, qr_code: { entity: { id: qr, entity: 'qr_code', status: 'active' } } }, created_at: 1 });
}

interface Row {
  backend: string;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

const row = (backend: string, scenario: string, r: Awaited<ReturnType<typeof autocannon>>): Row => ({ backend, scenario, rps: Math.round(r.requests.mean), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors + r.timeouts });

const checks: string[] = [];

async function benchBackend(backend: Backend): Promise<Row[]> {
  const database = await createTestDatabase(backend);
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve', database.url], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_PREPARED: String(PREPARED) } });
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const nextLine = async (): Promise<string> => {
      const r = await lines.next();
      if (r.done) throw new Error('bench server ended without a line');
      return r.value as string;
    };
    const ready = JSON.parse(await nextLine()) as Ready;
    const base = `http://127.0.0.1:${ready.port}`;
    const bare = `http://127.0.0.1:${ready.barePort}`;
    const key = kioskSigningKey(ready.kiosk.secret);
    const rows: Row[] = [];
    const sample = webhookBody('qr_x', 'PGX');

    rows.push(row(backend, 'bare Fastify POST (reference)', await autocannon({ url: bare, connections: CONNECTIONS, duration: DURATION, requests: [{ method: 'POST', path: '/bare', headers: { 'content-type': 'application/json' }, body: sample }] })));

    let next = 0;
    const prepared = ready.refs.map((r) => {
      const body = webhookBody(r.qr, r.merchantRef);
      return { body, sig: razorpayWebhookSignature(body, SECRETS.RAZORPAY_WEBHOOK_SECRET) };
    });
    const wh = await autocannon({
      url: base, connections: CONNECTIONS, duration: DURATION,
      requests: [{
        method: 'POST', path: '/webhooks/razorpay',
        setupRequest: (req) => {
          const e = prepared[next++ % prepared.length]!;
          return { ...req, body: e.body, headers: { 'content-type': 'application/json', 'x-razorpay-signature': e.sig, 'x-razorpay-event-id': `evt_${next}_${randomBytes(4).toString('hex')}` } };
        },
      }],
    });
    const whRow = row(backend, `verified webhooks (${Math.min(next, prepared.length)} PENDING->SUCCESS)`, wh);
    if (next > prepared.length) whRow.scenario += ` + ${next - prepared.length} new-id duplicates`;
    rows.push(whRow);

    let n = 0;
    rows.push(row(backend, 'kiosk payment creation (signed)', await autocannon({
      url: base, connections: CONNECTIONS, duration: DURATION,
      requests: [{
        method: 'POST', path: '/kiosk/v1/payments',
        setupRequest: (req) => {
          n++;
          const body = JSON.stringify({ sessionId: `cr-${n}-${randomBytes(3).toString('hex')}`, amountPaise: 4000, idempotencyKey: `create-${n}-${randomBytes(4).toString('hex')}` });
          return { ...req, body, headers: { 'content-type': 'application/json', 'x-kiosk-id': ready.kiosk.id, ...signKioskRequest(key, 'POST', '/kiosk/v1/payments', Date.now(), body) } };
        },
      }],
    })));

    rows.push(row(backend, 'bare Fastify GET (reference)', await autocannon({ url: bare, connections: CONNECTIONS, duration: DURATION, requests: [{ method: 'GET', path: '/bare' }] })));
    const statusPath = `/kiosk/v1/payments/${ready.statusPaymentId}`;
    rows.push(row(backend, 'kiosk payment-status GET (signed)', await autocannon({
      url: base, connections: CONNECTIONS, duration: DURATION,
      requests: [{ method: 'GET', path: statusPath, setupRequest: (req) => ({ ...req, headers: { 'x-kiosk-id': ready.kiosk.id, ...signKioskRequest(key, 'GET', statusPath, Date.now(), '') } }) }],
    })));
    child.kill('SIGTERM');
    const t = JSON.parse(await nextLine()) as Tally;
    const sent = Math.min(next, prepared.length);
    const consistent = t.success === t.successHistory && t.success === t.paymentResults && t.success <= sent && t.success >= sent - CONNECTIONS;
    checks.push(`${backend}: ${t.success} payments SUCCESS for ${sent} distinct webhooks sent (in flight at the end: up to ${CONNECTIONS}), ${t.successHistory} SUCCESS history rows, ${t.paymentResults} results in the kiosks' change log: ${consistent ? 'consistent' : 'INCONSISTENT'}`);
    return rows;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await database.drop();
  }
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--serve');
  if (at >= 0) return serve(process.argv[at + 1]!);
  const rows: Row[] = [];
  for (const b of BACKENDS) rows.push(...(await benchBackend(b)));
  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  console.log(`\nserver bench: ${DURATION}s per scenario, ${CONNECTIONS} connections, autocannon on loopback\n`);
  console.log(`${pad('db', 9)}${pad('scenario', 66)}${pad('req/s', 9)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}errors/non-2xx`);
  for (const r of rows) console.log(`${pad(r.backend, 9)}${pad(r.scenario, 66)}${pad(r.rps, 9)}${pad(r.p50, 8)}${pad(r.p99, 8)}${r.non2xx}`);
  console.log(`\nafter the webhook load (no transition lost or applied twice):\n  ${checks.join('\n  ')}`);
  const pgWh = rows.find((r) => r.backend === 'postgres' && r.scenario.startsWith('verified webhooks'));
  if (pgWh) {
    const ok = pgWh.rps >= 1000 && pgWh.p99 < 50 && !checks.some((c) => c.includes('INCONSISTENT'));
    console.log(`\ntarget (>= 1000 verified webhooks/s on PostgreSQL, p99 < 50 ms): ${ok ? 'MET' : 'MISSED'} (${pgWh.rps}/s, p99 ${pgWh.p99} ms)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
