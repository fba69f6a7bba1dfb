/**
 * Cash shifts through the HTTP bridge: cash needs an open shift, blind count, tolerance
 * boundary, supervisor approval, refusal with a pending online payment, and one cashier cannot
 * close another's drawer.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../integration/kiosk-harness.js';

let h: Harness;
let cashier: string;
let cashier2: string;
let attendant: string;
let supervisor: string;
let admin: string;
const T0 = Date.parse('2026-05-04T04:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
let plate = 0;
let minute = 0;

beforeAll(async () => {
  h = await startHarness();
  await h.setClock(at(0));
  admin = await h.login('admin');
  await h.post('operators.create', { username: 'cashier2', name: 'Second Cashier', role: 'CASHIER', pin: '1357' }, admin);
});
// The fake clock moves hours per test and tokens live 12 h: log everyone in again at the current time.
beforeEach(async () => {
  admin = await h.login('admin');
  cashier = await h.login('cashier');
  cashier2 = await h.login('cashier2', '1357');
  attendant = await h.login('attendant');
  supervisor = await h.login('supervisor');
});
afterAll(() => h.close());

async function ok<T = any>(method: string, body: unknown, token: string): Promise<T> {
  const r = await h.post(method, body, token);
  if (!r.json.ok) throw new Error(`${method}: ${JSON.stringify(r.json)}`);
  return r.json.data as T;
}

async function err(method: string, body: unknown, token: string, status: number, code: string) {
  const r = await h.post(method, body, token);
  expect(r.json.ok, JSON.stringify(r.json)).toBe(false);
  expect(r.json.error.code).toBe(code);
  expect(r.status).toBe(status);
  return r.json.error as { code: string; message: string };
}

/** A car parked 2 h 10 min in zone A owes 3 h x 40.00 = 120.00; returns its session id. */
async function carOwing12000(): Promise<string> {
  minute += 135; // cars one after another (tokens live 12 h)
  await h.setClock(at(minute));
  const s = await ok('gate.issueTicket', { vehicleNumber: `TN09SH${1000 + plate++}`, zoneId: (await ok<any[]>('zones.list', {}, attendant)).find((z) => z.name === 'A').id }, attendant);
  await h.setClock(at(minute + 130));
  await ok('gate.quoteExit', { code: s.code }, attendant);
  return s.id;
}

const payCash = (sessionId: string, token = cashier) => h.post('gate.payCash', { sessionId, tenderedPaise: 20_000 }, token);
const count = (sql: string) => (h.kiosk.ctx.store.sqlite.prepare(sql).get() as { n: number }).n;

describe('cash shifts', () => {
  it('refuses cash without an open shift, and writes nothing', async () => {
    const sessionId = await carOwing12000();
    const before = count('SELECT COUNT(*) n FROM payments');
    const e = await err('gate.payCash', { sessionId, tenderedPaise: 20_000 }, cashier, 409, 'CONFLICT');
    expect(e.message).toMatch(/open your cash shift/i);
    expect(count('SELECT COUNT(*) n FROM payments')).toBe(before);
    expect(await ok('shifts.current', {}, cashier)).toBeNull();
    // After opening a shift the same car can pay.
    await ok('shifts.open', { openingFloatPaise: 50_000 }, cashier);
    expect((await payCash(sessionId)).json.data.payment.amountPaise).toBe(12_000);
  });

  it('one open shift per cashier; the cashier sees no expected figure before counting (blind count)', async () => {
    await err('shifts.open', { openingFloatPaise: 1 }, cashier, 409, 'CONFLICT');
    await payCash(await carOwing12000());
    const current = await ok('shifts.current', {}, cashier);
    expect(current).toMatchObject({ status: 'OPEN', openingFloatPaise: 50_000, expectedPaise: null, cashSalesPaise: null, cashPayments: null, countedPaise: null, differencePaise: null });
    await err('shifts.report', { shiftId: current.id }, cashier, 409, 'CONFLICT');
    // Every cash payment of the shift carries its id.
    expect(count(`SELECT COUNT(*) n FROM payments WHERE method = 'CASH' AND shift_id = '${current.id}'`)).toBe(2);
    // A supervisor sees the running figures.
    const listed = (await ok<any[]>('shifts.list', { status: 'OPEN' }, supervisor)).find((s) => s.id === current.id);
    expect(listed).toMatchObject({ cashSalesPaise: 24_000, expectedPaise: 74_000 });
    await err('shifts.list', {}, cashier, 403, 'FORBIDDEN');
  });

  it('paid in / paid out need a reason and count in the expected cash', async () => {
    await err('shifts.cashMovement', { kind: 'PAID_OUT', amountPaise: 1_000, reason: '' }, cashier, 400, 'VALIDATION_FAILED');
    await err('shifts.cashMovement', { kind: 'PAID_OUT', amountPaise: 0, reason: 'nothing at all' }, cashier, 400, 'VALIDATION_FAILED');
    const out = await ok('shifts.cashMovement', { kind: 'PAID_OUT', amountPaise: 3_000, reason: 'Printer paper' }, cashier);
    expect(out.movement).toMatchObject({ kind: 'PAID_OUT', amountPaise: 3_000, reason: 'Printer paper' });
    expect(out.shift).toMatchObject({ cashOutPaise: 3_000, expectedPaise: null });
    await ok('shifts.cashMovement', { kind: 'PAID_IN', amountPaise: 10_000, reason: 'Change from the office' }, cashier);
    await err('shifts.cashMovement', { kind: 'PAID_IN', amountPaise: 100, reason: 'no drawer here' }, cashier2, 409, 'CONFLICT');
  });

  it('another cashier cannot close this shift; a supervisor could', async () => {
    const shift = await ok('shifts.current', {}, cashier);
    await err('shifts.close', { countedPaise: 0, shiftId: shift.id }, cashier2, 403, 'FORBIDDEN');
    await err('shifts.close', { countedPaise: 0 }, cashier2, 404, 'NOT_FOUND');
    await err('shifts.close', { countedPaise: 0 }, attendant, 403, 'FORBIDDEN');
    expect((await ok('shifts.current', {}, cashier)).status).toBe('OPEN');
  });

  it('refuses to close while one of its online payments is PENDING', async () => {
    const shift = await ok('shifts.current', {}, cashier);
    const sessionId = await carOwing12000();
    const cashierId = (h.kiosk.ctx.store.sqlite.prepare(`SELECT id FROM operators WHERE username = 'cashier'`).get() as { id: string }).id;
    const paymentId = randomUUID();
    const now = T0 + minute * 60_000;
    h.kiosk.ctx.store.sqlite.prepare(`INSERT INTO payments (id, session_id, method, status, amount_paise, gateway, gateway_ref, operator_id, created_at, expires_at, updated_at)
      VALUES (?, ?, 'ONLINE', 'PENDING', 12000, 'sim', ?, ?, ?, ?, ?)`).run(paymentId, sessionId, `ref_${paymentId}`, cashierId, now, now + 600_000, now);
    const e = await err('shifts.close', { countedPaise: 81_000 }, cashier, 409, 'PAYMENT_PENDING');
    expect(e.message).toMatch(/pending/);
    expect((await ok('shifts.current', {}, cashier)).id).toBe(shift.id);
    h.kiosk.ctx.store.sqlite.prepare(`UPDATE payments SET status = 'FAILED' WHERE id = ?`).run(paymentId);
    await payCash(sessionId);
  });

  it('closes with the blind count: a difference equal to the tolerance is fine', async () => {
    // float 500 + 3 x 120 sales - 30 out + 100 in = 930.00 expected; tolerance (default) 50.00.
    const closed = await ok('shifts.close', { countedPaise: 93_000 - 5_000, note: 'short by the tolerance' }, cashier);
    expect(closed.shift).toMatchObject({
      status: 'CLOSED', countedPaise: 88_000, expectedPaise: 93_000, differencePaise: -5_000, tolerancePaise: 5_000,
      cashSalesPaise: 36_000, cashPayments: 3, cashInPaise: 10_000, cashOutPaise: 3_000, note: 'short by the tolerance',
    });
    const report = await ok('shifts.report', { shiftId: closed.shift.id }, cashier);
    expect(report.text).toContain('Z REPORT');
    expect(report.text).toMatch(/Expected in drawer\s+930\.00/);
    expect(report.text).toMatch(/Counted\s+880\.00/);
    expect(report.text).toMatch(/Difference\s+-50\.00/);
    expect(report.text).toContain('Printer paper');
    expect(report.movements.map((m: any) => m.kind).sort()).toEqual(['PAID_IN', 'PAID_OUT', 'PAYMENT', 'PAYMENT', 'PAYMENT']);
    await err('shifts.report', { shiftId: closed.shift.id }, cashier2, 403, 'FORBIDDEN');
    expect(await ok('shifts.current', {}, cashier)).toBeNull();
    await err('gate.payCash', { sessionId: await carOwing12000(), tenderedPaise: 20_000 }, cashier, 409, 'CONFLICT');
  });

  it('one paisa over the tolerance needs a supervisor, who approves with a note (audited)', async () => {
    const opened = await ok('shifts.open', { openingFloatPaise: 20_000 }, cashier);
    await payCash(await carOwing12000());
    const closed = await ok('shifts.close', { countedPaise: 32_000 + 5_001 }, cashier);
    expect(closed.shift).toMatchObject({ id: opened.id, status: 'NEEDS_APPROVAL', expectedPaise: 32_000, differencePaise: 5_001 });
    await err('shifts.approve', { shiftId: opened.id, note: 'fine by me' }, cashier, 403, 'FORBIDDEN');
    await err('shifts.approve', { shiftId: opened.id, note: '' }, supervisor, 400, 'VALIDATION_FAILED');
    const approved = await ok('shifts.approve', { shiftId: opened.id, note: 'Customer tip left in the drawer' }, supervisor);
    expect(approved.shift).toMatchObject({ status: 'APPROVED', approvedByName: 'Supervisor', approvalNote: 'Customer tip left in the drawer' });
    await err('shifts.approve', { shiftId: opened.id, note: 'again please' }, supervisor, 409, 'CONFLICT');
    const audit = await ok<any[]>('audit.list', { entityId: opened.id }, supervisor);
    expect(audit.map((a) => a.action)).toEqual(['shift.approved', 'shift.closed', 'shift.opened']);
    expect(audit[0]).toMatchObject({ operatorName: 'Supervisor', details: { note: 'Customer tip left in the drawer', differencePaise: 5_001 } });
    const report = await ok('shifts.report', { shiftId: opened.id }, cashier);
    expect(report.text).toContain('Approved by Supervisor');
  });

  it('the tolerance is a supervisor setting; the new value applies at the next close', async () => {
    await err('settings.update', { shiftTolerancePaise: 0 }, cashier, 403, 'FORBIDDEN');
    expect(await ok('settings.update', { shiftTolerancePaise: 0 }, supervisor)).toMatchObject({ shiftTolerancePaise: 0, timeZone: 'Asia/Kolkata' });
    await ok('shifts.open', { openingFloatPaise: 0 }, cashier2);
    const closed = await ok('shifts.close', { countedPaise: 1 }, cashier2);
    expect(closed.shift).toMatchObject({ status: 'NEEDS_APPROVAL', differencePaise: 1, tolerancePaise: 0 });
    expect(await ok('settings.get', {}, attendant)).toMatchObject({ shiftTolerancePaise: 0 });
    await ok('settings.update', { shiftTolerancePaise: 5_000 }, supervisor);
  });

  it('integrity and the audit chain hold after all of the above', async () => {
    expect(await ok('integrity.check', {}, supervisor)).toEqual({ ok: true, findings: [] });
    expect((await ok('audit.verify', {}, supervisor)).ok).toBe(true);
  });
});
