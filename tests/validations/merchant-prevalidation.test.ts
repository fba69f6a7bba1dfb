/**
 * Merchant pre-validation through the central server, on SQLite and PostgreSQL: the real server
 * (buildServer over HTTP) and in-process kiosks syncing with its sync service. The head office
 * issues a merchant credential; the merchant pre-validates a parked car by its short number or
 * its ticket code; the gate gets it on its next pull and its exit quote shows fee before,
 * discount and due. Every refusal is typed and records nothing: a bad or revoked credential, an
 * unknown or forged ticket, a ticket of another facility, a program of another merchant, an ended
 * program, a missing or small bill, a used-up prepaid balance, the same program twice, a car that
 * has left.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addKiosk } from '../../src-server/kiosks/enrolment.js';
import type { SyncDatabase } from '../../src-server/sync/schema.js';
import type { Quote } from '../../src-shared/contracts/entities.js';
import type { Merchant, ValidationProgramView } from '../../src-shared/contracts/validations.js';
import { formatTicketNumber, ticketNumberOf } from '../../src-shared/domain/ticket-number.js';
import { BACKENDS } from '../server/helpers/databases.js';
import { startHarness, type Harness } from '../server/helpers/harness.js';
import { call, openKiosk, tempDir, type TestKiosk } from '../sync/harness.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const HOUR = 3_600_000;

interface Answer { status: number; body: { ok: boolean; data?: any; error?: { code: string; details?: any } } }

describe.each(BACKENDS)('merchant pre-validation (%s)', (backend) => {
  let h: Harness;
  let tmp: ReturnType<typeof tempDir>;
  let gate: TestKiosk;
  let hospital: Merchant;
  let patient: ValidationProgramView;
  let withBill: ValidationProgramView;

  const http = async (method: 'GET' | 'POST', path: string, body: unknown, token: string | null): Promise<Answer> => {
    const res = await fetch(`${h.serverUrl}${path}`, {
      method, ...(body === undefined ? {} : { body: JSON.stringify(body) }), headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  };
  const issueToken = async (merchantId: string, label = 'Front desk', facilityId?: string): Promise<string> => {
    const r = await http('POST', `/admin/v1/merchants/${merchantId}/credentials`, { label, ...(facilityId ? { facilityId } : {}) }, ADMIN_TOKEN);
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    return r.body.data.token as string;
  };
  const recorded = async () => {
    const db = h.server.ctx.db as unknown as Kysely<SyncDatabase>;
    return (await db.selectFrom('server_validations').select('validation_id').where('kiosk_id', '=', 'server').execute()).length;
  };
  const enter = (k: TestKiosk, plate: string) => call<{ id: string; code: string }>(k, 'gate.issueTicket', { vehicleNumber: plate }, 'attendant');
  const quote = (k: TestKiosk, code: string) => call<Quote>(k, 'gate.quoteExit', { code }, 'cashier');

  beforeEach(async () => {
    h = await startHarness(backend, 'sim', { ADMIN_TOKEN });
    tmp = tempDir('pg-preval-');
    gate = await openKiosk(tmp.dir, 'gate-a', h.clock, () => h.server.ctx.syncEvents!.sync, true);
    await gate.worker.syncNow();
    await call(gate, 'shifts.open', { openingFloatPaise: 0 }, 'cashier');
    hospital = await call<Merchant>(gate, 'merchants.create', { name: 'City Hospital', prepaid: false });
    patient = (await call<{ programs: ValidationProgramView[] }>(gate, 'validations.applyPreset', { merchantId: hospital.id, preset: 'HOSPITAL_PATIENT' })).programs[0]!;
    withBill = await call<ValidationProgramView>(gate, 'validations.createProgram', {
      merchantId: hospital.id, name: 'Pharmacy bill Rs 500', kind: 'AMOUNT_OFF', amountOffPaise: 2000, reasonCode: 'PHARMACY', billRule: 'MIN_AMOUNT', minBillPaise: 50000,
    });
    await gate.worker.syncNow();
  }, 60_000);

  afterEach(async () => {
    await gate.kiosk.close();
    await h.close();
    tmp.cleanup();
  });

  it('a pre-validation by short number reaches the gate on pull: the exit quote shows fee before, discount, due', async () => {
    const car = await enter(gate, 'KA01PV0001');
    h.clock.advance(2 * HOUR);
    await gate.worker.syncNow();
    const before = await quote(gate, car.code);
    expect(before.amountDuePaise).toBeGreaterThan(0);

    const token = await issueToken(hospital.id);
    const programs = await http('GET', '/merchant/v1/programs', undefined, token);
    expect(programs.body.data.map((p: { id: string }) => p.id).sort()).toEqual([patient.id, withBill.id].sort());
    const number = formatTicketNumber(ticketNumberOf(car.id)!);
    const r = await http('POST', '/merchant/v1/validations', { ticket: number.toLowerCase().replace('-', ' '), programId: patient.id }, token);
    expect(r.body, JSON.stringify(r.body)).toMatchObject({
      ok: true, data: { sessionId: car.id, ticketNumber: number, vehicleNumber: 'KA01PV0001', programName: 'Patient exemption', merchantName: 'City Hospital', reasonCode: 'PATIENT' },
    });

    // Not pulled yet: the gate does not show it.
    expect((await quote(gate, car.code)).discountPaise).toBe(0);
    await gate.worker.syncNow();
    const after = await quote(gate, car.code);
    expect([after.feeBeforeValidationPaise, after.discountPaise, after.amountDuePaise]).toEqual([before.amountDuePaise, before.amountDuePaise, 0]);
    expect(after.validations!.map((v) => [v.merchantName, v.programName, v.discountPaise])).toEqual([['City Hospital', 'Patient exemption', before.amountDuePaise]]);

    // Single use per visit and program, whichever way the ticket is named.
    const twice = await http('POST', '/merchant/v1/validations', { ticket: car.code, programId: patient.id }, token);
    expect([twice.status, twice.body.error]).toEqual([409, expect.objectContaining({ code: 'CONFLICT', details: { reason: 'ALREADY_APPLIED' } })]);
    // A validation the gate put on is known to the server too.
    const other = await enter(gate, 'KA01PV0002');
    h.clock.advance(HOUR);
    await call(gate, 'validations.apply', { sessionId: other.id, programId: patient.id }, 'cashier');
    await gate.worker.syncNow();
    const atGate = await http('POST', '/merchant/v1/validations', { ticket: other.code, programId: patient.id }, token);
    expect(atGate.body.error?.details).toEqual({ reason: 'ALREADY_APPLIED' });

    // The car leaves free (exempted); a later call is refused.
    const atExit = (await quote(gate, car.code)).feeBeforeValidationPaise;
    expect((await call<{ status: string }>(gate, 'gate.completeExit', { sessionId: car.id }, 'cashier')).status).toBe('COMPLETED');
    await gate.worker.syncNow();
    const left = await http('POST', '/merchant/v1/validations', { ticket: car.code, programId: withBill.id, billPaise: 60000 }, token);
    expect([left.status, left.body.error?.code, left.body.error?.details?.reason]).toEqual([409, 'ALREADY_EXITED', 'SESSION_CLOSED']);
    expect(await recorded()).toBe(1);

    // Reports: the settled pre-validation counts as the merchant's, by program with its merchant, and as pre-validated.
    const day = new Date(h.clock.now()).toISOString().slice(0, 10);
    const report = await call<{ count: number; preValidatedCount: number; revenueForgonePaise: number; byMerchant: unknown[]; byProgram: unknown[] }>(
      gate, 'validations.report', { from: day, to: day });
    expect(report).toMatchObject({
      count: 1, preValidatedCount: 1, revenueForgonePaise: atExit,
      byMerchant: [{ key: hospital.id, name: 'City Hospital', count: 1, discountPaise: atExit }],
      byProgram: [{ key: patient.id, name: 'Patient exemption', merchantName: 'City Hospital', count: 1, discountPaise: atExit }],
    });
  }, 60_000);

  it('refusals are typed and record nothing', async () => {
    const car = await enter(gate, 'KA01PV0100');
    h.clock.advance(HOUR);
    await gate.worker.syncNow();
    const token = await issueToken(hospital.id);
    const post = (body: unknown, t: string | null = token) => http('POST', '/merchant/v1/validations', body, t);
    const refusal = async (body: unknown, t: string | null = token) => {
      const r = await post(body, t);
      expect(r.body.ok, JSON.stringify(r.body)).toBe(false);
      return [r.status, r.body.error!.code, r.body.error!.details?.reason ?? null];
    };

    // Credentials.
    expect(await refusal({ ticket: car.code, programId: patient.id }, null)).toEqual([401, 'UNAUTHENTICATED', null]);
    expect(await refusal({ ticket: car.code, programId: patient.id }, `${token.slice(0, -2)}xx`)).toEqual([401, 'UNAUTHENTICATED', null]);
    expect(await refusal({ ticket: car.code, programId: patient.id }, ADMIN_TOKEN)).toEqual([401, 'UNAUTHENTICATED', null]);
    // Tickets.
    // One character of the MAC changed (the compact ticket's last 13 characters carry its 8-byte MAC).
    const at = car.code.length - 6;
    const forged = car.code.slice(0, at) + (car.code[at] === 'A' ? 'B' : 'A') + car.code.slice(at + 1);
    expect(await refusal({ ticket: forged, programId: patient.id })).toEqual([400, 'TICKET_INVALID', 'BAD_SIGNATURE']);
    expect(await refusal({ ticket: 'not a ticket!', programId: patient.id })).toEqual([400, 'TICKET_INVALID', 'MALFORMED']);
    const number = ticketNumberOf(car.id)!;
    const typo = number.slice(0, 9) + (number[9] === 'Z' ? 'Y' : 'Z');
    expect(await refusal({ ticket: typo, programId: patient.id })).toEqual([400, 'TICKET_INVALID', 'BAD_CHECK']);
    const unknown = ticketNumberOf('01900000-0000-7000-8000-00000000abcd')!;
    expect(await refusal({ ticket: unknown, programId: patient.id })).toEqual([404, 'TICKET_UNKNOWN', 'UNKNOWN_TICKET']);
    // Programs and bills.
    const shop = await call<Merchant>(gate, 'merchants.create', { name: 'Book Shop', prepaid: true });
    const shopProgram = await call<ValidationProgramView>(gate, 'validations.createProgram', { merchantId: shop.id, name: 'Shop 1 h', kind: 'TIME_OFF', minutesOff: 60, reasonCode: 'SHOP' });
    await gate.worker.syncNow();
    expect(await refusal({ ticket: car.code, programId: shopProgram.id })).toEqual([404, 'NOT_FOUND', 'UNKNOWN_PROGRAM']);
    expect(await refusal({ ticket: car.code, programId: withBill.id })).toEqual([409, 'CONFLICT', 'BILL_REQUIRED']);
    expect(await refusal({ ticket: car.code, programId: withBill.id, billPaise: 49999 })).toEqual([409, 'CONFLICT', 'BILL_TOO_SMALL']);
    expect(await refusal({ ticket: car.code, programId: withBill.id, billPaise: -5 })).toEqual([400, 'VALIDATION_FAILED', null]);
    // A prepaid merchant with nothing left.
    const shopToken = await issueToken(shop.id);
    expect(await refusal({ ticket: car.code, programId: shopProgram.id }, shopToken)).toEqual([409, 'CONFLICT', 'NO_BALANCE']);
    await call(gate, 'merchants.topUp', { merchantId: shop.id, amountPaise: 5000 });
    await gate.worker.syncNow();
    expect((await post({ ticket: car.code, programId: shopProgram.id }, shopToken)).body.ok).toBe(true);
    // An ended program.
    await call(gate, 'validations.updateProgram', { programId: withBill.id, isActive: false });
    await gate.worker.syncNow();
    expect(await refusal({ ticket: car.code, programId: withBill.id, billPaise: 60000 })).toEqual([409, 'CONFLICT', 'PROGRAM_INACTIVE']);
    // A ticket of another facility.
    expect((await http('POST', '/admin/v1/facilities', { id: 'airport', name: 'Airport P1' }, ADMIN_TOKEN)).body.ok).toBe(true);
    const enrolled = await addKiosk(h.server.ctx.db, h.clock, 'Airport gate', undefined, 'airport');
    const airport = await openKiosk(tmp.dir, enrolled.id, h.clock, () => h.server.ctx.syncEvents!.sync, true);
    try {
      await airport.worker.syncNow();
      const there = await enter(airport, 'KA01PV0200');
      await airport.worker.syncNow();
      expect(await refusal({ ticket: there.code, programId: patient.id })).toEqual([400, 'TICKET_INVALID', 'WRONG_FACILITY']);
      expect(await refusal({ ticket: ticketNumberOf(there.id)!, programId: patient.id })).toEqual([400, 'TICKET_INVALID', 'WRONG_FACILITY']);
    } finally {
      await airport.kiosk.close();
    }
    // A revoked credential.
    const list = await http('GET', '/admin/v1/merchant-credentials', undefined, ADMIN_TOKEN);
    const id = list.body.data.find((c: { merchantId: string }) => c.merchantId === hospital.id).id as string;
    expect((await http('POST', `/admin/v1/merchant-credentials/${id}/revoke`, undefined, ADMIN_TOKEN)).body.ok).toBe(true);
    expect(await refusal({ ticket: car.code, programId: patient.id })).toEqual([401, 'UNAUTHENTICATED', null]);
    // A merchant the gates never published gets no credential.
    const none = await http('POST', '/admin/v1/merchants/nobody/credentials', { label: 'x', facilityId: 'main' }, ADMIN_TOKEN);
    expect([none.status, none.body.error?.details?.reason]).toEqual([404, 'UNKNOWN_MERCHANT']);

    // Only the shop's call was recorded; the gate shows only that one.
    expect(await recorded()).toBe(1);
    await gate.worker.syncNow();
    expect((await quote(gate, car.code)).validations!.map((v) => v.merchantName)).toEqual(['Book Shop']);
  }, 90_000);
});
