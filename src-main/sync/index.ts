/**
 * Sync wiring for the composition root (src-main/kiosk.ts, lines marked [sync]).
 * A kiosk with --server (and its enrolment id + secret) syncs over signed HTTP; tests pass their
 * own transport (in-process server, fault injection).
 */
import type { KioskEvent } from '../../src-shared/contracts/api.js';
import type { TicketKey } from '../../src-shared/domain/ticket-codec.js';
import type { ServiceContext } from '../services/context.js';
import type { Store } from '../store/open.js';
import { attachSyncWorker } from './registry.js';
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

export function startSync(
  ctx: ServiceContext,
  keys: RemoteTicketKeys,
  options: { serverUrl?: string | undefined; kioskId?: string | undefined; kioskSecret?: string | undefined; sync?: SyncOptions | undefined },
  subscribe: (listener: (e: KioskEvent) => void) => void,
  log?: SyncWorkerOptions['log'],
): SyncWorker | null {
  let worker: SyncWorker | null = null;
  let transport = options.sync?.transport;
  if (!transport && options.serverUrl && options.kioskSecret) {
    transport = new HttpSyncTransport({
      baseUrl: options.serverUrl,
      kioskId: ctx.kioskId,
      kioskSecret: options.kioskSecret,
      now: () => ctx.clock.now(),
      offset: () => worker?.clockOffsetMs() ?? 0,
      onOffset: (ms) => worker?.setOffsetEstimate(ms),
    });
  }
  if (!transport) return null;
  worker = new SyncWorker({ ...options.sync?.worker, log: options.sync?.worker?.log ?? log, ctx, keys, transport });
  attachSyncWorker(ctx, worker);
  const w = worker;
  subscribe((e) => {
    if (e.type === 'session.changed' || e.type === 'payment.changed') w.nudge();
  });
  if (options.sync?.autoStart !== false) w.start();
  return w;
}

export { SyncWorker } from './worker.js';
export { syncStatus, syncWorkerOf } from './registry.js';
