/**
 * A kiosk asks for the SMS of a document's e-receipt link: POST /kiosk/v1/e-receipts/sms
 * `{ token, mobile }` (signed). The server sends it because it holds the provider key and the
 * public address of /r/<token>; it sends only for a document that kiosk issued (synced to it),
 * at most SMS_PER_DOCUMENT times per document (a stuck button or a misused kiosk cannot flood a
 * number): one budget for all the instances when they share Redis (src-server/invoices/sms-budget.ts),
 * else this process's own. Failures are typed (details.reason).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { ServerContext } from '../context.js';
import { ok, parseJson } from '../http/envelope.js';
import { kioskAuthenticator } from '../kiosks/request-auth.js';
import type { DocumentByToken } from './routes.js';
import { sendEReceiptSms, SmsError } from './sms.js';
import { memorySmsBudget, redisSmsBudget, type SmsBudget } from './sms-budget.js';

export const SMS_PER_DOCUMENT = 3;

const smsBody = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'an e-receipt token'),
  mobile: z.string().min(1).max(32),
}).strict();

/** The instances' shared budget with Redis, else this process's. */
export function smsBudgetFor(ctx: Pick<ServerContext, 'redis' | 'config' | 'log'>): SmsBudget {
  if (!ctx.redis) return memorySmsBudget(SMS_PER_DOCUMENT);
  return redisSmsBudget(ctx.redis, ctx.config.redisKeyPrefix, SMS_PER_DOCUMENT, {
    onFallback: (message) => ctx.log.warn({ err: message }, 'Redis for the SMS budget unreachable: this instance counts on its own meanwhile'),
  });
}

export function registerEReceiptSmsRoute(app: FastifyInstance, ctx: ServerContext, byToken: DocumentByToken, budget: SmsBudget = smsBudgetFor(ctx)): void {
  const auth = kioskAuthenticator(ctx);
  ctx.routes.add({ method: 'POST', url: '/kiosk/v1/e-receipts/sms', summary: 'Send the e-receipt link of a document this kiosk issued by SMS', tag: 'kiosk', auth: 'kiosk', body: smsBody });
  app.post('/kiosk/v1/e-receipts/sms', async (req) => {
    const kioskId = await auth(req);
    const input = parseJson(req.body, smsBody);
    const sms = ctx.config.sms;
    if (!sms) throw new AppError('CONFLICT', 'SMS is not set up on the central server.', { reason: 'SMS_DISABLED' });
    const doc = await byToken(input.token);
    // Another kiosk's document reads as unknown: a kiosk cannot probe tokens it did not issue.
    if (!doc || doc.kioskId !== kioskId) throw new AppError('NOT_FOUND', 'The central server does not have this invoice yet.', { reason: 'NOT_SYNCED' });
    // Taken before sending (so concurrent requests on any instance cannot overshoot), given back on failure.
    if (!(await budget.take(doc.id))) throw new AppError('RATE_LIMITED', `This e-receipt was already sent ${SMS_PER_DOCUMENT} times.`, { reason: 'SMS_LIMIT' });
    const url = `${ctx.config.publicBaseUrl}/r/${input.token}`;
    try {
      const { requestId } = await sendEReceiptSms(sms, input.mobile, { url, number: doc.number ?? doc.refersToNumber ?? 'receipt' });
      ctx.log.info({ kioskId, document: doc.id }, 'e-receipt SMS sent');
      return ok({ requestId, url });
    } catch (err) {
      await budget.giveBack(doc.id);
      if (!(err instanceof SmsError)) throw err;
      if (err.reason === 'BAD_NUMBER') throw new AppError('VALIDATION_FAILED', err.message, { reason: 'BAD_NUMBER' });
      ctx.log.warn({ kioskId, reason: err.reason }, 'e-receipt SMS failed');
      throw new AppError('CONFLICT', err.message, { reason: `SMS_${err.reason}` });
    }
  });
}
