/**
 * The Z report's lines outside the drawer: parking UPI of the shift (its cashier, inside the
 * shift's window, both ends included; another cashier's and late ones not collected), the tickets
 * issued at this kiosk, lost-ticket exits and free exits, on the API result and the printed text.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../integration/kiosk-harness.js';

let h: Harness;
const T0 = Date.parse('2026-06-01T03:30:00.000Z');
const OPEN = T0 + 60 * 60_000;
const CLOSE = OPEN + 8 * 60 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const tokens = { attendant: '', cashier: '' };
let zoneA = '';

async function ok<T = any>(method: string, body: unknown, token: string): Promise<T> {
  const r = await h.post(method, body, token);
  if (!r.json.ok) throw new Error(`${method}: ${JSON.stringify(r.json)}`);
  return r.json.data as T;
}
const opId = (username: string) =>
  (h.kiosk.ctx.store.sqlite.prepare('SELECT id FROM operators WHERE username = ?').get(username) as { id: string }).id;

/** An ONLINE payment row as the kiosk keeps it; shift_id left empty as on payments started before the shift link. */
function upi(sessionId: string, amount: number, at: number, opts: { operator?: string; late?: boolean; status?: string; shiftId?: string } = {}) {
  const id = randomUUID();
  h.kiosk.ctx.store.sqlite.prepare(`INSERT INTO payments (id, session_id, method, status, amount_paise, gateway, gateway_ref, operator_id, late,
      created_at, expires_at, completed_at, updated_at, shift_id) VALUES (?, ?, 'ONLINE', ?, ?, 'sim', ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(id, sessionId, opts.status ?? 'SUCCESS', amount, `ref_${id}`, opId(opts.operator ?? 'cashier'), opts.late ? 1 : 0, at, at + 600_000, at, at, opts.shiftId ?? null);
  return id;
}

let plate = 0;
async function park(at: number) {
  await h.setClock(iso(at));
  tokens.attendant = await h.login('attendant');
  return ok<{ id: string; code: string }>('gate.issueTicket', { vehicleNumber: `KA07ZR${1000 + plate++}`, zoneId: zoneA }, tokens.attendant);
}

beforeAll(async () => {
  h = await startHarness();
  await h.setClock(iso(T0));
  const admin = await h.login('admin');
  await ok('operators.create', { username: 'cashier2', name: 'Second Cashier', role: 'CASHIER', pin: '1357' }, admin);
  const supervisor = await h.login('supervisor');
  zoneA = (await ok<any[]>('zones.list', {}, supervisor)).find((z) => z.name === 'A').id;
  await ok('zones.update', { zoneId: zoneA, tariff: { lostTicketFeePaise: 20_000 } }, supervisor);
});
afterAll(() => h.close());

describe('Z report: UPI, tickets, lost and free exits', () => {
  let shiftId = '';
  let closed: any;
  let text = '';

  it('counts what happened in the window [open, close] and nothing outside it', async () => {
    const before = await park(T0 + 10 * 60_000); // a ticket before the shift: not counted
    await h.setClock(iso(OPEN));
    tokens.cashier = await h.login('cashier');
    shiftId = (await ok<{ id: string }>('shifts.open', { openingFloatPaise: 50_000 }, tokens.cashier)).id;

    upi(before.id, 1_000, OPEN); // at the open instant: counted
    upi(before.id, 1_000, OPEN - 1); // 1 ms before it: not
    const inside = await park(OPEN + 60 * 60_000); // tickets issued in the shift: 3
    const free = await park(OPEN + 2 * 60 * 60_000);
    const lost = await park(OPEN + 3 * 60 * 60_000);
    upi(inside.id, 4_000, OPEN + 90 * 60_000, { operator: 'cashier2' }); // another cashier's: not counted
    upi(inside.id, 7_000, OPEN + 100 * 60_000, { late: true }); // late (flagged): listed apart, not collected
    upi(inside.id, 3_000, OPEN + 110 * 60_000, { status: 'FAILED' }); // failed: nothing
    // A free exit inside the grace period, by the attendant at this kiosk.
    await h.setClock(iso(OPEN + 2 * 60 * 60_000 + 3 * 60_000));
    await ok('gate.quoteExit', { code: free.code }, tokens.attendant);
    await ok('gate.completeExit', { sessionId: free.id }, tokens.attendant);
    // A lost-ticket exit paid in cash.
    await h.setClock(iso(OPEN + 4 * 60 * 60_000));
    tokens.cashier = await h.login('cashier');
    await ok('gate.lostTicket', { vehicleNumber: `KA07ZR${1000 + plate - 1}`, proof: 'RC', reason: 'ticket lost' }, tokens.cashier);
    const paid = await ok<{ payment: { amountPaise: number } }>('gate.payCash', { sessionId: lost.id, tenderedPaise: 50_000 }, tokens.cashier);

    upi(inside.id, 5_000, CLOSE); // at the close instant: counted
    upi(inside.id, 9_000, CLOSE + 1); // 1 ms after close: not
    await h.setClock(iso(CLOSE));
    tokens.cashier = await h.login('cashier');
    closed = (await ok('shifts.close', { countedPaise: 50_000 + paid.payment.amountPaise }, tokens.cashier)).shift;
    expect(closed.closedAt).toBe(iso(CLOSE));
    expect(closed.activity).toEqual({
      upiPaise: 6_000, upiCount: 2, upiFlaggedPaise: 7_000, upiFlaggedCount: 1, ticketsIssued: 3, lostTicketExits: 1, freeExits: 1,
    });
    expect(closed.status).toBe('CLOSED'); // UPI is not drawer cash: the expected count is unchanged
    await h.setClock(iso(CLOSE + 60 * 60_000)); // a later ticket changes nothing in the closed shift
    await park(CLOSE + 60 * 60_000);
    tokens.cashier = await h.login('cashier');
    const report = await ok<{ shift: any; text: string }>('shifts.report', { shiftId }, tokens.cashier);
    expect(report.shift.activity).toEqual(closed.activity);
    text = report.text;
  });

  it('prints the figures in 40 columns with the signature lines', () => {
    expect(text).toMatch(/^Parking UPI \(2\)\s+60\.00$/m);
    expect(text).toMatch(/^UPI flagged, not counted \(1\)\s+70\.00$/m);
    expect(text).toMatch(/^Tickets issued\s+3$/m);
    expect(text).toMatch(/^Lost-ticket exits\s+1$/m);
    expect(text).toMatch(/^Free exits \(nothing due\)\s+1$/m);
    expect(text).toContain('Cashier signature:');
    expect(text).toContain('Supervisor signature:');
    for (const l of text.split('\n')) expect(l.length, l).toBeLessThanOrEqual(40);
  });

  it('the close is audited with the figures; the cashier sees none of them while the shift is open', async () => {
    const row = h.kiosk.ctx.store.sqlite.prepare(`SELECT details FROM audit_log WHERE action = 'shift.closed' AND entity_id = ?`).get(shiftId) as { details: string };
    expect(JSON.parse(row.details)).toMatchObject({ upiPaise: 6_000, upiFlaggedPaise: 7_000, ticketsIssued: 3, lostTicketExits: 1, freeExits: 1 });
    const cashier2 = await h.login('cashier2', '1357');
    await ok('shifts.open', { openingFloatPaise: 0 }, cashier2);
    expect((await ok('shifts.current', {}, cashier2)).activity).toBeNull();
    const supervisor = await h.login('supervisor');
    const open = (await ok<any[]>('shifts.list', { status: 'OPEN' }, supervisor))[0];
    // Opened at the instant of the later ticket, its window (ending now) holds that ticket and none of the first shift's UPI.
    expect(open.activity).toMatchObject({ upiPaise: 0, upiFlaggedPaise: 0, ticketsIssued: 1, lostTicketExits: 0, freeExits: 0 });
  });
});
