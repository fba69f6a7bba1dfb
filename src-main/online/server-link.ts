/**
 * The kiosk's link to the central server: the signed client plus whether the last exchange
 * worked (the `online` flag of system.health). No server configured -> null (standalone kiosk).
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Clock } from '../core/clock.js';
import type { FlaggedServerPort } from '../services/flagged-payments.js';
import type { PaymentServerPort } from '../services/online-payments.js';
import { ServerClient } from './server-client.js';

export interface ServerLink {
  client: ServerClient;
  port: PaymentServerPort;
  /** Supervisor decisions on flagged payments (payments.flagged / payments.resolveFlagged). */
  review: FlaggedServerPort;
  online(): boolean;
}

/** The kiosk's measured clock offset (server minus kiosk, ms), shared with the sync worker. */
export interface ClockOffset {
  get(): number;
  set(offsetMs: number): void;
}

export function serverLink(
  options: { serverUrl?: string; kioskId?: string; kioskSecret?: string },
  clock: Clock,
  offset?: ClockOffset,
): ServerLink | null {
  if (!options.serverUrl) return null;
  if (!options.kioskId || !options.kioskSecret) {
    throw new Error('--server needs --kiosk-id and --kiosk-secret (from `npm run server:cli -- kiosk add <name>`).');
  }
  const client = new ServerClient({
    baseUrl: options.serverUrl, kioskId: options.kioskId, kioskSecret: options.kioskSecret, timeoutMs: 5000, now: () => clock.now(),
    ...(offset ? { offset: () => offset.get(), onOffset: (ms: number) => offset.set(ms) } : {}),
  });
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
