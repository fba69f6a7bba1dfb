/**
 * Season pass sales paid by UPI: the API methods (spread into the API table) and their results.
 * The pass exists only once the central server reports the gateway's verified payment; a failed,
 * expired or cancelled attempt leaves no pass (docs/passes.md, "Paying by UPI").
 */
import { z } from 'zod';
import { passSellSchema, type PassSaleResult } from './passes.js';

const id = z.string().min(1).max(64);
const paise = z.number().int().min(0).max(100_000_000_00);
const isoTime = z.string().datetime({ offset: true });

export const PASS_UPI_API = {
  'passes.sellUpi': { role: 'CASHIER', input: passSellSchema.omit({ tenderedPaise: true }) },
  'passes.renewUpi': { role: 'CASHIER', input: z.object({ passId: id, pricePaise: paise, validUntil: isoTime.optional() }).strict() },
  /** The attempt's state, refreshed from the central server while it is open; the sale once it succeeded. */
  'passes.upiStatus': { role: 'CASHIER', input: z.object({ paymentId: id }).strict() },
  /** The cashier gives up on UPI (to take cash): the attempt ends, no pass. */
  'passes.upiCancel': { role: 'CASHIER', input: z.object({ paymentId: id }).strict() },
} as const;

export type PassUpiStatus = 'PENDING' | 'SUCCESS' | 'FAILED' | 'EXPIRED';

export interface PassUpiAttempt {
  paymentId: string;
  kind: 'SALE' | 'RENEWAL';
  status: PassUpiStatus;
  amountPaise: number;
  upiUri: string | null;
  expiresAt: string | null;
  /** Set once the payment was verified and the pass activated (or renewed). */
  sale: PassSaleResult | null;
  /** A success this kiosk did not turn into a pass (late, or amount/reference mismatch): for a supervisor. */
  reviewReason: string | null;
  /** PENDING, but the central server could not be asked just now. */
  statusUnknown?: boolean;
}

export interface PassUpiApiResults {
  'passes.sellUpi': PassUpiAttempt;
  'passes.renewUpi': PassUpiAttempt;
  'passes.upiStatus': PassUpiAttempt;
  'passes.upiCancel': PassUpiAttempt;
}
