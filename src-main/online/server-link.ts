/**
 * The kiosk's link to the central server: the signed client plus whether the last exchange
 * worked (the `online` flag of system.health). No server configured -> null (standalone kiosk).
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Clock } from '../core/clock.js';
import type { FlaggedServerPort } from '../services/flagged-payments.js';
import type { PaymentServerPort } from '../services/online-payments.js';
import type { ClockOffset } from './clock-offset.js';
import { ServerClient } from './server-client.js';
import { SignedClient } from './signed-client.js';

export type { ClockOffset } from './clock-offset.js';

export interface ServerLink {
  /** The one signed HTTP client for the central server (the sync transport sends through it too). */
  http: SignedClient;
  client: ServerClient;
  port: PaymentServerPort;
  /** Supervisor decisions on flagged payments (payments.flagged / payments.resolveFlagged). */
  review: FlaggedServerPort;
  online(): boolean;
}


export function serverLink(
  options: { serverUrl?: string; kioskId?: string; kioskSecret?: string },
  clock: Clock,
  offset?: ClockOffset,
  log?: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void,
): ServerLink | null {
  if (!options.serverUrl) return null;
  if (!options.kioskId || !options.kioskSecret) {
    throw new Error('--server needs --kiosk-id and the kiosk secret (PARKGATE_KIOSK_SECRET or --kiosk-secret-file; from `npm run server:cli -- kiosk add <name>`).');
  }
  const http = new SignedClient({
    baseUrl: options.serverUrl, kioskId: options.kioskId, kioskSecret: options.kioskSecret, now: () => clock.now(),
    ...(offset ? { offset: () => offset.get(), onOffset: (ms: number) => offset.set(ms) } : {}),
    ...(log ? { onFailover: (from: string, to: string, reason: string) => log('warn', 'central server failover', { from, to, reason }) } : {}),
  });
  const client = new ServerClient({ baseUrl: options.serverUrl, kioskId: options.kioskId, kioskSecret: options.kioskSecret, timeoutMs: 5000 }, http);
  let reachable = false;
  const track = async <T>(call: Promise<T>): Promise<T> => {
    try {
      const result = await call;
      reachable = true;
      return result;
    } catch (err) {
      if (err instanceof AppError && err.code === 'OFFLINE') reachable = false;
      throw err;
    }
  };
  return {
    http,
    client,
    port: {
      createPayment: (input) => track(client.createPayment(input)),
      getPayment: (id) => track(client.getPayment(id)),
      cancelPayment: (id) => track(client.cancelPayment(id)),
      clockOffsetMs: () => offset?.get() ?? 0,
    },
    review: {
      listFlagged: () => track(client.listFlagged()),
      resolveFlagged: (id, body) => track(client.resolveFlagged(id, body)),
    },
    online: () => reachable,
  };
}
