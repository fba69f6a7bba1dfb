/**
 * CSV export of a DailyReport: a zip (fflate) with one CSV per section. UTF-8 with a BOM (so
 * spreadsheet programs pick the encoding), CRLF rows, a header row per file, amounts in rupees
 * with two decimals (paiseToRupeesString: integer maths), times in the facility's zone, and no
 * formula injection: a text cell starting with = + - @ (or tab / CR) gets a leading apostrophe.
 */
import { strToU8, zipSync } from 'fflate';
import type { DailyReport } from '../../src-shared/contracts/entities.js';
import { paiseToRupeesString } from '../../src-shared/domain/money.js';
import { formatLocal } from './time.js';

import { csvCell, type Cell } from '../../src-shared/domain/csv-cell.js';

export { csvCell, type Cell };

/** Amounts and counts are written as numbers (not escaped: "-12.50" is a number, not a formula). */
export type Column<T> = { header: string; value: (row: T) => Cell; kind?: 'text' | 'number' | ((row: T) => 'text' | 'number') };

export function toCsv<T>(columns: Column<T>[], rows: T[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const row of rows) {
    lines.push(columns.map((c) => csvCell(c.value(row), typeof c.kind === 'function' ? c.kind(row) : c.kind ?? 'text')).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const rupees = (paise: number | null) => (paise == null ? null : paiseToRupeesString(paise));
const money = <T>(header: string, get: (r: T) => number | null): Column<T> => ({ header, value: (r) => rupees(get(r)), kind: 'number' });
const count = <T>(header: string, get: (r: T) => number | null): Column<T> => ({ header, value: get, kind: 'number' });
const text = <T>(header: string, get: (r: T) => string | null): Column<T> => ({ header, value: get });

/** The summary as (section, metric, value) rows: the figures shown on screen and in the PDF. */
export function summaryRows(r: DailyReport): { section: string; metric: string; value: string; unit: string }[] {
  const rows: { section: string; metric: string; value: string; unit: string }[] = [];
  const add = (section: string, metric: string, value: string | number | null, unit: string) =>
    rows.push({ section, metric, value: value == null ? '' : String(value), unit });
  add('report', 'facility', r.facilityName, 'text');
  add('report', 'date', r.date, 'date');
  add('report', 'time_zone', r.timeZone, 'text');
  add('report', 'day_start_utc', r.dayStart, 'iso');
  add('report', 'day_end_utc', r.dayEnd, 'iso');
  add('report', 'generated_at_utc', r.generatedAt, 'iso');
  for (const [k, v] of Object.entries(r.sessions)) add('sessions', k, v, 'count');
  add('revenue', 'total', rupees(r.revenue.totalPaise), 'INR');
  add('revenue', 'cash', rupees(r.revenue.cashPaise), 'INR');
  add('revenue', 'online', rupees(r.revenue.onlinePaise), 'INR');
  add('revenue', 'refunds', rupees(r.revenue.refundsPaise), 'INR');
  add('revenue', 'late', rupees(r.revenue.latePaise), 'INR');
  add('revenue', 'cash_count', r.revenue.cashCount, 'count');
  add('revenue', 'online_count', r.revenue.onlineCount, 'count');
  add('revenue', 'refund_count', r.revenue.refundCount, 'count');
  add('revenue', 'late_count', r.revenue.lateCount, 'count');
  add('payments', 'pending', r.pendingPayments, 'count');
  add('payments', 'failed', r.failedPayments, 'count');
  add('stay', 'average_seconds', r.stay.averageSeconds, 'seconds');
  add('stay', 'median_seconds', r.stay.medianSeconds, 'seconds');
  if (r.tax) {
    const t = r.tax.total;
    add('tax', 'taxable_value', rupees(t.taxablePaise), 'INR');
    add('tax', 'cgst', rupees(t.cgstPaise), 'INR');
    add('tax', 'sgst', rupees(t.sgstPaise), 'INR');
    add('tax', 'igst', rupees(t.igstPaise), 'INR');
    add('tax', 'total', rupees(t.totalPaise), 'INR');
    add('tax', 'documents', t.documents, 'count');
  }
  add('integrity', 'ok', r.integrity.ok ? 'yes' : 'no', 'text');
  return rows;
}

/** The CSV files of the report, by file name (also used by tests to parse them back). */
export function reportCsvFiles(r: DailyReport): Record<string, string> {
  const tz = r.timeZone;
  const local = (isoText: string | null) => (isoText ? formatLocal(Date.parse(isoText), tz) : null);
  type Summary = ReturnType<typeof summaryRows>[number];
  return {
    'summary.csv': toCsv<Summary>(
      [text('section', (x) => x.section), text('metric', (x) => x.metric), { header: 'value', value: (x) => x.value, kind: (x) => (NUMERIC_UNITS.has(x.unit) ? 'number' : 'text') }, text('unit', (x) => x.unit)],
      summaryRows(r),
    ),
    'by_zone.csv': toCsv<DailyReport['byZone'][number]>([
      text('zone', (z) => z.zoneName), count('entered', (z) => z.entered), count('exited', (z) => z.exited),
      count('peak_occupancy', (z) => z.peakOccupancy), money('revenue_inr', (z) => z.revenuePaise), text('zone_id', (z) => z.zoneId),
    ], r.byZone),
    'by_hour.csv': toCsv<DailyReport['byHour'][number]>([
      count('hour', (h) => h.hour), count('occupancy', (h) => h.occupancy), count('entered', (h) => h.entered),
      count('exited', (h) => h.exited), money('revenue_inr', (h) => h.revenuePaise),
    ], r.byHour),
    'by_operator.csv': toCsv<DailyReport['byOperator'][number]>([
      text('operator', (o) => o.operatorName), count('payments', (o) => o.payments), money('revenue_inr', (o) => o.revenuePaise),
      money('cash_inr', (o) => o.cashPaise), money('online_inr', (o) => o.onlinePaise), text('operator_id', (o) => o.operatorId),
    ], r.byOperator),
    'by_shift.csv': toCsv<DailyReport['byShift'][number]>([
      text('cashier', (s) => s.operatorName), text('opened', (s) => local(s.openedAt)), text('closed', (s) => local(s.closedAt)),
      text('status', (s) => s.status), money('opening_float_inr', (s) => s.openingFloatPaise), money('cash_sales_inr', (s) => s.cashSalesPaise),
      money('expected_inr', (s) => s.expectedPaise), money('counted_inr', (s) => s.countedPaise), money('difference_inr', (s) => s.differencePaise),
      text('shift_id', (s) => s.shiftId),
    ], r.byShift),
    'exceptions.csv': toCsv<DailyReport['exceptions'][number]>([
      text('time', (e) => local(e.at)), text('kind', (e) => e.kind), text('vehicle', (e) => e.vehicleNumber),
      text('operator', (e) => e.operatorName), text('detail', (e) => e.detail), text('session_id', (e) => e.sessionId),
    ], r.exceptions),
    'vend_exceptions.csv': toCsv<NonNullable<DailyReport['vendExceptions']>[number]>([
      text('time', (e) => local(e.at)), text('kind', (e) => e.kind), text('lane', (e) => e.kioskId), text('cause', (e) => e.cause),
      text('vehicle', (e) => e.vehicleNumber), text('detail', (e) => e.detail), text('snapshot', (e) => (e.hasSnapshot ? 'yes' : 'no')),
      text('opening_id', (e) => e.openingId), text('shift_cashier', (e) => e.shiftOperatorName ?? null), text('shift_id', (e) => e.shiftId),
    ], r.vendExceptions ?? []),
    'manual_openings.csv': toCsv<NonNullable<DailyReport['manualOpenings']>[number]>([
      text('time', (o) => local(o.requestedAt)), text('lane', (o) => o.kioskId), text('supervisor', (o) => o.supervisorName),
      text('operator', (o) => o.operatorName), text('reason', (o) => o.reasonCode), text('detail', (o) => o.reasonText),
      count('cars', (o) => o.cars), text('status', (o) => o.status), text('snapshot', (o) => (o.hasSnapshot ? 'yes' : 'no')), text('opening_id', (o) => o.id),
    ], r.manualOpenings ?? []),
    // GST of the day (supplies less credit notes), one row per gate and per rate.
    'tax.csv': toCsv<{ by: string; key: string; a: NonNullable<DailyReport['tax']>['total'] }>([
      text('by', (x) => x.by), text('key', (x) => x.key), money('taxable_inr', (x) => x.a.taxablePaise), money('cgst_inr', (x) => x.a.cgstPaise),
      money('sgst_inr', (x) => x.a.sgstPaise), money('igst_inr', (x) => x.a.igstPaise), money('total_inr', (x) => x.a.totalPaise), count('documents', (x) => x.a.documents),
    ], r.tax ? [
      ...r.tax.byGate.map((g) => ({ by: 'gate', key: g.kioskId, a: g })),
      ...r.tax.byRate.map((x) => ({ by: 'rate', key: `${x.rateBp / 100}%`, a: x })),
    ] : []),
    'integrity.csv': toCsv<DailyReport['integrity']['findings'][number]>([
      text('check', (f) => f.check), count('count', (f) => f.count),
    ], r.integrity.findings),
  };
}

/** Summary rows whose value is a number we produced (a negative amount is a number, not a formula). */
const NUMERIC_UNITS = new Set(['INR', 'count', 'seconds']);

export function reportZip(r: DailyReport): Uint8Array {
  const files = reportCsvFiles(r);
  const prefix = `parkgate-report-${r.date}`;
  const entries: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(files)) entries[`${prefix}/${name}`] = strToU8(content);
  return zipSync(entries, { level: 6, mtime: new Date(r.generatedAt) });
}
