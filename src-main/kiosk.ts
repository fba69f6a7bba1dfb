/**
 * The kiosk core's one composition root. Electron's main process, the HTTP bridge, the CLI,
 * the tests and the benchmarks all build the core here, the same way.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { ApiMethod, ApiResult, KioskEvent } from '../src-shared/contracts/api.js';
import { AppError, type ApiResponse } from '../src-shared/contracts/errors.js';
import type { TicketKey } from '../src-shared/domain/ticket-codec.js';
import { dispatch } from './api/dispatch.js';
import type { CallContext } from './api/handlers.js';
import { SettableClock, systemClock, type Clock } from './core/clock.js';
import { loadOrCreateSecrets, secretsPathFor } from './core/secrets.js';
import { AuditLog } from './services/audit.js';
import { auditKeyedFromMark } from './records/audit-anchor.js';
import { startRecords } from './records/index.js';
import type { Actor, ServiceContext } from './services/context.js';
import { createOperator, operatorCount } from './services/operators.js';
import { Outbox } from './services/outbox.js';
import { seedDemo } from './services/seed-demo.js';
import { openStore, type Store } from './store/open.js';
import { VERSION } from './version.js';
import { DeviceHealthBoard } from './lane/health-board.js';
import { LaneService, type LaneDevicesFactory } from './lane/service.js';
import type { LaneCore } from './lane/lane-core.js';
import { defaultLaneDevices } from './lane/default-devices.js';
import { ChangeHooks } from './services/change-hooks.js';
import { PrintService, type PrintServiceOptions } from './print/service.js';
import { installInvoicing } from './invoices/index.js';
import { invoiceReceiptExtension } from './invoices/receipt-extension.js';
import { OnlinePayments } from './services/online-payments.js';
import { PassUpiSales } from './passes/upi-sale.js';
import { FlaggedPayments } from './services/flagged-payments.js';
import { serverLink } from './online/server-link.js';
import { configureTax, facilityGstr1 } from './invoices/facility.js';
import { sendInvoiceSms } from './invoices/sms.js';
import { storedClockOffset } from './online/clock-offset.js';
import { prepareOps, type OpsOptions } from './ops/runtime.js';
import { createSyncWorker, prepareSync, type SyncOptions, type SyncWorker } from './sync/index.js';

export interface KioskOptions {
  dbPath: string;
  clock?: Clock;
  /** Enables dev.setClock (the clock becomes settable). */
  fakeClock?: boolean;
  seedDemo?: boolean;
  serverUrl?: string;
  kioskId?: string;
  kioskSecret?: string;
  /** First admin from the environment (KIOSK_ADMIN_USER / KIOSK_ADMIN_PIN) when no operator exists. */
  initialAdmin?: { username: string; pin: string };
  log?: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;
  /** Scheduled backups and rotating log files (src-main/ops, docs/operations.md). */
  ops?: OpsOptions;
  /** Sync transport override and worker tuning (tests); with serverUrl the kiosk syncs over HTTP. */
  sync?: SyncOptions;
  /** Builds the lane's drivers from its device settings (default: the drivers in src-main/lane). */
  laneDevices?: LaneDevicesFactory;
  /** Printer status polling and driver timeouts (tests, bench); the printer itself is configured in its settings. */
  print?: Omit<PrintServiceOptions, 'log'>;
}

export interface Kiosk {
  readonly kioskId: string;
  readonly ctx: ServiceContext;
  /** The sync worker (null on a standalone kiosk); tests and the bench drive its cycles. */
  readonly syncWorker: SyncWorker | null;
  readonly print: PrintService;
  call<M extends ApiMethod>(method: M, input: unknown, token?: string | null): Promise<ApiResponse<ApiResult<M>>>;
  call(method: string, input: unknown, token?: string | null): Promise<ApiResponse<unknown>>;
  onEvent(listener: (e: KioskEvent) => void): () => void;
  close(): Promise<void>;
}

function kioskIdentity(store: Store, requested: string | undefined): string {
  const { q, db } = store;
  const stored = () => q.first(db.selectFrom('meta').select('value').where('key', '=', 'kiosk_id'))?.value;
  const known = stored();
  if (known && requested && known !== requested) {
    // Enrolled with the central server under a new id: the server's id wins from now on.
    q.run(db.updateTable('meta').set({ value: requested }).where('key', '=', 'kiosk_id'));
    return requested;
  }
  if (known) return known;
  const id = requested ?? `kiosk-${randomBytes(4).toString('hex')}`;
  q.run(db.insertInto('meta').values({ key: 'kiosk_id', value: id }).onConflict((oc) => oc.column('key').doNothing()));
  return stored() ?? id;
}

export async function createKiosk(options: KioskOptions): Promise<Kiosk> {
  // Applies a restore staged by backups.restore before the database opens; rotating logs.
  const ops = await prepareOps(options);
  const log = ops.log;
  const baseClock = options.clock ?? systemClock;
  const settable = options.fakeClock ? new SettableClock(baseClock) : null;
  const clock: Clock = settable ?? baseClock;
  const store = await openStore(options.dbPath);
  const kioskId = kioskIdentity(store, options.kioskId);
  const secrets = loadOrCreateSecrets(secretsPathFor(options.dbPath), auditKeyedFromMark(store));
  const ticketKey: TicketKey = { id: secrets.ticketKeyId, secret: secrets.ticketSecret };
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const remoteKeys = prepareSync(store, ticketKey); // other gates' ticket keys (encrypted at rest)

  const core: LaneCore = {
    store,
    clock,
    kioskId,
    ticketKey,
    ticketKeys: remoteKeys.lookup, // own key, then keys synced from other gates
    ticketKioskOf: (keyId) => (keyId === ticketKey.id ? kioskId : remoteKeys.kioskOf(keyId)),
    audit: new AuditLog(store, clock, secrets.audit),
    outbox: new Outbox(store, clock, kioskId),
    devices: new DeviceHealthBoard(),
    ops: ops.runtime(ticketKey, store.sqlite.memory),
    changes: new ChangeHooks(),
    emit: (e) => emitter.emit('event', e),
  };
  const lane = new LaneService(core, { devicesFactory: options.laneDevices ?? defaultLaneDevices(log), log });
  const ctx: ServiceContext = Object.assign(core, { lane });

  ctx.devices.onChange((health) => ctx.emit({ type: 'device', health }));

  lane.start();
  if (options.seedDemo && seedDemo(ctx)) log('info', 'demo data created');
  if (options.initialAdmin && operatorCount(ctx) === 0) {
    createOperator(ctx, null, { username: options.initialAdmin.username, name: 'Administrator', role: 'ADMIN', pin: options.initialAdmin.pin });
    log('info', 'first admin created from the environment');
  }

  const stopInvoicing = installInvoicing(ctx, log);
  const print = new PrintService(ctx, { extendReceipt: invoiceReceiptExtension, ...options.print, log });

  const server = serverLink(options, clock, storedClockOffset(store), log);
  const onlinePayments = new OnlinePayments(ctx, server?.port ?? null);
  const flaggedPayments = new FlaggedPayments(ctx, server?.review ?? null, (p) => onlinePayments.apply(p));
  const passUpi = new PassUpiSales(ctx, server?.port ?? null);
  // Results the server pushes through the pull go to OnlinePayments.apply (a pass sale's to PassUpiSales); the poller below stays as the fallback.
  if (server) ctx.payments = { apply: (p) => (passUpi.owns(p.paymentId) ? passUpi.apply(p) : onlinePayments.apply(p)) };
  const syncWorker = createSyncWorker(ctx, remoteKeys, server?.http ?? null, options.sync, (l) => emitter.on('event', l), log);
  if (syncWorker) ctx.sync = syncWorker;
  // Until the sync channel pushes results, open online payments are polled once a second.
  const poller = server
    ? setInterval(() => {
      onlinePayments.refreshPending().catch((err: unknown) => log('warn', 'payment poll failed', { error: String(err) }));
      passUpi.refreshPending().catch((err: unknown) => log('warn', 'pass payment poll failed', { error: String(err) }));
    }, 1000)
    : null;
  poller?.unref();
  // Retention, audit archive, vacuum; integrity.check asks the server for the audit anchor.
  const records = startRecords(ctx, {
    dbPath: options.dbPath,
    serverConfigured: Boolean(server || options.sync?.transport),
    ...(server ? { checkpoints: () => server.client.auditCheckpoints() } : {}),
    log,
  });
  emitter.on('event', (e: KioskEvent) => {
    if (e.type === 'session.changed' || e.type === 'payment.changed') records.keeper.noteActivity();
  });

  const base: Omit<CallContext, 'actor' | 'token'> = {
    ctx,
    print,
    health: () => ({
      version: VERSION,
      db: 'ok',
      online: syncWorker ? syncWorker.status().online : server?.online() ?? false,
      pendingEvents: ctx.outbox.pendingCount(),
      lastSyncAt: syncWorker?.status().lastSyncAt ?? null,
      syncProblem: syncWorker?.status().protocolProblem ?? null,
      standalone: !syncWorker && !server,
      kioskId,
      now: new Date(clock.now()).toISOString(),
      needsSetup: operatorCount(ctx) === 0,
      devices: ctx.devices.all(),
      storage: records.storage(),
    }),
    setClock: (ms) => {
      if (!settable) throw new AppError('NOT_FOUND', 'Unknown method dev.setClock.');
      settable.set(ms);
    },
    startOnlinePayment: (actor: Actor, sessionId: string) => onlinePayments.start(actor, sessionId),
    getPayment: (paymentId: string) => onlinePayments.get(paymentId),
    cancelPayment: (actor: Actor, paymentId: string) => onlinePayments.cancel(actor, paymentId),
    flaggedPayments: () => flaggedPayments.list(),
    resolveFlaggedPayment: (actor: Actor, input) => flaggedPayments.resolve(actor, input),
    sendInvoiceSms: (actor: Actor, input) => sendInvoiceSms(ctx, server?.client ?? null, actor, input.sessionId, input.mobile),
    configureTax: (actor: Actor, input) => configureTax(ctx, server?.client ?? null, actor, input),
    facilityGstr1: (month: string) => facilityGstr1(server?.client ?? null, month),
    passUpi,
  };

  ops.start(); // the backup schedule

  const dispatchOptions = {
    devMethods: Boolean(settable),
    onInternalError: (method: string, err: unknown) =>
      log('error', 'internal error', { method, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
  };

  return {
    kioskId,
    ctx,
    syncWorker,
    print,
    call: ((method: string, input: unknown, token?: string | null) =>
      dispatch(base, method, input, token ?? null, dispatchOptions)) as Kiosk['call'],
    onEvent: (listener) => {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    close: async () => {
      if (poller) clearInterval(poller);
      stopInvoicing();
      await lane.close();
      await syncWorker?.stop();
      await records.stop();
      await print.close();
      emitter.removeAllListeners();
      await ops.stop(); // waits for a backup in progress
      await store.close();
    },
  };
}
