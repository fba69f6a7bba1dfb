/**
 * Fastify routes for sync (register with `app.register(syncRoutes, { service, authenticate })`):
 *   POST /sync/v1/push              { events, ticketKeys?, clientTime? } -> PushResult
 *   GET  /sync/v1/pull?after=&limit=&wait=   -> PullResult (long-poll up to `wait` ms, max 30 s)
 * Both answer in the server's envelope ({ ok, data } / { ok: false, error }). The kiosk is
 * identified by `authenticate(request)` (the enrolment HMAC check in src-server/kiosks).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, DEFAULT_MESSAGES, HTTP_STATUS } from '../../src-shared/contracts/errors.js';
import type { SyncService } from './service.js';
import { auditHeadSchema } from '../../src-shared/contracts/audit-anchor.js';

export interface SyncRoutesOptions {
  service: SyncService;
  authenticate(request: FastifyRequest): Promise<string>;
  /** Push body limit in bytes (a batch of events). */
  bodyLimit?: number;
}

const vehicleSchema = z.object({ vehicle_number: z.string().min(1).max(64), owner_name: z.string().max(200).nullable() }).nullable().optional();
const pushSchema = z.object({
  events: z.array(z.object({
    id: z.string().min(1).max(64),
    seq: z.number().int().min(1),
    hlc: z.string().min(1).max(100),
    type: z.string().min(1).max(64),
    entityId: z.string().max(64).nullable(),
    payload: z.unknown(),
    schemaVersion: z.number().int().min(1),
    createdAt: z.number(),
    vehicle: vehicleSchema,
  })).max(2000),
  ticketKeys: z.array(z.object({ keyId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), secret: z.string().min(16).max(200) })).max(10).optional(),
  clientTime: z.number().optional(),
  auditHead: auditHeadSchema.optional(),
});
const pullSchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  wait: z.coerce.number().int().min(0).max(30_000).default(0),
});

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
    const input = validate(pushSchema, parseBody(req.body));
    return { ok: true, data: await service.push(kioskId, input) };
  });

  app.get('/sync/v1/pull', async (req, reply) => {
    const kioskId = await authenticate(req);
    const q = validate(pullSchema, req.query);
    const ac = new AbortController();
    reply.raw.on('close', () => ac.abort()); // the kiosk hung up: stop waiting
    return { ok: true, data: await service.pull(kioskId, q.after, q.limit, q.wait, ac.signal) };
  });
};
