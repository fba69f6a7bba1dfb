/** What every service needs, built once by the composition root (src-main/kiosk.ts). */
import type { KioskEvent } from '../../src-shared/contracts/api.js';
import type { Role } from '../../src-shared/contracts/roles.js';
import type { TicketKey, TicketKeyLookup } from '../../src-shared/domain/ticket-codec.js';
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
}
