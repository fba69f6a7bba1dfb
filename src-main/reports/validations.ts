/**
 * reports.validations and reports.export `kind: 'validations'`: validations by merchant and by
 * program (and each settled validation), pass entries / exits / resets, anti-passback flags and the
 * revenue forgone, for a facility-local date range. One object feeds the screen, the CSV zip and
 * the PDF, so the three agree; every amount is integer paise until it is written as rupees.
 */
import { strToU8, zipSync } from 'fflate';
import { AppError } from '../../src-shared/contracts/errors.js';
import { VALIDATIONS_REPORT_MAX_DAYS, type ValidationReportItem, type ValidationsReport } from '../../src-shared/contracts/validation-reports.js';
import { paiseToRupeesString } from '../../src-shared/domain/money.js';
import { passFlagsReport, passForgoneReport, passMovementsReport } from '../passes/reports.js';
import type { ServiceContext } from '../services/context.js';
import { getSettings } from '../services/settings.js';
import { iso } from '../services/views.js';
import { validationReport } from '../validations/report.js';
import { toCsv, type Column } from './csv.js';
import { dayBounds, formatLocal, parseDate } from './time.js';

function checkRange(from: string, to: string): void {
  for (const d of [from, to]) {
    try {
      parseDate(d);
    } catch {
      throw new AppError('VALIDATION_FAILED', `No such date: ${d}`, { issues: [{ path: d === from ? 'from' : 'to', message: 'No such date' }] });
    }
  }
  if (to < from) throw new AppError('VALIDATION_FAILED', 'The range ends before it starts.', { issues: [{ path: 'to', message: 'Before from' }] });
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > VALIDATIONS_REPORT_MAX_DAYS) {
    throw new AppError('VALIDATION_FAILED', `At most ${VALIDATIONS_REPORT_MAX_DAYS} days in one report.`, { issues: [{ path: 'to', message: 'Range too long' }] });
  }
}

function validationItems(ctx: ServiceContext, start: number, end: number): ValidationReportItem[] {
  const { q, db } = ctx.store;
  // The same rows as validationReport (settled, by the settling time), one line each.
  return q.all(db.selectFrom('session_validations as v')
    .innerJoin('validation_programs as p', 'p.id', 'v.program_id').innerJoin('merchants as m', 'm.id', 'v.merchant_id')
    .leftJoin('sessions as s', 's.id', 'v.session_id').leftJoin('vehicles as c', 'c.id', 's.vehicle_id')
    .select(['v.id', 'v.updated_at', 'v.session_id', 'c.vehicle_number', 'v.merchant_id', 'm.name as merchant', 'v.program_id', 'p.name as program',
      'p.reason_code', 'v.source', 'v.kiosk_id', 'v.bill_paise', 'v.fee_before_paise', 'v.discount_paise'])
    .where('v.settled', '=', 1).where('v.updated_at', '>=', start).where('v.updated_at', '<', end)
    .orderBy('v.updated_at').orderBy('v.id'))
    .map((r) => ({
      validationId: r.id, settledAt: iso(r.updated_at)!, sessionId: r.session_id, vehicleNumber: r.vehicle_number ?? null,
      merchantId: r.merchant_id, merchantName: r.merchant, programId: r.program_id, programName: r.program, reasonCode: r.reason_code,
      source: r.source as 'CODE' | 'MANUAL', kioskId: r.kiosk_id, billPaise: r.bill_paise, feeBeforePaise: r.fee_before_paise, discountPaise: r.discount_paise,
    }));
}

export function validationsReport(ctx: ServiceContext, from: string, to = from): ValidationsReport {
  checkRange(from, to);
  const settings = getSettings(ctx);
  const start = dayBounds(from, settings.timeZone).start;
  const end = dayBounds(to, settings.timeZone).end;
  const validations = { ...validationReport(ctx, from, to), items: validationItems(ctx, start, end) };
  const movements = passMovementsReport(ctx, from, to);
  const { date: _date, ...forgone } = passForgoneReport(ctx, from, to);
  return {
    from, to, timeZone: settings.timeZone, facilityName: settings.facilityName,
    rangeStart: iso(start)!, rangeEnd: iso(end)!, generatedAt: iso(ctx.clock.now())!,
    validations,
    passes: {
      entries: movements.entries, exits: movements.exits, resets: movements.resets, movements: movements.items,
      flags: passFlagsReport(ctx, from, to), forgone,
    },
    revenueForgonePaise: validations.revenueForgonePaise + forgone.forgonePaise,
  };
}

// ------------------------------------------------------------------ CSV

const rupees = (paise: number | null) => (paise == null ? null : paiseToRupeesString(paise));
const money = <T>(header: string, get: (r: T) => number | null): Column<T> => ({ header, value: (r) => rupees(get(r)), kind: 'number' });
const count = <T>(header: string, get: (r: T) => number): Column<T> => ({ header, value: get, kind: 'number' });
const text = <T>(header: string, get: (r: T) => string | null): Column<T> => ({ header, value: get });

/** The CSV files of the report by name (reports/csv.ts conventions: BOM, CRLF, rupees, local times). */
export function validationsCsvFiles(r: ValidationsReport): Record<string, string> {
  const local = (isoText: string) => formatLocal(Date.parse(isoText), r.timeZone);
  const v = r.validations;
  const p = r.passes;
  type Row = (typeof v.byProgram)[number];
  type Summary = { metric: string; value: string | number; kind: 'text' | 'number' };
  const summary: Summary[] = [
    { metric: 'facility', value: r.facilityName, kind: 'text' },
    { metric: 'from', value: r.from, kind: 'text' },
    { metric: 'to', value: r.to, kind: 'text' },
    { metric: 'time_zone', value: r.timeZone, kind: 'text' },
    { metric: 'validations', value: v.count, kind: 'number' },
    { metric: 'pre_validated', value: v.preValidatedCount, kind: 'number' },
    { metric: 'validations_forgone_inr', value: paiseToRupeesString(v.revenueForgonePaise), kind: 'number' },
    { metric: 'pass_entries', value: p.entries, kind: 'number' },
    { metric: 'pass_exits', value: p.exits, kind: 'number' },
    { metric: 'pass_resets', value: p.resets, kind: 'number' },
    { metric: 'pass_flags', value: p.flags.length, kind: 'number' },
    { metric: 'pass_visits', value: p.forgone.visits, kind: 'number' },
    { metric: 'passes_forgone_inr', value: paiseToRupeesString(p.forgone.forgonePaise), kind: 'number' },
    { metric: 'revenue_forgone_inr', value: paiseToRupeesString(r.revenueForgonePaise), kind: 'number' },
  ];
  return {
    'summary.csv': toCsv<Summary>([text('metric', (x) => x.metric), { header: 'value', value: (x) => x.value, kind: (x) => x.kind }], summary),
    'by_merchant.csv': toCsv<Row>([text('merchant', (x) => x.name), count('validations', (x) => x.count), money('discount_inr', (x) => x.discountPaise), text('merchant_id', (x) => x.key)], v.byMerchant),
    'by_program.csv': toCsv<Row>([
      text('program', (x) => x.name), text('merchant', (x) => x.merchantName ?? null), count('validations', (x) => x.count),
      money('discount_inr', (x) => x.discountPaise), text('program_id', (x) => x.key),
    ], v.byProgram),
    'validations.csv': toCsv<ValidationReportItem>([
      text('settled', (x) => local(x.settledAt)), text('vehicle', (x) => x.vehicleNumber), text('merchant', (x) => x.merchantName),
      text('program', (x) => x.programName), text('reason_code', (x) => x.reasonCode), text('source', (x) => x.source), text('gate', (x) => x.kioskId),
      money('bill_inr', (x) => x.billPaise), money('fee_before_inr', (x) => x.feeBeforePaise), money('discount_inr', (x) => x.discountPaise),
      text('session_id', (x) => x.sessionId), text('validation_id', (x) => x.validationId),
    ], v.items),
    'pass_movements.csv': toCsv<(typeof p.movements)[number]>([
      text('time', (x) => local(x.at)), text('direction', (x) => x.direction), text('holder', (x) => x.holderName), text('vehicle', (x) => x.vehicleNumber),
      text('gate', (x) => x.kioskId), text('flag', (x) => x.flag), text('pass_id', (x) => x.passId), text('session_id', (x) => x.sessionId),
    ], p.movements),
    'pass_flags.csv': toCsv<(typeof p.flags)[number]>([
      text('time', (x) => local(x.at)), text('direction', (x) => x.direction), text('holder', (x) => x.holderName), text('anti_passback', (x) => x.antiPassback),
      text('gate', (x) => x.kioskId), text('gate_flag', (x) => x.gateFlag), text('server_flag', (x) => x.serverFlag), text('pass_id', (x) => x.passId),
    ], p.flags),
    'pass_forgone.csv': toCsv<(typeof p.forgone.items)[number]>([
      text('holder', (x) => x.holderName), text('entry', (x) => local(x.entryAt)), text('exit', (x) => local(x.exitAt)),
      money('full_fee_inr', (x) => x.fullFeePaise), money('billed_inr', (x) => x.billedPaise), money('forgone_inr', (x) => x.forgonePaise),
      text('pass_id', (x) => x.passId), text('session_id', (x) => x.sessionId),
    ], p.forgone.items),
  };
}

export function validationsFileStem(r: ValidationsReport): string {
  return r.from === r.to ? `parkgate-validations-${r.from}` : `parkgate-validations-${r.from}_${r.to}`;
}

export function validationsZip(r: ValidationsReport): Uint8Array {
  const prefix = validationsFileStem(r);
  const entries: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(validationsCsvFiles(r))) entries[`${prefix}/${name}`] = strToU8(content);
  return zipSync(entries, { level: 6, mtime: new Date(r.generatedAt) });
}
