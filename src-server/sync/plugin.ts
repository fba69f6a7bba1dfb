/**
 * Fastify routes for sync (register with `app.register(syncRoutes, { service, authenticate })`):
 *   POST /sync/v1/push                        PushBody -> PushResult
 *   GET  /sync/v1/pull?after=&limit=&wait=&v= -> PullResult (long-poll up to `wait` ms, max 30 s)
 * Bodies are the sync contract's (src-shared/contracts/sync.ts); `v` / `protocolVersion` absent = 1.
 * Both answer in the server's envelope ({ ok, data } / { ok: false, error }). The kiosk is
 * identified by `authenticate(request)` (the enrolment HMAC check in src-server/kiosks).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, DEFAULT_MESSAGES, HTTP_STATUS } from '../../src-shared/contracts/errors.js';
import { pullQuerySchema, pushBodySchema } from '../../src-shared/contracts/sync.js';
import type { SyncService } from './service.js';

export interface SyncRoutesOptions {
  service: SyncService;
  authenticate(request: FastifyRequest): Promise<string>;
  /** Push body limit in bytes (a batch of events). */
  bodyLimit?: number;
}

function parseBody(raw: unknown): unknown {
  if (Buffer.isBuffer(raw)) {
    try {
      return raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch {
      throw new AppError('VALIDATION_FAILED', 'The request body is not valid JSON.');
    }
  }
  return raw ?? {};
}

function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError('VALIDATION_FAILED', undefined, r.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })));
  return r.data;
}

export const syncRoutes: FastifyPluginAsync<SyncRoutesOptions> = async (app: FastifyInstance, opts) => {
  const { service, authenticate } = opts;
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof AppError) {
      void reply.status(HTTP_STATUS[err.code]).send({ ok: false, error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } });
      return;
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      void reply.status(status).send({ ok: false, error: { code: 'VALIDATION_FAILED', message: DEFAULT_MESSAGES.VALIDATION_FAILED } });
      return;
    }
    _req.log.error({ err }, 'sync route failed');
    void reply.status(500).send({ ok: false, error: { code: 'INTERNAL', message: DEFAULT_MESSAGES.INTERNAL } });
  });

  app.post('/sync/v1/push', { bodyLimit: opts.bodyLimit ?? 8 * 1024 * 1024 }, async (req) => {
    const kioskId = await authenticate(req);
    const input = validate(pushBodySchema, parseBody(req.body));
    return { ok: true, data: await service.push(kioskId, input) };
  });

  app.get('/sync/v1/pull', async (req, reply) => {
    const kioskId = await authenticate(req);
    const q = validate(pullQuerySchema, req.query);
    const ac = new AbortController();
    reply.raw.on('close', () => ac.abort()); // the kiosk hung up: stop waiting
    const data = await service.pullJson(kioskId, q.after, q.limit, q.wait, ac.signal, q.v);
    // The envelope around the answer's JSON as built once per entry (no serialisation per pull).
    return reply.type('application/json; charset=utf-8').send(`{"ok":true,"data":${data}}`);
  });
};
