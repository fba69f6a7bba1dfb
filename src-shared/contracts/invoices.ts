/** GST tax settings and tax documents (docs/invoices.md): shapes shared by the API, the screens and the server. */
import { z } from 'zod';
import { isGstStateCode } from '../domain/gstin.js';
import { validateGstin } from '../domain/gstin.js';
import { isValidSeriesPrefix } from '../domain/invoice-number.js';
import { MAX_GST_RATE_BP } from '../domain/tax-split.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date as YYYY-MM-DD');

/** A GSTIN as typed: normalised, then refused with the validator's message if wrong. */
export const gstinSchema = z.string().max(32).transform((raw, ctx) => {
  const r = validateGstin(raw);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  }
  return r.gstin;
});

export const taxSettingsInputSchema = z.object({
  legalName: z.string().trim().min(1).max(200).optional(),
  address: z.string().trim().min(1).max(300).optional(),
  stateName: z.string().trim().min(1).max(60).optional(),
  stateCode: z.string().refine(isGstStateCode, 'A GST state code, two digits (e.g. 27 for Maharashtra)').optional(),
  gstin: gstinSchema.optional(),
  /** true: the tariff is what the driver pays (tax inside); false: tax is added on top. */
  inclusive: z.boolean().optional(),
  sac: z.string().regex(/^\d{4,8}$/, 'A SAC is 4 to 8 digits (996743: parking lot services)').optional(),
  /** A new rate, in basis points (1800 = 18 %), taking effect from `rateFrom` (today or later). */
  rateBp: z.number().int().min(0).max(MAX_GST_RATE_BP).optional(),
  rateFrom: day.optional(),
  /** This gate's invoice series prefix, 1-3 letters or digits, unique among the facility's gates. */
  seriesPrefix: z.string().trim().toUpperCase().refine(isValidSeriesPrefix, 'A series prefix is 1 to 3 letters or digits').optional(),
}).strict();

export type TaxSettingsInput = z.input<typeof taxSettingsInputSchema>;

export interface TaxRatePeriod { from: string; rateBp: number }

export interface TaxSettings {
  legalName: string;
  address: string;
  stateName: string;
  stateCode: string;
  gstin: string | null;
  inclusive: boolean;
  sac: string;
  /** Rate schedule, oldest first; an entry applies from its day (IST) until the next one. */
  rates: TaxRatePeriod[];
  seriesPrefix: string;
  /** True when there is enough to issue a tax invoice (GSTIN, legal name, address, state). */
  invoicing: boolean;
}

export const buyerSchema = z.object({
  gstin: gstinSchema.optional(),
  name: z.string().trim().min(1).max(200).optional(),
  /** The driver asked for a tax invoice (below Rs 200 one is otherwise issued in the day's consolidated invoice). */
  wantInvoice: z.boolean().optional(),
}).strict().refine((b) => !b.gstin || !!b.name, { message: 'A B2B invoice needs the buyer\'s name with the GSTIN' });

export type BuyerInput = z.input<typeof buyerSchema>;

export const TAX_DOCUMENT_KINDS = ['TAX_INVOICE', 'CONSOLIDATED', 'CREDIT_NOTE', 'RECEIPT'] as const;
export type TaxDocumentKind = (typeof TAX_DOCUMENT_KINDS)[number];

const docPaise = z.number().int().min(0);

/** A tax document as the kiosk issues it; also the payload of its `invoice.issued` sync event. */
export const taxDocumentSchema = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(TAX_DOCUMENT_KINDS),
  /** null for a RECEIPT (a small B2C supply invoiced in the day's consolidated invoice) */
  number: z.string().max(16).nullable(),
  supplyType: z.enum(['B2C', 'B2B']),
  kioskId: z.string().min(1).max(64),
  sessionId: z.string().max(64).nullable(),
  paymentId: z.string().max(64).nullable(),
  issuedAt: z.string(),
  /** IST day of the supply */
  day: z.string(),
  supplier: z.object({ legalName: z.string(), address: z.string(), stateName: z.string(), stateCode: z.string(), gstin: z.string() }),
  buyerGstin: z.string().nullable(),
  buyerName: z.string().nullable(),
  placeOfSupply: z.string(),
  sac: z.string(),
  rateBp: z.number().int().min(0),
  inclusive: z.boolean(),
  taxablePaise: docPaise,
  cgstPaise: docPaise,
  sgstPaise: docPaise,
  igstPaise: docPaise,
  totalPaise: docPaise,
  /** a credit note: the invoice it adjusts; a receipt: its consolidated invoice */
  refersTo: z.string().nullable(),
  refersToNumber: z.string().nullable(),
  reason: z.string().nullable(),
  /** The e-receipt address part (unguessable); the server serves /r/<token>. */
  token: z.string().min(20).max(128),
  /** A lost ticket's surcharge included in totalPaise (its own line on the invoice); absent otherwise. */
  lostTicketFeePaise: docPaise.nullable().optional(),
});
export type TaxDocument = z.infer<typeof taxDocumentSchema>;

export const invoiceRegisterInput = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, 'Month as YYYY-MM') }).strict();
export const creditNoteInput = z.object({
  invoiceId: z.string().min(1).max(64),
  amountPaise: z.number().int().min(1).max(100_000_000_00),
  reason: z.string().trim().min(3, 'Give a reason').max(500),
}).strict();
export const consolidateInput = z.object({ day }).strict();

export interface TaxAmounts { taxablePaise: number; cgstPaise: number; sgstPaise: number; igstPaise: number; totalPaise: number; documents: number }

/** The daily report's tax lines (IST day): supplies less credit notes, per gate and per rate. */
export interface DailyTax {
  day: string;
  total: TaxAmounts;
  byGate: (TaxAmounts & { kioskId: string })[];
  byRate: (TaxAmounts & { rateBp: number })[];
}
