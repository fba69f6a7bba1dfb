/**
 * Validations on the receipt, through the real render path (ESC/POS bytes read back by the
 * simulator's interpreter, raster lines compared with a reference rendering): fee before, one line
 * per validation (merchant: program, minus its discount), due, then PAID with the payment lines,
 * or EXEMPTED without them for a visit the validations made free. The exempted exit of a real
 * kiosk gets its receipt number and prints so.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receiptData } from '../../src-main/print/documents.js';
import { receiptOf } from '../../src-main/print/receipt-numbers.js';
import { renderEscPos } from '../../src-main/print/render.js';
import { receiptBlocks, type ReceiptData } from '../../src-main/print/templates/receipt.js';
import type { Merchant, ValidationProgramView } from '../../src-shared/contracts/validations.js';
import { parseEscPos, type PaperItem } from '../../src-sim/printer/escpos-parser.js';
import { call, memoryServer, openKiosk, tempDir, TestClock, type TestKiosk } from '../sync/harness.js';
import { inkAgreement, reference } from './helpers.js';

const texts = (items: PaperItem[]) => items.flatMap((i) => (i.kind === 'text' ? [i.text.trim().replace(/\s+/g, ' ')] : []));
const rasters = (items: PaperItem[]) => items.filter((i): i is Extract<PaperItem, { kind: 'raster' }> => i.kind === 'raster');
const paper = (d: ReceiptData, language: 'en' | 'hi' = 'en') => parseEscPos(renderEscPos(receiptBlocks(d, language), { paperWidth: 80, qrMode: 'native' }));

const RECEIPT: ReceiptData = {
  facilityName: 'City Mall Parking', receiptNumber: '1A2B3C4D-000042', vehicleNumber: 'KA01AB1234', zoneName: 'A', slotNumber: 'A-07',
  entryAt: '2026-03-01 09:41', exitAt: '2026-03-01 11:12', durationSeconds: 5460, billableHours: 2, amountPaise: 6000,
  method: 'CASH', tenderedPaise: 10000, changePaise: 4000, copy: false, lostTicketFeePaise: null, parkingFeePaise: 8000, upiReference: null,
  validations: { feeBeforePaise: 8000, lines: [{ merchantName: 'Book Shop', programName: 'Rs 20 off', discountPaise: 2000 }], duePaise: 6000 },
};

describe('validations on the printed receipt', () => {
  it('a partly validated visit: fee before, the validation line, due, the payment, PAID', () => {
    const parsed = paper(RECEIPT);
    expect(parsed.unknown).toEqual([]);
    const lines = texts(parsed.items);
    expect(lines).toContain('PAID');
    expect(lines).toContain('Paid by Cash');
    expect(lines).not.toContain('EXEMPTED');
    const r = rasters(parsed.items); // fee before, validation, due, amount paid, tendered, change: in this order
    expect(r).toHaveLength(6);
    expect(inkAgreement(r[0]!.bits, reference('Fee before validation', 576, r[0]!.height, 24, false, 'left', '₹80.00'))).toBeGreaterThan(0.98);
    expect(inkAgreement(r[1]!.bits, reference('Book Shop: Rs 20 off', 576, r[1]!.height, 24, false, 'left', '-₹20.00'))).toBeGreaterThan(0.98);
    expect(inkAgreement(r[1]!.bits, reference('Book Shop: Rs 20 off', 576, r[1]!.height, 24, false, 'left', '-₹30.00'))).toBeLessThan(0.98);
    expect(inkAgreement(r[2]!.bits, reference('Due', 576, r[2]!.height, 24, true, 'left', '₹60.00'))).toBeGreaterThan(0.98);
    expect(inkAgreement(r[3]!.bits, reference('Amount paid', 576, r[3]!.height, 24, true, 'left', '₹60.00'))).toBeGreaterThan(0.98);
  });

  it('a fully validated visit: no payment lines, EXEMPTED; a lost-ticket fee stays its own line before the due', () => {
    const free: ReceiptData = {
      ...RECEIPT, amountPaise: 0, tenderedPaise: null, changePaise: null,
      validations: { feeBeforePaise: 8000, lines: [{ merchantName: 'City Hospital', programName: 'Patient exemption', discountPaise: 8000 }], duePaise: 0 },
    };
    const parsed = paper(free);
    const lines = texts(parsed.items);
    expect(lines).toContain('EXEMPTED');
    expect(lines.some((l) => l.startsWith('Paid by') || l === 'PAID')).toBe(false);
    const r = rasters(parsed.items); // fee before, validation, due
    expect(r).toHaveLength(3);
    expect(inkAgreement(r[1]!.bits, reference('City Hospital: Patient exemption', 576, r[1]!.height, 24, false, 'left', '-₹80.00'))).toBeGreaterThan(0.98);
    expect(inkAgreement(r[2]!.bits, reference('Due', 576, r[2]!.height, 24, true, 'left', '₹0.00'))).toBeGreaterThan(0.98);

    const lost = paper({ ...RECEIPT, amountPaise: 26000, lostTicketFeePaise: 20000 });
    const lr = rasters(lost.items); // fee before, validation, lost-ticket fee, due, amount, tendered, change
    expect(lr).toHaveLength(7);
    expect(inkAgreement(lr[2]!.bits, reference('Lost ticket fee', 576, lr[2]!.height, 24, false, 'left', '₹200.00'))).toBeGreaterThan(0.98);
  });

  it('Hindi: the new labels print as raster lines in the UI font', () => {
    const r = rasters(paper(RECEIPT, 'hi').items);
    const feeBefore = r.find((x) => inkAgreement(x.bits, reference('छूट से पहले शुल्क', 576, x.height, 24, false, 'left', '₹80.00')) > 0.98);
    expect(feeBefore).toBeDefined();
    expect(r.some((x) => inkAgreement(x.bits, reference('भुगतान हुआ', 576, x.height, 48, true, 'center')) > 0.9)).toBe(true);
  });
});

describe('the exempted exit of a real kiosk', () => {
  const clock = new TestClock();
  let server: Awaited<ReturnType<typeof memoryServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let gate: TestKiosk;

  beforeEach(async () => {
    tmp = tempDir('pg-val-receipt-');
    server = await memoryServer(clock.now);
    gate = await openKiosk(tmp.dir, 'gate-r', clock, () => server.service, true);
    await call(gate, 'shifts.open', { openingFloatPaise: 0 }, 'cashier');
  });
  afterEach(async () => {
    await gate.kiosk.close();
    await server.close();
    tmp.cleanup();
  });

  it('gets a receipt number and its receipt shows the validation and EXEMPTED', async () => {
    const hospital = await call<Merchant>(gate, 'merchants.create', { name: 'City Hospital', prepaid: false });
    const patient = (await call<{ programs: ValidationProgramView[] }>(gate, 'validations.applyPreset', { merchantId: hospital.id, preset: 'HOSPITAL_PATIENT' })).programs[0]!;
    const car = await call<{ id: string }>(gate, 'gate.issueTicket', { vehicleNumber: 'KA01RC0001' }, 'attendant');
    clock.advance(2 * 3_600_000);
    const q = await call<{ feeBeforeValidationPaise: number; amountDuePaise: number }>(gate, 'validations.apply', { sessionId: car.id, programId: patient.id }, 'cashier');
    expect(q.amountDuePaise).toBe(0);
    await call(gate, 'gate.completeExit', { sessionId: car.id }, 'cashier');
    expect(receiptOf(gate.kiosk.ctx, car.id)?.number).toMatch(/-000001$/);
    const data = receiptData(gate.kiosk.ctx, car.id, false);
    expect(data.validations).toEqual({ feeBeforePaise: q.feeBeforeValidationPaise, lines: [{ merchantName: 'City Hospital', programName: 'Patient exemption', discountPaise: q.feeBeforeValidationPaise }], duePaise: 0 });
    const parsed = paper(data);
    expect(texts(parsed.items)).toContain('EXEMPTED');
    const r = rasters(parsed.items);
    const fee = `₹${q.feeBeforeValidationPaise / 100}.00`;
    expect(inkAgreement(r[1]!.bits, reference('City Hospital: Patient exemption', 576, r[1]!.height, 24, false, 'left', `-${fee}`))).toBeGreaterThan(0.98);
  });
});
