/**
 * A session's price with its validations (src-shared/domain/validation.ts priceVisit): loads the
 * validations put on the session, prices the visit, and keeps each validation's discount of this
 * pricing on its row (what the receipt, the settlement and the reports use).
 */
import type { QuoteValidation } from '../../src-shared/contracts/validations.js';
import { priceVisit, type ValidationClaim, type VisitPrice } from '../../src-shared/domain/validation.js';
import type { ServiceContext } from '../services/context.js';
import { zoneRow } from '../services/session-records.js';
import { zoneTariff } from '../services/views.js';
import type { SessionRow } from '../store/schema.js';
import type { SessionValidationRow, ValidationProgramRow } from '../store/schema-validations.js';
import { balanceOf, toProgram } from './records.js';
import { passBilledFrom } from '../passes/visit.js';

interface Loaded { row: SessionValidationRow; program: ValidationProgramRow; merchantName: string; prepaid: boolean }

export function loadValidations(ctx: ServiceContext, sessionId: string): Loaded[] {
  const { q, db } = ctx.store;
  const rows = q.all(db.selectFrom('session_validations').selectAll().where('session_id', '=', sessionId).orderBy('created_at').orderBy('id'));
  return rows.map((row) => {
    const program = q.first(db.selectFrom('validation_programs').selectAll().where('id', '=', row.program_id))!;
    const m = q.first(db.selectFrom('merchants').select(['name', 'prepaid']).where('id', '=', row.merchant_id))!;
    return { row, program, merchantName: m.name, prepaid: m.prepaid === 1 };
  });
}

export function claimsOf(ctx: ServiceContext, loaded: readonly Loaded[], extra: ValidationClaim[] = []): ValidationClaim[] {
  return [
    ...loaded.map((l) => ({ program: toProgram(l.program), billPaise: l.row.bill_paise, balancePaise: l.prepaid && l.row.settled === 0 ? balanceOf(ctx, l.row.merchant_id) : null })),
    ...extra,
  ];
}

export interface SessionPrice { price: VisitPrice; validations: QuoteValidation[] }

/** Prices the visit now; `persist` stores each validation's discount of this pricing (inside the caller's transaction). */
export function priceSession(ctx: ServiceContext, session: SessionRow, lostTicket: boolean, paidPaise: number, persist: boolean): SessionPrice {
  const loaded = loadValidations(ctx, session.id);
  const nowMs = ctx.clock.now();
  // A pass visit is rated from the moment its pass stops covering it, with no grace (docs/passes.md).
  const passFrom = passBilledFrom(ctx, session, nowMs);
  const tariff = zoneTariff(zoneRow(ctx, session.zone_id));
  const price = priceVisit({
    tariff: passFrom === null ? tariff : { ...tariff, graceMinutes: 0 },
    entryAtMs: passFrom ?? session.entry_at ?? session.booked_at ?? session.created_at,
    nowMs,
    paidPaise,
    lastPaidAtMs: session.last_paid_at,
    lostTicket,
    validations: claimsOf(ctx, loaded),
  });
  const validations = loaded.map((l, i): QuoteValidation => {
    const d = price.discounts[i]!;
    return {
      validationId: l.row.id, programId: l.program.id, programName: l.program.name, merchantName: l.merchantName, reasonCode: l.program.reason_code,
      source: l.row.source, billPaise: l.row.bill_paise, discountPaise: d.discountPaise, ineligible: d.ineligible,
    };
  });
  if (persist) {
    const { q, db } = ctx.store;
    const now = ctx.clock.now();
    loaded.forEach((l, i) => {
      const d = price.discounts[i]!.discountPaise;
      if (l.row.settled === 0 && (l.row.discount_paise !== d || l.row.fee_before_paise !== price.feeBeforeValidationPaise)) {
        q.run(db.updateTable('session_validations').set({ discount_paise: d, fee_before_paise: price.feeBeforeValidationPaise, updated_at: now }).where('id', '=', l.row.id));
      }
    });
  }
  return { price, validations };
}
