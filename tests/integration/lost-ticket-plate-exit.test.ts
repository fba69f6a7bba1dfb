/**
 * Lost tickets, plate-first exits and supervisor refunds through the HTTP bridge on a real
 * database file: each rule at its boundary (the limit and one paisa over), and every refusal
 * leaves the database as it was.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDesk, type Harness } from './kiosk-harness.js';

let h: Harness;
let cashier: string;
let attendant: string;
let supervisor: string;
const T0 = '2026-03-01T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
let plate = 0;
const nextPlate = () => `KA02CD${String(1000 + plate++)}`;
const PROOF = { proof: 'RC', reason: 'driver lost the ticket' } as const;

beforeAll(async () => {
  ({ h, cashier, attendant, supervisor } = await startDesk(T0));
});
afterAll(() => h.close());
beforeEach(() => h.setClock(T0));

async function zoneA() {
  const r = await h.post('zones.list', {}, attendant);
  return r.json.data.find((z: any) => z.name === 'A');
}
async function setLostFee(paise: number | null) {
  const A = await zoneA();
  const r = await h.post('zones.update', { zoneId: A.id, tariff: { lostTicketFeePaise: paise } }, supervisor);
  expect(r.json.ok, JSON.stringify(r.json)).toBe(true);
}
async function settings(patch: Record<string, number>) {
  const r = await h.post('settings.update', patch, supervisor);
  expect(r.json.ok, JSON.stringify(r.json)).toBe(true);
}
async function parked(vehicleNumber = nextPlate()) {
  const A = await zoneA();
  const r = await h.post('gate.issueTicket', { vehicleNumber, zoneId: A.id }, attendant);
  expect(r.json.ok, JSON.stringify(r.json)).toBe(true);
  return r.json.data;
}
function snapshot() {
  const db = h.kiosk.ctx.store.sqlite;
  return {
    sessions: db.prepare('SELECT id, status, lost_ticket, quote_amount_paise FROM sessions ORDER BY id').all(),
    payments: db.prepare('SELECT id, status FROM payments ORDER BY id').all(),
    lost: db.prepare('SELECT * FROM lost_ticket_exits ORDER BY session_id').all(),
    moves: db.prepare('SELECT id FROM cash_movements ORDER BY id').all(),
    outbox: (db.prepare('SELECT COUNT(*) n FROM outbox').get() as { n: number }).n,
  };
}
async function refused(p: Promise<{ status: number; json: any }>, code: string, key?: string) {
  const r = await p;
  expect(r.json.ok, JSON.stringify(r.json)).toBe(false);
  expect(r.json.error.code).toBe(code);
  if (key) expect(r.json.error.key).toBe(key);
  return r.json.error;
}

describe('lost ticket', () => {
  it('is refused while the zone has no lost-ticket fee, and nothing changes', async () => {
    await setLostFee(null);
    const s = await parked();
    await h.setClock(at(90));
    const before = snapshot();
    const e = await refused(h.post('gate.lostTicket', { vehicleNumber: s.vehicleNumber, ...PROOF }, cashier), 'CONFLICT', 'lostTicket.feeNotSet');
    expect(e.params).toEqual({ zoneName: 'A' });
    expect(snapshot()).toEqual(before);
  });

  it('needs the proof and a reason (typed errors), and nothing changes without them', async () => {
    await setLostFee(20_000);
    const s = await parked();
    await h.setClock(at(90));
    const before = snapshot();
    await refused(h.post('gate.lostTicket', { vehicleNumber: s.vehicleNumber, reason: 'lost it' }, cashier), 'VALIDATION_FAILED', 'lostTicket.proofRequired');
    await refused(h.post('gate.lostTicket', { vehicleNumber: s.vehicleNumber, proof: 'RC', reason: '  ' }, cashier), 'VALIDATION_FAILED', 'lostTicket.reasonRequired');
    await refused(h.post('gate.lostTicket', { vehicleNumber: s.vehicleNumber, proof: 'PASSPORT', reason: 'lost it' }, cashier), 'VALIDATION_FAILED');
    await refused(h.post('gate.lostTicket', { vehicleNumber: s.vehicleNumber, ...PROOF }, attendant), 'FORBIDDEN');
    expect(snapshot()).toEqual(before);
  });

  it('at exactly the supervisor limit no PIN is asked; one paisa over it is, and a supervisor PIN authorises it', async () => {
    await setLostFee(20_000);
    // 90 min in zone A: 2 h x 40.00 + 200.00 lost-ticket fee = 280.00
    await settings({ lostTicketSupervisorAbovePaise: 28_000 });
    const a = await parked();
    await h.setClock(at(90));
    const q = (await h.post('gate.lostTicket', { vehicleNumber: a.vehicleNumber, ...PROOF, proofNote: 'RC KA02 seen' }, cashier)).json;
    expect(q.ok, JSON.stringify(q)).toBe(true);
    expect(q.data).toMatchObject({ sessionId: a.id, feePaise: 8000, lostTicketFeePaise: 20_000, amountDuePaise: 28_000 });
    const row = h.kiosk.ctx.store.sqlite.prepare('SELECT * FROM lost_ticket_exits WHERE session_id = ?').get(a.id) as any;
    expect(row).toMatchObject({ basis: 'PLATE_MATCH', proof: 'RC', proof_note: 'RC KA02 seen', reason: 'driver lost the ticket', amount_due_paise: 28_000, supervisor_id: null });

    await settings({ lostTicketSupervisorAbovePaise: 27_999 });
    await h.setClock(T0);
    const b = await parked();
    await h.setClock(at(90));
    const before = snapshot();
    const e = await refused(h.post('gate.lostTicket', { vehicleNumber: b.vehicleNumber, ...PROOF }, cashier), 'FORBIDDEN', 'lostTicket.supervisorRequired');
    expect(e.params).toEqual({ amountDuePaise: 28_000, limitPaise: 27_999 });
    await refused(h.post('gate.lostTicket', { vehicleNumber: b.vehicleNumber, ...PROOF, supervisorUsername: 'supervisor', supervisorPin: '1111' }, cashier), 'FORBIDDEN', 'supervisor.wrongPin');
    await refused(h.post('gate.lostTicket', { vehicleNumber: b.vehicleNumber, ...PROOF, supervisorUsername: 'cashier', supervisorPin: '2468' }, cashier), 'FORBIDDEN', 'supervisor.notSupervisor');
    const { lost, sessions, payments } = snapshot();
    expect({ lost, sessions, payments }).toEqual({ lost: before.lost, sessions: before.sessions, payments: before.payments });

    const ok = (await h.post('gate.lostTicket', { vehicleNumber: b.vehicleNumber, ...PROOF, supervisorUsername: 'supervisor', supervisorPin: '2468' }, cashier)).json;
    expect(ok.ok, JSON.stringify(ok)).toBe(true);
    expect(ok.data.amountDuePaise).toBe(28_000);
    const supervisorId = (h.kiosk.ctx.store.sqlite.prepare("SELECT id FROM operators WHERE username = 'supervisor'").get() as any).id;
    expect(h.kiosk.ctx.store.sqlite.prepare('SELECT supervisor_id FROM lost_ticket_exits WHERE session_id = ?').get(b.id)).toEqual({ supervisor_id: supervisorId });
    const paid = (await h.post('gate.payCash', { sessionId: b.id, tenderedPaise: 30_000 }, cashier)).json;
    expect(paid.data).toMatchObject({ changePaise: 2000, session: { lostTicket: true, status: 'COMPLETED' } });
    await settings({ lostTicketSupervisorAbovePaise: 50_000 });
  });

  it('a lost-ticket quote that ran out is done again, never re-priced silently at the desk', async () => {
    await setLostFee(20_000);
    const s = await parked();
    await h.setClock(at(60));
    expect((await h.post('gate.lostTicket', { vehicleNumber: s.vehicleNumber, ...PROOF }, cashier)).json.ok).toBe(true);
    await h.setClock(at(75)); // the quote holds 10 minutes
    await refused(h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 50_000 }, cashier), 'CONFLICT', 'lostTicket.requote');
  });

  it('lost-ticket exits are listed as such', async () => {
    const r = (await h.post('sessions.list', { lostTicket: true, limit: 200 }, attendant)).json.data;
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.every((s: any) => s.lostTicket === true)).toBe(true);
    const day = (await h.post('reports.daily', { date: '2026-03-01' }, supervisor)).json.data;
    expect(day.exceptions.some((x: any) => x.kind === 'LOST_TICKET')).toBe(true);
  });
});

describe('plate-first exit', () => {
  it('one exact plate: the fee is quoted at the limit, and one paisa over it the ticket is asked for', async () => {
    const s = await parked();
    await h.setClock(at(90)); // 2 h x 40.00 = 80.00
    await settings({ plateExitMaxPaise: 7_999 });
    const before = snapshot();
    const e = await refused(h.post('gate.quoteByPlate', { vehicleNumber: s.vehicleNumber.toLowerCase() }, attendant), 'PAYMENT_REQUIRED', 'plate.ticketRequired');
    expect(e.params).toEqual({ amountDuePaise: 8000, limitPaise: 7_999 });
    expect(snapshot()).toEqual(before);
    await settings({ plateExitMaxPaise: 8_000 });
    const q = (await h.post('gate.quoteByPlate', { vehicleNumber: s.vehicleNumber }, attendant)).json;
    expect(q.data).toMatchObject({ sessionId: s.id, amountDuePaise: 8000, lostTicketFeePaise: 0 });
    await settings({ plateExitMaxPaise: 20_000 });
  });

  it('a look-alike plate (O/0, I/1) is shown for the cashier to pick, never guessed', async () => {
    const real = await parked('MH12AB1034');
    const other = await parked('MH12AB1O34');
    const found = (await h.post('gate.findByPlate', { vehicleNumber: 'MH12AB1034' }, attendant)).json.data;
    expect(found.unique).toBeNull();
    expect(found.candidates.map((c: any) => [c.vehicleNumber, c.match])).toEqual([['MH12AB1034', 'EXACT'], ['MH12AB1O34', 'NEAR']]);
    const e = await refused(h.post('gate.quoteByPlate', { vehicleNumber: 'MH12AB1034' }, attendant), 'CONFLICT', 'plate.ambiguous');
    expect(e.details.candidates).toHaveLength(2);
    const near = (await h.post('gate.findByPlate', { vehicleNumber: 'MHI2ABIO34' }, attendant)).json.data;
    expect(near.candidates.every((c: any) => c.match === 'NEAR')).toBe(true);
    await h.setClock(at(30));
    const picked = (await h.post('gate.quoteByPlate', { vehicleNumber: 'MH12AB1034', sessionId: real.id }, attendant)).json;
    expect(picked.data.sessionId).toBe(real.id);
    // A lost ticket on an ambiguous plate must be picked as well; the pick is recorded as such.
    await setLostFee(20_000);
    await refused(h.post('gate.lostTicket', { vehicleNumber: 'MH12AB1O34', ...PROOF }, cashier), 'CONFLICT', 'plate.ambiguous');
    const lost = (await h.post('gate.lostTicket', { vehicleNumber: 'MH12AB1O34', sessionId: other.id, ...PROOF }, cashier)).json;
    expect(lost.ok, JSON.stringify(lost)).toBe(true);
    expect(h.kiosk.ctx.store.sqlite.prepare('SELECT basis FROM lost_ticket_exits WHERE session_id = ?').get(other.id)).toEqual({ basis: 'PICKED' });
  });

  it('an unknown plate is a typed NOT_FOUND; a camera read lists candidates and asks to confirm below the trusted confidence', async () => {
    await refused(h.post('gate.quoteByPlate', { vehicleNumber: 'ZZ99ZZ9999' }, attendant), 'NOT_FOUND', 'plate.notFound');
    const s = await parked();
    const trusted = (await h.post('lane.plateRead', { plate: s.vehicleNumber, confidence: 0.9 }, attendant)).json.data;
    expect(trusted).toMatchObject({ unique: s.id, confidence: 0.9, needsConfirmation: false });
    const unsure = (await h.post('lane.plateRead', { plate: s.vehicleNumber, confidence: 0.89 }, attendant)).json.data;
    expect(unsure.needsConfirmation).toBe(true);
    await refused(h.post('lane.plateRead', { plate: s.vehicleNumber, confidence: 0.95, image: 'data:image/png;base64,AAAA' }, attendant), 'VALIDATION_FAILED');
    await refused(h.post('lane.plateRead', { plate: s.vehicleNumber, confidence: 1.5 }, attendant), 'VALIDATION_FAILED');
  });
});

describe('facts in result messages', () => {
  it('already exited names when, where, plate and amount; a duplicate walk-in names the slot', async () => {
    const s = await parked();
    const dup = await refused(h.post('gate.issueTicket', { vehicleNumber: s.vehicleNumber }, attendant), 'CONFLICT', 'entry.alreadyInside');
    expect(dup.params).toEqual({ plate: s.vehicleNumber, slot: s.slotNumber, status: 'PARKED' });
    await h.setClock(at(90));
    await h.post('gate.quoteExit', { code: s.code }, attendant);
    await h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 10_000 }, cashier);
    const e = await refused(h.post('gate.quoteExit', { code: s.code }, attendant), 'ALREADY_EXITED', 'session.alreadyExited');
    expect(e.params).toEqual({ exitAt: at(90), gate: 'THIS', plate: s.vehicleNumber, slot: s.slotNumber, amountPaidPaise: 8000 });
  });
});

describe('refund of a completed exit', () => {
  it('needs a supervisor PIN and a reason; comes out of the drawer and shows in the day report; only once', async () => {
    const s = await parked();
    await h.setClock(at(90));
    await h.post('gate.quoteExit', { code: s.code }, attendant);
    const paid = (await h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 10_000 }, cashier)).json.data;
    const shiftBefore = (await h.post('shifts.list', { date: '2026-03-01' }, supervisor)).json.data.find((x: any) => x.status === 'OPEN');
    const dayBefore = (await h.post('reports.daily', { date: '2026-03-01' }, supervisor)).json.data;
    const before = snapshot();
    const input = { paymentId: paid.payment.id, reason: 'charged twice by mistake' };
    await refused(h.post('payments.refund', { ...input, supervisorUsername: 'supervisor', supervisorPin: '0000' }, cashier), 'FORBIDDEN', 'supervisor.wrongPin');
    await refused(h.post('payments.refund', { ...input, supervisorUsername: 'cashier', supervisorPin: '2468' }, cashier), 'FORBIDDEN', 'supervisor.notSupervisor');
    await refused(h.post('payments.refund', { ...input, reason: 'x', supervisorUsername: 'supervisor', supervisorPin: '2468' }, cashier), 'VALIDATION_FAILED');
    await refused(h.post('payments.refund', { ...input, supervisorUsername: 'supervisor', supervisorPin: '2468' }, attendant), 'FORBIDDEN');
    const { payments, moves } = snapshot();
    expect({ payments, moves }).toEqual({ payments: before.payments, moves: before.moves });

    const r = (await h.post('payments.refund', { ...input, supervisorUsername: 'supervisor', supervisorPin: '2468' }, cashier)).json;
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.data).toMatchObject({ refundedPaise: 8000, payment: { status: 'REFUNDED' } });
    await refused(h.post('payments.refund', { ...input, supervisorUsername: 'supervisor', supervisorPin: '2468' }, cashier), 'CONFLICT', 'refund.already');

    const shiftAfter = (await h.post('shifts.list', { date: '2026-03-01' }, supervisor)).json.data.find((x: any) => x.id === shiftBefore.id);
    expect(shiftAfter.expectedPaise).toBe(shiftBefore.expectedPaise - 8000);
    expect(shiftAfter.cashRefundsPaise).toBe((shiftBefore.cashRefundsPaise ?? 0) + 8000);
    const dayAfter = (await h.post('reports.daily', { date: '2026-03-01' }, supervisor)).json.data;
    expect(dayAfter.revenue.refundsPaise).toBe(dayBefore.revenue.refundsPaise + 8000);
    expect(dayAfter.revenue.totalPaise).toBe(dayBefore.revenue.totalPaise - 8000);
    expect((await h.post('integrity.check', {}, supervisor)).json.data.ok).toBe(true);
  });

  it('a car still inside is not refunded here', async () => {
    const s = await parked();
    const e = await refused(h.post('payments.refund', { paymentId: 'nope', reason: 'test refund', supervisorUsername: 'supervisor', supervisorPin: '2468' }, cashier), 'NOT_FOUND');
    expect(e.key).toBe('refund.noPayment');
    expect(s.status).toBe('PARKED');
  });
});
