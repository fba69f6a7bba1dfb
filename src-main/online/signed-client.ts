/**
 * The kiosk's one HTTP client for the central server: every request is HMAC-signed with the
 * enrolment secret (src-shared/protocol/kiosk-signing.ts), with the kiosk clock corrected by the
 * measured offset, so a kiosk whose clock is off (even by an hour) still authenticates. A request
 * refused with `details.reason === 'CLOCK_SKEW'` is retried once with the offset read from the
 * server's clock in the answer (x-server-time, else the Date header). The payment client
 * (server-client.ts) and the sync transport (src-main/sync/transport.ts) both send through it.
 * Requests go over node:http (http-fetch.ts), not Node 20's fetch.
 *
 * Several server URLs (instances of one server, src-shared/protocol/server-urls.ts): requests go
 * to one until it fails at the network level (refused, reset, cut mid-answer: an instance died
 * or restarts) or a proxy answers 502/503/504 without a server behind it; then the same request
 * is signed again (a new request id) and sent to the next, and later requests stay there. A
 * timeout moves later requests on but is not resent (the call's time bound holds). Resending is
 * safe: every kiosk POST is idempotent on the server (pushed event ids, payment idempotency keys,
 * cancel and resolve answer the current state).
 */
import { z } from 'zod';
import { kioskSigningKey, serverTimeOf, signKioskRequest } from '../../src-shared/protocol/kiosk-signing.js';
import { parseServerUrls } from '../../src-shared/protocol/server-urls.js';
import { httpFetch } from './http-fetch.js';

export interface SignedClientOptions {
  /** One URL, or several comma-separated (failover in this order). */
  baseUrl: string;
  kioskId: string;
  kioskSecret: string;
  /** Kiosk clock (epoch ms). */
  now: () => number;
  /** Best estimate of server time minus kiosk time (ms); 0 when never measured. */
  offset?: () => number;
  /** A clock refusal gave a fresh estimate from the server's clock. */
  onOffset?: (offsetMs: number) => void;
  fetchImpl?: typeof fetch;
  /** A request failed over from one server URL to the next. */
  onFailover?: (from: string, to: string, reason: string) => void;
}

/** The server answered with its error envelope. */
export class CentralServerError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'CentralServerError';
  }
}

/** The answer was not the server's envelope (a proxy page, a cut-off body). */
export class BadResponseError extends Error {
  constructor(readonly status: number) {
    super(`central server: bad response (HTTP ${status})`);
    this.name = 'BadResponseError';
  }
}

const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }),
]);

export function isClockSkew(details: unknown): boolean {
  return typeof details === 'object' && details !== null && (details as { reason?: unknown }).reason === 'CLOCK_SKEW';
}

export interface SignedRequestOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

const FAILOVER_STATUSES = new Set([502, 503, 504]);

export class SignedClient {
  private readonly signingKey: string;
  readonly urls: readonly string[];
  private current = 0;
  private readonly fetchImpl: typeof fetch;
  /** Failovers so far (tests, diagnostics). */
  failovers = 0;

  constructor(private readonly o: SignedClientOptions) {
    this.signingKey = kioskSigningKey(o.kioskSecret);
    this.urls = parseServerUrls(o.baseUrl) ?? [o.baseUrl.replace(/\/+$/, '')];
    this.fetchImpl = o.fetchImpl ?? httpFetch;
  }

  /** The server URL requests go to now. */
  get baseUrl(): string {
    return this.urls[this.current]!;
  }

  private moveOn(reason: string): void {
    if (this.urls.length < 2) return;
    const from = this.baseUrl;
    this.current = (this.current + 1) % this.urls.length;
    this.failovers++;
    this.o.onFailover?.(from, this.baseUrl, reason);
  }

  /**
   * Sends one signed request; resolves with the envelope's `data`. Rejects with
   * CentralServerError (the server's typed refusal), BadResponseError, or the transport's own
   * error (TypeError for a network failure, the signal's reason on abort or timeout).
   */
  async request(method: 'GET' | 'POST', path: string, body: unknown, opts: SignedRequestOptions): Promise<unknown> {
    const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    for (let tried = 1; ; tried++) {
      try {
        return await this.send(method, path, payload, body !== undefined, opts, false);
      } catch (err) {
        if (opts.signal?.aborted) throw err; // the caller gave up: not the server's failure
        const network = err instanceof TypeError;
        const noBackend = err instanceof BadResponseError && FAILOVER_STATUSES.has(err.status);
        const timeout = err instanceof Error && err.name === 'TimeoutError';
        if (network || noBackend || timeout) this.moveOn(network ? 'unreachable' : noBackend ? `HTTP ${(err as BadResponseError).status}` : 'timeout');
        if (!(network || noBackend) || tried >= this.urls.length) throw err;
      }
    }
  }

  private async send(method: 'GET' | 'POST', path: string, payload: string, hasBody: boolean, opts: SignedRequestOptions, retried: boolean): Promise<unknown> {
    const ts = Math.round(this.o.now() + (this.o.offset?.() ?? 0));
    const headers: Record<string, string> = {
      'x-kiosk-id': this.o.kioskId,
      ...signKioskRequest(this.signingKey, method, path, ts, payload),
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    };
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const res = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method, headers, body: hasBody ? payload : undefined, signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
    });
    const json: unknown = await res.json().catch(() => null);
    const env = envelopeSchema.safeParse(json);
    if (!env.success) throw new BadResponseError(res.status);
    if (env.data.ok) return env.data.data;
    const { code, message, details } = env.data.error;
    if (res.status === 401 && !retried && isClockSkew(details)) {
      const serverNow = serverTimeOf(res);
      if (serverNow !== null && this.o.onOffset) {
        this.o.onOffset(serverNow - this.o.now());
        return this.send(method, path, payload, hasBody, opts, true);
      }
    }
    throw new CentralServerError(res.status, code, message, details);
  }
}
