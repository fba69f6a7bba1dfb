/**
 * Merchant pre-validation end to end with real processes: a kiosk (`src-main/cli.ts serve`) and
 * the central server (`src-server/main.ts`) on loopback. The kiosk's supervisor creates a hospital
 * desk merchant with its patient exemption; the head office issues the desk's credential with
 * `server:cli merchant token add`; the desk pre-validates a parked car by its ticket number; the
 * gate's exit quote shows it (fee before, discount, nothing due) once the gate has pulled, and
 * the car leaves exempted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTicketNumber, ticketNumberOf } from '../../src-shared/domain/ticket-number.js';
import { startNode, type Proc } from '../helpers/node-process.js';
import { until } from '../helpers/until.js';
import { createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';
import { serverEnv } from '../server/helpers/env.js';
import { freePort } from '../server/helpers/processes.js';

const PIN = '2468';
const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

async function stop(p: Proc | null): Promise<void> {
  if (!p) return;
  try {
    process.kill(-p.child.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
  await p.exited;
}

async function runNode(args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}:\n${out}`);
  return out;
}

describe('merchant pre-validation (kiosk + server processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parkgate-preval-'));
  let database: TestDatabase;
  let env: Record<string, string>;
  let server: Proc | null = null;
  let kiosk: Proc | null = null;
  const tokens: Record<string, string> = {};

  const api = async (method: string, input: unknown, who: string): Promise<any> => {
    const res = await fetch(`${kiosk!.url}/api/v1/${method}`, {
      method: 'POST', body: JSON.stringify(input), signal: AbortSignal.timeout(30_000),
      headers: { 'content-type': 'application/json', ...(tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}) },
    });
    return res.json();
  };
  const central = async (method: 'GET' | 'POST', path: string, body: unknown, token: string): Promise<any> => {
    const res = await fetch(`${server!.url}${path}`, {
      method, ...(body === undefined ? {} : { body: JSON.stringify(body) }), headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000),
    });
    return res.json();
  };

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const port = await freePort();
    env = serverEnv({ databaseUrl: database.url, gateway: 'sim', simUrl: 'http://127.0.0.1:9', port, extra: { ADMIN_TOKEN } });
    const out = await runNode(['src-server/cli.ts', 'kiosk', 'add', 'Gate 1'], env);
    const kioskId = /kiosk id:\s+(\S+)/.exec(out)![1]!;
    const kioskSecret = /kiosk secret:\s+(\S+)/.exec(out)![1]!;
    server = await startNode(['src-server/main.ts'], env);
    kiosk = await startNode(['src-main/cli.ts', 'serve', '--db', join(dir, 'kiosk.db'), '--port', '0', '--fake-clock', '--seed-demo', '--server', server.url, '--kiosk-id', kioskId], { PARKGATE_KIOSK_SECRET: kioskSecret });
    for (const who of ['attendant', 'cashier', 'supervisor']) {
      const r = await api('auth.login', { username: who, pin: PIN }, who);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      tokens[who] = r.data.token;
    }
    expect((await api('shifts.open', { openingFloatPaise: 0 }, 'cashier')).ok).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await stop(kiosk);
    await stop(server);
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a hospital desk pre-validates a parked car by its ticket number; the exit quote shows it and the car leaves exempted', async () => {
    const merchant = await api('merchants.create', { name: 'City Hospital', prepaid: false }, 'supervisor');
    expect(merchant.ok, JSON.stringify(merchant)).toBe(true);
    const preset = await api('validations.applyPreset', { merchantId: merchant.data.id, preset: 'HOSPITAL_PATIENT' }, 'supervisor');
    const programId = preset.data.programs[0].id as string;

    // The head office issues the desk's credential once the gate has published the merchant.
    await until('the merchant on the server', async () => {
      const r = await central('GET', '/admin/v1/merchants', undefined, ADMIN_TOKEN);
      return r.data?.some((m: { id: string }) => m.id === merchant.data.id) ? true : undefined;
    });
    const issued = await runNode(['src-server/cli.ts', 'merchant', 'token', 'add', merchant.data.id, 'Patient', 'desk'], env);
    const token = /merchant token:\s+(\S+)/.exec(issued)![1]!;
    expect(issued).toMatch(/merchant:\s+\S+ \(City Hospital\)/);

    await api('dev.setClock', { now: new Date(Date.now() - 3 * 3600_000).toISOString() }, 'attendant');
    const car = await api('gate.issueTicket', { vehicleNumber: 'KA05PV0001' }, 'attendant');
    expect(car.ok, JSON.stringify(car)).toBe(true);
    await api('dev.setClock', { now: new Date().toISOString() }, 'attendant');
    const before = await api('gate.quoteExit', { code: car.data.code }, 'cashier');
    expect(before.data.amountDuePaise).toBeGreaterThan(0);

    // The desk types the printed number as soon as the server knows the ticket.
    const number = formatTicketNumber(ticketNumberOf(car.data.id)!);
    const recorded = await until('the ticket on the server', async () => {
      const r = await central('POST', '/merchant/v1/validations', { ticket: number, programId }, token);
      if (!r.ok && r.error.code === 'TICKET_UNKNOWN') return undefined;
      return r;
    });
    expect(recorded, JSON.stringify(recorded)).toMatchObject({ ok: true, data: { sessionId: car.data.id, ticketNumber: number, programName: 'Patient exemption' } });

    // The gate pulls it: the quote shows fee before, the discount and nothing due.
    const after = await until('the pre-validation at the gate', async () => {
      const q = await api('gate.quoteExit', { code: car.data.code }, 'cashier');
      return q.data?.discountPaise > 0 ? q.data : undefined;
    });
    expect([after.feeBeforeValidationPaise, after.discountPaise, after.amountDuePaise]).toEqual([before.data.amountDuePaise, before.data.amountDuePaise, 0]);
    expect(after.validations).toMatchObject([{ merchantName: 'City Hospital', programName: 'Patient exemption', discountPaise: before.data.amountDuePaise }]);

    // A second call for the car is refused: the program is on the visit.
    const twice = await central('POST', '/merchant/v1/validations', { ticket: car.data.code, programId }, token);
    expect(twice.error?.details?.reason).toBe('ALREADY_APPLIED');

    const done = await api('gate.completeExit', { sessionId: car.data.id }, 'cashier');
    expect(done.data?.status, JSON.stringify(done)).toBe('COMPLETED');
    expect(await api('validations.receipt', { sessionId: car.data.id }, 'cashier')).toMatchObject({ ok: true, data: { status: 'EXEMPTED', duePaise: 0, paidPaise: 0 } });
  }, 120_000);
});
