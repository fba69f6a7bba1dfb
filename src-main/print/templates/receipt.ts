/**
 * The exit receipt. Its blocks come in named sections so that a tax invoice can add its fields
 * (supplier, GSTIN, SAC, taxable value, CGST/SGST, invoice number, e-receipt QR) through
 * `extensions` without copying this template: `afterHeader` (invoice title, supplier), 
 * `afterAmounts` (the tax lines), `footer` (signature, e-receipt QR).
 */
import type { PrintLanguage } from '../../../src-shared/contracts/print.js';
import type { ReceiptValidations } from '../../../src-shared/contracts/validations.js';
import { cut, pair, rule, text, type Block } from './blocks.js';
import { durationText, printLabels, rupees } from './labels.js';

export interface ReceiptData {
  facilityName: string;
  /** This kiosk's receipt series number (print/receipt-numbers.ts). */
  receiptNumber: string;
  vehicleNumber: string;
  zoneName: string;
  slotNumber: string;
  entryAt: string;
  exitAt: string;
  durationSeconds: number;
  billableHours: number;
  amountPaise: number;
  /** Set when the ticket was lost: the surcharge this exit charged (its own line), and the parking fee beside it. */
  lostTicketFeePaise: number | null;
  parkingFeePaise: number;
  method: 'CASH' | 'ONLINE';
  /** The payment's reference at the gateway (the UPI transaction), for an online payment. */
  upiReference: string | null;
  tenderedPaise: number | null;
  changePaise: number | null;
  copy: boolean;
  /** The visit's validations that took something off (docs/validations.md); absent or null: none. */
  validations?: ReceiptValidations | null;
}

export interface ReceiptExtensions {
  afterHeader?: Block[];
  afterAmounts?: Block[];
  footer?: Block[];
}

export function receiptBlocks(d: ReceiptData, language: PrintLanguage, extensions: ReceiptExtensions = {}): Block[] {
  const L = printLabels(language);
  const blocks: Block[] = [
    text(d.facilityName, { align: 'center', bold: true }),
    text(L.exitReceipt, { align: 'center', size: 2 }),
  ];
  if (d.copy) blocks.push(text(L.copy, { align: 'center' }));
  blocks.push(...(extensions.afterHeader ?? []));
  blocks.push(
    rule,
    pair(L.receiptNo, d.receiptNumber, true),
    pair(L.vehicle, d.vehicleNumber),
    pair(L.zone, `${d.zoneName} / ${d.slotNumber}`),
    pair(L.entry, d.entryAt),
    pair(L.exit, d.exitAt),
    pair(L.duration, durationText(d.durationSeconds)),
    pair(L.billableHours, String(d.billableHours)),
    rule,
  );
  const v = d.validations ?? null;
  if (v) {
    blocks.push(pair(L.feeBeforeValidation, rupees(v.feeBeforePaise)));
    for (const line of v.lines) blocks.push(pair(`${line.merchantName}: ${line.programName}`, rupees(-line.discountPaise)));
    if (d.lostTicketFeePaise !== null) blocks.push(pair(L.lostTicketFee, rupees(d.lostTicketFeePaise)));
    blocks.push(pair(L.due, rupees(v.duePaise), true));
  } else if (d.lostTicketFeePaise !== null) {
    blocks.push(pair(L.parkingFee, rupees(d.parkingFeePaise)), pair(L.lostTicketFee, rupees(d.lostTicketFeePaise)));
  }
  // Fully validated (nothing paid): no payment lines, the visit is marked exempted.
  if (v && d.amountPaise === 0) {
    blocks.push(text(L.exempted, { align: 'center', bold: true, size: 2 }));
  } else {
    blocks.push(
      pair(L.amount, rupees(d.amountPaise), true),
      pair(L.method, d.method === 'CASH' ? L.cash : L.online),
    );
    if (d.method === 'ONLINE' && d.upiReference) blocks.push(pair(L.upiRef, d.upiReference));
    if (d.method === 'CASH' && d.tenderedPaise != null) {
      blocks.push(pair(L.tendered, rupees(d.tenderedPaise)), pair(L.change, rupees(d.changePaise ?? 0)));
    }
    if (v) blocks.push(text(L.paid, { align: 'center', bold: true, size: 2 }));
  }
  blocks.push(...(extensions.afterAmounts ?? []));
  blocks.push(rule, text(L.thanks, { align: 'center' }), ...(extensions.footer ?? []), cut);
  return blocks;
}
