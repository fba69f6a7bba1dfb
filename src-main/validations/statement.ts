/**
 * A merchant's monthly bill-back statement: every validation of its programs settled in the month
 * (facility-local), with the fee before, the discount and the running total; for a prepaid
 * merchant also its top-ups. CSV (reports/csv.ts conventions) or a plain PDF (pdfkit).
 */
import PDFDocument from 'pdfkit';
import { AppError } from '../../src-shared/contracts/errors.js';
import { paiseToRupeesString } from '../../src-shared/domain/money.js';
import { toCsv, type Column } from '../reports/csv.js';
import { pdfMoney } from '../reports/pdf.js';
import { formatLocal, localToUtc } from '../reports/time.js';
import type { ServiceContext } from '../services/context.js';
import { getSettings } from '../services/settings.js';
import { merchantRow, merchantView } from './records.js';

interface Line { at: number; vehicle: string; program: string; reasonCode: string; source: string; billPaise: number | null; feeBeforePaise: number; discountPaise: number }

export function monthBounds(month: string, timeZone: string): { start: number; end: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const year = Number(m?.[1]);
  const mon = Number(m?.[2]);
  if (!m || mon < 1 || mon > 12) throw new AppError('VALIDATION_FAILED', 'Month as YYYY-MM.');
  return { start: localToUtc(year, mon, 1, 0, timeZone), end: mon === 12 ? localToUtc(year + 1, 1, 1, 0, timeZone) : localToUtc(year, mon + 1, 1, 0, timeZone) };
}

export function statementLines(ctx: ServiceContext, merchantId: string, month: string): Line[] {
  const { q, db } = ctx.store;
  const { start, end } = monthBounds(month, getSettings(ctx).timeZone);
  return q.all(db.selectFrom('session_validations as v')
    .innerJoin('validation_programs as p', 'p.id', 'v.program_id')
    .innerJoin('sessions as s', 's.id', 'v.session_id')
    .leftJoin('vehicles as c', 'c.id', 's.vehicle_id')
    .select(['v.updated_at as at', 'c.vehicle_number as vehicle', 'p.name as program', 'p.reason_code as reasonCode', 'v.source', 'v.bill_paise as billPaise',
      'v.fee_before_paise as feeBeforePaise', 'v.discount_paise as discountPaise'])
    .where('v.merchant_id', '=', merchantId).where('v.settled', '=', 1).where('v.updated_at', '>=', start).where('v.updated_at', '<', end)
    .orderBy('v.updated_at').orderBy('v.id'))
    .map((r) => ({ ...r, vehicle: r.vehicle ?? '' }));
}

const rupees = (p: number | null) => (p === null ? null : paiseToRupeesString(p));

export async function merchantStatement(ctx: ServiceContext, merchantId: string, month: string, format: 'csv' | 'pdf') {
  const m = merchantView(ctx, merchantRow(ctx, merchantId));
  const tz = getSettings(ctx).timeZone;
  const lines = statementLines(ctx, merchantId, month);
  const total = lines.reduce((s, l) => s + l.discountPaise, 0);
  const safeName = m.name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'merchant';
  if (format === 'csv') {
    let running = 0;
    const cols: Column<Line>[] = [
      { header: 'Settled at', value: (l) => formatLocal(l.at, tz) },
      { header: 'Vehicle', value: (l) => l.vehicle },
      { header: 'Program', value: (l) => l.program },
      { header: 'Reason code', value: (l) => l.reasonCode },
      { header: 'Source', value: (l) => l.source },
      { header: 'Bill (Rs)', value: (l) => rupees(l.billPaise), kind: 'number' },
      { header: 'Fee before (Rs)', value: (l) => rupees(l.feeBeforePaise), kind: 'number' },
      { header: 'Discount (Rs)', value: (l) => rupees(l.discountPaise), kind: 'number' },
      { header: 'Running total (Rs)', value: (l) => rupees((running += l.discountPaise)), kind: 'number' },
    ];
    const csv = toCsv(cols, lines);
    return { fileName: `statement-${safeName}-${month}.csv`, mimeType: 'text/csv', base64: Buffer.from(csv, 'utf8').toString('base64') };
  }
  const pdf = await statementPdf(m.name, month, tz, lines, total);
  return { fileName: `statement-${safeName}-${month}.pdf`, mimeType: 'application/pdf', base64: pdf.toString('base64') };
}

function statementPdf(merchant: string, month: string, tz: string, lines: Line[], total: number): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 44, info: { Title: `Validation statement ${month} - ${merchant}`, Author: 'ParkGate' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).text(`Validation statement: ${merchant}`);
  doc.font('Helvetica').fontSize(10).text(`Month ${month} (${tz}). ${lines.length} validations, total Rs ${pdfMoney(total)}.`).moveDown();
  for (const l of lines) {
    doc.text(`${formatLocal(l.at, tz)}  ${l.vehicle}  ${l.program} (${l.reasonCode})  fee ${pdfMoney(l.feeBeforePaise)}  discount ${pdfMoney(l.discountPaise)}`);
  }
  doc.moveDown().font('Helvetica-Bold').text(`Total to bill: Rs ${pdfMoney(total)}`);
  doc.end();
  return done;
}
