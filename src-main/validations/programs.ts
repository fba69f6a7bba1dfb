/** Validation programs of a merchant, and the presets (Hyderabad mall rule, hospital patient). */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ValidationProgramView } from '../../src-shared/contracts/validations.js';
import { programProblems, VALIDATION_PRESETS, type ValidationPresetName, type ValidationProgram } from '../../src-shared/domain/validation.js';
import { newId } from '../core/ids.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { merchantRow, programRow, programView, recordProgram } from './records.js';

export type ProgramInput = Omit<ValidationProgram, 'id' | 'merchantId' | 'minutesOff' | 'amountOffPaise' | 'percentOff' | 'capPaise' | 'billRule' | 'minBillPaise' | 'stayOverMinutes' | 'stayUpToMinutes'>
  & Partial<Pick<ValidationProgram, 'minutesOff' | 'amountOffPaise' | 'percentOff' | 'capPaise' | 'billRule' | 'minBillPaise' | 'stayOverMinutes' | 'stayUpToMinutes'>>;

export function listPrograms(ctx: ServiceContext, filter: { merchantId?: string | undefined; includeInactive?: boolean | undefined } = {}): ValidationProgramView[] {
  const { q, db } = ctx.store;
  let query = db.selectFrom('validation_programs').innerJoin('merchants', 'merchants.id', 'validation_programs.merchant_id')
    .selectAll('validation_programs').select('merchants.name as merchant_name').orderBy('merchants.name').orderBy('validation_programs.created_at');
  if (filter.merchantId) query = query.where('validation_programs.merchant_id', '=', filter.merchantId);
  if (!filter.includeInactive) query = query.where('validation_programs.is_active', '=', 1).where('merchants.is_active', '=', 1);
  return q.all(query).map(({ merchant_name, ...r }) => programView(r, merchant_name));
}

function insertProgram(ctx: ServiceContext, actor: Actor, merchantId: string, input: ProgramInput): string {
  const { q, db } = ctx.store;
  const p: ValidationProgram = {
    id: newId(ctx.clock), merchantId, name: input.name, kind: input.kind, minutesOff: input.minutesOff ?? null, amountOffPaise: input.amountOffPaise ?? null,
    percentOff: input.percentOff ?? null, capPaise: input.capPaise ?? null, reasonCode: input.reasonCode, billRule: input.billRule ?? 'NONE',
    minBillPaise: input.minBillPaise ?? null, stayOverMinutes: input.stayOverMinutes ?? null, stayUpToMinutes: input.stayUpToMinutes ?? null,
  };
  const problems = programProblems(p);
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', problems.join('; '), { problems });
  const now = ctx.clock.now();
  q.run(db.insertInto('validation_programs').values({
    id: p.id, merchant_id: merchantId, name: p.name, kind: p.kind, minutes_off: p.minutesOff, amount_off_paise: p.amountOffPaise, percent_off: p.percentOff,
    cap_paise: p.capPaise, reason_code: p.reasonCode, bill_rule: p.billRule, min_bill_paise: p.minBillPaise, stay_over_minutes: p.stayOverMinutes,
    stay_up_to_minutes: p.stayUpToMinutes, is_active: 1, created_at: now, updated_at: now,
  }));
  recordProgram(ctx, actor, 'validationProgram.created', p.id, { merchantId, name: p.name, kind: p.kind, reasonCode: p.reasonCode });
  return p.id;
}

function view(ctx: ServiceContext, programId: string): ValidationProgramView {
  const r = programRow(ctx, programId);
  return programView(r, merchantRow(ctx, r.merchant_id).name);
}

export function createProgram(ctx: ServiceContext, actor: Actor, merchantId: string, input: ProgramInput): ValidationProgramView {
  return ctx.store.q.tx(() => {
    merchantRow(ctx, merchantId);
    return view(ctx, insertProgram(ctx, actor, merchantId, input));
  });
}

export function setProgramActive(ctx: ServiceContext, actor: Actor, programId: string, isActive: boolean): ValidationProgramView {
  const { q, db } = ctx.store;
  return q.tx(() => {
    programRow(ctx, programId);
    q.run(db.updateTable('validation_programs').set({ is_active: isActive ? 1 : 0, updated_at: ctx.clock.now() }).where('id', '=', programId));
    recordProgram(ctx, actor, 'validationProgram.updated', programId, { isActive });
    return view(ctx, programId);
  });
}

/**
 * Creates a preset's programs for the merchant. The Hyderabad rule also needs a 30-minute grace
 * on the mall's zones: returned for the supervisor to set (zones.update), never changed silently.
 */
export function applyPreset(ctx: ServiceContext, actor: Actor, merchantId: string, name: ValidationPresetName) {
  return ctx.store.q.tx(() => {
    merchantRow(ctx, merchantId);
    const preset = VALIDATION_PRESETS[name];
    const ids = preset.programs.map((p) => insertProgram(ctx, actor, merchantId, p));
    return { programs: ids.map((id) => view(ctx, id)), tariff: 'tariff' in preset ? { ...preset.tariff } : null };
  });
}
