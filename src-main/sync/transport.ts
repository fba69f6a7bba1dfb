/**
 * How the sync worker talks to the server. HttpSyncTransport signs every request with the kiosk's
 * enrolment secret (src-shared/protocol/kiosk-signing.ts). The signature timestamp uses the kiosk clock
 * corrected by the measured offset, so a kiosk whose clock is skewed (even by an hour) still
 * authenticates: a refused timestamp is retried once with the offset taken from the server's
 * clock in the answer (x-server-time, else the Date header).
 */
import { z } from 'zod';
import { kioskSigningKey, serverTimeOf, signKioskRequest } from '../../src-shared/protocol/kiosk-signing.js';
import { httpFetch } from './http-fetch.js';
import { auditCheckpointSchema, type AuditHead } from '../../src-shared/contracts/audit-anchor.js';

export interface WireEvent {
  id: string;
  seq: number;
  hlc: string;
  type: string;
  entityId: string | null;
  payload: unknown;
  schemaVersion: number;
  createdAt: number;
  vehicle?: { vehicle_number: string; owner_name: string | null } | null;
}
export interface PushBody {
  events: WireEvent[];
  ticketKeys?: { keyId: string; secret: string }[];
  clientTime: number;
  auditHead?: AuditHead | undefined;
}

export const pushResponseSchema = z.object({
  results: z.array(z.object({ id: z.string(), seq: z.number(), outcome: z.enum(['APPLIED', 'DUPLICATE', 'REJECTED']), error: z.string().optional() })),
  lastSeq: z.number(),
  serverTime: z.number(),
  auditCheckpoint: auditCheckpointSchema.optional(),
});
export const pullResponseSchema = z.object({
  changes: z.array(z.object({
    seq: z.number(), entityType: z.string(), entityId: z.string(), originKioskId: z.string().nullable(), data: z.unknown(),
  })),
  cursor: z.number(),
  hasMore: z.boolean(),
  serverTime: z.number(),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;
export type PullResponse = z.infer<typeof pullResponseSchema>;

/** The server answered with an error envelope (4xx/5xx with a code). */
export class SyncServerError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'SyncServerError';
  }
}

export interface SyncTransport {
  push(body: PushBody, signal?: AbortSignal): Promise<PushResponse>;
  pull(after: number, limit: number, waitMs: number, signal?: AbortSignal): Promise<PullResponse>;
}

export interface HttpSyncTransportOptions {
  baseUrl: string;
  kioskId: string;
  kioskSecret: string;
  /** Kiosk clock (epoch ms). */
  now: () => number;
  /** Current best estimate of server time minus kiosk time. */
  offset: () => number;
  onOffset?: (offsetMs: number) => void;
  timeoutMs?: number;
  /** Default: httpFetch (node:http; Node 20's fetch can hang on a connection closed at once). */
  fetchImpl?: typeof fetch;
}

const envelope = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }),
]);

export class HttpSyncTransport implements SyncTransport {
  private readonly signingKey: string;
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly o: HttpSyncTransportOptions) {
    this.signingKey = kioskSigningKey(o.kioskSecret);
    this.base = o.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = o.fetchImpl ?? httpFetch;
  }

  async push(body: PushBody, signal?: AbortSignal): Promise<PushResponse> {
    return pushResponseSchema.parse(await this.request('POST', '/sync/v1/push', JSON.stringify(body), 30_000, signal));
  }

  async pull(after: number, limit: number, waitMs: number, signal?: AbortSignal): Promise<PullResponse> {
    const path = `/sync/v1/pull?after=${after}&limit=${limit}&wait=${waitMs}`;
    return pullResponseSchema.parse(await this.request('GET', path, '', waitMs + (this.o.timeoutMs ?? 15_000), signal));
  }

  private async request(method: 'GET' | 'POST', path: string, body: string, timeoutMs: number, signal?: AbortSignal, retried = false): Promise<unknown> {
    const ts = Math.round(this.o.now() + this.o.offset());
    const headers: Record<string, string> = {
      'x-kiosk-id': this.o.kioskId,
      ...signKioskRequest(this.signingKey, method, path, ts, body),
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    };
    const timeout = AbortSignal.timeout(timeoutMs);
    const res = await this.fetchImpl(`${this.base}${path}`, {
      method, headers, body: method === 'POST' ? body : undefined, signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const json: unknown = await res.json().catch(() => null);
    const env = envelope.safeParse(json);
    if (!env.success) throw new Error(`sync: bad response (HTTP ${res.status})`);
    if (env.data.ok) return env.data.data;
    const err = env.data.error;
    if (res.status === 401 && !retried && /clock/i.test(err.message)) {
      const serverNow = serverTimeOf(res);
      if (serverNow !== null) {
        this.o.onOffset?.(serverNow - this.o.now());
        return this.request(method, path, body, timeoutMs, signal, true);
      }
    }
    throw new SyncServerError(res.status, err.code, err.message, err.details);
  }
}
