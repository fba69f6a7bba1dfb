/** What every service needs, built once by the composition root (src-main/kiosk.ts). */
import type { KioskEvent, SyncStatus } from '../../src-shared/contracts/api.js';
import type { KioskPaymentView } from '../../src-shared/contracts/sync.js';
import type { Role } from '../../src-shared/contracts/roles.js';
import type { TicketKey, TicketKeyLookup, TicketKioskLookup } from '../../src-shared/domain/ticket-codec.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/open.js';
import type { DeviceHealthBoard } from '../lane/health-board.js';
import type { OpsRuntime } from '../ops/runtime.js';
import type { LaneService } from '../lane/service.js';
import type { AuditLog } from './audit.js';
import type { Outbox } from './outbox.js';
import type { ChangeHooks } from './change-hooks.js';

export interface Actor {
  operatorId: string;
  username: string;
  name: string;
  role: Role;
}

export interface ServiceContext {
  store: Store;
  clock: Clock;
  kioskId: string;
  ticketKey: TicketKey;
  ticketKeys: TicketKeyLookup;
  /** The kiosk that owns a ticket key (this kiosk for its own key). */
  ticketKioskOf: TicketKioskLookup;
  audit: AuditLog;
  outbox: Outbox;
  /** Health of the lane's devices (barrier, loops, printer, camera), whichever drivers are configured. */
  devices: DeviceHealthBoard;
  /** Backups, logs' redaction, the secret store and the paths around the database. */
  ops: OpsRuntime;
  /** The lane: gives the barrier its causes, runs the lane state machine, drives the devices (src-main/lane/service.ts). */
  lane: LaneService;
  /** Hooks run inside the transaction of each recorded session or shift change (the print queue subscribes). */
  changes: ChangeHooks;
  emit(event: KioskEvent): void;
  /** Sync with the central server (src-main/sync); absent on a standalone kiosk. Set once by createKiosk. */
  sync?: SyncPort;
  /** Online payments linked to the central server; absent without one. Set once by createKiosk. */
  payments?: PaymentResultPort;
}

/** What the API and the composition root use of the sync worker. */
export interface SyncPort {
  status(): SyncStatus;
  /** A local write happened: push it now. */
  nudge(): void;
  stop(): Promise<void>;
}

/** Where an online payment result the server pushes through sync goes (OnlinePayments.apply). */
export interface PaymentResultPort {
  apply(payment: KioskPaymentView): void;
}
