/**
 * The facility a gate belongs to comes from the server: two gates enrolled in two facilities of one
 * server (the in-process SyncService, kiosks rows as `server:cli kiosk add` writes them) each take
 * their facility at the first pull (audited); a validation code issued at the facility-2 gate is
 * refused at the facility-1 gate, nothing applied, even when that gate knows the signing key; the
 * same code applies at its own facility. A standalone gate is in the server's default facility, so
 * what it sold still scans once it is enrolled there.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FACILITY_ID as SERVER_DEFAULT } from '../../src-server/facilities/facilities.js';
import { DEFAULT_FACILITY_ID, facilityId, setFacilityId } from '../../src-main/validations/facility.js';
import { RemoteTicketKeys } from '../../src-main/sync/ticket-keys.js';
import type { Merchant, ValidationProgramView } from '../../src-shared/contracts/validations.js';
import type { Quote } from '../../src-shared/contracts/entities.js';
import type { PassSaleResult } from '../../src-shared/contracts/passes.js';
import { call, memoryServer, openKiosk, reopenKiosk, tempDir, TestClock, token, type TestKiosk } from '../sync/harness.js';

type Raw = Kysely<{ facilities: Record<string, unknown>; kiosks: Record<string, unknown> }>;

describe('facility identity from the server', () => {
  const clock = new TestClock();
  let server: Awaited<ReturnType<typeof memoryServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let one: TestKiosk;
  let two: TestKiosk;

  beforeEach(async () => {
    tmp = tempDir('pg-facility-');
    server = await memoryServer(clock.now);
    const raw = server.db as unknown as Raw;
    await raw.insertInto('facilities').values({ id: 'north-mall', name: 'North Mall', time_zone: 'Asia/Kolkata', created_at: 0, updated_at: 0 }).execute();
    await raw.insertInto('kiosks').values({ id: 'gate-one', name: 'One', signing_key: 'x', created_at: 0, facility_id: SERVER_DEFAULT }).execute();
    await raw.insertInto('kiosks').values({ id: 'gate-two', name: 'Two', signing_key: 'x', created_at: 0, facility_id: 'north-mall' }).execute();
    one = await openKiosk(tmp.dir, 'gate-one', clock, () => server.service, true);
    two = await openKiosk(tmp.dir, 'gate-two', clock, () => server.service, true);
  });
  afterEach(async () => {
    await one.kiosk.close();
    await two.kiosk.close();
    await server.close();
    tmp.cleanup();
  });

  const outcome = async (k: TestKiosk, method: string, input: unknown, user = 'cashier') => {
    const r = await k.kiosk.call(method, input, await token(k, user));
    return r.ok ? 'OK' : `${r.error.code}:${String((r.error.details as { reason?: string } | undefined)?.reason)}`;
  };
  const count = (k: TestKiosk, table: string) => (k.kiosk.ctx.store.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('each gate takes its facility at the first pull; a facility-2 validation code is refused at facility 1, nothing applied', async () => {
    // Never told: both are in the server's default facility.
    expect([facilityId(one.kiosk.ctx), facilityId(two.kiosk.ctx)]).toEqual([SERVER_DEFAULT, SERVER_DEFAULT]);
    await one.worker.syncNow();
    await two.worker.syncNow();
    expect([facilityId(one.kiosk.ctx), facilityId(two.kiosk.ctx)]).toEqual([SERVER_DEFAULT, 'north-mall']);
    const assigned = (k: TestKiosk) => k.kiosk.ctx.store.sqlite.prepare(`SELECT details FROM audit_log WHERE action = 'facility.assigned'`).all();
    expect(assigned(one)).toEqual([]);
    expect(assigned(two)).toEqual([{ details: JSON.stringify({ from: SERVER_DEFAULT, to: 'north-mall' }) }]);
    await two.worker.syncNow(); // once: the next pull changes nothing
    expect(assigned(two)).toHaveLength(1);

    // The north gate's hospital desk issues a code.
    for (const k of [one, two]) await call(k, 'shifts.open', { openingFloatPaise: 0 }, 'cashier');
    const hospital = await call<Merchant>(two, 'merchants.create', { name: 'North Hospital', prepaid: false });
    const patient = (await call<{ programs: ValidationProgramView[] }>(two, 'validations.applyPreset', { merchantId: hospital.id, preset: 'HOSPITAL_PATIENT' })).programs[0]!;
    const issued = await call<{ code: string }>(two, 'validations.issueCode', { programId: patient.id }, 'cashier');

    // A car at the facility-1 gate: the code is refused there, nothing applied.
    const car = await call<{ id: string }>(one, 'gate.issueTicket', { vehicleNumber: 'KA01FC0001' }, 'attendant');
    clock.advance(2 * 3_600_000);
    one.tokens.clear();
    two.tokens.clear();
    const before = count(one, 'session_validations');
    // Facility 1 never receives facility 2's keys through sync, so the key is unknown there ...
    expect(await outcome(one, 'validations.scan', { sessionId: car.id, code: issued.code })).toBe('TICKET_INVALID:UNKNOWN_KEY');
    // ... and where it is known (a key shared across facilities), the facility in the code refuses it.
    const ownTwo = two.kiosk.ctx.ticketKey;
    one.kiosk.ctx.store.q.tx(() => new RemoteTicketKeys(one.kiosk.ctx.store, one.kiosk.ctx.ticketKey).put(ownTwo.id, 'gate-two', Buffer.from(ownTwo.secret).toString('base64'), clock.now()));
    expect(await outcome(one, 'validations.scan', { sessionId: car.id, code: issued.code })).toBe('TICKET_INVALID:WRONG_FACILITY');
    expect(count(one, 'session_validations')).toBe(before);
    expect(await call<unknown[]>(one, 'validations.forSession', { sessionId: car.id }, 'cashier')).toEqual([]);

    // The same code at its own facility applies.
    const there = await call<{ id: string }>(two, 'gate.issueTicket', { vehicleNumber: 'KA01FC0002' }, 'attendant');
    clock.advance(3_600_000);
    two.tokens.clear();
    const q = await call<Quote>(two, 'validations.scan', { sessionId: there.id, code: issued.code }, 'cashier');
    expect(q.amountDuePaise).toBe(0);
  });
});

describe('a standalone gate', () => {
  it('is in the server default facility: a pass it sold still scans once it is enrolled there', async () => {
    expect(DEFAULT_FACILITY_ID).toBe(SERVER_DEFAULT);
    const tmp = tempDir('pg-facility-alone-');
    const clock = new TestClock();
    const server = await memoryServer(clock.now);
    const k = await openKiosk(tmp.dir, 'gate-alone', clock, () => server.service, true);
    try {
      k.transport.online = false; // not enrolled yet: nothing reaches a server
      await call(k, 'shifts.open', { openingFloatPaise: 0 }, 'cashier');
      const sold = await call<PassSaleResult>(k, 'passes.sell', { kind: 'MONTHLY', holderName: 'A. Alone', plates: ['KA01AL0001'], zones: [], pricePaise: 100000, tenderedPaise: 100000 }, 'cashier');
      k.transport.online = true;
      await k.worker.syncNow();
      expect(facilityId(k.kiosk.ctx)).toBe(SERVER_DEFAULT);
      expect(await outcome(k, 'passes.enter', { code: sold.code }, 'attendant')).toBe('OK');
    } finally {
      await k.kiosk.close();
      await server.close();
      tmp.cleanup();
    }
  });
});

describe('upgrading a gate that sold passes under the old unassigned facility', () => {
  it('keeps them scanning: migration 0027 pins that name; the server then assigns the real one', async () => {
    const tmp = tempDir('pg-facility-upgrade-');
    const clock = new TestClock();
    const server = await memoryServer(clock.now);
    let k = await openKiosk(tmp.dir, 'gate-old', clock, () => server.service, true);
    try {
      k.transport.online = false;
      // The build before: no facility row, codes signed for 'default'.
      setFacilityId(k.kiosk.ctx, 'default');
      await call(k, 'shifts.open', { openingFloatPaise: 0 }, 'cashier');
      const sold = await call<PassSaleResult>(k, 'passes.sell', { kind: 'MONTHLY', holderName: 'O. Old', plates: ['KA01OL0001'], zones: [], pricePaise: 100000, tenderedPaise: 100000 }, 'cashier');
      k.kiosk.ctx.store.sqlite.exec(`DELETE FROM meta WHERE key = 'facility_id'; DELETE FROM kysely_migration WHERE name = '0027_facility_identity'`);
      k = await reopenKiosk(tmp.dir, k, clock, () => server.service);
      k.transport.online = false;
      expect(facilityId(k.kiosk.ctx)).toBe('default');
      expect(await outcome(k, 'passes.enter', { code: sold.code }, 'attendant')).toBe('OK');
      // Enrolled in the server's default facility: the gate takes it, and the pass is printed again with it.
      k.transport.online = true;
      await k.worker.syncNow();
      expect(facilityId(k.kiosk.ctx)).toBe(SERVER_DEFAULT);
      expect(await outcome(k, 'passes.exit', { code: sold.code }, 'attendant')).toBe('TICKET_INVALID:WRONG_FACILITY');
      const fresh = await call<{ code: string }>(k, 'passes.code', { passId: sold.pass.id }, 'cashier');
      expect(await outcome(k, 'passes.exit', { code: fresh.code }, 'attendant')).toBe('OK');
    } finally {
      await k.kiosk.close();
      await server.close();
      tmp.cleanup();
    }
  });
});

async function outcome(k: TestKiosk, method: string, input: unknown, user: string) {
  const r = await k.kiosk.call(method, input, await token(k, user));
  return r.ok ? 'OK' : `${r.error.code}:${String((r.error.details as { reason?: string } | undefined)?.reason)}`;
}
