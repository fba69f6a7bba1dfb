/** The passes.* API methods bound to their services (spread into the handler map). */
import type { ApiMethod, ApiParsedInput, ApiResult } from '../../src-shared/contracts/api.js';
import type { PASS_API } from '../../src-shared/contracts/passes.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { expiringPasses, listPasses, reserveSpaces, resetPasses } from './admin.js';
import { enterWithPass, exitWithPass } from './gate.js';
import { passCode, renewPass, sellPass } from './sell.js';
import { enterByPlate, exitByPlate } from './plate-entry.js';
import { passFlagsReport, passForgoneReport, passMovementsReport } from './reports.js';

type M = keyof typeof PASS_API & ApiMethod;
interface Caller { ctx: ServiceContext; actor: Actor | null }
export type PassHandlers = { [K in M]: (c: Caller, input: ApiParsedInput<K>) => ApiResult<K> | Promise<ApiResult<K>> };

const actorOf = (c: Caller): Actor => {
  if (!c.actor) throw new AppError('UNAUTHENTICATED');
  return c.actor;
};

export const passHandlers: PassHandlers = {
  'passes.list': (c, i) => listPasses(c.ctx, i.includeExpired ?? false),
  'passes.sell': (c, i) => sellPass(c.ctx, actorOf(c), i),
  'passes.renew': (c, i) => renewPass(c.ctx, actorOf(c), i),
  'passes.code': (c, i) => passCode(c.ctx, i.passId),
  'passes.enter': (c, i) => enterWithPass(c.ctx, actorOf(c), i),
  'passes.exit': (c, i) => exitWithPass(c.ctx, actorOf(c), i),
  'passes.reset': (c, i) => resetPasses(c.ctx, actorOf(c), i),
  'passes.expiring': (c, i) => expiringPasses(c.ctx, i.days),
  'passes.reserve': (c, i) => reserveSpaces(c.ctx, actorOf(c), i),
  'passes.enterByPlate': (c, i) => enterByPlate(c.ctx, actorOf(c), i),
  'passes.exitByPlate': (c, i) => exitByPlate(c.ctx, actorOf(c), i),
  'passes.movements': (c, i) => passMovementsReport(c.ctx, i.date),
  'passes.flags': (c, i) => passFlagsReport(c.ctx, i.date),
  'passes.forgone': (c, i) => passForgoneReport(c.ctx, i.date),
};
