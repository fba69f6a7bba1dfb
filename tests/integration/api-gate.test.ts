/** Gate methods through the HTTP bridge against a real database file: happy paths and every error code. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDesk, startHarness, type Harness } from './kiosk-harness.js';

let h: Harness;
let cashier: string;
let attendant: string;
let supervisor: string;
const T0 = '2026-03-01T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
let plate = 0;
const nextPlate = () => `KA01AB${String(1000 + plate++)}`;

beforeAll(async () => {
  ({ h, cashier, attendant, supervisor } = await startDesk(T0));
});
afterAll(() => h.close());
beforeEach(() => h.setClock(T0));

async function zoneIds() {
  const r = await h.post('zones.list', {}, attendant);
  const byName = Object.fromEntries(r.json.data.map((z: any) => [z.name, z]));
  return { A: byName.A, B: byName.B };
}

async function counts() {
  const db = h.kiosk.ctx.store.sqlite;
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    sessions: n('SELECT COUNT(*) n FROM sessions'),
    payments: n('SELECT COUNT(*) n FROM payments'),
    outbox: n('SELECT COUNT(*) n FROM outbox'),
    occupied: n('SELECT COUNT(*) n FROM slots WHERE current_session_id IS NOT NULL'),
  };
}

async function expectError(p: Promise<{ status: number; json: any }>, status: number, code: string) {
  const r = await p;
  expect(r.json.ok, JSON.stringify(r.json)).toBe(false);
  expect(r.json.error.code).toBe(code);
  expect(r.status).toBe(status);
  expect(typeof r.json.error.message).toBe('string');
  expect(r.json.error.message.length).toBeGreaterThan(5);
  return r.json.error;
}

describe('walk-in ticket, exit and cash', () => {
  it('issues a walk-in ticket (PARKED), quotes 2h10m as 3 hours, takes cash with change and frees the slot', async () => {
    const { A } = await zoneIds();
    const issued = await h.post('gate.issueTicket', { vehicleNumber: 'mh 12-ab 1234', zoneId: A.id }, attendant);
    expect(issued.status).toBe(200);
    const s = issued.json.data;
    expect(s).toMatchObject({ status: 'PARKED', vehicleNumber: 'MH12AB1234', zoneName: 'A', slotNumber: 'A-01', entryAt: T0, conflict: false });
    expect(s.code).toMatch(/^PG2[A-Z2-7]+$/); // compact signed ticket: QR version 4
    expect(s.ticketNumber).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);

    await h.setClock(at(130));
    const quote = (await h.post('gate.quoteExit', { code: s.code }, attendant)).json.data;
    expect(quote).toMatchObject({ sessionId: s.id, durationSeconds: 7800, billableHours: 3, amountDuePaise: 12000, slotNumber: 'A-01' });
    expect((await h.post('sessions.get', { sessionId: s.id }, attendant)).json.data.status).toBe('EXITING');

    const paid = await h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 20000 }, cashier);
    expect(paid.status).toBe(200);
    expect(paid.json.data.changePaise).toBe(8000);
    expect(paid.json.data.payment).toMatchObject({ method: 'CASH', status: 'SUCCESS', amountPaise: 12000 });
    expect(paid.json.data.session).toMatchObject({ status: 'COMPLETED', amountPaidPaise: 12000, amountDuePaise: 12000, paymentStatus: 'SUCCESS', exitAt: at(130) });
    const slots = (await h.post('slots.list', { zoneId: A.id }, attendant)).json.data;
    expect(slots.find((x: any) => x.slotNumber === 'A-01')).toMatchObject({ isOccupied: false, currentVehicle: null });

    await expectError(h.post('gate.quoteExit', { code: s.code }, attendant), 409, 'ALREADY_EXITED');
    await expectError(h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 20000 }, cashier), 409, 'ALREADY_EXITED');
    await expectError(h.post('gate.completeExit', { sessionId: s.id }, attendant), 409, 'ALREADY_EXITED');
  });

  it('a stay within the 5-minute grace is free: quote 0, stays PARKED, completeExit opens the gate', async () => {
    const s = (await h.post('gate.issueTicket', { vehicleNumber: nextPlate() }, attendant)).json.data;
    await h.setClock(at(5));
    const quote = (await h.post('gate.quoteExit', { code: s.code }, attendant)).json.data;
    expect(quote).toMatchObject({ durationSeconds: 300, billableHours: 0, amountDuePaise: 0 });
    expect((await h.post('sessions.get', { sessionId: s.id }, attendant)).json.data.status).toBe('PARKED');
    await expectError(h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 100 }, cashier), 409, 'CONFLICT');
    const done = await h.post('gate.completeExit', { sessionId: s.id }, attendant);
    expect(done.json.data).toMatchObject({ status: 'COMPLETED', amountDuePaise: 0, amountPaidPaise: 0 });
  });

  it('one second past grace costs one hour; completeExit without payment is PAYMENT_REQUIRED and changes nothing', async () => {
    const s = (await h.post('gate.issueTicket', { vehicleNumber: nextPlate() }, attendant)).json.data;
    await h.setClock(new Date(Date.parse(T0) + 301_000).toISOString());
    const quote = (await h.post('gate.quoteExit', { code: s.code }, attendant)).json.data;
    expect(quote).toMatchObject({ durationSeconds: 301, billableHours: 1, amountDuePaise: 4000 });
    const before = await counts();
    const err = await expectError(h.post('gate.completeExit', { sessionId: s.id }, attendant), 409, 'PAYMENT_REQUIRED');
    expect(err.details).toEqual({ amountDuePaise: 4000 });
    await expectError(h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 3999 }, cashier), 409, 'INSUFFICIENT_TENDER');
    expect(await counts()).toEqual(before);
    const exact = await h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 4000 }, cashier);
    expect(exact.json.data.changePaise).toBe(0);
  });

  it('a valid quote is honoured at the cash desk even after the next hour starts', async () => {
    const s = (await h.post('gate.issueTicket', { vehicleNumber: nextPlate() }, attendant)).json.data;
    await h.setClock(at(59));
    expect((await h.post('gate.quoteExit', { code: s.code }, attendant)).json.data.amountDuePaise).toBe(4000);
    await h.setClock(at(61));
    const paid = await h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 4000 }, cashier);
    expect(paid.json.data.payment.amountPaise).toBe(4000);
  });

  it('an expired quote is recomputed at payment time', async () => {
    const s = (await h.post('gate.issueTicket', { vehicleNumber: nextPlate() }, attendant)).json.data;
    await h.setClock(at(59));
    await h.post('gate.quoteExit', { code: s.code }, attendant);
    await h.setClock(at(59 + 11));
    await expectError(h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 4000 }, cashier), 409, 'INSUFFICIENT_TENDER');
    const paid = await h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 8000 }, cashier);
    expect(paid.json.data.payment.amountPaise).toBe(8000);
  });
});

describe('booking and entry scan', () => {
  it('books (BOOKED, slot held), scans in once (PARKED), then refuses a second scan', async () => {
    const { B } = await zoneIds();
    const booked = (await h.post('gate.book', { vehicleNumber: nextPlate(), ownerName: 'Asha Rao', zoneId: B.id }, attendant)).json.data;
    expect(booked).toMatchObject({ status: 'BOOKED', zoneName: 'B', ownerName: 'Asha Rao', entryAt: null });
    await expectError(h.post('gate.quoteExit', { code: booked.code }, attendant), 409, 'NOT_ENTERED');
    await expectError(h.post('gate.completeExit', { sessionId: booked.id }, attendant), 409, 'NOT_ENTERED');
    await h.setClock(at(3));
    const entered = (await h.post('gate.scanEntry', { code: `${booked.code}\r\n` }, attendant)).json.data;
    expect(entered).toMatchObject({ id: booked.id, status: 'PARKED', entryAt: at(3) });
    await expectError(h.post('gate.scanEntry', { code: booked.code }, attendant), 409, 'ALREADY_ENTERED');
  });

  it('refuses a second open session for the same vehicle with CONFLICT and writes nothing', async () => {
    const v = nextPlate();
    await h.post('gate.issueTicket', { vehicleNumber: v }, attendant);
    const before = await counts();
    await expectError(h.post('gate.book', { vehicleNumber: v }, attendant), 409, 'CONFLICT');
    await expectError(h.post('gate.issueTicket', { vehicleNumber: v.toLowerCase() }, attendant), 409, 'CONFLICT');
    expect(await counts()).toEqual(before);
  });

  it('fills zone B in slot order, then answers NO_SLOT_AVAILABLE without writing', async () => {
    const harness = await startHarness();
    try {
      const t = await harness.login('attendant');
      const zones = (await harness.post('zones.list', {}, t)).json.data;
      const B = zones.find((z: any) => z.name === 'B');
      const slots: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        slots.push((await harness.post('gate.book', { vehicleNumber: `DL3C${1000 + i}`, zoneId: B.id }, t)).json.data.slotNumber);
      }
      expect(slots).toEqual(['B-01', 'B-02', 'B-03', 'B-04', 'B-05']);
      const before = harness.kiosk.ctx.store.sqlite.prepare('SELECT COUNT(*) n FROM sessions').get();
      await expectErrorOn(harness.post('gate.book', { vehicleNumber: 'DL3C9999', zoneId: B.id }, t), 'NO_SLOT_AVAILABLE');
      expect(harness.kiosk.ctx.store.sqlite.prepare('SELECT COUNT(*) n FROM sessions').get()).toEqual(before);
      // Without a zone, the first active zone with a free slot (A) is used.
      expect((await harness.post('gate.book', { vehicleNumber: 'DL3C9999' }, t)).json.data.slotNumber).toBe('A-01');
    } finally {
      await harness.close();
    }
  });

  it('an inactive zone answers ZONE_INACTIVE; an unknown zone NOT_FOUND', async () => {
    const created = (await h.post('zones.create', { name: 'Closed', hourlyRatePaise: 1000, isActive: false }, supervisor)).json.data;
    await h.post('slots.create', { zoneId: created.id, slotNumbers: ['C-1'] }, supervisor);
    await expectError(h.post('gate.book', { vehicleNumber: nextPlate(), zoneId: created.id }, attendant), 409, 'ZONE_INACTIVE');
    await expectError(h.post('gate.book', { vehicleNumber: nextPlate(), zoneId: 'nope' }, attendant), 404, 'NOT_FOUND');
  });
});

async function expectErrorOn(p: Promise<{ status: number; json: any }>, code: string) {
  const r = await p;
  expect(r.json.ok).toBe(false);
  expect(r.json.error.code).toBe(code);
}

describe('tickets: malformed, forged, unknown', () => {
  it('rejects malformed and forged codes with TICKET_INVALID and changes nothing', async () => {
    const s = (await h.post('gate.book', { vehicleNumber: nextPlate() }, attendant)).json.data;
    const before = await counts();
    const forged = s.code.slice(0, -2) + (s.code.endsWith('AA') ? 'AB' : 'AA');
    for (const code of ['hello', 'QR-12345', 'qr-0123456789ab', 'PG1.x.y.z', forged, 'PG1.' + 'A'.repeat(900)]) {
      await expectError(h.post('gate.scanEntry', { code }, attendant), 400, 'TICKET_INVALID');
      await expectError(h.post('gate.quoteExit', { code }, attendant), 400, 'TICKET_INVALID');
    }
    expect(await counts()).toEqual(before);
    expect((await h.post('sessions.get', { sessionId: s.id }, attendant)).json.data.status).toBe('BOOKED');
  });

  it('a well-formed server booking code that no session holds is TICKET_UNKNOWN', async () => {
    await expectError(h.post('gate.scanEntry', { code: 'QR-0123456789AB' }, attendant), 404, 'TICKET_UNKNOWN');
    await expectError(h.post('sessions.get', { code: 'QR-0123456789AB' }, attendant), 404, 'TICKET_UNKNOWN');
  });

  it('a code over 1024 characters fails validation', async () => {
    await expectError(h.post('gate.scanEntry', { code: 'Q'.repeat(5000) }, attendant), 400, 'VALIDATION_FAILED');
  });
});

describe('lost ticket', () => {
  it('finds the car by number and adds the zone lost-ticket fee', async () => {
    const { A } = await zoneIds();
    await h.post('zones.update', { zoneId: A.id, tariff: { lostTicketFeePaise: 20000 } }, supervisor);
    const v = nextPlate();
    const s = (await h.post('gate.issueTicket', { vehicleNumber: v, zoneId: A.id }, attendant)).json.data;
    await h.setClock(at(90));
    const q = (await h.post('gate.lostTicket', { vehicleNumber: v, proof: 'RC', reason: 'ticket lost' }, cashier)).json.data;
    expect(q).toMatchObject({ sessionId: s.id, billableHours: 2, feePaise: 8000, lostTicketFeePaise: 20000, amountDuePaise: 28000 });
    const paid = (await h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 30000 }, cashier)).json.data;
    expect(paid).toMatchObject({ changePaise: 2000, session: { lostTicket: true, amountPaidPaise: 28000 } });
    await h.post('zones.update', { zoneId: A.id, tariff: { lostTicketFeePaise: null } }, supervisor);
  });

  it('an unknown vehicle is NOT_FOUND; a bad number fails validation', async () => {
    await expectError(h.post('gate.lostTicket', { vehicleNumber: 'ZZ99ZZ9999', proof: 'RC', reason: 'ticket lost' }, cashier), 404, 'NOT_FOUND');
    await expectError(h.post('gate.lostTicket', { vehicleNumber: '!!' }, cashier), 400, 'VALIDATION_FAILED');
  });
});

describe('online payment without a central server', () => {
  it('answers OFFLINE and writes nothing', async () => {
    const s = (await h.post('gate.issueTicket', { vehicleNumber: nextPlate() }, attendant)).json.data;
    await h.setClock(at(30));
    await h.post('gate.quoteExit', { code: s.code }, attendant);
    const before = await counts();
    await expectError(h.post('gate.startOnlinePayment', { sessionId: s.id }, cashier), 503, 'OFFLINE');
    await expectError(h.post('payments.get', { paymentId: 'missing' }, cashier), 404, 'NOT_FOUND');
    expect(await counts()).toEqual(before);
  });
});

describe('sessions', () => {
  it('lists with filters and cursor paging, newest first', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = (await h.post('sessions.list', { limit: 3, ...(cursor ? { cursor } : {}) }, attendant)).json.data;
      expect(r.items.length).toBeLessThanOrEqual(3);
      all.push(...r.items.map((s: any) => s.id));
      cursor = r.nextCursor;
    } while (cursor);
    const total = (h.kiosk.ctx.store.sqlite.prepare('SELECT COUNT(*) n FROM sessions').get() as { n: number }).n;
    expect(new Set(all).size).toBe(total);
    const completed = (await h.post('sessions.list', { status: 'COMPLETED' }, attendant)).json.data.items;
    expect(completed.length).toBeGreaterThan(0);
    expect(completed.every((s: any) => s.status === 'COMPLETED')).toBe(true);
    const byPlate = (await h.post('sessions.list', { q: 'mh12 ab' }, attendant)).json.data.items;
    expect(byPlate.map((s: any) => s.vehicleNumber)).toEqual(['MH12AB1234']);
    // A LIKE wildcard is not a plate character: it finds nothing (it used to list every car).
    for (const q of ['%', '_', '%%']) expect((await h.post('sessions.list', { q }, attendant)).json.data.items).toEqual([]);
    expect((await h.post('sessions.list', { q: 'mh%12_ab' }, attendant)).json.data.items.map((s: any) => s.vehicleNumber)).toEqual(['MH12AB1234']);
    expect((await h.post('vehicles.search', { q: '%' }, attendant)).json.data).toEqual([]);
    await expectError(h.post('sessions.list', { cursor: 'garbage' }, attendant), 400, 'VALIDATION_FAILED');
    await expectError(h.post('sessions.list', { status: 'FLYING' }, attendant), 400, 'VALIDATION_FAILED');
  });

  it('refundCheck and cancel follow the 5-minute rule; cancel needs a BOOKED session', async () => {
    const s = (await h.post('gate.book', { vehicleNumber: nextPlate() }, attendant)).json.data;
    await h.setClock(at(5));
    expect((await h.post('sessions.refundCheck', { sessionId: s.id }, attendant)).json.data).toMatchObject({ eligible: true, refundPaise: 0 });
    await h.setClock(new Date(Date.parse(T0) + 301_000).toISOString());
    expect((await h.post('sessions.refundCheck', { code: s.code }, attendant)).json.data.eligible).toBe(false);
    await expectError(h.post('sessions.cancel', { sessionId: s.id, reason: '' }, supervisor), 400, 'VALIDATION_FAILED');
    const cancelled = (await h.post('sessions.cancel', { sessionId: s.id, reason: 'Driver changed plans' }, supervisor)).json.data;
    expect(cancelled).toMatchObject({ refundPaise: 0, session: { status: 'CANCELLED' } });
    await expectError(h.post('gate.scanEntry', { code: s.code }, attendant), 409, 'SESSION_CLOSED');
    await expectError(h.post('sessions.cancel', { sessionId: s.id, reason: 'again please' }, supervisor), 409, 'SESSION_CLOSED');
    const parked = (await h.post('gate.issueTicket', { vehicleNumber: nextPlate() }, attendant)).json.data;
    await expectError(h.post('sessions.cancel', { sessionId: parked.id, reason: 'not allowed' }, supervisor), 409, 'CONFLICT');
    await expectError(h.post('sessions.cancel', { sessionId: 'nope', reason: 'not here' }, supervisor), 404, 'NOT_FOUND');
  });

  it('timeline lists the session story from the audit log in order', async () => {
    const s = (await h.post('gate.book', { vehicleNumber: nextPlate() }, attendant)).json.data;
    await h.post('gate.scanEntry', { code: s.code }, attendant);
    await h.setClock(at(20));
    await h.post('gate.quoteExit', { code: s.code }, attendant);
    await h.post('gate.payCash', { sessionId: s.id, tenderedPaise: 5000 }, cashier);
    const timeline = (await h.post('sessions.timeline', { sessionId: s.id }, attendant)).json.data;
    expect(timeline.map((e: any) => e.action)).toEqual(['session.booked', 'session.entered', 'session.quoted', 'session.completed', 'payment.success']);
    expect(timeline[0].operatorName).toBe('Attendant');
  });
});

describe('integrity and audit after all of the above', () => {
  it('integrity.check and audit.verify pass, and every state change is in the outbox', async () => {
    const integrity = (await h.post('integrity.check', {}, supervisor)).json.data;
    expect(integrity).toEqual({ ok: true, findings: [] });
    const audit = (await h.post('audit.verify', {}, supervisor)).json.data;
    expect(audit.ok).toBe(true);
    expect(audit.checked).toBeGreaterThan(20);
    const db = h.kiosk.ctx.store.sqlite;
    const seqs = (db.prepare('SELECT seq FROM outbox ORDER BY seq').all() as { seq: number }[]).map((r) => r.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const completedEvents = (db.prepare(`SELECT COUNT(*) n FROM outbox WHERE type = 'session.completed'`).get() as { n: number }).n;
    const completedSessions = (db.prepare(`SELECT COUNT(*) n FROM sessions WHERE status = 'COMPLETED'`).get() as { n: number }).n;
    expect(completedEvents).toBe(completedSessions);
  });
});
