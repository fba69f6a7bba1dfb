/**
 * Validations across two gates and the server, in process: merchants and programs replicate; a
 * mall shopper's bill makes the exit free (lane cause VALIDATION); a merchant code verifies offline
 * at another gate; the same code used at two offline gates is kept once and flagged once by the
 * server's fold; a replayed code at the same gate, an expired, forged or other-facility code is a
 * typed error and changes nothing; prepaid balance is drawn; statement, report and audit show it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flaggedRedemptions } from '../../src-server/validations/redemptions.js';
import { DEFAULT_FACILITY_ID, setFacilityId } from '../../src-main/validations/facility.js';
import { call, heal, tryCall, type TestClock, type TestKiosk } from '../sync/harness.js';
import { closeTwoGates, openTwoGates, type TwoGates } from '../passes/two-gates-fixture.js';
import type { Quote } from '../../src-shared/contracts/entities.js';
import type { Merchant, ValidationProgramView } from '../../src-shared/contracts/validations.js';
import type { SyncDatabase } from '../../src-server/sync/schema.js';
import type { Kysely } from 'kysely';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('validations: two gates and the server', () => {
  let g: TwoGates;
  let clock: TestClock;
  let server: TwoGates['server'];
  let a: TestKiosk;
  let b: TestKiosk;
  let mall: Merchant;
  let programs: ValidationProgramView[];

  beforeEach(async () => {
    g = await openTwoGates('pg-val-');
    ({ clock, server, a, b } = g);
    mall = await call<Merchant>(a, 'merchants.create', { name: 'Inorbit Mall', prepaid: false });
    const preset = await call<{ programs: ValidationProgramView[]; tariff: { graceMinutes: number } }>(a, 'validations.applyPreset', { merchantId: mall.id, preset: 'HYDERABAD_MALL' });
    programs = preset.programs;
    expect(preset.tariff).toEqual({ graceMinutes: 30 });
    await heal([a, b]);
  });

  afterEach(async () => closeTwoGates(g));

  const enter = (k: TestKiosk, plate: string) => call<{ id: string; code: string }>(k, 'gate.issueTicket', { vehicleNumber: plate }, 'attendant');

  it('merchants and programs replicate to the other gate', async () => {
    const atB = await call<ValidationProgramView[]>(b, 'validations.programs', {}, 'cashier');
    expect(atB.map((p) => [p.name, p.reasonCode, p.merchantName])).toEqual(programs.map((p) => [p.name, p.reasonCode, 'Inorbit Mall']));
    clock.advance(1000); // last writer by HLC: B's change is the later one
    await call(b, 'validations.updateProgram', { programId: programs[0]!.id, isActive: false });
    await heal([a, b]);
    expect((await call<ValidationProgramView[]>(a, 'validations.programs', {}, 'cashier')).map((p) => p.id)).toEqual([programs[1]!.id]);
  });

  it('a shopper with a bill exits free: the quote shows fee before, discount and 0 due; the lane cause is VALIDATION', async () => {
    const s = await enter(a, 'TS09AB1234');
    clock.advance(45 * MIN);
    const q0 = await call<Quote>(a, 'gate.quoteExit', { code: s.code }, 'cashier');
    expect(q0.amountDuePaise).toBe(4000);
    const q = await call<Quote>(a, 'validations.apply', { sessionId: s.id, billPaise: 35000 }, 'cashier');
    expect([q.feeBeforeValidationPaise, q.discountPaise, q.amountDuePaise]).toEqual([4000, 4000, 0]);
    expect(q.validations!.map((v) => [v.reasonCode, v.discountPaise, v.billPaise])).toEqual([['MALL-BILL', 4000, 35000]]);
    const causes = vi.spyOn(a.kiosk.ctx.lane, 'causeGiven');
    const done = await call<{ status: string }>(a, 'gate.completeExit', { sessionId: s.id }, 'cashier');
    expect(done.status).toBe('COMPLETED');
    expect(causes.mock.calls.map(([, c]) => c)).toEqual([{ kind: 'EXIT_ALLOWED', sessionId: s.id, basis: 'VALIDATION' }]);
    const audit = await call<{ action: string }[]>(a, 'audit.list', { entityId: s.id });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['validation.applied', 'validation.settled', 'session.completed']));
    const report = await call<{ count: number; revenueForgonePaise: number; byMerchant: { name: string }[]; byProgram: { name: string; discountPaise: number }[] }>(
      a, 'validations.report', { from: '2025-01-06', to: '2025-01-06' });
    expect(report).toMatchObject({ count: 1, revenueForgonePaise: 4000, byMerchant: [{ name: 'Inorbit Mall' }], byProgram: [{ name: 'Bill, up to 1 hour', discountPaise: 4000 }] });
    const csv = await call<{ base64: string; fileName: string }>(a, 'merchants.statement', { merchantId: mall.id, month: '2025-01', format: 'csv' });
    const text = Buffer.from(csv.base64, 'base64').toString('utf8');
    expect(text).toContain('TS09AB1234');
    expect(text.trim().split('\r\n').at(-1)).toMatch(/,350\.00,40\.00,40\.00,40\.00$/);
    const pdf = await call<{ base64: string; mimeType: string }>(a, 'merchants.statement', { merchantId: mall.id, month: '2025-01', format: 'pdf' });
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a bill that does not qualify is refused with its reason, and nothing is applied', async () => {
    const s = await enter(a, 'TS09AB2000');
    clock.advance(2 * HOUR);
    const r = await a.kiosk.call('validations.apply', { sessionId: s.id, billPaise: 8000 }, await tokenOf(a));
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.details]).toEqual(['CONFLICT', { reason: 'NOT_ELIGIBLE' }]);
    const picked = await a.kiosk.call('validations.apply', { sessionId: s.id, programId: programs[1]!.id, billPaise: 8000 }, await tokenOf(a));
    expect(!picked.ok && picked.error.details).toEqual({ reason: 'BILL_NOT_ABOVE_FEE' });
    expect(a.kiosk.ctx.store.sqlite.prepare('SELECT COUNT(*) AS n FROM session_validations').get()).toEqual({ n: 0 });
    const ok = await call<Quote>(a, 'validations.apply', { sessionId: s.id, billPaise: 8001 }, 'cashier');
    expect(ok.amountDuePaise).toBe(0);
    const twice = await tryCall(a, 'validations.apply', { sessionId: s.id, programId: programs[1]!.id, billPaise: 9000 }, 'cashier');
    expect(twice).toEqual({ ok: false, code: 'CONFLICT' });
  });

  async function tokenOf(k: TestKiosk) {
    const r = await k.kiosk.call('auth.login', { username: 'cashier', pin: '2468' });
    if (!r.ok) throw new Error('login');
    return r.data.token;
  }

  it('a merchant code verifies offline at another gate; used at two offline gates the server keeps one and flags the other', async () => {
    const cinema = await call<Merchant>(a, 'merchants.create', { name: 'PVR Cinema', prepaid: true });
    await call(a, 'merchants.topUp', { merchantId: cinema.id, amountPaise: 10000 });
    const twoHours = await call<ValidationProgramView>(a, 'validations.createProgram', { merchantId: cinema.id, name: 'Movie 2 h', kind: 'TIME_OFF', minutesOff: 120, reasonCode: 'MOVIE' });
    await heal([a, b]);
    const issued = await call<{ code: string; expiresAt: string }>(a, 'validations.issueCode', { programId: twoHours.id, validMinutes: 240 }, 'cashier');
    expect(issued.code.length).toBeLessThanOrEqual(90);

    a.transport.online = false;
    b.transport.online = false;
    const carA = await enter(a, 'TS09CD0001');
    const carB = await enter(b, 'TS09CD0002');
    clock.advance(2 * HOUR + 30 * MIN);
    const qa = await call<Quote>(a, 'validations.scan', { sessionId: carA.id, code: issued.code }, 'cashier');
    expect([qa.feeBeforeValidationPaise, qa.discountPaise, qa.amountDuePaise]).toEqual([12000, 8000, 4000]);
    // The same gate refuses the used code: nothing changes.
    const again = await a.kiosk.call('validations.scan', { sessionId: carA.id, code: issued.code }, await tokenOf(a));
    expect(!again.ok && [again.error.code, again.error.details]).toEqual(['CONFLICT', { reason: 'CODE_USED' }]);
    // Gate B cannot know: it accepts the code (verified offline with A's key).
    const qb = await call<Quote>(b, 'validations.scan', { sessionId: carB.id, code: ` ${issued.code}\n` }, 'cashier');
    expect(qb.discountPaise).toBe(8000);
    await call(a, 'gate.payCash', { sessionId: carA.id, tenderedPaise: 4000 }, 'cashier');
    await call(b, 'gate.payCash', { sessionId: carB.id, tenderedPaise: 4000 }, 'cashier');
    const balance = async (k: TestKiosk) => (await call<Merchant[]>(k, 'merchants.list', {}, 'cashier')).find((m) => m.id === cinema.id)!.balancePaise;
    // Prepaid: each offline gate drew 8000 from the 10000 it knew.
    expect([await balance(a), await balance(b)]).toEqual([2000, 2000]);

    await heal([a, b]);
    // After sync every gate holds both draws: the balance is overdrawn (the duplicate's draw).
    expect([await balance(a), await balance(b)]).toEqual([-6000, -6000]);
    const flags = await flaggedRedemptions({ db: server.db as unknown as Kysely<SyncDatabase> });
    expect(flags).toHaveLength(1);
    const all = await (server.db as unknown as Kysely<SyncDatabase>).selectFrom('validation_redemptions').select(['kiosk_id', 'status']).orderBy('kiosk_id').execute();
    // Gate A's use was first by HLC: canonical; B's is the duplicate.
    expect(all).toEqual([{ kiosk_id: 'gate-a', status: 'CANONICAL' }, { kiosk_id: 'gate-b', status: 'DUPLICATE' }]);
  });

  it('after sync, a code used at A is refused at B, and B reports and prices with A\'s validations', async () => {
    const code = (await call<{ code: string }>(a, 'validations.issueCode', { programId: programs[0]!.id, billPaise: 20000 }, 'cashier')).code;
    const car1 = await enter(a, 'TS09GH0001');
    const car2 = await enter(a, 'TS09GH0002');
    clock.advance(40 * MIN);
    expect((await call<Quote>(a, 'validations.scan', { sessionId: car1.id, code }, 'cashier')).amountDuePaise).toBe(0);
    await call(a, 'gate.completeExit', { sessionId: car1.id }, 'cashier');
    // A validation put on car 2 at A (a pay station) prices at B where the car leaves.
    await call<Quote>(a, 'validations.apply', { sessionId: car2.id, billPaise: 50000 }, 'cashier');
    await heal([a, b]);
    const replay = await b.kiosk.call('validations.scan', { sessionId: car2.id, code }, await tokenOf(b));
    expect(!replay.ok && [replay.error.code, replay.error.details]).toEqual(['CONFLICT', { reason: 'CODE_USED' }]);
    const q = await call<Quote>(b, 'gate.quoteExit', { code: car2.code }, 'cashier');
    expect([q.feeBeforeValidationPaise, q.discountPaise, q.amountDuePaise]).toEqual([4000, 4000, 0]);
    await call(b, 'gate.completeExit', { sessionId: car2.id }, 'cashier');
    await heal([a, b]);
    for (const k of [a, b]) {
      const r = await call<{ count: number; revenueForgonePaise: number }>(k, 'validations.report', { from: '2025-01-06', to: '2025-01-06' });
      expect([k.name, r.count, r.revenueForgonePaise]).toEqual([k.name, 2, 8000]);
      expect(k.kiosk.ctx.store.sqlite.prepare('SELECT COUNT(*) AS n FROM sync_skipped').get()).toEqual({ n: 0 });
    }
  });

  it('expired, forged, malformed and other-facility codes are typed errors and change nothing', async () => {
    const p = programs[0]!;
    const issued = await call<{ code: string }>(a, 'validations.issueCode', { programId: p.id, billPaise: 500, validMinutes: 10 }, 'cashier');
    const s = await enter(a, 'TS09EF0001');
    clock.advance(40 * MIN);
    const before = a.kiosk.ctx.store.sqlite.prepare('SELECT COUNT(*) AS n FROM session_validations').get();
    const reasonOf = async (code: string) => {
      const r = await a.kiosk.call('validations.scan', { sessionId: s.id, code }, await tokenOf(a));
      return r.ok ? 'ok' : `${r.error.code}:${String((r.error.details as { reason?: string } | undefined)?.reason)}`;
    };
    expect(await reasonOf(issued.code)).toBe('TICKET_INVALID:EXPIRED');
    const fresh = await call<{ code: string }>(a, 'validations.issueCode', { programId: p.id, billPaise: 500 }, 'cashier');
    const last = fresh.code.at(-1) === 'A' ? 'B' : 'A';
    expect(await reasonOf(fresh.code.slice(0, -1) + last)).toMatch(/^TICKET_INVALID:(BAD_SIGNATURE|MALFORMED)$/);
    expect(await reasonOf('PV1.nonsense')).toBe('TICKET_INVALID:MALFORMED');
    setFacilityId(a.kiosk.ctx, 'another-mall');
    expect(await reasonOf(fresh.code)).toBe('TICKET_INVALID:WRONG_FACILITY');
    expect(a.kiosk.ctx.store.sqlite.prepare('SELECT COUNT(*) AS n FROM session_validations').get()).toEqual(before);
    setFacilityId(a.kiosk.ctx, DEFAULT_FACILITY_ID);
    const q = await call<Quote>(a, 'validations.scan', { sessionId: s.id, code: fresh.code }, 'cashier');
    expect(q.amountDuePaise).toBe(0);
  });
});
