/**
 * The kiosk's client for the central server's kiosk API (src-server/routes/kiosk-payments.ts).
 * Requests go through the kiosk's one signed client (signed-client.ts); an unreachable or failing server
 * surfaces as AppError('OFFLINE') so the gate falls back to cash; the server's own typed errors
 * (e.g. PAYMENT_PENDING, CONFLICT, UNAUTHENTICATED) pass through with their codes.
 */
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../src-shared/contracts/errors.js';
import { auditCheckpointsResponseSchema, type AuditCheckpointsResponse } from '../../src-shared/contracts/audit-anchor.js';
import { kioskPaymentViewSchema } from '../../src-shared/contracts/sync.js';
import { BadResponseError, CentralServerError, SignedClient } from './signed-client.js';

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

/** The server's kiosk payment view (one schema, in the sync contract: it is also the body of a pushed payment result). */
export const serverPaymentSchema = kioskPaymentViewSchema;
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

const PASS_THROUGH = new Set<string>(ERROR_CODES);

/** How long a payment status check waits for the server before the kiosk calls the status unknown. */
export const STATUS_TIMEOUT_MS = 2500;

export class ServerClient {
  private readonly http: SignedClient;
  private readonly timeoutMs: number;

  /** `http`: the kiosk's one signed client, shared with the sync transport (built from the options when absent). */
  constructor(opts: ServerClientOptions, http?: SignedClient) {
    this.timeoutMs = opts.timeoutMs ?? 8000;
    this.http = http ?? new SignedClient({
      baseUrl: opts.baseUrl, kioskId: opts.kioskId, kioskSecret: opts.kioskSecret, now: opts.now ?? (() => Date.now()),
      ...(opts.offset ? { offset: opts.offset } : {}), ...(opts.onOffset ? { onOffset: opts.onOffset } : {}), ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
    });
  }

  async createPayment(input: CreateOnlinePaymentInput): Promise<ServerPayment> {
    return serverPaymentSchema.parse(await this.request('POST', '/kiosk/v1/payments', input));
  }

  /** A payment's state; asked every 2 s while the driver pays, so a lost server shows as "status unknown" within 3 s. */
  async getPayment(paymentId: string): Promise<ServerPayment> {
    return serverPaymentSchema.parse(await this.request('GET', `/kiosk/v1/payments/${encodeURIComponent(paymentId)}`, undefined, STATUS_TIMEOUT_MS));
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

  /** The e-receipt link of a document this kiosk issued, by SMS through the server's provider. */
  async sendEReceiptSms(token: string, mobile: string): Promise<{ requestId: string; url: string }> {
    return z.object({ requestId: z.string(), url: z.string() }).parse(await this.request('POST', '/kiosk/v1/e-receipts/sms', { token, mobile }));
  }

  /** The facility's GSTR-1 CSV (every gate) for an IST month. */
  async facilityGstr1(month: string): Promise<{ fileName: string; mimeType: string; csv: string; gates: number; documents: number }> {
    return z.object({ fileName: z.string(), mimeType: z.string(), csv: z.string(), gates: z.number(), documents: z.number() })
      .parse(await this.request('GET', `/kiosk/v1/reports/gstr1?month=${encodeURIComponent(month)}`));
  }

  /** Claims an invoice series prefix for this gate; 409 SERIES_TAKEN when another gate holds it. */
  async claimInvoiceSeries(prefix: string): Promise<void> {
    await this.request('POST', '/kiosk/v1/invoice-series/claim', { prefix });
  }

  /** This kiosk's anchored audit-chain checkpoints (src-server/routes/kiosk-audit.ts). */
  async auditCheckpoints(): Promise<AuditCheckpointsResponse> {
    return auditCheckpointsResponseSchema.parse(await this.request('GET', '/kiosk/v1/audit/checkpoints'));
  }

  /** Checks credentials and reads the server clock (for skew measurement). */
  async ping(): Promise<{ kioskId: string; serverTime: string }> {
    return z.object({ kioskId: z.string(), serverTime: z.string() }).parse(await this.request('GET', '/kiosk/v1/ping'));
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<unknown> {
    try {
      return await this.http.request(method, path, body, { timeoutMs: Math.min(timeoutMs, this.timeoutMs) });
    } catch (err) {
      if (err instanceof BadResponseError) throw new AppError('OFFLINE', undefined, { reason: 'bad_response', status: err.status });
      if (!(err instanceof CentralServerError)) {
        throw new AppError('OFFLINE', undefined, { reason: (err as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' });
      }
      const { status, code, message, details } = err;
      // The server refusing THIS KIOSK (revoked, wrong secret, clock) is not the operator's session
      // ending: the gate falls back to cash and health shows the server as unusable.
      if (status === 401 || status === 403) throw new AppError('OFFLINE', 'The central server refused this kiosk. Take cash; a supervisor should check the kiosk enrolment.', { reason: 'kiosk_refused', status, code });
      if (status >= 500 || !PASS_THROUGH.has(code)) throw new AppError('OFFLINE', undefined, { reason: 'server_error', status, code });
      throw new AppError(code as (typeof ERROR_CODES)[number], message, details);
    }
  }
}
