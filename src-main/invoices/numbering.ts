/**
 * Gap-free document numbers. The next counter of a (gate prefix, series, financial year) is
 * read and used inside the caller's transaction: SQLite has one writer, so no two documents can
 * take the same counter, a rolled-back payment takes its number back with it, and a crash
 * either commits both the payment and its number or neither (tests/invoices/crash.test.ts).
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { FinancialYear } from '../../src-shared/domain/gst-financial-year.js';
import { formatInvoiceNumber, INVOICE_SERIES, MAX_INVOICE_COUNTER, type InvoiceSeries } from '../../src-shared/domain/invoice-number.js';
import type { ServiceContext } from '../services/context.js';

export function nextDocumentNumber(ctx: ServiceContext, prefix: string, series: InvoiceSeries, fy: FinancialYear): { counter: number; number: string } {
  const { q, db } = ctx.store;
  const letter = INVOICE_SERIES[series];
  const last = q.first(
    db.selectFrom('tax_documents').select((eb) => eb.fn.max('counter').as('counter'))
      .where('prefix', '=', prefix).where('series', '=', letter).where('fy_code', '=', fy.code),
  );
  const counter = Number(last?.counter ?? 0) + 1;
  if (counter > MAX_INVOICE_COUNTER) {
    throw new AppError('CONFLICT', `The ${fy.label} invoice series ${prefix}${letter} is full. An admin must give this gate a new series prefix.`);
  }
  return { counter, number: formatInvoiceNumber(prefix, series, fy, counter) };
}
