/**
 * The supervisor's validations and passes report over a facility-local date range: validations by
 * merchant and by program (with every settled validation), pass entries / exits / resets, the
 * anti-passback flags, and the revenue forgone (validations plus pass visits). The API method is
 * spread into the API table; reports.export `kind: 'validations'` renders the same object.
 */
import { z } from 'zod';
import type { PassApiResults } from './passes.js';
import type { ValidationReport } from './validations.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date as YYYY-MM-DD');

/** The longest range one report covers (a year and a day: a leap year with both edges). */
export const VALIDATIONS_REPORT_MAX_DAYS = 367;

export const VALIDATION_REPORT_API = {
  'reports.validations': { role: 'SUPERVISOR', input: z.object({ from: day, to: day.optional() }).strict() },
} as const;

/** One settled validation (the car left): what it took off the fee. */
export interface ValidationReportItem {
  validationId: string;
  settledAt: string;
  sessionId: string;
  vehicleNumber: string | null;
  merchantId: string;
  merchantName: string;
  programId: string;
  programName: string;
  reasonCode: string;
  source: 'CODE' | 'MANUAL';
  kioskId: string;
  billPaise: number | null;
  feeBeforePaise: number;
  discountPaise: number;
}

export interface ValidationsReport {
  from: string;
  to: string;
  timeZone: string;
  facilityName: string;
  /** UTC instants of the range's start (inclusive) and end (exclusive). */
  rangeStart: string;
  rangeEnd: string;
  generatedAt: string;
  validations: ValidationReport & { items: ValidationReportItem[] };
  passes: {
    entries: number;
    exits: number;
    resets: number;
    movements: PassApiResults['passes.movements']['items'];
    flags: PassApiResults['passes.flags'];
    forgone: Omit<PassApiResults['passes.forgone'], 'date'>;
  };
  /** Validations' discounts plus the pass visits' forgone fees, in paise. */
  revenueForgonePaise: number;
}

export interface ValidationReportApiResults {
  'reports.validations': ValidationsReport;
}
