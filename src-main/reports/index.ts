/** reports.daily and reports.export: one DailyReport, rendered as a CSV zip or a PDF. */
import type { ApiResult } from '../../src-shared/contracts/api.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { reportZip } from './csv.js';
import { dailyReport } from './daily.js';

export { dailyReport } from './daily.js';

export async function exportReport(
  ctx: ServiceContext, actor: Actor | null, date: string, format: 'csv' | 'pdf',
): Promise<ApiResult<'reports.export'>> {
  const report = dailyReport(ctx, date);
  // pdfkit is loaded on first use: it would add a second to every kiosk start.
  const bytes = format === 'pdf' ? await (await import('./pdf.js')).reportPdf(report) : Buffer.from(reportZip(report));
  // Who exported which day's figures is part of the audit trail (the export itself changes nothing else).
  ctx.store.q.tx(() => ctx.audit.append({
    operatorId: actor?.operatorId ?? null, action: 'report.exported', entityType: 'report', entityId: null,
    details: { date, format, bytes: bytes.length },
  }));
  return format === 'pdf'
    ? { fileName: `parkgate-report-${date}.pdf`, mimeType: 'application/pdf', base64: bytes.toString('base64') }
    : { fileName: `parkgate-report-${date}.zip`, mimeType: 'application/zip', base64: bytes.toString('base64') };
}
