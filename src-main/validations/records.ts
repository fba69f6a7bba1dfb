/** Rows of the validation tables as domain and API values, and the one way their changes are recorded (audit + outbox). */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Merchant, ValidationProgramView } from '../../src-shared/contracts/validations.js';
import type { ValidationProgram } from '../../src-shared/domain/validation.js';
import type { Actor, ServiceContext } from '../services/context.js';
import type { MerchantRow, SessionValidationRow, ValidationProgramRow } from '../store/schema-validations.js';

export function toProgram(r: ValidationProgramRow): ValidationProgram {
  return {
    id: r.id, merchantId: r.merchant_id, name: r.name, kind: r.kind, minutesOff: r.minutes_off, amountOffPaise: r.amount_off_paise,
    percentOff: r.percent_off, capPaise: r.cap_paise, reasonCode: r.reason_code, billRule: r.bill_rule, minBillPaise: r.min_bill_paise,
    stayOverMinutes: r.stay_over_minutes, stayUpToMinutes: r.stay_up_to_minutes,
  };
}

export function programView(r: ValidationProgramRow, merchantName: string): ValidationProgramView {
  return { ...toProgram(r), merchantName, isActive: r.is_active === 1 };
}

/** A prepaid merchant's balance at this gate: the sum of its ledger (top-ups +, draws -). */
export function balanceOf(ctx: ServiceContext, merchantId: string): number {
  const { q, db } = ctx.store;
  const r = q.first(db.selectFrom('merchant_ledger').select((eb) => eb.fn.sum<number>('amount_paise').as('s')).where('merchant_id', '=', merchantId));
  return Number(r?.s ?? 0);
}

export function merchantView(ctx: ServiceContext, r: MerchantRow): Merchant {
  return { id: r.id, name: r.name, prepaid: r.prepaid === 1, balancePaise: r.prepaid === 1 ? balanceOf(ctx, r.id) : null, isActive: r.is_active === 1 };
}

export function merchantRow(ctx: ServiceContext, merchantId: string): MerchantRow {
  const { q, db } = ctx.store;
  const r = q.first(db.selectFrom('merchants').selectAll().where('id', '=', merchantId));
  if (!r) throw new AppError('NOT_FOUND', 'No such merchant.');
  return r;
}

export function programRow(ctx: ServiceContext, programId: string): ValidationProgramRow {
  const { q, db } = ctx.store;
  const r = q.first(db.selectFrom('validation_programs').selectAll().where('id', '=', programId));
  if (!r) throw new AppError('NOT_FOUND', 'No such validation program.');
  return r;
}

export function recordMerchant(ctx: ServiceContext, actor: Actor | null, action: string, merchantId: string, details: Record<string, unknown>): void {
  ctx.audit.append({ operatorId: actor?.operatorId ?? null, action, entityType: 'merchant', entityId: merchantId, details });
  ctx.outbox.append('merchant.upserted', merchantId, { merchant: merchantRow(ctx, merchantId) });
}

export function recordProgram(ctx: ServiceContext, actor: Actor | null, action: string, programId: string, details: Record<string, unknown>): void {
  ctx.audit.append({ operatorId: actor?.operatorId ?? null, action, entityType: 'validationProgram', entityId: programId, details });
  ctx.outbox.append('validationProgram.upserted', programId, { program: programRow(ctx, programId) });
}

export function recordValidation(ctx: ServiceContext, actor: Actor | null, type: 'validation.applied' | 'validation.settled', v: SessionValidationRow, details: Record<string, unknown>): void {
  ctx.audit.append({ operatorId: actor?.operatorId ?? null, action: type, entityType: 'session', entityId: v.session_id, details: { validationId: v.id, programId: v.program_id, ...details } });
  ctx.outbox.append(type, v.id, { validation: v });
}
