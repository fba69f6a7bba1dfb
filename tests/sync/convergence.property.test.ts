/**
 * Model-based property test: 3-5 real kiosk cores (temp SQLite files, in process) and
 * the server's SyncService (SQLite), random gate operations at random gates, random network
 * faults (drop, duplicate, delayed replay = reorder, response lost after the server committed),
 * random restarts and clock steps, and online (UPI) payments against the server's real payment code
 * (tests/sync/payment-model.ts): a success that arrives after the payment's deadline, and a cancel
 * ("Take cash instead") followed by the customer paying the QR anyway. After healing: every kiosk
 * and the server hold the same sessions and payments, nothing is pending or parked, no event is
 * stored twice, no payment is counted twice, no car is charged twice (late or after-cancel money
 * is flagged on the server and at every gate and never counted), integrity.check passes on every
 * kiosk.
 *
 * SYNC_PROPERTY_RUNS (default 12) sets the number of runs; the CI campaign uses >= 1000.
 * SYNC_PROPERTY_SEED replays a failure (the seed is printed on every failure).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKiosk } from '../../src-main/kiosk.js';
import { secretsPathFor } from '../../src-main/core/secrets.js';
import { sha256Hex } from '../../src-main/core/ids.js';
import type { Actor } from '../../src-main/services/context.js';
import { LATE_REVIEW_REASON, OnlinePayments } from '../../src-main/services/online-payments.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import { paymentModel } from './payment-model.js';
import type { SyncService } from '../../src-server/sync/service.js';
import {
  heal, InProcTransport, kioskSessions, memoryServer, mulberry, serverSessions, tempDir, TestClock, type Faults, type TestKiosk,
} from './harness.js';

const RUNS = Number(process.env.SYNC_PROPERTY_RUNS ?? 12);
const SEED = process.env.SYNC_PROPERTY_SEED ? Number(process.env.SYNC_PROPERTY_SEED) : undefined;

type Op =
  | { t: 'issue'; k: number; zone: number }
  /** Several walk-ins at one gate: fills the car park (15 slots), so clashes find no free slot (overflow). */
  | { t: 'burst'; k: number; count: number }
  | { t: 'book'; k: number }
  | { t: 'enter'; k: number; pick: number }
  | { t: 'exit'; k: number; pick: number }
  | { t: 'cancel'; k: number; pick: number }
  | { t: 'sync'; k: number }
  | { t: 'net'; k: number; online: boolean }
  | { t: 'faults'; k: number; faults: Faults }
  | { t: 'advance'; ms: number }
  | { t: 'restart'; k: number }
  | { t: 'replay'; k: number }
  /** UPI at the exit; the deadline passes on the server before the customer pays (a late success). */
  | { t: 'lateSuccess'; k: number; pick: number }
  /** UPI at the exit, then "Take cash instead" (maybe paid in cash), then the customer pays the QR anyway. */
  | { t: 'cancelCapture'; k: number; pick: number; cash: boolean }
  /** UPI at the exit, paid in time: the server's success opens the gate. */
  | { t: 'upi'; k: number; pick: number };

const opArb = (n: number): fc.Arbitrary<Op> => {
  const k = fc.nat({ max: n - 1 });
  const pick = fc.nat({ max: 1000 });
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ t: fc.constant('issue' as const), k, zone: fc.nat({ max: 1 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('book' as const), k }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('burst' as const), k, count: fc.integer({ min: 3, max: 8 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('enter' as const), k, pick }) },
    { weight: 5, arbitrary: fc.record({ t: fc.constant('exit' as const), k, pick }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), k, pick }) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('sync' as const), k }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('net' as const), k, online: fc.boolean() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('faults' as const), k,
        faults: fc.record({
          drop: fc.constantFrom(0, 0.2, 0.5), loseResponse: fc.constantFrom(0, 0.3, 0.6),
          duplicate: fc.constantFrom(0, 0.3), delayReplay: fc.constantFrom(0, 0.3),
        }),
      }),
    },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1000, max: 3 * 3600_000 }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('restart' as const), k }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('replay' as const), k }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('lateSuccess' as const), k, pick }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('cancelCapture' as const), k, pick, cash: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('upi' as const), k, pick }) },
  );
};

const scenarioArb = fc.integer({ min: 3, max: 5 }).chain((n) =>
  fc.record({ n: fc.constant(n), ops: fc.array(opArb(n), { minLength: 5, maxLength: 40 }), rngSeed: fc.integer() }));


describe('sync convergence (property)', () => {
  let tmp: ReturnType<typeof tempDir>;
  /** templates[i]: gate i as createKiosk leaves it at the start of a run, copied into every run. */
  const templates: string[] = [];
  let runNo = 0;

  beforeAll(async () => {
    tmp = tempDir('pg-sync-prop-');
    // One seeded gate (zones, slots, operators) reused by copying: seeding hashes PINs, slow on purpose.
    // The empty gates 1-4 likewise (created the way a run creates them): migrating a new file
    // costs more than a whole short run. Each keeps its own secrets, so the gates' ticket keys differ.
    for (let i = 0; i < 5; i++) {
      const dbPath = join(tmp.dir, `template-k${i}.db`);
      const sync = i === 0 ? undefined : { transport: new InProcTransport(() => { throw new Error('no server while templating'); }, `k${i}`), autoStart: false };
      const k = await createKiosk({ dbPath, kioskId: `k${i}`, clock: new TestClock(), ...(i === 0 ? { seedDemo: true } : { sync }) });
      await k.close();
      templates.push(dbPath);
    }
  });
  afterAll(() => tmp.cleanup());

  it(`${RUNS} random runs converge`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ n, ops, rngSeed }) => {
        const run = ++runNo;
        const clock = new TestClock();
        const rand = mulberry(rngSeed);
        const server = await memoryServer(clock.now);
        let service: SyncService = server.service;
        const payments = await paymentModel(clock.now);
        const kiosks: TestKiosk[] = [];
        const onlines: OnlinePayments[] = [];
        /** Online payments the customer paid after their deadline or after the kiosk cancelled them. */
        const flaggedIds = new Set<string>();
        const tokens: { attendant: string; cashier: string; supervisor: string }[] = [];
        const codes: { code: string; id: string }[] = [];
        let plate = 0;
        const unexpected: string[] = [];

        const open = async (i: number, transport?: InProcTransport): Promise<TestKiosk> => {
          const dbPath = join(tmp.dir, `r${run}-k${i}.db`);
          if (!transport) {
            copyFileSync(templates[i]!, dbPath);
            copyFileSync(secretsPathFor(templates[i]!), secretsPathFor(dbPath));
          }
          const t = transport ?? new InProcTransport(() => service, `k${i}`);
          t.rand = rand;
          const kiosk = await createKiosk({ dbPath, clock, kioskId: `k${i}`, sync: { transport: t, autoStart: false } });
          onlines[i] = new OnlinePayments(kiosk.ctx, payments.portFor(`k${i}`, () => t.online));
          return { name: `k${i}`, kiosk, worker: kiosk.syncWorker!, transport: t, dbPath, tokens: new Map() };
        };
        /** Tokens without PIN hashing: inserted like auth.login does (the API path is still used). */
        const grant = (k: TestKiosk, username: string): string => {
          const db = k.kiosk.ctx.store.sqlite;
          const op = db.prepare('SELECT id FROM operators WHERE username = ?').get(username) as { id: string } | undefined;
          if (!op) return '';
          const token = `t-${k.name}-${username}-${run}`;
          db.prepare('INSERT OR IGNORE INTO auth_tokens (token_hash, operator_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
            .run(sha256Hex(token), op.id, clock.now(), clock.now() + 365 * 86400_000);
          return token;
        };
        const api = async (i: number, method: string, input: unknown, who: 'attendant' | 'cashier' | 'supervisor') => {
          const r = await kiosks[i]!.kiosk.call(method, input, tokens[i]![who]);
          if (!r.ok && (r.error.code === 'INTERNAL' || r.error.code === 'VALIDATION_FAILED')) unexpected.push(`${method}@k${i}: ${r.error.code} ${r.error.message}`);
          return r;
        };

        const cashierOf = (i: number): Actor => {
          const op = kiosks[i]!.kiosk.ctx.store.sqlite.prepare(`SELECT id, username, name, role FROM operators WHERE username = 'cashier'`).get() as { id: string; username: string; name: string; role: Actor['role'] };
          return { operatorId: op.id, username: op.username, name: op.name, role: op.role };
        };
        /** Quote + start a UPI payment for a picked car at gate i; null when the gate cannot (nothing due, offline, not there). */
        const startUpi = async (i: number, pick: number) => {
          const c = codes[pick % Math.max(1, codes.length)];
          if (!c) return null;
          const q = await api(i, 'gate.quoteExit', { code: c.code }, 'attendant');
          if (!q.ok) return null;
          try {
            const p = await onlines[i]!.start(cashierOf(i), c.id);
            return { payment: p, session: c, due: (q.data as { amountDuePaise: number }).amountDuePaise };
          } catch (err) {
            if (err instanceof AppError) return null;
            throw err;
          }
        };
        const refresh = async (i: number, paymentId: string) => {
          await onlines[i]!.get(paymentId).catch((err: unknown) => {
            if (!(err instanceof AppError)) throw err;
          });
        };
        /** Every gate sends its queued cancels and asks the server about each of its online payments. */
        const settlePayments = async () => {
          for (let i = 0; i < kiosks.length; i++) {
            await onlines[i]!.flushCancels();
            // Another gate's payment is NOT_FOUND for this one (the server answers each kiosk only about its own).
            const online = kiosks[i]!.kiosk.ctx.store.sqlite.prepare(`SELECT id FROM payments WHERE method = 'ONLINE' ORDER BY id`).all() as { id: string }[];
            for (const p of online) await refresh(i, p.id);
          }
        };

        try {
          for (let i = 0; i < n; i++) kiosks.push(await open(i));
          await heal(kiosks, 2); // every gate gets zones, operators and keys: the facility is set up
          for (let i = 0; i < n; i++) {
            tokens.push({ attendant: grant(kiosks[i]!, 'attendant'), cashier: grant(kiosks[i]!, 'cashier'), supervisor: grant(kiosks[i]!, 'supervisor') });
            await api(i, 'shifts.open', { openingFloatPaise: 0 }, 'cashier');
          }

          for (const op of ops) {
            switch (op.t) {
              case 'issue':
              case 'book': {
                const zones = (kiosks[op.k]!.kiosk.ctx.store.sqlite.prepare('SELECT id FROM zones ORDER BY position').all() as { id: string }[]);
                const zoneId = op.t === 'issue' ? zones[op.zone]?.id : undefined;
                const r = await api(op.k, op.t === 'issue' ? 'gate.issueTicket' : 'gate.book', { vehicleNumber: `KA${String(++plate).padStart(6, '0')}`, ...(zoneId ? { zoneId } : {}) }, 'attendant');
                if (r.ok) codes.push({ code: (r.data as { code: string }).code, id: (r.data as { id: string }).id });
                break;
              }
              case 'burst':
                for (let i = 0; i < op.count; i++) {
                  const r = await api(op.k, 'gate.issueTicket', { vehicleNumber: `KA${String(++plate).padStart(6, '0')}` }, 'attendant');
                  if (r.ok) codes.push({ code: (r.data as { code: string }).code, id: (r.data as { id: string }).id });
                }
                break;
              case 'enter': {
                const c = codes[op.pick % Math.max(1, codes.length)];
                if (c) await api(op.k, 'gate.scanEntry', { code: c.code }, 'attendant');
                break;
              }
              case 'exit': {
                const c = codes[op.pick % Math.max(1, codes.length)];
                if (!c) break;
                const q = await api(op.k, 'gate.quoteExit', { code: c.code }, 'attendant');
                if (!q.ok) break;
                const due = (q.data as { amountDuePaise: number }).amountDuePaise;
                if (due > 0) await api(op.k, 'gate.payCash', { sessionId: c.id, tenderedPaise: due }, 'cashier');
                else await api(op.k, 'gate.completeExit', { sessionId: c.id }, 'attendant');
                break;
              }
              case 'cancel': {
                const c = codes[op.pick % Math.max(1, codes.length)];
                if (c) await api(op.k, 'sessions.cancel', { sessionId: c.id, reason: 'Parker cancelled' }, 'supervisor');
                break;
              }
              case 'sync':
                await kiosks[op.k]!.worker.syncNow().catch(() => undefined);
                break;
              case 'net':
                kiosks[op.k]!.transport.online = op.online;
                break;
              case 'faults':
                kiosks[op.k]!.transport.faults = op.faults;
                break;
              case 'advance':
                clock.advance(op.ms);
                await payments.reconciler.tick(); // deadlines pass on the server
                break;
              case 'upi': {
                const s = await startUpi(op.k, op.pick);
                if (!s) break;
                expect(await payments.customerPays(s.payment.id)).toBe('applied');
                await refresh(op.k, s.payment.id);
                break;
              }
              case 'lateSuccess': {
                const s = await startUpi(op.k, op.pick);
                if (!s) break;
                clock.advance(301_000); // past the 300 s deadline; this gate may not hear of it
                await payments.reconciler.tick();
                expect(await payments.customerPays(s.payment.id)).toBe('late');
                flaggedIds.add(s.payment.id);
                await refresh(op.k, s.payment.id);
                break;
              }
              case 'cancelCapture': {
                const s = await startUpi(op.k, op.pick);
                if (!s) break;
                onlines[op.k]!.cancel(cashierOf(op.k), s.payment.id);
                await new Promise((r) => setImmediate(r));
                await onlines[op.k]!.flushCancels();
                if (op.cash) await api(op.k, 'gate.payCash', { sessionId: s.session.id, tenderedPaise: s.due }, 'cashier');
                // Whether the server heard of the cancel decides only how the money is flagged, never whether.
                expect(['late', 'applied']).toContain(await payments.customerPays(s.payment.id));
                flaggedIds.add(s.payment.id);
                await refresh(op.k, s.payment.id);
                break;
              }
              case 'replay':
                await kiosks[op.k]!.transport.flushDelayed();
                break;
              case 'restart': {
                const k = kiosks[op.k]!;
                await k.kiosk.close();
                kiosks[op.k] = await open(op.k, k.transport);
                break;
              }
            }
          }

          await heal(kiosks, 2);
          await settlePayments();
          await heal(kiosks, 4);
          expect(unexpected).toEqual([]);
          // Money after a deadline or a cancel: flagged on the server for a supervisor, never counted at any gate.
          const serverRows = new Map((await payments.rows()).map((p) => [p.id, p]));
          for (const id of flaggedIds) {
            expect(serverRows.get(id), `server payment ${id}`).toMatchObject({ status: 'SUCCESS', late: 1, review_reason: expect.stringMatching(/^(LATE_PAYMENT|PAID_AFTER_CANCEL)$/) });
            for (const k of kiosks) {
              const local = k.kiosk.ctx.store.sqlite.prepare('SELECT status, late, review_reason FROM payments WHERE id = ?').get(id);
              if (local) expect(local, `${k.name} payment ${id}`).toEqual({ status: 'SUCCESS', late: 1, review_reason: LATE_REVIEW_REASON });
            }
          }
          const expected = await serverSessions(service);
          for (const k of kiosks) {
            expect(kioskSessions(k), `${k.name} vs server`).toEqual(expected);
            const st = k.worker.status();
            expect([st.pendingEvents, st.parkedEvents, st.skippedChanges], `${k.name} pending/parked/skipped`).toEqual([0, 0, 0]);
            const integrity = await k.kiosk.call('integrity.check', {}, tokens[kiosks.indexOf(k)]!.supervisor);
            const detail = integrity.ok && !integrity.data.ok
              ? JSON.stringify(integrity.data.findings.flatMap((f) => f.ids).map((id) => ({
                s: k.kiosk.ctx.store.sqlite.prepare('SELECT status, amount_due_paise, amount_paid_paise FROM sessions WHERE id = ?').get(id),
                p: k.kiosk.ctx.store.sqlite.prepare('SELECT id, method, status, amount_paise, late, review_reason FROM payments WHERE session_id = ?').all(id),
              })))
              : '';
            expect(integrity.ok && integrity.data, `${k.name} integrity ${JSON.stringify(integrity.ok && integrity.data)} ${detail}`).toMatchObject({ ok: true });
          }
          // No event stored twice; every outbox event of every gate is on the server exactly once.
          const outboxIds = kiosks.flatMap((k) => (k.kiosk.ctx.store.sqlite.prepare('SELECT id FROM outbox').all() as { id: string }[]).map((r) => r.id));
          const counts = await service.counts();
          const serverKioskEvents = await (server.db as unknown as import('kysely').Kysely<{ sync_events: { id: string; kiosk_id: string } }>)
            .selectFrom('sync_events').select('id').where('kiosk_id', '!=', 'server').execute();
          expect(new Set(outboxIds).size).toBe(outboxIds.length);
          expect(serverKioskEvents.map((r) => r.id).sort()).toEqual([...outboxIds].sort());
          expect(counts.events).toBeGreaterThanOrEqual(outboxIds.length);
          // No paid amount counted twice: each payment once, each session's paid == its payments.
          for (const s of expected) {
            const ids = s.payments.map((p) => p.split(':')[0]);
            expect(new Set(ids).size).toBe(ids.length);
            // Flagged (late / after-cancel) money does not count until a supervisor accepts it.
            const counted = s.payments.filter((p) => /:(SUCCESS|REFUNDED):/.test(p) && !p.endsWith(`:${LATE_REVIEW_REASON}`));
            const sum = counted.reduce((a, p) => a + Number(p.split(':')[2]), 0);
            expect(s.paid, `session ${s.id} paid`).toBe(sum);
            // No car charged twice: a completed exit was paid exactly what it owed.
            if (s.status === 'COMPLETED' && (s.due ?? 0) > 0) expect(sum, `session ${s.id} double charge`).toBe(s.due);
            const refundDue = s.payments.filter((p) => p.includes('REFUND_DUE')).length;
            if (refundDue > 0) expect(s.reason ?? '').toContain('DOUBLE_EXIT');
          }
          if (process.env.SYNC_PROPERTY_STATS) {
            const st = { sessions: expected.length, completed: expected.filter((s) => s.status === 'COMPLETED').length,
              conflicts: expected.filter((s) => s.conflict).map((s) => s.reason), overflow: expected.filter((s) => s.overflow).length,
              payments: expected.reduce((a, s) => a + s.payments.length, 0) };
            console.log(JSON.stringify(st));
          }
        } finally {
          for (const k of kiosks) await k.kiosk.close().catch(() => undefined);
          await server.close();
          await payments.close();
          service = null as unknown as SyncService;
        }
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), verbose: 1, endOnFailure: true },
    );
  }, 60_000 + RUNS * 3_000);
});
