/** The merchants.* and validations.* API methods bound to their services (spread into the handler map). */
import type { ApiMethod, ApiParsedInput, ApiResult } from '../../src-shared/contracts/api.js';
import type { VALIDATION_API } from '../../src-shared/contracts/validations.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { applyValidation, issueCode, scanValidationCode } from './apply.js';
import { createMerchant, listMerchants, topUpMerchant, updateMerchant } from './merchants.js';
import { priceSession } from './pricing.js';
import { applyPreset, createProgram, listPrograms, setProgramActive } from './programs.js';
import { validationReport } from './report.js';
import { validationReceipt } from './receipt.js';
import { merchantStatement } from './statement.js';
import { creditedPaise, sessionRowById } from '../services/session-records.js';

type M = keyof typeof VALIDATION_API & ApiMethod;
interface Caller { ctx: ServiceContext; actor: Actor | null }
export type ValidationHandlers = { [K in M]: (c: Caller, input: ApiParsedInput<K>) => ApiResult<K> | Promise<ApiResult<K>> };

const actorOf = (c: Caller): Actor => {
  if (!c.actor) throw new AppError('UNAUTHENTICATED');
  return c.actor;
};

export const validationHandlers: ValidationHandlers = {
  'merchants.list': (c, i) => listMerchants(c.ctx, i.includeInactive ?? false),
  'merchants.create': (c, i) => createMerchant(c.ctx, actorOf(c), i),
  'merchants.update': (c, i) => updateMerchant(c.ctx, actorOf(c), i),
  'merchants.topUp': (c, i) => topUpMerchant(c.ctx, actorOf(c), i.merchantId, i.amountPaise),
  'merchants.statement': (c, i) => merchantStatement(c.ctx, i.merchantId, i.month, i.format),
  'validations.programs': (c, i) => listPrograms(c.ctx, i),
  'validations.createProgram': (c, { merchantId, ...p }) => createProgram(c.ctx, actorOf(c), merchantId, p),
  'validations.updateProgram': (c, i) => setProgramActive(c.ctx, actorOf(c), i.programId, i.isActive),
  'validations.applyPreset': (c, i) => applyPreset(c.ctx, actorOf(c), i.merchantId, i.preset),
  'validations.issueCode': (c, i) => issueCode(c.ctx, actorOf(c), i),
  'validations.scan': (c, i) => scanValidationCode(c.ctx, actorOf(c), i),
  'validations.apply': (c, i) => applyValidation(c.ctx, actorOf(c), i),
  'validations.forSession': (c, i) => {
    const s = sessionRowById(c.ctx, i.sessionId);
    return priceSession(c.ctx, s, s.lost_ticket === 1, creditedPaise(c.ctx, s), false).validations;
  },
  'validations.receipt': (c, i) => validationReceipt(c.ctx, i.sessionId),
  'validations.report': (c, i) => validationReport(c.ctx, i.from, i.to),
};
