/**
 * Sync for the composition root (src-main/kiosk.ts): a kiosk with --server (and its enrolment id
 * + secret) syncs over the kiosk's one signed HTTP client; tests pass their own transport
 * (in-process server, fault injection).
 */
import type { KioskEvent } from '../../src-shared/contracts/api.js';
import type { TicketKey } from '../../src-shared/domain/ticket-codec.js';
import type { SignedClient } from '../online/signed-client.js';
import type { ServiceContext } from '../services/context.js';
import type { Store } from '../store/open.js';
import { RemoteTicketKeys } from './ticket-keys.js';
import { HttpSyncTransport, type SyncTransport } from './transport.js';
import { SyncWorker, type SyncWorkerOptions } from './worker.js';

export interface SyncOptions {
  /** Replaces the HTTP transport (tests). */
  transport?: SyncTransport;
  /** Start the background loop (default true). Tests drive cycles with syncNow(). */
  autoStart?: boolean;
  worker?: Omit<SyncWorkerOptions, 'ctx' | 'keys' | 'transport'>;
}

export function prepareSync(store: Store, ownKey: TicketKey): RemoteTicketKeys {
  return new RemoteTicketKeys(store, ownKey);
}

/** The sync worker, or null for a standalone kiosk (no server and no test transport). */
export function createSyncWorker(
  ctx: ServiceContext,
  keys: RemoteTicketKeys,
  http: SignedClient | null,
  options: SyncOptions | undefined,
  subscribe: (listener: (e: KioskEvent) => void) => void,
  log?: SyncWorkerOptions['log'],
): SyncWorker | null {
  const transport = options?.transport ?? (http ? new HttpSyncTransport(http) : null);
  if (!transport) return null;
  const worker = new SyncWorker({ ...options?.worker, log: options?.worker?.log ?? log, ctx, keys, transport });
  subscribe((e) => {
    if (e.type === 'session.changed' || e.type === 'payment.changed') worker.nudge();
  });
  if (options?.autoStart !== false) worker.start();
  return worker;
}

export { SyncWorker } from './worker.js';
export { syncStatus } from './status.js';
