/** Short ticket numbers and compact tickets through the kiosk API: typed at the exit, typos refused, old PG1 tickets still billed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTicket } from '../../src-shared/domain/ticket-codec.js';
import { formatTicketNumber, TICKET_NUMBER_ALPHABET, ticketNumberOf } from '../../src-shared/domain/ticket-number.js';
import { startHarness, type Harness } from './kiosk-harness.js';

let h: Harness;
let attendant: string;
let zoneId: string;
const T0 = '2026-03-01T08:00:00.000Z';
const later = new Date(Date.parse(T0) + 70 * 60_000).toISOString();

beforeAll(async () => {
  h = await startHarness();
  await h.setClock(T0);
  attendant = await h.login('attendant');
  zoneId = (await h.post('zones.list', {}, attendant)).json.data[0].id;
});
afterAll(() => h.close());

const issue = async (plate: string) => (await h.post('gate.issueTicket', { vehicleNumber: plate, zoneId }, attendant)).json.data;

describe('short ticket numbers at the exit', () => {
  it('every ticket carries its number; typed (any case, with a hyphen or spaces) it quotes the same session', async () => {
    await h.setClock(T0);
    const s = await issue('KA01TN0001');
    expect(s.ticketNumber).toBe(ticketNumberOf(s.id));
    await h.setClock(later);
    for (const typed of [s.ticketNumber, formatTicketNumber(s.ticketNumber).toLowerCase(), ` ${s.ticketNumber.slice(0, 4)} ${s.ticketNumber.slice(4)} `]) {
      const q = await h.post('gate.quoteExit', { code: typed }, attendant);
      expect(q.json.ok, JSON.stringify(q.json)).toBe(true);
      expect(q.json.data.sessionId).toBe(s.id);
    }
    expect((await h.post('sessions.get', { code: s.ticketNumber }, attendant)).json.data.id).toBe(s.id);
  });

  it('a typo is TICKET_INVALID (check character), a number no session has is TICKET_UNKNOWN; nothing changes', async () => {
    await h.setClock(T0);
    const s = await issue('KA01TN0002');
    const db = h.kiosk.ctx.store.sqlite;
    const before = db.prepare('SELECT status, quoted_at FROM sessions WHERE id = ?').get(s.id);
    const n: string = s.ticketNumber;
    const other = TICKET_NUMBER_ALPHABET[(TICKET_NUMBER_ALPHABET.indexOf(n[3]!) + 1) % 32]!;
    const typo = n.slice(0, 3) + other + n.slice(4);
    const r = await h.post('gate.quoteExit', { code: typo }, attendant);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'TICKET_INVALID', details: { reason: 'BAD_CHECK' } });
    const lookAlike = await h.post('gate.quoteExit', { code: `0${n.slice(1)}` }, attendant);
    expect(lookAlike.json.error).toMatchObject({ code: 'TICKET_INVALID', details: { reason: 'BAD_CHARACTER' } });
    const nobody = ticketNumberOf('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')!;
    const u = await h.post('gate.quoteExit', { code: nobody }, attendant);
    expect(u.status).toBe(404);
    expect(u.json.error).toMatchObject({ code: 'TICKET_UNKNOWN', details: { reason: 'NUMBER_UNKNOWN' } });
    expect(db.prepare('SELECT status, quoted_at FROM sessions WHERE id = ?').get(s.id)).toEqual(before);
  });

  it('an old PG1 ticket of this kiosk is still read and billed', async () => {
    await h.setClock(T0);
    const s = await issue('KA01TN0003');
    const ctx = h.kiosk.ctx;
    const old = signTicket({ sessionId: s.id, zoneId, slotNumber: s.slotNumber, entryAtMs: Date.parse(T0), kioskId: ctx.kioskId }, ctx.ticketKey);
    ctx.store.sqlite.prepare('UPDATE sessions SET code = ? WHERE id = ?').run(old, s.id);
    await h.setClock(later);
    const q = await h.post('gate.quoteExit', { code: old }, attendant);
    expect(q.json.ok, JSON.stringify(q.json)).toBe(true);
    expect(q.json.data).toMatchObject({ sessionId: s.id, billableHours: 2 });
  });
});
