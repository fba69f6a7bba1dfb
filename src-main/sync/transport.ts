/**
 * How the sync worker talks to the server: push a batch of outbox events, pull the change log.
 * HttpSyncTransport sends through the kiosk's one signed client (src-main/online/signed-client.ts);
 * tests pass their own transport (in-process server, fault injection). Bodies and answers are the
 * sync contract's (src-shared/contracts/sync.ts).
 */
import {
  pullResultSchema, pushResultSchema, SYNC_PROTOCOL_VERSION, type PullResult, type PushBody, type PushResult,
} from '../../src-shared/contracts/sync.js';
import { BadResponseError, CentralServerError, SignedClient } from '../online/signed-client.js';

export type { PullResult, PushBody, PushResult, WireEvent } from '../../src-shared/contracts/sync.js';

/** The server refused a sync request with its error envelope (code + details.reason). */
export const SyncServerError = CentralServerError;
export type SyncServerError = CentralServerError;

export interface SyncTransport {
  push(body: PushBody, signal?: AbortSignal): Promise<PushResult>;
  pull(after: number, limit: number, waitMs: number, signal?: AbortSignal): Promise<PullResult>;
}

export class HttpSyncTransport implements SyncTransport {
  constructor(private readonly http: SignedClient, private readonly timeoutMs = 15_000) {}

  async push(body: PushBody, signal?: AbortSignal): Promise<PushResult> {
    return pushResultSchema.parse(await this.send('POST', '/sync/v1/push', body, 30_000, signal));
  }

  async pull(after: number, limit: number, waitMs: number, signal?: AbortSignal): Promise<PullResult> {
    const path = `/sync/v1/pull?after=${after}&limit=${limit}&wait=${waitMs}&v=${SYNC_PROTOCOL_VERSION}`;
    return pullResultSchema.parse(await this.send('GET', path, undefined, waitMs + this.timeoutMs, signal));
  }

  private async send(method: 'GET' | 'POST', path: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    try {
      return await this.http.request(method, path, body, { timeoutMs, signal });
    } catch (err) {
      if (err instanceof BadResponseError) throw new Error(`sync: bad response (HTTP ${err.status})`);
      throw err;
    }
  }
}
