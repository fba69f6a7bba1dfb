/**
 * The product's ESC/POS bytes read back by the simulator's independent interpreter and renderer:
 * every field of a ticket and a receipt, the QR decoded by zxing-wasm (the kiosk camera's decoder)
 * from the rendered paper, and the raster lines (₹, Hindi) compared with a reference rendering
 * of the same text in the UI's font.
 */
import { describe, expect, it } from 'vitest';
import { renderEscPos } from '../../src-main/print/render.js';
import { receiptBlocks, type ReceiptData } from '../../src-main/print/templates/receipt.js';
import { ticketBlocks, type TicketData } from '../../src-main/print/templates/ticket.js';
import { parseEscPos, type PaperItem } from '../../src-sim/printer/escpos-parser.js';
import { renderPaper } from '../../src-sim/printer/paper.js';
import { decodeQr, inkAgreement, reference } from './helpers.js';

const TICKET: TicketData = {
  facilityName: 'City Mall Parking', zoneName: 'A', slotNumber: 'A-07', entryAt: '2026-03-01 09:41', vehicleNumber: 'KA01AB1234',
  code: 'PG1.eyJzIjoiMDE5M2YyIiwieiI6IkEifQ.3kq9X_signature-part_0123456789abcdef',
  hourlyRatePaise: 4000, graceMinutes: 5, dailyCapPaise: 30000, lostTicketFeePaise: 20000, copy: false,
};

/** Agreement above 0.98 of black dots: one changed digit on a line drops it to about 0.97. */
const RECEIPT: ReceiptData = {
  facilityName: 'City Mall Parking', receiptNumber: '1A2B3C4D-000042', vehicleNumber: 'KA01AB1234', zoneName: 'A', slotNumber: 'A-07',
  entryAt: '2026-03-01 09:41', exitAt: '2026-03-01 11:12', durationSeconds: 5460, billableHours: 2, amountPaise: 8000,
  method: 'CASH', tenderedPaise: 10000, changePaise: 2000, copy: false,
  lostTicketFeePaise: null, parkingFeePaise: 8000, upiReference: null,
};

const texts = (items: PaperItem[]) => items.flatMap((i) => (i.kind === 'text' ? [i.text] : []));
const rasters = (items: PaperItem[]) => items.filter((i): i is Extract<PaperItem, { kind: 'raster' }> => i.kind === 'raster');

describe('ESC/POS round trip through the simulator', () => {
  it('a ticket decodes back to every field, with the QR as a native GS ( k symbol of the ticket code', () => {
    const parsed = parseEscPos(renderEscPos(ticketBlocks(TICKET, 'en'), { paperWidth: 58, qrMode: 'native' }));
    expect(parsed.unknown).toEqual([]);
    const lines = texts(parsed.items).map((l) => l.trim().replace(/\s+/g, ' '));
    expect(lines).toContain('City Mall Parking');
    expect(lines).toContain('PARKING TICKET');
    expect(lines).toContain('Zone A');
    expect(lines).toContain('Slot A-07');
    expect(lines).toContain('Vehicle KA01AB1234');
    expect(lines).toContain('Entry 2026-03-01 09:41');
    expect(lines).toContain('Free for the first 5 min');
    expect(parsed.items.filter((i) => i.kind === 'qr').map((i) => (i as { data: string }).data)).toEqual([TICKET.code]);
    expect(parsed.items.at(-1)?.kind === 'cut' || parsed.items.some((i) => i.kind === 'cut')).toBe(true);
    // Rupee lines are raster (no code page has ₹): tariff, daily cap, lost-ticket fee.
    const r = rasters(parsed.items);
    expect(r).toHaveLength(3);
    const lost = r[2]!;
    const ref = reference('Lost ticket fee', lost.width, lost.height, 24, true, 'left', '₹200.00');
    expect(inkAgreement(lost.bits, ref)).toBeGreaterThan(0.98);
    const wrong = reference('Lost ticket fee', lost.width, lost.height, 24, true, 'left', '₹300.00');
    expect(inkAgreement(lost.bits, wrong)).toBeLessThan(0.98);
  });

  it('the printed QR scans back to the ticket code with zxing-wasm, native and raster QR, 58 and 80 mm', async () => {
    for (const qrMode of ['native', 'raster'] as const) {
      for (const paperWidth of [58, 80] as const) {
        const parsed = parseEscPos(renderEscPos(ticketBlocks(TICKET, 'en'), { paperWidth, qrMode }));
        if (qrMode === 'raster') expect(parsed.items.some((i) => i.kind === 'qr')).toBe(false);
        const image = renderPaper(parsed.items, paperWidth === 58 ? 384 : 576);
        expect(await decodeQr(image), `${qrMode} ${paperWidth} mm`).toEqual([TICKET.code]);
      }
    }
  });

  it('a Hindi ticket prints its Devanagari lines as raster with the UI font glyphs', () => {
    const parsed = parseEscPos(renderEscPos(ticketBlocks(TICKET, 'hi'), { paperWidth: 80, qrMode: 'native' }));
    // Nothing outside ASCII went to the printer as text.
    for (const l of texts(parsed.items)) expect(l).toMatch(/^[\x20-\x7e]*$/);
    const r = rasters(parsed.items);
    const title = r[0]!;
    expect(title.width).toBe(576);
    const ref = reference('पार्किंग टिकट', title.width, title.height, 48, false, 'center');
    expect(inkAgreement(title.bits, ref)).toBeGreaterThan(0.98);
    // A one-letter difference (ट -> त) is visible: the comparison can fail.
    const wrong = reference('पार्किंग टिकत', title.width, title.height, 48, false, 'center');
    expect(inkAgreement(title.bits, wrong)).toBeLessThan(0.9);
    const slot = r[2]!;
    expect(inkAgreement(slot.bits, reference('स्लॉट', slot.width, slot.height, 24, true, 'left', 'A-07'))).toBeGreaterThan(0.98);
  });

  it('a cash receipt carries the receipt number, amounts, change, times, duration and billable hours', () => {
    const parsed = parseEscPos(renderEscPos(receiptBlocks(RECEIPT, 'en'), { paperWidth: 80, qrMode: 'native' }));
    const lines = texts(parsed.items).map((l) => l.trim().replace(/\s+/g, ' '));
    for (const want of ['Receipt no. 1A2B3C4D-000042', 'Vehicle KA01AB1234', 'Zone A / A-07', 'Entry 2026-03-01 09:41', 'Exit 2026-03-01 11:12', 'Duration 1h 31m', 'Billable hours 2', 'Paid by Cash']) {
      expect(lines).toContain(want);
    }
    const r = rasters(parsed.items); // amount, tendered, change (rupee sign)
    expect(r).toHaveLength(3);
    expect(inkAgreement(r[0]!.bits, reference('Amount paid', 576, r[0]!.height, 24, true, 'left', '₹80.00'))).toBeGreaterThan(0.98);
    expect(inkAgreement(r[2]!.bits, reference('Change', 576, r[2]!.height, 24, false, 'left', '₹20.00'))).toBeGreaterThan(0.98);
  });

  it('a lost ticket: the parking fee and the lost-ticket fee are their own lines above the amount; an online payment shows its UPI reference', () => {
    const lost: ReceiptData = { ...RECEIPT, amountPaise: 28000, lostTicketFeePaise: 20000, parkingFeePaise: 8000, method: 'ONLINE', tenderedPaise: null, changePaise: null, upiReference: 'UPI4242000017' };
    const parsed = parseEscPos(renderEscPos(receiptBlocks(lost, 'en'), { paperWidth: 80, qrMode: 'native' }));
    expect(parsed.unknown).toEqual([]);
    const lines = texts(parsed.items).map((l) => l.trim().replace(/\s+/g, ' '));
    expect(lines).toContain('Paid by Online (UPI)');
    expect(lines).toContain('UPI ref. UPI4242000017');
    const r = rasters(parsed.items); // parking fee, lost-ticket fee, amount (rupee sign): in this order
    expect(r).toHaveLength(3);
    expect(inkAgreement(r[0]!.bits, reference('Parking fee', 576, r[0]!.height, 24, false, 'left', '₹80.00'))).toBeGreaterThan(0.98);
    expect(inkAgreement(r[1]!.bits, reference('Lost ticket fee', 576, r[1]!.height, 24, false, 'left', '₹200.00'))).toBeGreaterThan(0.98);
    expect(inkAgreement(r[1]!.bits, reference('Lost ticket fee', 576, r[1]!.height, 24, false, 'left', '₹300.00'))).toBeLessThan(0.98);
    expect(inkAgreement(r[2]!.bits, reference('Amount paid', 576, r[2]!.height, 24, true, 'left', '₹280.00'))).toBeGreaterThan(0.98);
    // Not lost: no such lines (the plain receipt's first raster line is the amount).
    const plain = rasters(parseEscPos(renderEscPos(receiptBlocks(RECEIPT, 'en'), { paperWidth: 80, qrMode: 'native' })).items);
    expect(inkAgreement(plain[0]!.bits, reference('Amount paid', 576, plain[0]!.height, 24, true, 'left', '₹80.00'))).toBeGreaterThan(0.98);
  });

  it('a Hindi receipt: labels and amounts are raster lines that match the UI font rendering', () => {
    const parsed = parseEscPos(renderEscPos(receiptBlocks(RECEIPT, 'hi'), { paperWidth: 58, qrMode: 'native' }));
    for (const l of texts(parsed.items)) expect(l).toMatch(/^[\x20-\x7e]*$/);
    const r = rasters(parsed.items);
    // title, receipt no., vehicle, zone, entry, exit, duration, hours, amount, method, tendered, change, thanks
    expect(r.length).toBe(13);
    const amount = r[8]!;
    expect(inkAgreement(amount.bits, reference('भुगतान राशि', 384, amount.height, 24, true, 'left', '₹80.00'))).toBeGreaterThan(0.98);
    expect(inkAgreement(amount.bits, reference('भुगतान राशि', 384, amount.height, 24, true, 'left', '₹90.00'))).toBeLessThan(0.98);
    const no = r[1]!;
    expect(inkAgreement(no.bits, reference('रसीद संख्या', 384, no.height, 24, true, 'left', '1A2B3C4D-000042'))).toBeGreaterThan(0.98);
  });

  it('receipt extensions add blocks at their insertion points (the tax invoice fields)', () => {
    const parsed = parseEscPos(renderEscPos(receiptBlocks(RECEIPT, 'en', {
      afterHeader: [{ kind: 'text', text: 'TAX INVOICE' }], afterAmounts: [{ kind: 'pair', left: 'CGST 9%', right: '6.10' }],
    }), { paperWidth: 80, qrMode: 'native' }));
    const lines = texts(parsed.items).map((l) => l.trim().replace(/\s+/g, ' '));
    expect(lines.indexOf('TAX INVOICE')).toBeLessThan(lines.indexOf('Receipt no. 1A2B3C4D-000042'));
    expect(lines.indexOf('CGST 9% 6.10')).toBeGreaterThan(lines.indexOf('Paid by Cash'));
  });
});
