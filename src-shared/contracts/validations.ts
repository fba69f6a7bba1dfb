/**
 * Merchants, validation programs and validations: the API methods (spread into the API table),
 * their results, and the sync payloads (spread into SYNC_EVENT_PAYLOADS). docs/validations.md.
 */
import { z } from 'zod';
import type { Quote } from './entities.js';
import { BILL_RULES, INELIGIBLE_REASONS, VALIDATION_KINDS, type IneligibleReason, type ValidationProgram } from '../domain/validation.js';

export type { BillRule, ValidationKind, ValidationProgram } from '../domain/validation.js';

const id = z.string().min(1).max(64);
const paise = z.number().int().min(0).max(100_000_000_00);
const name = z.string().trim().min(1).max(100);
const minutes = z.number().int().min(0).max(366 * 24 * 60);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date as YYYY-MM-DD');

export const programFieldsSchema = z.object({
  name,
  kind: z.enum(VALIDATION_KINDS),
  minutesOff: minutes.nullable().optional(),
  amountOffPaise: paise.nullable().optional(),
  percentOff: z.number().int().min(1).max(100).nullable().optional(),
  capPaise: paise.nullable().optional(),
  reasonCode: z.string().trim().toUpperCase().pipe(z.string().regex(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, 'Reason code: 1-32 of A-Z, 0-9, _ -')),
  billRule: z.enum(BILL_RULES).optional(),
  minBillPaise: paise.nullable().optional(),
  stayOverMinutes: minutes.nullable().optional(),
  stayUpToMinutes: minutes.nullable().optional(),
}).strict();

export const VALIDATION_API = {
  'merchants.list': { role: 'CASHIER', input: z.object({ includeInactive: z.boolean().optional() }).strict() },
  'merchants.create': { role: 'SUPERVISOR', input: z.object({ name, prepaid: z.boolean() }).strict() },
  'merchants.update': { role: 'SUPERVISOR', input: z.object({ merchantId: id, name: name.optional(), isActive: z.boolean().optional() }).strict() },
  'merchants.topUp': { role: 'SUPERVISOR', input: z.object({ merchantId: id, amountPaise: paise.min(1) }).strict() },
  'merchants.statement': {
    role: 'SUPERVISOR',
    input: z.object({ merchantId: id, month: z.string().regex(/^\d{4}-\d{2}$/, 'Month as YYYY-MM'), format: z.enum(['csv', 'pdf']) }).strict(),
  },
  'validations.programs': { role: 'CASHIER', input: z.object({ merchantId: id.optional(), includeInactive: z.boolean().optional() }).strict() },
  'validations.createProgram': { role: 'SUPERVISOR', input: programFieldsSchema.extend({ merchantId: id }).strict() },
  'validations.updateProgram': { role: 'SUPERVISOR', input: z.object({ programId: id, isActive: z.boolean() }).strict() },
  'validations.applyPreset': {
    role: 'SUPERVISOR',
    input: z.object({ merchantId: id, preset: z.enum(['HYDERABAD_MALL', 'HOSPITAL_PATIENT']) }).strict(),
  },
  'validations.issueCode': {
    role: 'CASHIER',
    input: z.object({ programId: id, billPaise: paise.optional(), validMinutes: z.number().int().min(1).max(7 * 24 * 60).optional() }).strict(),
  },
  'validations.scan': { role: 'CASHIER', input: z.object({ sessionId: id, code: z.string().min(1).max(128) }).strict() },
  'validations.apply': {
    role: 'CASHIER',
    // No programId: the program that takes most off for this bill, among all active programs.
    input: z.object({ sessionId: id, programId: id.optional(), billPaise: paise.optional() }).strict(),
  },
  'validations.forSession': { role: 'ATTENDANT', input: z.object({ sessionId: id }).strict() },
  /** After the exit: the validations as the receipt shows them (null when none took anything off). */
  'validations.receipt': { role: 'ATTENDANT', input: z.object({ sessionId: id }).strict() },
  'validations.report': { role: 'SUPERVISOR', input: z.object({ from: day, to: day }).strict() },
} as const;

export interface Merchant {
  id: string;
  name: string;
  prepaid: boolean;
  /** Prepaid merchants: top-ups less what validations drew at this gate; null when billed afterwards. */
  balancePaise: number | null;
  isActive: boolean;
}

/** A program as the API shows it: the domain's program plus its merchant's name and whether it is active. */
export interface ValidationProgramView extends ValidationProgram {
  merchantName: string;
  isActive: boolean;
}

/** One validation on a quote: what it took off now, or why nothing. */
export interface QuoteValidation {
  validationId: string;
  programId: string;
  programName: string;
  merchantName: string;
  reasonCode: string;
  source: 'CODE' | 'MANUAL';
  billPaise: number | null;
  discountPaise: number;
  ineligible: IneligibleReason | null;
}

/** What validations took off a visit, as its receipt shows it: fee before, one line per validation, what was left to pay. */
export interface ReceiptValidations {
  feeBeforePaise: number;
  lines: { merchantName: string; programName: string; discountPaise: number }[];
  /** The parking fee after the validations plus any lost-ticket fee. */
  duePaise: number;
}

/** The receipt's validation part after the exit: PAID (something was paid) or EXEMPTED (the validations made it free). */
export interface ValidationReceipt extends ReceiptValidations {
  paidPaise: number;
  status: 'PAID' | 'EXEMPTED';
}

/** kiosk_id of a validation a merchant recorded through the central server (its sync node id). */
export const PREVALIDATION_KIOSK_ID = 'server';

export interface ValidationReportRow {
  key: string;
  name: string;
  count: number;
  discountPaise: number;
  /** By program: the program's merchant (two merchants may name a program alike). */
  merchantName?: string;
}
export interface ValidationReport {
  from: string;
  to: string;
  timeZone: string;
  /** Settled validations (the car left): the revenue forgone is their total discount. */
  count: number;
  revenueForgonePaise: number;
  /** Of `count`, the validations merchants recorded through the central server (pre-validations). */
  preValidatedCount: number;
  byMerchant: ValidationReportRow[];
  byProgram: ValidationReportRow[];
}

export interface ValidationApiResults {
  'merchants.list': Merchant[];
  'merchants.create': Merchant;
  'merchants.update': Merchant;
  'merchants.topUp': Merchant;
  'merchants.statement': { fileName: string; mimeType: string; base64: string };
  'validations.programs': ValidationProgramView[];
  'validations.createProgram': ValidationProgramView;
  'validations.updateProgram': ValidationProgramView;
  'validations.applyPreset': { programs: ValidationProgramView[]; tariff: { graceMinutes: number } | null };
  'validations.issueCode': { code: string; codeId: string; expiresAt: string };
  'validations.scan': Quote;
  'validations.apply': Quote;
  'validations.forSession': QuoteValidation[];
  'validations.receipt': ValidationReceipt | null;
  'validations.report': ValidationReport;
}

export { INELIGIBLE_REASONS };

// ------------------------------------------------------------------ sync payloads

const flag = z.union([z.literal(0), z.literal(1)]);
const nullInt = z.number().int().nullable();

export const merchantSnapSchema = z.object({
  id, name: z.string().min(1).max(100), prepaid: flag, is_active: flag, created_at: z.number(), updated_at: z.number(),
});
export type MerchantSnap = z.infer<typeof merchantSnapSchema>;

export const programSnapSchema = z.object({
  id, merchant_id: id, name: z.string().min(1).max(100), kind: z.enum(VALIDATION_KINDS), minutes_off: nullInt, amount_off_paise: nullInt,
  percent_off: nullInt, cap_paise: nullInt, reason_code: z.string().min(1).max(32), bill_rule: z.enum(BILL_RULES), min_bill_paise: nullInt,
  stay_over_minutes: nullInt, stay_up_to_minutes: nullInt, is_active: flag, created_at: z.number(), updated_at: z.number(),
});
export type ProgramSnap = z.infer<typeof programSnapSchema>;

export const validationSnapSchema = z.object({
  id, session_id: id, program_id: id, merchant_id: id, source: z.enum(['CODE', 'MANUAL']), code_id: z.string().max(32).nullable(),
  bill_paise: nullInt, discount_paise: z.number().int().min(0), fee_before_paise: z.number().int().min(0), settled: flag,
  operator_id: z.string().max(64).nullable(), kiosk_id: z.string().min(1).max(64), created_at: z.number(), updated_at: z.number(),
});
export type ValidationSnap = z.infer<typeof validationSnapSchema>;

export const ledgerSnapSchema = z.object({
  id, merchant_id: id, kind: z.enum(['TOPUP', 'DRAW']), amount_paise: z.number().int(), validation_id: id.nullable(),
  operator_id: z.string().max(64).nullable(), kiosk_id: z.string().min(1).max(64), at: z.number(),
});

export const VALIDATION_EVENT_PAYLOADS = {
  /** A merchant created or changed (replicated to every gate, last writer by HLC). */
  'merchant.upserted': z.object({ merchant: merchantSnapSchema }),
  /** A program created or changed (replicated to every gate, last writer by HLC). */
  'validationProgram.upserted': z.object({ program: programSnapSchema }),
  /** A validation put on a session; the server's fold keeps the first use of a code and flags the others. */
  'validation.applied': z.object({ validation: validationSnapSchema }),
  /** The session completed: the validation's final discount (reports, bill-back). */
  'validation.settled': z.object({ validation: validationSnapSchema }),
  /** A prepaid merchant's top-up or draw. */
  'merchant.ledger': z.object({ entry: ledgerSnapSchema }),
} as const;

/** A scan that is a merchant validation code, not a ticket (the exit screen routes it to validations.scan). */
export { isValidationCodeText } from '../domain/validation-code.js';
