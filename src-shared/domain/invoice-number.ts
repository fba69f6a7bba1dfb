/**
 * GST document numbers (Rule 46(b): at most 16 characters, unique within a financial year,
 * several series allowed; letters, digits, '-' and '/').
 *
 *   <gate prefix, 1-3 letters/digits><series letter>/<FY code>/<counter, 6 digits>
 *   e.g. "G01I/2627/000042": gate G01, tax invoice, 2026-27, the 42nd.
 *
 * Each gate (kiosk) owns its prefix, so gates number offline without coordinating; each
 * (gate, series, financial year) is one gap-free counter starting at 1.
 */
import type { FinancialYear } from './gst-financial-year.js';

export const INVOICE_SERIES = {
  /** tax invoices: B2C, B2B, and the day's consolidated invoice for small receipts */
  TAX_INVOICE: 'I',
  /** credit notes for refunds */
  CREDIT_NOTE: 'C',
} as const;

export type InvoiceSeries = keyof typeof INVOICE_SERIES;

export const MAX_INVOICE_COUNTER = 999_999;
export const INVOICE_NUMBER_MAX_LENGTH = 16;

const PREFIX_RE = /^[A-Z0-9]{1,3}$/;

export function isValidSeriesPrefix(prefix: string): boolean {
  return PREFIX_RE.test(prefix);
}

/** A default gate prefix from the kiosk id: its last three letters/digits ("kiosk-7f3a" -> "F3A"). */
export function defaultSeriesPrefix(kioskId: string): string {
  const alnum = kioskId.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return alnum.slice(-3) || 'K';
}

export function formatInvoiceNumber(prefix: string, series: InvoiceSeries, fy: FinancialYear, counter: number): string {
  if (!isValidSeriesPrefix(prefix)) throw new RangeError('a series prefix is 1-3 letters or digits');
  if (!Number.isSafeInteger(counter) || counter < 1) throw new RangeError('an invoice counter starts at 1');
  if (counter > MAX_INVOICE_COUNTER) throw new RangeError(`the ${fy.label} series of ${prefix} is full (${MAX_INVOICE_COUNTER} documents)`);
  return `${prefix}${INVOICE_SERIES[series]}/${fy.code}/${String(counter).padStart(6, '0')}`;
}

export interface ParsedInvoiceNumber { prefix: string; series: InvoiceSeries; fyCode: string; counter: number }

export function parseInvoiceNumber(number: string): ParsedInvoiceNumber | null {
  const m = /^([A-Z0-9]{1,3})([IC])\/(\d{4})\/(\d{6})$/.exec(number);
  if (!m) return null;
  const series = (Object.keys(INVOICE_SERIES) as InvoiceSeries[]).find((k) => INVOICE_SERIES[k] === m[2])!;
  return { prefix: m[1]!, series, fyCode: m[3]!, counter: Number(m[4]) };
}
