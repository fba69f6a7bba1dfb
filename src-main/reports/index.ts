/** reports.daily and reports.export: one DailyReport (or ValidationsReport), rendered as a CSV zip or a PDF. */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ApiResult } from '../../src-shared/contracts/api.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { reportZip } from './csv.js';
import { dailyReport } from './daily.js';
import { validationsFileStem, validationsReport, validationsZip } from './validations.js';

export { dailyReport } from './daily.js';
export { validationsReport } from './validations.js';

export type ReportKind = 'daily' | 'validations';

export async function exportReport(
  ctx: ServiceContext, actor: Actor | null, date: string, format: 'csv' | 'pdf', kind: ReportKind = 'daily', to?: string,
): Promise<ApiResult<'reports.export'>> {
  if (kind === 'daily' && to !== undefined && to !== date) {
    throw new AppError('VALIDATION_FAILED', 'The daily report is one day: leave out `to`.', { issues: [{ path: 'to', message: 'Only with kind validations' }] });
  }
  let bytes: Buffer;
  let stem: string;
  if (kind === 'validations') {
    const report = validationsReport(ctx, date, to ?? date);
    stem = validationsFileStem(report);
    bytes = format === 'pdf' ? await (await import('./validations-pdf.js')).validationsPdf(report) : Buffer.from(validationsZip(report));
  } else {
    const report = dailyReport(ctx, date);
    stem = `parkgate-report-${date}`;
    // pdfkit is loaded on first use: it would add a second to every kiosk start.
    bytes = format === 'pdf' ? await (await import('./pdf.js')).reportPdf(report) : Buffer.from(reportZip(report));
  }
  // Who exported which figures is part of the audit trail (the export itself changes nothing else).
  ctx.store.q.tx(() => ctx.audit.append({
    operatorId: actor?.operatorId ?? null, action: 'report.exported', entityType: 'report', entityId: null,
    details: { date, format, bytes: bytes.length, ...(kind === 'daily' ? {} : { kind, to: to ?? date }) },
  }));
  return format === 'pdf'
    ? { fileName: `${stem}.pdf`, mimeType: 'application/pdf', base64: bytes.toString('base64') }
    : { fileName: `${stem}.zip`, mimeType: 'application/zip', base64: bytes.toString('base64') };
}
