/** The passes.*Upi API methods bound to the UPI pass sales service (spread into the handler map). */
import type { ApiMethod, ApiParsedInput, ApiResult } from '../../src-shared/contracts/api.js';
import type { PASS_UPI_API } from '../../src-shared/contracts/pass-upi.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Actor } from '../services/context.js';
import type { PassUpiSales } from './upi-sale.js';

type M = keyof typeof PASS_UPI_API & ApiMethod;
interface Caller { passUpi: PassUpiSales; actor: Actor | null }
export type PassUpiHandlers = { [K in M]: (c: Caller, input: ApiParsedInput<K>) => ApiResult<K> | Promise<ApiResult<K>> };

const actorOf = (c: Caller): Actor => {
  if (!c.actor) throw new AppError('UNAUTHENTICATED');
  return c.actor;
};

export const passUpiHandlers: PassUpiHandlers = {
  'passes.sellUpi': (c, i) => c.passUpi.sell(actorOf(c), i),
  'passes.renewUpi': (c, i) => c.passUpi.renew(actorOf(c), i),
  'passes.upiStatus': (c, i) => c.passUpi.status(i.paymentId),
  'passes.upiCancel': (c, i) => c.passUpi.cancel(actorOf(c), i.paymentId),
};
