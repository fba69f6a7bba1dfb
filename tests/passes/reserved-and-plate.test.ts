/**
 * Reserved spaces and pass entry by plate with the real kiosk core (two gates, in process):
 * walk-ins refused when only reserved spaces are left while the pass car enters; a company pass
 * fills its own spaces first, then general ones, then anti-passback stops it at its max cars;
 * the reservation replicates and the other gate applies it; a plate read acts only on one exact,
 * trusted match, anything else is returned to pick from.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session, Zone } from '../../src-shared/contracts/entities.js';
import type { PassApiResults, PassSaleResult, PassView } from '../../src-shared/contracts/passes.js';
import { call, heal, token, type TestKiosk } from '../sync/harness.js';
import { closeTwoGates, openTwoGates, type TwoGates } from './two-gates-fixture.js';

type EnterByPlate = PassApiResults['passes.enterByPlate'];
type ExitByPlate = PassApiResults['passes.exitByPlate'];
const JPEG = 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==';

describe('reserved spaces and passes by plate', () => {
  let a: TestKiosk;
  let b: TestKiosk;
  let zoneB: Zone;

  let g: TwoGates;

  beforeEach(async () => {
    g = await openTwoGates('pg-passres-');
    ({ a, b } = g);
    zoneB = g.zones.find((z) => z.name === 'B')!;
  });

  afterEach(() => closeTwoGates(g));

  const sell = (k: TestKiosk, extra: Record<string, unknown> = {}) =>
    call<PassSaleResult>(k, 'passes.sell', { kind: 'MONTHLY', holderName: 'R. Rao', plates: ['TS09AB1234'], zones: [zoneB.id], pricePaise: 150000, tenderedPaise: 150000, ...extra }, 'cashier');
  const outcome = async (k: TestKiosk, method: string, input: unknown, user = 'attendant') => {
    const r = await k.kiosk.call(method, input, await token(k, user));
    return r.ok ? 'OK' : `${r.error.code}:${String((r.error.details as { reason?: string } | undefined)?.reason)}`;
  };
  let n = 0;
  const walkIns: string[] = [];
  const walkIn = (k: TestKiosk) => {
    const plate = `KA01ZZ${String(++n).padStart(4, '0')}`;
    walkIns.push(plate);
    return outcome(k, 'gate.issueTicket', { vehicleNumber: plate, zoneId: zoneB.id });
  };
  const openIn = (k: TestKiosk) => (k.kiosk.ctx.store.sqlite.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE zone_id = ? AND status IN ('PARKED','EXITING')`).get(zoneB.id) as { n: number }).n;

  it('the last free space is held for the pass: walk-ins refused, the pass car enters; then the zone is full for all', async () => {
    const sold = await sell(a, { reserved: [{ zoneId: zoneB.id, spaces: 1 }] });
    expect(sold.pass.reserved).toEqual([{ zoneId: zoneB.id, spaces: 1 }]);
    for (let i = 0; i < 4; i++) expect(await walkIn(a)).toBe('OK'); // B has 5 spaces: 4 general
    expect(await walkIn(a)).toBe('NO_SLOT_AVAILABLE:ONLY_RESERVED_LEFT');
    expect(await outcome(a, 'gate.book', { vehicleNumber: 'KA01BK0001', zoneId: zoneB.id })).toBe('NO_SLOT_AVAILABLE:ONLY_RESERVED_LEFT');
    expect(openIn(a)).toBe(4);
    const ent = await call<PassApiResults['passes.enter']>(a, 'passes.enter', { code: sold.code }, 'attendant');
    expect(ent.session.zoneId).toBe(zoneB.id); // the reserved zone is the default
    expect(await walkIn(a)).toBe('NO_SLOT_AVAILABLE:undefined'); // full: the lane's own check
    // The pass car leaves: its space is held again.
    await call(a, 'passes.exit', { code: sold.code }, 'attendant');
    expect(await walkIn(a)).toBe('NO_SLOT_AVAILABLE:ONLY_RESERVED_LEFT');
    // A walk-in without a zone goes to a zone with a general space (A), not the held one.
    const anyZone = await call<Session>(a, 'gate.issueTicket', { vehicleNumber: 'KA01NZ0001' }, 'attendant');
    expect(anyZone.zoneId).not.toBe(zoneB.id);
  });

  it('a company pass fills its own spaces, then general ones; at its max cars anti-passback refuses; the other gate applies the reservation', async () => {
    const sold = await sell(a, { holderName: 'Acme', plates: ['TS09CO0001', 'TS09CO0002', 'TS09CO0003', 'TS09CO0004'], maxCars: 3, reserved: [{ zoneId: zoneB.id, spaces: 2 }] });
    await heal([a, b]);
    expect((await call<PassView[]>(b, 'passes.list', {}, 'cashier'))[0]!.reserved).toEqual([{ zoneId: zoneB.id, spaces: 2 }]);
    expect(await walkIn(b)).toBe('OK');
    expect(await walkIn(b)).toBe('OK');
    expect(await walkIn(b), 'B: 5 spaces, 2 taken, 2 held').toBe('OK');
    expect(await walkIn(b)).toBe('NO_SLOT_AVAILABLE:ONLY_RESERVED_LEFT');
    for (const plate of ['TS09CO0001', 'TS09CO0002']) expect(await outcome(b, 'passes.enter', { code: sold.code, vehicleNumber: plate })).toBe('OK');
    // Full now: the third car of the pass has no space (its reservation is used up).
    expect(await outcome(b, 'passes.enter', { code: sold.code, vehicleNumber: 'TS09CO0003' })).toBe('NO_SLOT_AVAILABLE:undefined');
    const first = walkIns.at(-4)!;
    expect(await outcome(b, 'passes.exitByPlate', { plate: first }), 'not a pass plate').toBe('NOT_FOUND:NO_PASS_FOR_PLATE');
    // A walk-in leaves: car 3 enters on the general space; car 4 is beyond max cars (HARD).
    const walk = b.kiosk.ctx.store.sqlite.prepare(`SELECT s.code FROM sessions s JOIN vehicles v ON v.id = s.vehicle_id WHERE v.vehicle_number = ?`).get(first) as { code: string };
    const q = await call<{ sessionId: string; amountDuePaise: number }>(b, 'gate.quoteExit', { code: walk.code }, 'cashier');
    if (q.amountDuePaise > 0) await call(b, 'gate.payCash', { sessionId: q.sessionId, tenderedPaise: q.amountDuePaise }, 'cashier');
    else await call(b, 'gate.completeExit', { sessionId: q.sessionId }, 'attendant');
    expect(await outcome(b, 'passes.enter', { code: sold.code, vehicleNumber: 'TS09CO0003' })).toBe('OK');
    expect(await outcome(b, 'passes.enter', { code: sold.code, vehicleNumber: 'TS09CO0004' })).toBe('CONFLICT:ANTI_PASSBACK');
    expect(openIn(b)).toBe(5);
  });

  it('a reservation the zone cannot hold, or larger than the pass, is refused; a supervisor changes it', async () => {
    expect(await outcome(a, 'passes.sell', { kind: 'MONTHLY', holderName: 'X', plates: ['TS09AB0001'], maxCars: 1, pricePaise: 0, tenderedPaise: 0, reserved: [{ zoneId: zoneB.id, spaces: 2 }] }, 'cashier'))
      .toBe('VALIDATION_FAILED:undefined');
    const big = await sell(a, { plates: ['TS09AB0002'], maxCars: 5, reserved: [{ zoneId: zoneB.id, spaces: 4 }] });
    expect(await outcome(a, 'passes.sell', { kind: 'MONTHLY', holderName: 'Y', plates: ['TS09AB0003'], maxCars: 2, pricePaise: 0, tenderedPaise: 0, reserved: [{ zoneId: zoneB.id, spaces: 2 }] }, 'cashier'))
      .toBe('CONFLICT:RESERVATION_TOO_LARGE');
    expect(await outcome(a, 'passes.reserve', { passId: big.pass.id, reserved: [] }, 'cashier')).toBe('FORBIDDEN:undefined');
    const changed = await call<PassView>(a, 'passes.reserve', { passId: big.pass.id, reserved: [{ zoneId: zoneB.id, spaces: 1 }] }, 'supervisor');
    expect(changed.reserved).toEqual([{ zoneId: zoneB.id, spaces: 1 }]);
    const audit = a.kiosk.ctx.store.sqlite.prepare(`SELECT action FROM audit_log WHERE entity_id = ? ORDER BY rowid`).all(big.pass.id) as { action: string }[];
    expect(audit.map((r) => r.action)).toEqual(['pass.sold', 'pass.reserved']);
  });

  it('by plate: one exact trusted read enters and exits; near matches, low confidence and two passes are only offered', async () => {
    const sold = await sell(a, { zones: [] });
    const typed = await call<EnterByPlate>(a, 'passes.enterByPlate', { plate: 'ts 09 ab 1234', confidence: 0.97, image: JPEG }, 'attendant');
    expect([typed.needsConfirmation, typed.result?.passId, typed.result?.session.vehicleNumber]).toEqual([false, sold.pass.id, 'TS09AB1234']);
    // The same rules as a scan: a second entry of a HARD pass is refused.
    expect(await outcome(a, 'passes.enterByPlate', { plate: 'TS09AB1234' })).toBe('CONFLICT:ANTI_PASSBACK');
    const low = await call<ExitByPlate>(a, 'passes.exitByPlate', { plate: 'TS09AB1234', confidence: 0.6 }, 'attendant');
    expect([low.needsConfirmation, low.result, low.candidates.map((c) => [c.passId, c.match, c.inside])]).toEqual([true, null, [[sold.pass.id, 'EXACT', 1]]]);
    const near = await call<ExitByPlate>(a, 'passes.exitByPlate', { plate: 'TSO9A81234' }, 'attendant');
    expect([near.needsConfirmation, near.candidates.map((c) => [c.plate, c.match])]).toEqual([true, [['TS09AB1234', 'NEAR']]]);
    const picked = await call<ExitByPlate>(a, 'passes.exitByPlate', { plate: 'TSO9A81234', passId: sold.pass.id }, 'attendant');
    expect(picked.result?.session?.status).toBe('COMPLETED');
    expect(await outcome(a, 'passes.enterByPlate', { plate: 'TS09AB1234', passId: 'not-a-candidate' })).toBe('NOT_FOUND:NOT_A_CANDIDATE');
    expect(await outcome(a, 'passes.enterByPlate', { plate: 'TS09AB1234', image: 'data:image/png;base64,AAAA' })).toMatch(/^VALIDATION_FAILED/);
    // A second pass holding the same plate: never guessed.
    await sell(a, { holderName: 'Second', zones: [] });
    const two = await call<EnterByPlate>(a, 'passes.enterByPlate', { plate: 'TS09AB1234' }, 'attendant');
    expect([two.needsConfirmation, two.result, two.candidates.length]).toEqual([true, null, 2]);
  });

  it('by plate, a company pass exits the car with that plate; a plate of the pass not inside is refused', async () => {
    const sold = await sell(a, { holderName: 'Acme', plates: ['TS09CO0001', 'TS09CO0002'], maxCars: 2 });
    expect((await call<EnterByPlate>(a, 'passes.enterByPlate', { plate: 'TS09CO0001' }, 'attendant')).result?.session.vehicleNumber).toBe('TS09CO0001');
    expect(await outcome(a, 'passes.exitByPlate', { plate: 'TS09CO0002' })).toBe('CONFLICT:PLATE_NOT_INSIDE');
    await call(a, 'passes.enterByPlate', { plate: 'TS09CO0002' }, 'attendant');
    const out = await call<ExitByPlate>(a, 'passes.exitByPlate', { plate: 'TS09CO0002' }, 'attendant');
    expect([out.result?.session?.vehicleNumber, out.result?.session?.status]).toEqual(['TS09CO0002', 'COMPLETED']);
    expect((await call<PassView[]>(a, 'passes.list', {}, 'cashier')).find((p) => p.id === sold.pass.id)?.inside).toBe(1);
  });
});
