/**
 * The single entry point of the API for every transport: finds the method, authenticates,
 * checks the role, validates the input with the contract's zod schema, calls, and maps every
 * failure to a typed error. It never throws.
 */
import { API, type ApiMethod } from '../../src-shared/contracts/api.js';
import { AppError, type ApiResponse, type ErrorBody } from '../../src-shared/contracts/errors.js';
import { roleAtLeast } from '../../src-shared/contracts/roles.js';
import { authenticate } from '../services/auth.js';
import type { CallContext } from './handlers.js';
import { handlers } from './handlers.js';

export interface DispatchOptions {
  devMethods: boolean;
  onInternalError(method: string, err: unknown): void;
}

function isApiMethod(method: string, devMethods: boolean): method is ApiMethod {
  if (!Object.prototype.hasOwnProperty.call(API, method)) return false;
  return devMethods || !method.startsWith('dev.');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function toErrorBody(err: unknown): ErrorBody | null {
  if (err instanceof AppError) {
    const body: ErrorBody = { code: err.code, message: err.message };
    if (err.details !== undefined) body.details = err.details;
    if (err.key) {
      body.key = err.key;
      body.params = err.params ?? {};
    }
    return body;
  }
  const sqliteCode = (err as { code?: unknown } | null)?.code;
  if (typeof sqliteCode === 'string' && sqliteCode.startsWith('SQLITE_CONSTRAINT')) {
    return { code: 'CONFLICT', message: 'This conflicts with an existing record. Check and try again.' };
  }
  if (sqliteCode === 'SQLITE_BUSY') {
    return { code: 'INTERNAL', message: 'The kiosk is busy. Try again in a moment.' };
  }
  return null;
}

export async function dispatch(
  base: Omit<CallContext, 'actor' | 'token'>,
  method: string,
  rawInput: unknown,
  token: string | null,
  options: DispatchOptions,
): Promise<ApiResponse<unknown>> {
  try {
    if (!isApiMethod(method, options.devMethods)) {
      throw new AppError('NOT_FOUND', `Unknown method ${method.slice(0, 64)}.`);
    }
    const spec = API[method];
    const actor = spec.role === null ? null : authenticate(base.ctx, token);
    if (actor && spec.role && !roleAtLeast(actor.role, spec.role)) {
      throw new AppError('FORBIDDEN', `Your role (${actor.role}) cannot do this. It needs ${spec.role} or above.`);
    }
    const input = rawInput === undefined || rawInput === null ? {} : rawInput;
    if (!isPlainObject(input)) throw new AppError('VALIDATION_FAILED', 'The request must be a JSON object.');
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message }));
      const first = issues[0];
      throw new AppError('VALIDATION_FAILED', first ? `${first.path || 'input'}: ${first.message}` : undefined, { issues });
    }
    const handler = handlers[method] as (c: CallContext, i: unknown) => unknown;
    const data = await handler({ ...base, actor, token }, parsed.data);
    return { ok: true, data };
  } catch (err) {
    const body = toErrorBody(err);
    if (body) return { ok: false, error: body };
    options.onInternalError(method, err);
    return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong. Try again; if it repeats, call a supervisor.' } };
  }
}
