/**
 * Concurrency: six separate OS processes open the SAME database
 * file with createKiosk and race the same ticket through the core in-process:
 *  (a) gate.scanEntry on one BOOKED code            -> one PARKED, the rest ALREADY_ENTERED
 *  (b) gate.quoteExit + gate.payCash on one session -> one SUCCESS payment, the rest ALREADY_EXITED
 *  (c) gate.book for the last free slot of zone B   -> one BOOKED, the rest NO_SLOT_AVAILABLE
 * Workers wait at a barrier (a shared wall-clock instant sent on stdin) so they really race.
 * After every race integrity.check and audit.verify must pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { openCashShift, prepareWorker, spawnWorker, type LineChild, type WorkerCommand } from './workers/child.js';
import type { RaceCommand, RaceResult } from './workers/race-worker.js';

const WORKERS = 6;
const ROUNDS = 4;
const T0 = Date.parse('2030-03-01T08:00:00.000Z');
const HOUR = 3_600_000;

let dir: string;
let dbPath: string;
let kiosk: Kiosk;
let nowMs = T0;
let attendant: string;
let cashier: string;
let supervisor: string;
let workers: LineChild[] = [];
let worker: WorkerCommand | undefined;

async function ok<T = any>(method: string, input: unknown, token: string | null): Promise<T> {
  const r = await kiosk.call(method, input, token);
  if (!r.ok) throw new Error(`${method} failed: ${JSON.stringify(r.error)}`);
  return r.data as T;
}

async function race(round: number, make: (i: number, at: number) => RaceCommand): Promise<RaceResult[]> {
  const at = Date.now() + 150;
  const from = workers.map((w) => w.lines.length);
  workers.forEach((w, i) => w.proc.stdin.write(`${JSON.stringify(make(i, at))}\n`));
  const lines = await Promise.all(
    workers.map((w, i) => w.waitLine((l) => l.startsWith('{') && (JSON.parse(l) as RaceResult).round === round, 30_000, from[i])),
  );
  return lines.map((l) => JSON.parse(l.line) as RaceResult);
}

async function assertInvariants(): Promise<void> {
  const integrity = await ok<{ ok: boolean; findings: unknown[] }>('integrity.check', {}, supervisor);
  expect(integrity.findings).toEqual([]);
  expect(integrity.ok).toBe(true);
  const audit = await ok<{ ok: boolean; message: string }>('audit.verify', {}, supervisor);
  expect(audit.ok, audit.message).toBe(true);
}

function scalar(sql: string, ...params: unknown[]): unknown {
  return kiosk.ctx.store.sqlite.prepare(sql).pluck().get(...params);
}

function count(sql: string, ...params: unknown[]): number {
  return Number(scalar(sql, ...params) ?? 0);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-race-'));
  dbPath = join(dir, 'kiosk.db');
  kiosk = await createKiosk({ dbPath, seedDemo: true, clock: { now: () => nowMs } });
  const login = async (username: string) => (await ok<{ token: string }>('auth.login', { username, pin: '2468' }, null)).token;
  attendant = await login('attendant');
  cashier = await login('cashier');
  supervisor = await login('supervisor');
  await openCashShift(kiosk, cashier);
  worker = await prepareWorker('race-worker.ts');
  workers = Array.from({ length: WORKERS }, () => spawnWorker(worker!, [JSON.stringify({ dbPath, clockMs: T0 })]));
  await Promise.all(workers.map((w) => w.waitLine((l) => l === 'READY', 60_000)));
});

afterAll(async () => {
  for (const w of workers) w.proc.stdin.end();
  await Promise.all(
    workers.map((w) => Promise.race([w.exited, new Promise((r) => setTimeout(r, 5_000))])),
  );
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
  await kiosk?.close();
  worker?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`${WORKERS} OS processes sharing one database file`, () => {
  it('race (a): the same BOOKED code scanned at every gate enters exactly once', async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      nowMs = T0 + round * 60_000;
      const booked = await ok<{ id: string; code: string; status: string }>(
        'gate.book', { vehicleNumber: `KA01AA${1000 + round}` }, attendant,
      );
      expect(booked.status).toBe('BOOKED');
      const results = await race(round, (_i, at) => ({
        round, at, clockMs: nowMs + 5 * 60_000, kind: 'scanEntry', token: attendant, code: booked.code,
      }));
      const calls = results.map((r) => r.calls[0]!);
      const winners = calls.filter((c) => c.ok);
      expect(winners, JSON.stringify(calls)).toHaveLength(1);
      expect((winners[0]!.data as { status: string }).status).toBe('PARKED');
      expect(calls.filter((c) => !c.ok).map((c) => c.code)).toEqual(Array(WORKERS - 1).fill('ALREADY_ENTERED'));
      expect(scalar(`SELECT status FROM sessions WHERE id = ?`, booked.id)).toBe('PARKED');
      expect(count(`SELECT COUNT(*) FROM audit_log WHERE action = 'session.entered' AND entity_id = ?`, booked.id)).toBe(1);
      expect(count(`SELECT COUNT(*) FROM outbox WHERE type = 'session.entered' AND entity_id = ?`, booked.id)).toBe(1);
      await assertInvariants();
    }
  });

  it('race (b): quoteExit + payCash on the same session at every gate takes exactly one payment', async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      nowMs = T0 + HOUR + round * 60_000;
      const parked = await ok<{ id: string; code: string; status: string }>(
        'gate.issueTicket', { vehicleNumber: `KA02BB${2000 + round}` }, attendant,
      );
      expect(parked.status).toBe('PARKED');
      // Every worker's clock: 2 h 10 min after entry -> 3 billable hours x 4000 paise (zone A).
      const exitClock = nowMs + 2 * HOUR + 10 * 60_000;
      const results = await race(round, (_i, at) => ({
        round, at, clockMs: exitClock, kind: 'quotePay', token: cashier, code: parked.code, tenderedPaise: 20_000,
      }));
      const payments = results.map((r) => r.calls.find((c) => c.method === 'gate.payCash')).filter((c) => c?.ok);
      expect(payments, JSON.stringify(results)).toHaveLength(1);
      const paid = payments[0]!.data as { payment: { id: string; status: string; amountPaise: number }; changePaise: number; session: { status: string } };
      expect(paid.payment.status).toBe('SUCCESS');
      expect(paid.payment.amountPaise).toBe(12_000);
      expect(paid.changePaise).toBe(8_000);
      expect(paid.session.status).toBe('COMPLETED');
      // Every loser fails with ALREADY_EXITED, at the quote or at the payment, and nothing else.
      const losers = results.filter((r) => !r.calls.some((c) => c.method === 'gate.payCash' && c.ok));
      expect(losers).toHaveLength(WORKERS - 1);
      for (const l of losers) {
        const failed = l.calls.filter((c) => !c.ok);
        expect(failed, JSON.stringify(l)).toHaveLength(1);
        expect(failed[0]!.code).toBe('ALREADY_EXITED');
      }
      expect(count(`SELECT COUNT(*) FROM payments WHERE session_id = ?`, parked.id)).toBe(1);
      expect(count(`SELECT COUNT(*) FROM payments WHERE session_id = ? AND status = 'SUCCESS' AND amount_paise = 12000`, parked.id)).toBe(1);
      expect(count(`SELECT COUNT(*) FROM audit_log WHERE action = 'session.completed' AND entity_id = ?`, parked.id)).toBe(1);
      expect(count(`SELECT COUNT(*) FROM slots WHERE current_session_id = ?`, parked.id)).toBe(0);
      await assertInvariants();
    }
  });

  it('race (c): different vehicles booking the last free slot of zone B: exactly one wins', async () => {
    nowMs = T0 + 3 * HOUR;
    const zones = await ok<{ id: string; name: string; totalSlots: number }[]>('zones.list', {}, attendant);
    const zoneB = zones.find((z) => z.name === 'B')!;
    expect(zoneB.totalSlots).toBe(5);
    for (let n = 1; n <= 4; n++) {
      const s = await ok<{ slotNumber: string }>('gate.book', { vehicleNumber: `KA03CC${3000 + n}`, zoneId: zoneB.id }, attendant);
      expect(s.slotNumber).toBe(`B-0${n}`);
    }
    for (let round = 1; round <= ROUNDS; round++) {
      nowMs = T0 + 3 * HOUR + round * 60_000;
      const vehicles = Array.from({ length: WORKERS }, (_, i) => `KA04R${round}W${i}`);
      const vehiclesBefore = count(`SELECT COUNT(*) FROM vehicles`);
      const sessionsBefore = count(`SELECT COUNT(*) FROM sessions`);
      const results = await race(round, (i, at) => ({
        round, at, clockMs: nowMs, kind: 'book', token: attendant, vehicleNumber: vehicles[i]!, zoneId: zoneB.id,
      }));
      const calls = results.map((r) => r.calls[0]!);
      const winners = calls.filter((c) => c.ok);
      expect(winners, JSON.stringify(calls)).toHaveLength(1);
      const won = winners[0]!.data as { id: string; slotNumber: string; status: string; vehicleNumber: string };
      expect(won.slotNumber).toBe('B-05');
      expect(won.status).toBe('BOOKED');
      expect(calls.filter((c) => !c.ok).map((c) => c.code)).toEqual(Array(WORKERS - 1).fill('NO_SLOT_AVAILABLE'));
      // Nothing written for the losers: only the winner's vehicle and session exist.
      expect(count(`SELECT COUNT(*) FROM vehicles`)).toBe(vehiclesBefore + 1);
      expect(count(`SELECT COUNT(*) FROM sessions`)).toBe(sessionsBefore + 1);
      const zone = (await ok<{ name: string; availableSlots: number }[]>('zones.list', {}, attendant)).find((z) => z.name === 'B')!;
      expect(zone.availableSlots).toBe(0);
      await assertInvariants();
      // Free B-05 again for the next round.
      await ok('sessions.cancel', { sessionId: won.id, reason: 'race test round done' }, supervisor);
      await assertInvariants();
    }
  });
});
