/**
 * Putting a validation on a session at the cash desk: by scanning a merchant's signed code, or
 * by picking a program (or letting the bill pick one) with the bill amount entered. Every refusal
 * is a typed error and changes nothing (one transaction): a forged, expired, malformed or
 * other-facility code; a code already used here; a program that does not apply to this visit;
 * the same program twice on one visit. The answer is the new quote (fee before, discount, due).
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Quote } from '../../src-shared/contracts/entities.js';
import { assertTransition } from '../../src-shared/domain/session-state.js';
import { bestProgram, priceVisit, type IneligibleReason } from '../../src-shared/domain/validation.js';
import { parseValidationCode, signValidationCode, type ValidationCodeFailure } from '../../src-shared/domain/validation-code.js';
import { newId } from '../core/ids.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { quoteSession } from '../services/gate-exit.js';
import { sessionRowById, zoneRow } from '../services/session-records.js';
import { zoneTariff } from '../services/views.js';
import type { SessionRow } from '../store/schema.js';
import type { ValidationProgramRow } from '../store/schema-validations.js';
import { facilityId } from './facility.js';
import { claimsOf, loadValidations } from './pricing.js';
import { balanceOf, programRow, recordValidation, toProgram } from './records.js';

/** How long an issued code is good for when the merchant does not say. */
export const DEFAULT_CODE_VALID_MINUTES = 24 * 60;

const CODE_MESSAGES: Record<ValidationCodeFailure, string> = {
  MALFORMED: 'This validation code cannot be read. Scan it again.',
  UNKNOWN_KEY: 'This validation code was signed by a key this gate does not know. Call a supervisor.',
  BAD_SIGNATURE: 'This validation code has been changed or is not genuine. Nothing was applied.',
  WRONG_FACILITY: 'This validation code is for another parking facility. Nothing was applied.',
  EXPIRED: 'This validation code has expired. Ask the shop for a new one.',
};

const INELIGIBLE_MESSAGES: Record<IneligibleReason, string> = {
  BILL_REQUIRED: 'This validation needs the shop bill amount.',
  BILL_TOO_SMALL: 'The bill is below what this validation needs.',
  BILL_NOT_ABOVE_FEE: 'The bill must be more than the parking fee for this validation.',
  STAY_TOO_SHORT: 'The stay is too short for this validation.',
  STAY_TOO_LONG: 'The stay is too long for this validation.',
  NOTHING_DUE: 'Nothing is left to discount on this visit.',
  NO_BALANCE: "The merchant's prepaid balance is used up.",
};

function openSession(ctx: ServiceContext, sessionId: string): SessionRow {
  const s = sessionRowById(ctx, sessionId);
  assertTransition(s.status, 'COMPLETED'); // only an entered, still-open visit can be validated
  return s;
}

function activeProgram(ctx: ServiceContext, programId: string): ValidationProgramRow {
  const { q, db } = ctx.store;
  const p = q.first(db.selectFrom('validation_programs').selectAll().where('id', '=', programId));
  if (!p) throw new AppError('NOT_FOUND', 'This validation program is not known at this gate yet. Call a supervisor.', { reason: 'UNKNOWN_PROGRAM' });
  const m = q.first(db.selectFrom('merchants').select('is_active').where('id', '=', p.merchant_id));
  if (p.is_active !== 1 || m?.is_active !== 1) throw new AppError('CONFLICT', 'This validation program is switched off.', { reason: 'PROGRAM_INACTIVE' });
  return p;
}

/** Refuses a program that gives this visit nothing now (judged with the validations already on it). */
function assertApplies(ctx: ServiceContext, session: SessionRow, program: ValidationProgramRow, billPaise: number | null): void {
  const loaded = loadValidations(ctx, session.id);
  if (loaded.some((l) => l.program.id === program.id)) {
    throw new AppError('CONFLICT', 'This validation is already on this visit.', { reason: 'ALREADY_APPLIED' });
  }
  const prepaid = ctx.store.q.first(ctx.store.db.selectFrom('merchants').select('prepaid').where('id', '=', program.merchant_id))?.prepaid === 1;
  const price = priceVisit({
    tariff: zoneTariff(zoneRow(ctx, session.zone_id)), entryAtMs: session.entry_at ?? session.booked_at ?? session.created_at, nowMs: ctx.clock.now(),
    paidPaise: 0, lastPaidAtMs: null, lostTicket: false,
    validations: claimsOf(ctx, loaded, [{ program: toProgram(program), billPaise, balancePaise: prepaid ? balanceOf(ctx, program.merchant_id) : null }]),
  });
  const d = price.discounts[price.discounts.length - 1]!;
  if (d.discountPaise === 0) {
    const reason = d.ineligible ?? 'NOTHING_DUE';
    throw new AppError('CONFLICT', INELIGIBLE_MESSAGES[reason], { reason });
  }
}

function insert(ctx: ServiceContext, actor: Actor, session: SessionRow, program: ValidationProgramRow, source: 'CODE' | 'MANUAL', codeId: string | null, billPaise: number | null): Quote {
  const { q, db } = ctx.store;
  const now = ctx.clock.now();
  const row = {
    id: newId(ctx.clock), session_id: session.id, program_id: program.id, merchant_id: program.merchant_id, source, code_id: codeId, bill_paise: billPaise,
    discount_paise: 0, fee_before_paise: 0, settled: 0 as const, operator_id: actor.operatorId, kiosk_id: ctx.kioskId, created_at: now, updated_at: now,
  };
  q.run(db.insertInto('session_validations').values(row));
  const quote = quoteSession(ctx, actor, sessionRowById(ctx, session.id), session.lost_ticket === 1);
  const stored = q.first(db.selectFrom('session_validations').selectAll().where('id', '=', row.id))!;
  recordValidation(ctx, actor, 'validation.applied', stored, { source, codeId, billPaise, reasonCode: program.reason_code, discountPaise: stored.discount_paise });
  return quote;
}

/** Applies a program picked by the cashier, or (no programId) the one that takes most off for this bill. */
export function applyValidation(ctx: ServiceContext, actor: Actor, input: { sessionId: string; programId?: string | undefined; billPaise?: number | undefined }): Quote {
  return ctx.store.q.tx(() => {
    const session = openSession(ctx, input.sessionId);
    const bill = input.billPaise ?? null;
    let program: ValidationProgramRow;
    if (input.programId) {
      program = activeProgram(ctx, input.programId);
    } else {
      const { q, db } = ctx.store;
      const used = new Set(loadValidations(ctx, session.id).map((l) => l.program.id));
      const candidates = q.all(db.selectFrom('validation_programs').innerJoin('merchants', 'merchants.id', 'validation_programs.merchant_id')
        .selectAll('validation_programs').where('validation_programs.is_active', '=', 1).where('merchants.is_active', '=', 1)
        .orderBy('validation_programs.created_at')).filter((p) => !used.has(p.id));
      const best = bestProgram(candidates.map(toProgram), {
        tariff: zoneTariff(zoneRow(ctx, session.zone_id)), entryAtMs: session.entry_at ?? session.booked_at ?? session.created_at, nowMs: ctx.clock.now(), billPaise: bill,
      });
      if (!best) throw new AppError('CONFLICT', 'No validation applies to this visit with this bill.', { reason: 'NOT_ELIGIBLE' });
      program = candidates.find((p) => p.id === best.program.id)!;
    }
    assertApplies(ctx, session, program, bill);
    return insert(ctx, actor, session, program, 'MANUAL', null, bill);
  });
}

/** Applies a scanned merchant code; the bill it carries is used unless the cashier typed one. */
export function scanValidationCode(ctx: ServiceContext, actor: Actor, input: { sessionId: string; code: string }): Quote {
  return ctx.store.q.tx(() => {
    const session = openSession(ctx, input.sessionId);
    const parsed = parseValidationCode(input.code, ctx.ticketKeys, { facilityId: facilityId(ctx), nowMs: ctx.clock.now() });
    if (!parsed.ok) throw new AppError('TICKET_INVALID', CODE_MESSAGES[parsed.reason], { reason: parsed.reason, kind: 'VALIDATION_CODE' });
    const { q, db } = ctx.store;
    const used = q.first(db.selectFrom('session_validations').select(['session_id']).where('code_id', '=', parsed.payload.codeId));
    if (used) throw new AppError('CONFLICT', 'This validation code has already been used.', { reason: 'CODE_USED' });
    const program = activeProgram(ctx, parsed.payload.programId);
    assertApplies(ctx, session, program, parsed.payload.billPaise);
    return insert(ctx, actor, session, program, 'CODE', parsed.payload.codeId, parsed.payload.billPaise);
  });
}

/** A signed code for a program (a merchant's desk prints or shows it as a QR code). */
export function issueCode(ctx: ServiceContext, actor: Actor, input: { programId: string; billPaise?: number | undefined; validMinutes?: number | undefined }) {
  return ctx.store.q.tx(() => {
    const program = activeProgram(ctx, input.programId);
    programRow(ctx, program.id);
    const expiresAtMs = Math.floor((ctx.clock.now() + (input.validMinutes ?? DEFAULT_CODE_VALID_MINUTES) * 60_000) / 1000) * 1000;
    const codeIdBytes = randomBytes(8);
    const code = signValidationCode({ codeIdBytes, programId: program.id, facilityId: facilityId(ctx), expiresAtMs, billPaise: input.billPaise ?? null }, ctx.ticketKey);
    const codeId = codeIdBytes.toString('base64url');
    ctx.audit.append({ operatorId: actor.operatorId, action: 'validation.codeIssued', entityType: 'validationProgram', entityId: program.id, details: { codeId, billPaise: input.billPaise ?? null, expiresAt: new Date(expiresAtMs).toISOString() } });
    return { code, codeId, expiresAt: new Date(expiresAtMs).toISOString() };
  });
}
