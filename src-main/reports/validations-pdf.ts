/** The validations and passes report (reports/validations.ts) as a PDF, in the daily report's style (reports/pdf.ts). */
import type { ValidationsReport } from '../../src-shared/contracts/validation-reports.js';
import { COLORS, openReportDoc, pdfMoney } from './pdf.js';
import { formatLocal } from './time.js';

export function validationsPdf(r: ValidationsReport): Promise<Buffer> {
  const range = r.from === r.to ? r.from : `${r.from} to ${r.to}`;
  const { doc, w, regular, bold, finish } = openReportDoc({ Title: `Validations and passes ${range} - ${r.facilityName}`, Author: 'ParkGate' });
  const local = (isoText: string) => formatLocal(Date.parse(isoText), r.timeZone);
  const v = r.validations;
  const p = r.passes;

  doc.font(bold).fontSize(20).fillColor(COLORS.ink).text('Validations and passes', w.left, doc.y);
  doc.font(regular).fontSize(12).fillColor(COLORS.ink).text(r.facilityName);
  doc.font(regular).fontSize(9).fillColor(COLORS.muted)
    .text(`${range} (${r.timeZone}): ${local(r.rangeStart)} to ${local(r.rangeEnd)} local time. Generated ${local(r.generatedAt)}. Amounts in rupees (Rs).`);

  w.heading('Totals');
  w.figures([
    { label: 'Revenue forgone', value: pdfMoney(r.revenueForgonePaise), strong: true },
    { label: `Validations (${v.count}, ${v.preValidatedCount} pre-validated)`, value: pdfMoney(v.revenueForgonePaise) },
    { label: `Pass visits (${p.forgone.visits})`, value: pdfMoney(p.forgone.forgonePaise) },
    { label: 'Pass entries / exits', value: `${p.entries} / ${p.exits}` },
    { label: 'Pass resets', value: String(p.resets) },
    { label: 'Anti-passback flags', value: String(p.flags.length) },
  ]);

  w.heading('Validations by merchant');
  w.table([
    { header: 'Merchant', width: 4, value: (x) => x.name },
    { header: 'Validations', width: 1.2, align: 'right', value: (x) => String(x.count) },
    { header: 'Discount', width: 1.5, align: 'right', value: (x) => pdfMoney(x.discountPaise) },
  ], v.byMerchant, 'No validations in this range.');

  w.heading('Validations by program');
  w.table([
    { header: 'Program', width: 2.6, value: (x) => x.name },
    { header: 'Merchant', width: 2, value: (x) => x.merchantName ?? '-' },
    { header: 'Validations', width: 1.2, align: 'right', value: (x) => String(x.count) },
    { header: 'Discount', width: 1.5, align: 'right', value: (x) => pdfMoney(x.discountPaise) },
  ], v.byProgram, 'No validations in this range.');

  w.heading(`Settled validations (${v.items.length})`);
  w.table([
    { header: 'Settled', width: 1.6, value: (x) => local(x.settledAt) },
    { header: 'Vehicle', width: 1.3, value: (x) => x.vehicleNumber ?? '-' },
    { header: 'Merchant / program', width: 2.6, value: (x) => `${x.merchantName}: ${x.programName} (${x.reasonCode})` },
    { header: 'Fee before', width: 1.1, align: 'right', value: (x) => pdfMoney(x.feeBeforePaise) },
    { header: 'Discount', width: 1.1, align: 'right', value: (x) => pdfMoney(x.discountPaise) },
  ], v.items, 'No validations in this range.');

  w.heading(`Pass entries and exits (${p.movements.length})`);
  w.table([
    { header: 'Time', width: 1.6, value: (x) => local(x.at) },
    { header: 'Direction', width: 1, value: (x) => x.direction },
    { header: 'Holder', width: 2, value: (x) => x.holderName },
    { header: 'Vehicle', width: 1.3, value: (x) => x.vehicleNumber ?? '-' },
    { header: 'Gate', width: 1, value: (x) => x.kioskId },
    { header: 'Flag', width: 1.1, value: (x) => (x.flag ?? '').replace(/_/g, ' ') },
  ], p.movements, 'No pass movements in this range.');

  w.heading(`Anti-passback flags (${p.flags.length})`);
  w.table([
    { header: 'Time', width: 1.6, value: (x) => local(x.at) },
    { header: 'Direction', width: 1, value: (x) => x.direction },
    { header: 'Holder', width: 2, value: (x) => x.holderName },
    { header: 'Mode', width: 0.9, value: (x) => x.antiPassback },
    { header: 'Gate', width: 1, value: (x) => x.kioskId },
    { header: 'Flag', width: 1.5, value: (x) => [x.gateFlag && `gate ${x.gateFlag}`, x.serverFlag && `server ${x.serverFlag}`].filter(Boolean).join(', ').replace(/_/g, ' ') },
  ], p.flags, 'No anti-passback flags in this range.');

  w.heading(`Revenue forgone on passes (${p.forgone.visits} visits)`);
  w.table([
    { header: 'Holder', width: 2, value: (x) => x.holderName },
    { header: 'Entry', width: 1.6, value: (x) => local(x.entryAt) },
    { header: 'Exit', width: 1.6, value: (x) => local(x.exitAt) },
    { header: 'Full fee', width: 1, align: 'right', value: (x) => pdfMoney(x.fullFeePaise) },
    { header: 'Billed', width: 1, align: 'right', value: (x) => pdfMoney(x.billedPaise) },
    { header: 'Forgone', width: 1, align: 'right', value: (x) => pdfMoney(x.forgonePaise) },
  ], p.forgone.items, 'No completed pass visits in this range.');

  return finish(`${r.facilityName} - validations and passes ${range}`);
}
