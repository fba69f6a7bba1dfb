/**
 * Season passes: the API methods (spread into the API table), their results, and the sync
 * payloads (spread into SYNC_EVENT_PAYLOADS). docs/passes.md.
 */
import { z } from 'zod';
import type { Quote, Session } from './entities.js';
import { ANTI_PASSBACK_MODES, PASS_KINDS, type AntiPassbackMode, type PassHours, type PassKind } from '../domain/season-pass.js';

const id = z.string().min(1).max(64);
const paise = z.number().int().min(0).max(100_000_000_00);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date as YYYY-MM-DD');
const isoTime = z.string().datetime({ offset: true });
const plate = z.string().trim().min(1).max(20);
const hoursSchema = z.object({
  days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
  startMinute: z.number().int().min(0).max(1440),
  endMinute: z.number().int().min(0).max(1440),
}).strict().refine((h) => h.startMinute !== h.endMinute, 'Hours must not be empty');

export const passSellSchema = z.object({
  kind: z.enum(PASS_KINDS),
  holderName: z.string().trim().min(1).max(100),
  plates: z.array(plate).max(50).default([]),
  cardId: z.string().trim().regex(/^[A-Za-z0-9_-]{1,40}$/, 'Card id: 1-40 of A-Z, 0-9, _ -').optional(),
  /** [] or absent: every zone. */
  zones: z.array(id).max(50).optional(),
  hours: hoursSchema.optional(),
  /** MONTHLY / QUARTERLY: the first local day (default today). */
  startDay: day.optional(),
  /** CUSTOM: [validFrom, validUntil). */
  validFrom: isoTime.optional(),
  validUntil: isoTime.optional(),
  maxCars: z.number().int().min(1).max(1000).optional(),
  antiPassback: z.enum(ANTI_PASSBACK_MODES).optional(),
  pricePaise: paise,
  tenderedPaise: paise,
}).strict();

export const PASS_API = {
  'passes.list': { role: 'CASHIER', input: z.object({ includeExpired: z.boolean().optional() }).strict() },
  'passes.sell': { role: 'CASHIER', input: passSellSchema },
  'passes.renew': { role: 'CASHIER', input: z.object({ passId: id, pricePaise: paise, tenderedPaise: paise, validUntil: isoTime.optional() }).strict() },
  'passes.code': { role: 'CASHIER', input: z.object({ passId: id }).strict() },
  'passes.enter': { role: 'ATTENDANT', input: z.object({ code: z.string().min(1).max(100), vehicleNumber: plate.optional(), zoneId: id.optional() }).strict() },
  'passes.exit': { role: 'ATTENDANT', input: z.object({ code: z.string().min(1).max(100) }).strict() },
  /** `all` (after a gate was left open) needs the reason, kept in the audit log. */
  'passes.reset': {
    role: 'SUPERVISOR',
    input: z.object({ passId: id.optional(), all: z.literal(true).optional(), reason: z.string().trim().min(3).max(200).optional() }).strict()
      .refine((i) => (i.passId === undefined) !== (i.all === undefined), 'Give passId or all: true')
      .refine((i) => i.all === undefined || i.reason !== undefined, 'Give the reason for resetting every pass'),
  },
  'passes.expiring': { role: 'CASHIER', input: z.object({ days: z.number().int().min(1).max(60).optional() }).strict() },
} as const;

export interface PassView {
  id: string;
  kind: PassKind;
  holderName: string;
  plates: string[];
  cardId: string | null;
  zones: string[];
  hours: PassHours | null;
  validFrom: string;
  validUntil: string;
  maxCars: number;
  antiPassback: AntiPassbackMode;
  pricePaise: number;
  /** Cars of this pass inside as this gate knows; neutral after a reset (the next movement is trusted). */
  inside: number;
  neutral: boolean;
}

export interface PassSaleResult { pass: PassView; code: string; saleId: string; changePaise: number }
export type PassFlag = 'ALREADY_IN' | 'NOT_IN';

export interface PassApiResults {
  'passes.list': PassView[];
  'passes.sell': PassSaleResult;
  'passes.renew': PassSaleResult;
  'passes.code': { code: string };
  /** The session (marked as a pass visit); flagged when a SOFT pass entered while its cars were in. */
  'passes.enter': { session: Session; passId: string; flagged: PassFlag | null; coveredNow: boolean };
  /** Completed when nothing is due (session set); otherwise the quote to take payment for; flagged: a SOFT exit with no car in. */
  'passes.exit': { session: Session | null; quote: Quote | null; passId: string; flagged: PassFlag | null };
  'passes.reset': { reset: number };
  'passes.expiring': (PassView & { daysLeft: number })[];
}

// ------------------------------------------------------------------ sync payloads

export const passSnapSchema = z.object({
  id, kind: z.enum(PASS_KINDS), holder_name: z.string().min(1).max(100), plates: z.string().max(2000), card_id: z.string().max(40).nullable(),
  zones: z.string().max(4000), hours: z.string().max(200).nullable(), valid_from: z.number().int(), valid_until: z.number().int(),
  max_cars: z.number().int().min(1).max(1000), anti_passback: z.enum(ANTI_PASSBACK_MODES), price_paise: z.number().int().min(0),
  created_at: z.number(), updated_at: z.number(),
});
export type PassSnap = z.infer<typeof passSnapSchema>;

export const movementSnapSchema = z.object({
  id, pass_id: id, direction: z.enum(['ENTRY', 'EXIT', 'RESET']), session_id: id.nullable(), flag: z.enum(['ALREADY_IN', 'NOT_IN']).nullable(),
  operator_id: z.string().max(64).nullable(), kiosk_id: z.string().min(1).max(64), at: z.number().int(),
});
export type MovementSnap = z.infer<typeof movementSnapSchema>;

export const passSaleSnapSchema = z.object({
  id, pass_id: id, kind: z.enum(['SALE', 'RENEWAL']), method: z.enum(['CASH', 'UPI']), amount_paise: z.number().int().min(0), shift_id: id,
  operator_id: id, valid_from: z.number().int(), valid_until: z.number().int(), kiosk_id: z.string().min(1).max(64), created_at: z.number(),
});

export const PASS_EVENT_PAYLOADS = {
  /** A pass sold, renewed or changed (replicated to every gate, last writer by HLC). */
  'seasonPass.upserted': z.object({ pass: passSnapSchema }),
  /** An entry, exit or supervisor reset on a pass (every gate replays them; the server's fold flags what offline gates could not see). */
  'pass.movement': z.object({ movement: movementSnapSchema }),
  /** A sale or renewal, cash or verified UPI (stored). */
  'pass.sold': z.object({ sale: passSaleSnapSchema }),
} as const;

export { isPassCodeText } from '../domain/season-pass-code.js';
