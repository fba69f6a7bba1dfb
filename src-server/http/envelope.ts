/** The response envelope (same as the kiosk API): `{ ok: true, data }` / `{ ok: false, error }`. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError, DEFAULT_MESSAGES, HTTP_STATUS } from '../../src-shared/contracts/errors.js';
import type { ErrorBody } from '../../src-shared/contracts/errors.js';

export const ok = <T>(data: T) => ({ ok: true as const, data });

/** Parse a raw JSON body (routes receive Buffers) against a schema; VALIDATION_FAILED otherwise. */
export function parseJson<S extends z.ZodType>(raw: unknown, schema: S): z.infer<S> {
  let value: unknown = {};
  if (Buffer.isBuffer(raw) && raw.length > 0) {
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError('VALIDATION_FAILED', 'The request body is not valid JSON.');
    }
  }
  return parseValue(value, schema);
}

export function parseValue<S extends z.ZodType>(value: unknown, schema: S): z.infer<S> {
  const res = schema.safeParse(value);
  if (!res.success) {
    throw new AppError('VALIDATION_FAILED', undefined, res.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return res.data;
}

export function errorHandler(err: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply): void {
  let status: number;
  let body: ErrorBody;
  if (err instanceof AppError) {
    status = HTTP_STATUS[err.code];
    body = { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) };
  } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    status = err.statusCode;
    const code = status === 401 ? 'UNAUTHENTICATED' : status === 404 ? 'NOT_FOUND' : status === 429 ? 'RATE_LIMITED' : 'VALIDATION_FAILED';
    body = { code, message: status === 413 ? 'The request body is too large.' : DEFAULT_MESSAGES[code] };
  } else {
    status = 500;
    req.log.error({ err }, 'unhandled error');
    body = { code: 'INTERNAL', message: DEFAULT_MESSAGES.INTERNAL };
  }
  void reply.status(status).send({ ok: false, error: body });
}
