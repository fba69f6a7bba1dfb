/**
 * The kiosk's client for the central server's kiosk API (src-server/routes/kiosk-payments.ts).
 * Every request is HMAC-signed with the enrolment secret; an unreachable or failing server
 * surfaces as AppError('OFFLINE') so the gate falls back to cash; the server's own typed errors
 * (e.g. PAYMENT_PENDING, CONFLICT, UNAUTHENTICATED) pass through with their codes.
 */
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../src-shared/contracts/errors.js';
import { httpFetch } from '../sync/http-fetch.js';
import { auditCheckpointsResponseSchema, type AuditCheckpointsResponse } from '../../src-shared/contracts/audit-anchor.js';
import { kioskSigningKey, serverTimeOf, signKioskRequest } from '../../src-shared/protocol/kiosk-signing.js';

export interface ServerClientOptions {
  baseUrl: string;
  kioskId: string;
  kioskSecret: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  /** Clock for the signature timestamp (epoch ms); defaults to the system clock. */
  now?: () => number;
  /** Best estimate of server time minus kiosk time (the sync worker measures it); 0 by default. */
  offset?: () => number;
  /** A refused timestamp gave a fresh estimate from the server's Date header. */
  onOffset?: (offsetMs: number) => void;
}

export interface CreateOnlinePaymentInput {
  sessionId: string;
  amountPaise: number;
  idempotencyKey: string;
  vehicleNumber?: string;
}

export const serverPaymentSchema = z.object({
  paymentId: z.string(),
  sessionId: z.string(),
  status: z.enum(['PENDING', 'SUCCESS', 'FAILED', 'EXPIRED', 'REFUNDED']),
  amountPaise: z.number().int(),
  gateway: z.enum(['razorpay', 'phonepe', 'sim']),
  gatewayRef: z.string().nullable(),
  upiUri: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  completedAt: z.string().nullable(),
  late: z.boolean(),
  needsReview: z.boolean(),
  reviewReason: z.string().nullable(),
});
export type ServerPayment = z.infer<typeof serverPaymentSchema>;

/** A payment flagged for a supervisor, as the server lists it (src-server/payments/flagged.ts). */
export const serverFlaggedSchema = serverPaymentSchema.extend({
  owner: z.enum(['kiosk', 'parker']),
  kioskId: z.string().nullable(),
  bookingId: z.string().nullable(),
  vehicleNumber: z.string().nullable(),
  paidAmountPaise: z.number().int().nullable(),
  resolvable: z.boolean(),
});
export type ServerFlaggedPayment = z.infer<typeof serverFlaggedSchema>;

export const serverResolveSchema = z.object({
  action: z.enum(['accept', 'refund']),
  payment: serverFlaggedSchema,
  refund: z.object({ id: z.string(), status: z.string(), amountPaise: z.number().int(), gatewayRefundId: z.string().nullable() }).nullable(),
  repeated: z.boolean(),
});
export type ServerResolveResult = z.infer<typeof serverResolveSchema>;

export interface ResolveFlaggedRequest {
  action: 'accept' | 'refund';
  reason: string;
  operator?: { id: string; name: string };
}

const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }),
]);

const PASS_THROUGH = new Set<string>(ERROR_CODES);

export class ServerClient {
  private readonly baseUrl: string;
  private readonly signingKey: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: ServerClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.signingKey = kioskSigningKey(opts.kioskSecret);
    this.fetchImpl = opts.fetchImpl ?? httpFetch; // node:http: Node 20's fetch can hang on a peer that closes at once (src-main/sync/http-fetch.ts)
    this.timeoutMs = opts.timeoutMs ?? 8000;
    this.now = opts.now ?? (() => Date.now());
  }

  async createPayment(input: CreateOnlinePaymentInput): Promise<ServerPayment> {
    return serverPaymentSchema.parse(await this.request('POST', '/kiosk/v1/payments', input));
  }

  async getPayment(paymentId: string): Promise<ServerPayment> {
    return serverPaymentSchema.parse(await this.request('GET', `/kiosk/v1/payments/${encodeURIComponent(paymentId)}`));
  }

  /** Ends an online payment on the server (cash instead): the QR is closed, later money is flagged. Idempotent. */
  async cancelPayment(paymentId: string): Promise<ServerPayment> {
    return serverPaymentSchema.parse(await this.request('POST', `/kiosk/v1/payments/${encodeURIComponent(paymentId)}/cancel`, {}));
  }

  /** Payments flagged for a supervisor, facility-wide. */
  async listFlagged(): Promise<ServerFlaggedPayment[]> {
    return z.array(serverFlaggedSchema).parse(await this.request('GET', '/kiosk/v1/payments/flagged'));
  }

  /** A supervisor's accept / refund of a flagged payment (idempotent on the server). */
  async resolveFlagged(paymentId: string, body: ResolveFlaggedRequest): Promise<ServerResolveResult> {
    return serverResolveSchema.parse(await this.request('POST', `/kiosk/v1/payments/${encodeURIComponent(paymentId)}/resolve`, body));
  }

  /** This kiosk's anchored audit-chain checkpoints (src-server/routes/kiosk-audit.ts). */
  async auditCheckpoints(): Promise<AuditCheckpointsResponse> {
    return auditCheckpointsResponseSchema.parse(await this.request('GET', '/kiosk/v1/audit/checkpoints'));
  }

  /** Checks credentials and reads the server clock (for skew measurement). */
  async ping(): Promise<{ kioskId: string; serverTime: string }> {
    return z.object({ kioskId: z.string(), serverTime: z.string() }).parse(await this.request('GET', '/kiosk/v1/ping'));
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown, retried = false): Promise<unknown> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    // Signed with server time as this kiosk best knows it: a kiosk whose clock is off still authenticates.
    const ts = Math.round(this.now() + (this.opts.offset?.() ?? 0));
    const headers: Record<string, string> = {
      'x-kiosk-id': this.opts.kioskId,
      ...signKioskRequest(this.signingKey, method, path, ts, payload),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : payload,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new AppError('OFFLINE', undefined, { reason: (err as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' });
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new AppError('OFFLINE', undefined, { reason: 'bad_response', status: res.status });
    }
    const env = envelopeSchema.safeParse(json);
    if (!env.success) throw new AppError('OFFLINE', undefined, { reason: 'bad_response', status: res.status });
    if (env.data.ok) return env.data.data;
    const { code, message, details } = env.data.error;
    if (res.status === 401 && !retried && /clock/i.test(message)) {
      const serverNow = serverTimeOf(res);
      if (serverNow !== null && this.opts.onOffset) {
        this.opts.onOffset(serverNow - this.now());
        return this.request(method, path, body, true);
      }
    }
    // The server refusing THIS KIOSK (revoked, wrong secret, clock) is not the operator's session
    // ending: the gate falls back to cash and health shows the server as unusable.
    if (res.status === 401 || res.status === 403) throw new AppError('OFFLINE', 'The central server refused this kiosk. Take cash; a supervisor should check the kiosk enrolment.', { reason: 'kiosk_refused', status: res.status, code });
    if (res.status >= 500 || !PASS_THROUGH.has(code)) throw new AppError('OFFLINE', undefined, { reason: 'server_error', status: res.status, code });
    throw new AppError(code as (typeof ERROR_CODES)[number], message, details);
  }
}
