/** "Cancel / not this car": a quote is dropped in the core, the session is as before it, and the drop is audited and synced. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './kiosk-harness.js';

let h: Harness;
let attendant: string;
let cashier: string;
const T0 = '2026-03-01T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

beforeAll(async () => {
  h = await startHarness();
  await h.setClock(T0);
  attendant = await h.login('attendant');
  cashier = await h.login('cashier');
  await h.post('shifts.open', { openingFloatPaise: 0 }, cashier);
});
afterAll(() => h.close());

const row = (id: string) =>
  h.kiosk.ctx.store.sqlite.prepare('SELECT status, quote_amount_paise, quoted_at, quote_valid_until, amount_due_paise, lost_ticket FROM sessions WHERE id = ?').get(id);

async function issue(plate: string) {
  const zones = (await h.post('zones.list', {}, attendant)).json.data;
  return (await h.post('gate.issueTicket', { vehicleNumber: plate, zoneId: zones[0].id }, attendant)).json.data;
}

describe('gate.cancelQuote', () => {
  it('EXITING -> PARKED with no quote; audited and in the outbox; the car can be quoted and paid again', async () => {
    await h.setClock(T0);
    const s = await issue('KA01CQ0001');
    const before = row(s.id);
    await h.setClock(at(70));
    const q = await h.post('gate.quoteExit', { code: s.code }, attendant);
    expect(q.json.data.amountDuePaise).toBeGreaterThan(0);
    expect((row(s.id) as { status: string }).status).toBe('EXITING');

    const r = await h.post('gate.cancelQuote', { sessionId: s.id }, attendant);
    expect(r.json.ok, JSON.stringify(r.json)).toBe(true);
    expect(r.json.data.status).toBe('PARKED');
    expect(row(s.id)).toEqual(before);
    const db = h.kiosk.ctx.store.sqlite;
    expect(db.prepare("SELECT COUNT(*) n FROM audit_log WHERE action = 'session.quoteCancelled' AND entity_id = ?").get(s.id)).toEqual({ n: 1 });
    expect(db.prepare("SELECT COUNT(*) n FROM outbox WHERE type = 'session.quoteCancelled'").get()).toEqual({ n: 1 });

    // A second drop has nothing to drop: a typed error and nothing changes.
    const again = await h.post('gate.cancelQuote', { sessionId: s.id }, attendant);
    expect(again.json.error.code).toBe('CONFLICT');
    expect(row(s.id)).toEqual(before);

    const q2 = await h.post('gate.quoteExit', { code: s.code }, attendant);
    const paid = await h.post('gate.payCash', { sessionId: s.id, tenderedPaise: q2.json.data.amountDuePaise }, cashier);
    expect(paid.json.data.session.status).toBe('COMPLETED');
    const done = await h.post('gate.cancelQuote', { sessionId: s.id }, attendant);
    expect(done.json.error.code).toBe('ALREADY_EXITED');
  });

  it('a lost-ticket quote dropped loses its lost-ticket mark', async () => {
    await h.setClock(T0);
    const s = await issue('KA01CQ0002');
    await h.setClock(at(30));
    // A lost-ticket quote (its proof and fee rules are gate.lostTicket's; here only the mark it leaves).
    await h.post('gate.quoteExit', { code: s.code }, attendant);
    h.kiosk.ctx.store.sqlite.prepare('UPDATE sessions SET lost_ticket = 1 WHERE id = ?').run(s.id);
    expect(row(s.id)).toMatchObject({ status: 'EXITING', lost_ticket: 1 });
    await h.post('gate.cancelQuote', { sessionId: s.id }, attendant);
    expect(row(s.id)).toMatchObject({ status: 'PARKED', lost_ticket: 0, quoted_at: null });
  });

  it('unknown session NOT_FOUND, malformed id VALIDATION_FAILED, no login UNAUTHENTICATED', async () => {
    expect((await h.post('gate.cancelQuote', { sessionId: '0190aaaa-0000-7000-8000-000000000000' }, attendant)).json.error.code).toBe('NOT_FOUND');
    expect((await h.post('gate.cancelQuote', { sessionId: 'x'.repeat(5000) }, attendant)).json.error.code).toBe('VALIDATION_FAILED');
    expect((await h.post('gate.cancelQuote', { sessionId: 'abc' })).json.error.code).toBe('UNAUTHENTICATED');
  });
});
