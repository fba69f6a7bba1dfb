/**
 * The drawer by denomination through the HTTP bridge: the float at sign-on and the blind count at
 * close given as notes and coins, summed by the core in paise and stored per denomination; bad
 * counts are refused with a typed error and change nothing; the Z report lists both counts; the
 * synced shift events carry the counts, and the server still takes shift events without them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../integration/kiosk-harness.js';
import { DEFAULT_PROTOCOL_WINDOW, validateEvent } from '../../src-server/sync/push.js';
import { SYNC_PROTOCOL_VERSION } from '../../src-shared/contracts/sync.js';

let h: Harness;
let cashier: string;
let attendant: string;
const T0 = Date.parse('2026-05-04T04:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

beforeAll(async () => {
  h = await startHarness();
  await h.setClock(at(0));
});
beforeEach(async () => {
  cashier = await h.login('cashier');
  attendant = await h.login('attendant');
});
afterAll(() => h.close());

const db = () => h.kiosk.ctx.store.sqlite;
const n = (sql: string) => (db().prepare(sql).get() as { n: number }).n;
/** Everything a refused call must leave as it was. */
const state = () => ({
  shifts: db().prepare('SELECT * FROM shifts ORDER BY id').all(),
  counts: db().prepare('SELECT * FROM shift_denominations ORDER BY shift_id, stage, denomination').all(),
  audit: n('SELECT COUNT(*) n FROM audit_log'),
  outbox: n('SELECT COUNT(*) n FROM outbox'),
});

async function ok<T = any>(method: string, body: unknown, token: string): Promise<T> {
  const r = await h.post(method, body, token);
  if (!r.json.ok) throw new Error(`${method}: ${JSON.stringify(r.json)}`);
  return r.json.data as T;
}

const FLOAT = { N500: 2, N100: 3, N20: 1, C20: 1, C5: 4, C1: 7 }; // 1000 + 300 + 20 + 20 + 20 + 7 = 1367.00

describe('shift float and blind count by denomination', () => {
  it.each([
    ['a negative count', { N500: -1 }, 'NEGATIVE'],
    ['a fraction of a note', { N100: 2.5 }, 'NOT_WHOLE'],
    ['a huge count', { C1: 100_000 }, 'TOO_MANY'],
    ['an astronomical count', { N500: 1e300 }, 'TOO_MANY'],
    ['a note India does not print', { N2000: 1 }, 'UNKNOWN_DENOMINATION'],
  ])('refuses %s at sign-on: VALIDATION_FAILED, nothing written', async (_what, floatCounts, problem) => {
    const before = state();
    const r = await h.post('shifts.open', { floatCounts }, cashier);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'VALIDATION_FAILED', key: `cash.${problem}`, details: { reason: 'BAD_COUNT', problem } });
    expect(state()).toEqual(before);
  });

  it('refuses a total that disagrees with the notes and coins, and a call with neither', async () => {
    const before = state();
    const r = await h.post('shifts.open', { openingFloatPaise: 100_000, floatCounts: FLOAT }, cashier);
    expect(r.json.error).toMatchObject({ code: 'VALIDATION_FAILED', key: 'cash.totalMismatch', params: { totalPaise: 100_000, countedPaise: 136_700 } });
    expect((await h.post('shifts.open', {}, cashier)).json.error.code).toBe('VALIDATION_FAILED');
    expect(state()).toEqual(before);
  });

  it('opens with the float by denomination: the core sums it and stores every note and coin; synced with the counts', async () => {
    const shift = await ok('shifts.open', { floatCounts: FLOAT }, cashier);
    expect(shift.openingFloatPaise).toBe(136_700);
    expect(shift.floatDenominations).toHaveLength(11);
    expect(shift.floatDenominations[0]).toEqual({ code: 'N500', kind: 'NOTE', valuePaise: 50_000, count: 2, totalPaise: 100_000 });
    expect(shift.countedDenominations).toBeNull();
    expect(db().prepare("SELECT denomination, count FROM shift_denominations WHERE shift_id = ? AND stage = 'FLOAT' AND count > 0 ORDER BY value_paise DESC, denomination").all(shift.id))
      .toEqual([{ denomination: 'N500', count: 2 }, { denomination: 'N100', count: 3 }, { denomination: 'C20', count: 1 }, { denomination: 'N20', count: 1 }, { denomination: 'C5', count: 4 }, { denomination: 'C1', count: 7 }]);
    const event = db().prepare("SELECT payload FROM outbox WHERE type = 'shift.opened' ORDER BY seq DESC LIMIT 1").get() as { payload: string };
    expect(JSON.parse(event.payload).denominations.float).toMatchObject(FLOAT);
  });

  it('a bad blind count is refused and the shift stays open; a good one closes with the computed total, variance and Z report', async () => {
    // One cash exit of 120.00 in the shift.
    const zoneA = (await ok<any[]>('zones.list', {}, attendant)).find((z) => z.name === 'A');
    await h.setClock(at(10));
    const s = await ok('gate.issueTicket', { vehicleNumber: 'TN09DN1001', zoneId: zoneA.id }, attendant);
    await h.setClock(at(140));
    await ok('gate.quoteExit', { code: s.code }, attendant);
    await ok('gate.payCash', { sessionId: s.id, tenderedPaise: 12_000 }, cashier);

    const before = state();
    for (const countedCounts of [{ C10: -3 }, { N50: 0.5 }, { N200: 1_000_000 }]) {
      const r = await h.post('shifts.close', { countedCounts }, cashier);
      expect(r.json.error.code).toBe('VALIDATION_FAILED');
    }
    expect(state()).toEqual(before);
    expect((await ok('shifts.current', {}, cashier)).status).toBe('OPEN');

    // Expected 1367.00 + 120.00 = 1487.00; counted 1000 + 200 + 200 + 50 + 20 + 10 + 5 = 1485.00: 2.00 short.
    const countedCounts = { N500: 2, N200: 2, N100: 0, N50: 1, N10: 1, C20: 1, C5: 1 };
    const { shift } = await ok('shifts.close', { countedCounts }, cashier);
    expect(shift).toMatchObject({ status: 'CLOSED', countedPaise: 148_500, expectedPaise: 148_700, differencePaise: -200 });
    expect(shift.countedDenominations.find((l: { code: string }) => l.code === 'N200')).toMatchObject({ count: 2, totalPaise: 40_000 });
    expect(n(`SELECT COUNT(*) n FROM shift_denominations WHERE shift_id = '${shift.id}' AND stage = 'COUNT'`)).toBe(11);
    const closed = db().prepare("SELECT payload FROM outbox WHERE type = 'shift.closed' ORDER BY seq DESC LIMIT 1").get() as { payload: string };
    expect(JSON.parse(closed.payload).denominations).toMatchObject({ float: FLOAT, counted: countedCounts });

    const report = await ok('shifts.report', { shiftId: shift.id }, cashier);
    const text: string = report.text;
    expect(text).toContain('Float by denomination');
    expect(text).toContain('Counted by denomination');
    expect(text).toMatch(/Note 500 x 2 +1000\.00/);
    expect(text).toMatch(/Coin {3}5 x 4 +20\.00/);
    expect(text).toMatch(/Expected in drawer +1487\.00/);
    expect(text).toMatch(/Counted +1485\.00/);
    expect(text).toMatch(/Difference +-2\.00/);
    for (const l of text.split('\n')) expect(l.length, l).toBeLessThanOrEqual(40);
  });

  it('a float given as a total still works (older clients): no breakdown stored or printed', async () => {
    const shift = await ok('shifts.open', { openingFloatPaise: 50_000 }, cashier);
    expect(shift).toMatchObject({ openingFloatPaise: 50_000, floatDenominations: null });
    const { shift: closed } = await ok('shifts.close', { countedPaise: 50_000 }, cashier);
    expect(closed).toMatchObject({ status: 'CLOSED', differencePaise: 0, countedDenominations: null });
    expect(n(`SELECT COUNT(*) n FROM shift_denominations WHERE shift_id = '${shift.id}'`)).toBe(0);
    expect((await ok('shifts.report', { shiftId: shift.id }, cashier)).text).not.toContain('by denomination');
  });

  it('the server takes shift events with the counts and without them (events from older kiosks)', () => {
    const rows = db().prepare("SELECT * FROM outbox WHERE type LIKE 'shift.%' ORDER BY seq").all() as { id: string; seq: number; hlc: string; type: string; entity_id: string; payload: string; created_at: number }[];
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const r of rows) {
      const payload = JSON.parse(r.payload) as Record<string, unknown>;
      const wire = { id: r.id, seq: r.seq, hlc: r.hlc, type: r.type, entityId: r.entity_id, schemaVersion: SYNC_PROTOCOL_VERSION, createdAt: r.created_at };
      const withCounts = validateEvent(DEFAULT_PROTOCOL_WINDOW, { ...wire, payload });
      expect(withCounts, r.type).toMatchObject({ ok: true });
      if (payload.denominations) expect((withCounts as { payload: { denominations: unknown } }).payload.denominations).toEqual(payload.denominations);
      const { denominations: _dropped, ...old } = payload;
      expect(validateEvent(DEFAULT_PROTOCOL_WINDOW, { ...wire, payload: old, schemaVersion: 1 }), r.type).toMatchObject({ ok: true });
    }
  });
});
