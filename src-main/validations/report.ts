/** Validations report: settled validations in a date range, by merchant and by program (with its merchant), the revenue forgone, and how many merchants pre-validated. */
import { PREVALIDATION_KIOSK_ID, type ValidationReport, type ValidationReportRow } from '../../src-shared/contracts/validations.js';
import { dayBounds } from '../reports/time.js';
import type { ServiceContext } from '../services/context.js';
import { getSettings } from '../services/settings.js';

export function validationReport(ctx: ServiceContext, from: string, to: string): ValidationReport {
  const { q, db } = ctx.store;
  const timeZone = getSettings(ctx).timeZone;
  const start = dayBounds(from, timeZone).start;
  const end = dayBounds(to, timeZone).end;
  const rows = q.all(db.selectFrom('session_validations as v')
    .innerJoin('validation_programs as p', 'p.id', 'v.program_id').innerJoin('merchants as m', 'm.id', 'v.merchant_id')
    .select(['v.merchant_id', 'm.name as merchant', 'v.program_id', 'p.name as program', 'v.discount_paise', 'v.kiosk_id'])
    .where('v.settled', '=', 1).where('v.updated_at', '>=', start).where('v.updated_at', '<', end));
  const group = (key: (r: (typeof rows)[number]) => [string, string], merchantName = false): ValidationReportRow[] => {
    const m = new Map<string, ValidationReportRow>();
    for (const r of rows) {
      const [k, name] = key(r);
      const g = m.get(k) ?? { key: k, name, count: 0, discountPaise: 0, ...(merchantName ? { merchantName: r.merchant } : {}) };
      g.count++;
      g.discountPaise += r.discount_paise;
      m.set(k, g);
    }
    return [...m.values()].sort((a, b) => b.discountPaise - a.discountPaise || a.name.localeCompare(b.name));
  };
  return {
    from, to, timeZone,
    count: rows.length,
    revenueForgonePaise: rows.reduce((s, r) => s + r.discount_paise, 0),
    // A merchant's pre-validation is recorded by the server (its kiosk id is the server's node).
    preValidatedCount: rows.filter((r) => r.kiosk_id === PREVALIDATION_KIOSK_ID).length,
    byMerchant: group((r) => [r.merchant_id, r.merchant]),
    byProgram: group((r) => [r.program_id, r.program], true),
  };
}
