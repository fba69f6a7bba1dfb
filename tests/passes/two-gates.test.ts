/**
 * Season passes across two gates and the server, in process: a pass sold at one gate is learned
 * by the other; a holder enters and exits free by scanning the pass; a second entry on a HARD pass
 * is refused (nothing changes) until a supervisor resets it; SOFT lets it through and flags it;
 * a stay past the pass's hours pays the tariff from the moment the hours end; two offline gates
 * that both admit the same HARD pass: the server's fold flags the later entry.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Kysely } from 'kysely';
import type { SyncDatabase } from '../../src-server/sync/schema.js';
import { flaggedPassMovements } from '../../src-server/passes/replicate.js';
import type { Quote, Session, Zone } from '../../src-shared/contracts/entities.js';
import type { PassApiResults, PassSaleResult, PassView } from '../../src-shared/contracts/passes.js';
import { call, heal, type TestClock, type TestKiosk } from '../sync/harness.js';
import { closeTwoGates, openTwoGates, type TwoGates } from './two-gates-fixture.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
type Enter = PassApiResults['passes.enter'];
type Exit = PassApiResults['passes.exit'];

describe('season passes: two gates and the server', () => {
  let g: TwoGates;
  let clock: TestClock;
  let server: TwoGates['server'];
  let a: TestKiosk;
  let b: TestKiosk;
  let zone: Zone;

  beforeEach(async () => {
    g = await openTwoGates('pg-pass-'); // the clock: Monday 2025-01-06 13:30 IST
    ({ clock, server, a, b } = g);
    zone = g.zones[0]!;
  });

  afterEach(async () => closeTwoGates(g));

  const sell = (k: TestKiosk, extra: Record<string, unknown> = {}) =>
    call<PassSaleResult>(k, 'passes.sell', { kind: 'MONTHLY', holderName: 'R. Rao', plates: ['ts 09-ab 1234'], zones: [zone.id], pricePaise: 150000, tenderedPaise: 200000, ...extra }, 'cashier');
  const fail = async (k: TestKiosk, method: string, input: unknown, user = 'attendant') => {
    const r = await k.kiosk.call(method, input, await tokenOf(k, user));
    return r.ok ? 'OK' : `${r.error.code}:${String((r.error.details as { reason?: string } | undefined)?.reason)}`;
  };
  const tokenOf = async (k: TestKiosk, user: string) => {
    const { token } = await import('../sync/harness.js');
    return token(k, user);
  };
  const openCount = (k: TestKiosk) => (k.kiosk.ctx.store.sqlite.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE status IN ('PARKED', 'EXITING')`).get() as { n: number }).n;
  // A jump of weeks outlives the log-in tokens.
  const jump = (t: number) => { clock.t = t; a.tokens.clear(); b.tokens.clear(); };

  it('sold at gate A (cash, change), learned by gate B; the holder enters and exits free; a second entry is refused', async () => {
    const sold = await sell(a);
    expect(sold.changePaise).toBe(50000);
    expect(sold.pass.plates).toEqual(['TS09AB1234']);
    expect(sold.code.length).toBeLessThanOrEqual(70);
    await heal([a, b]);
    const atB = await call<PassView[]>(b, 'passes.list', {}, 'cashier');
    expect(atB.map((p) => [p.id, p.holderName, p.antiPassback])).toEqual([[sold.pass.id, 'R. Rao', 'HARD']]);

    const ent = await call<Enter>(b, 'passes.enter', { code: sold.code }, 'attendant');
    expect([ent.session.vehicleNumber, ent.flagged, ent.coveredNow]).toEqual(['TS09AB1234', null, true]);
    const before = openCount(b);
    expect(await fail(b, 'passes.enter', { code: sold.code })).toBe('CONFLICT:ANTI_PASSBACK');
    expect(openCount(b)).toBe(before);

    clock.advance(5 * HOUR);
    const causes = vi.spyOn(b.kiosk.ctx.lane, 'causeGiven');
    const out = await call<Exit>(b, 'passes.exit', { code: sold.code }, 'attendant');
    expect([out.session?.status, out.quote?.amountDuePaise, out.flagged]).toEqual(['COMPLETED', 0, null]);
    expect(causes.mock.calls.map(([, c]) => c), 'the barrier opens with the pass as its basis').toEqual([{ kind: 'EXIT_ALLOWED', sessionId: ent.session.id, basis: 'PASS' }]);
    causes.mockRestore();
    // HARD: an exit with no car in is refused too.
    expect(await fail(b, 'passes.exit', { code: sold.code })).toBe('CONFLICT:ANTI_PASSBACK');
  });

  it('refusals are typed: forged, unknown plate, other zone, expired; the supervisor resets one pass to neutral (audited)', async () => {
    const sold = await sell(a, { plates: ['TS09AB1234', 'TS09AB5678'], maxCars: 1 });
    expect(await fail(a, 'passes.enter', { code: sold.code.slice(0, -2) + (sold.code.endsWith('AA') ? 'BB' : 'AA') })).toMatch(/^TICKET_INVALID:(BAD_SIGNATURE|MALFORMED)$/);
    expect(await fail(a, 'passes.enter', { code: sold.code })).toBe('CONFLICT:PLATE_REQUIRED');
    expect(await fail(a, 'passes.enter', { code: sold.code, vehicleNumber: 'KA01ZZ0001' })).toBe('CONFLICT:PLATE_NOT_ON_PASS');
    const other = (await call<Zone[]>(a, 'zones.list', {}, 'attendant')).find((z) => z.id !== zone.id);
    if (other) expect(await fail(a, 'passes.enter', { code: sold.code, vehicleNumber: 'TS09AB1234', zoneId: other.id })).toBe('CONFLICT:WRONG_ZONE');
    await call<Enter>(a, 'passes.enter', { code: sold.code, vehicleNumber: 'ts09ab1234' }, 'attendant');
    expect(await fail(a, 'passes.enter', { code: sold.code, vehicleNumber: 'TS09AB5678' })).toBe('CONFLICT:ANTI_PASSBACK');
    expect(await fail(a, 'passes.reset', { passId: sold.pass.id }, 'cashier')).toBe('FORBIDDEN:undefined');
    expect(await call(a, 'passes.reset', { passId: sold.pass.id }, 'supervisor')).toEqual({ reset: 1 });
    const second = await call<Enter>(a, 'passes.enter', { code: sold.code, vehicleNumber: 'TS09AB5678' }, 'attendant');
    expect(second.flagged).toBeNull();
    const audit = a.kiosk.ctx.store.sqlite.prepare(`SELECT action FROM audit_log WHERE entity_id = ? ORDER BY rowid`).all(sold.pass.id) as { action: string }[];
    expect(audit.map((r) => r.action)).toEqual(['pass.sold', 'pass.entered', 'pass.reset', 'pass.entered']);
    // Past its last second the pass is refused at the gate.
    jump(Date.parse(sold.pass.validUntil));
    expect(await fail(a, 'passes.enter', { code: sold.code, vehicleNumber: 'TS09AB1234' })).toBe('CONFLICT:PASS_EXPIRED');
  });

  it('SOFT: a second entry is let through and flagged; the expiry list shows passes ending within 7 days', async () => {
    const sold = await sell(a, { antiPassback: 'SOFT', maxCars: 1, plates: ['TS09AB1234', 'TS09AB5678'] });
    await call<Enter>(a, 'passes.enter', { code: sold.code, vehicleNumber: 'TS09AB1234' }, 'attendant');
    const again = await call<Enter>(a, 'passes.enter', { code: sold.code, vehicleNumber: 'TS09AB5678' }, 'attendant');
    expect(again.flagged).toBe('ALREADY_IN');
    const until = Date.parse(sold.pass.validUntil);
    jump(until - 7 * 24 * HOUR - 1000);
    expect(await call<unknown[]>(a, 'passes.expiring', {}, 'cashier')).toEqual([]);
    jump(until - 7 * 24 * HOUR);
    const list = await call<(PassView & { daysLeft: number })[]>(a, 'passes.expiring', {}, 'cashier');
    expect(list.map((p) => [p.id, p.daysLeft])).toEqual([[sold.pass.id, 7]]);
    jump(until);
    expect(await call<unknown[]>(a, 'passes.expiring', {}, 'cashier')).toEqual([]);
  });

  it('outside its hours the tariff applies from the moment they end, with no grace', async () => {
    // Weekdays 08:00-14:00 IST; the clock is 13:30 IST.
    const sold = await sell(a, { hours: { days: [1, 2, 3, 4, 5], startMinute: 8 * 60, endMinute: 14 * 60 } });
    await call<Enter>(a, 'passes.enter', { code: sold.code }, 'attendant');
    clock.advance(30 * MIN); // 14:00: the pass just stopped covering
    const plain = await call<Session>(a, 'gate.issueTicket', { vehicleNumber: 'KA01XY0001' }, 'attendant');
    clock.advance(90 * MIN);
    const passQuote = (await call<Exit>(a, 'passes.exit', { code: sold.code }, 'attendant')).quote!;
    const plainQuote = await call<Quote>(a, 'gate.quoteExit', { code: plain.code }, 'cashier');
    expect(passQuote.amountDuePaise).toBeGreaterThan(0);
    expect(passQuote.amountDuePaise).toBe(plainQuote.amountDuePaise);
    await call(a, 'gate.payCash', { sessionId: passQuote.sessionId, tenderedPaise: passQuote.amountDuePaise }, 'cashier');
    // The exit movement was recorded by the cash completion: a HARD second exit is refused.
    expect(await fail(a, 'passes.exit', { code: sold.code })).toBe('CONFLICT:ANTI_PASSBACK');
  });

  it('two offline gates both admit the same HARD pass: each could not know; the server fold flags the later entry', async () => {
    const sold = await sell(a);
    await heal([a, b]);
    a.transport.online = false;
    b.transport.online = false;
    await call<Enter>(a, 'passes.enter', { code: sold.code }, 'attendant');
    clock.advance(MIN);
    const atB = await call<Enter>(b, 'passes.enter', { code: sold.code }, 'attendant');
    expect(atB.flagged).toBeNull(); // B saw the pass out
    a.transport.online = true;
    b.transport.online = true;
    await heal([a, b]);
    const flags = await flaggedPassMovements({ db: server.db as unknown as Kysely<SyncDatabase> });
    expect(flags.map((f) => [f.kiosk_id, f.direction, f.flag])).toEqual([['gate-b', 'ENTRY', 'ALREADY_IN']]);
    // After sync both gates know the pass is in: a third entry is refused at either.
    expect(await fail(a, 'passes.enter', { code: sold.code })).toBe('CONFLICT:ANTI_PASSBACK');
    expect(await fail(b, 'passes.enter', { code: sold.code })).toBe('CONFLICT:ANTI_PASSBACK');
    // A supervisor resets all passes (after a gate was left open): the reset replicates.
    clock.advance(MIN);
    expect(await call(a, 'passes.reset', { all: true, reason: 'exit gate left open' }, 'supervisor')).toEqual({ reset: 1 });
    await heal([a, b]);
    expect((await call<PassView[]>(b, 'passes.list', {}, 'cashier'))[0]).toMatchObject({ inside: 0, neutral: true });
  });
});
