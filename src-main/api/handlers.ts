/** Binds every API method to its service. One typed map: a missing or misspelt method fails to compile. */
import type { ApiMethod, ApiParsedInput, ApiResult } from '../../src-shared/contracts/api.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import * as auth from '../services/auth.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { bookSlot, scanEntry } from '../services/gate-entry.js';
import { cancelQuote, completeExit, payCash, quoteExit } from '../services/gate-exit.js';
import { lostTicket } from '../services/lost-ticket.js';
import { findByPlate, quoteByPlate } from '../services/plate-exit.js';
import { plateRead } from '../services/plate-read.js';
import { refundPayment } from '../services/refunds.js';
import { integrityCheckApi } from '../services/integrity.js';
import { createOperator, listOperators, loginTiles, operatorCount, unlockOperator, updateOperator } from '../services/operators.js';
import * as sessions from '../services/sessions.js';
import * as settings from '../services/settings.js';
import * as shifts from '../services/shifts.js';
import * as reports from '../reports/index.js';
import { searchVehicles } from '../services/vehicles.js';
import * as zones from '../services/zones.js';
import { listConflicts, resolveConflict } from '../sync/conflicts.js';
import { syncStatus } from '../sync/status.js';
import * as ops from '../ops/api.js';
import * as lane from '../lane/service-api.js';
import { manualOpen, openingSnapshotImage } from '../lane/openings-manual.js';
import { withOccupancy } from '../lane/occupancy.js';
import type { PrintService } from '../print/service.js';
import * as invoices from '../invoices/api.js';
import { validationHandlers } from '../validations/api.js';
import { passHandlers } from '../passes/api.js';
import { passUpiHandlers } from '../passes/upi-api.js';
import type { PassUpiSales } from '../passes/upi-sale.js';

export interface CallContext {
  ctx: ServiceContext;
  /** The lane printer (built once by createKiosk). */
  print: PrintService;
  /** The operator behind the token; null only for methods open to everyone. */
  actor: Actor | null;
  token: string | null;
  health(): ApiResult<'system.health'>;
  setClock(epochMs: number): void;
  startOnlinePayment(actor: Actor, sessionId: string): Promise<ApiResult<'gate.startOnlinePayment'>>;
  getPayment(paymentId: string): Promise<ApiResult<'payments.get'>>;
  cancelPayment(actor: Actor, paymentId: string): ApiResult<'payments.cancel'>;
  flaggedPayments(): Promise<ApiResult<'payments.flagged'>>;
  resolveFlaggedPayment(actor: Actor, input: ApiParsedInput<'payments.resolveFlagged'>): Promise<ApiResult<'payments.resolveFlagged'>>;
  sendInvoiceSms(actor: Actor, input: ApiParsedInput<'invoices.sendSms'>): Promise<ApiResult<'invoices.sendSms'>>;
  configureTax(actor: Actor, input: ApiParsedInput<'tax.configure'>): Promise<ApiResult<'tax.configure'>>;
  facilityGstr1(month: string): Promise<ApiResult<'reports.gstr1'>>;
  /** Season pass sales paid by UPI (src-main/passes/upi-sale.ts). */
  passUpi: PassUpiSales;
}

type Handler<M extends ApiMethod> = (c: CallContext, input: ApiParsedInput<M>) => ApiResult<M> | Promise<ApiResult<M>>;
export type HandlerMap = { [M in ApiMethod]: Handler<M> };

const actorOf = (c: CallContext): Actor => {
  if (!c.actor) throw new AppError('UNAUTHENTICATED');
  return c.actor;
};

export const handlers: HandlerMap = {
  'system.health': (c) => c.health(),
  'auth.login': (c, i) => auth.login(c.ctx, i.username, i.pin),
  'auth.logout': (c) => {
    if (c.token) auth.logout(c.ctx, c.token);
    return { ok: true };
  },
  'auth.me': (c) => {
    const a = actorOf(c);
    return { id: a.operatorId, username: a.username, name: a.name, role: a.role };
  },
  'auth.setup': (c, i) => auth.setupFirstAdmin(c.ctx, i),
  'auth.tiles': (c) => loginTiles(c.ctx),

  'gate.book': (c, i) => bookSlot(c.ctx, actorOf(c), i, false),
  'gate.issueTicket': (c, i) => bookSlot(c.ctx, actorOf(c), i, true),
  'gate.scanEntry': (c, i) => scanEntry(c.ctx, actorOf(c), i.code),
  'gate.quoteExit': (c, i) => quoteExit(c.ctx, actorOf(c), i.code),
  'gate.completeExit': (c, i) => completeExit(c.ctx, actorOf(c), i.sessionId),
  'gate.cancelQuote': (c, i) => cancelQuote(c.ctx, actorOf(c), i.sessionId),
  'gate.payCash': (c, i) => c.ctx.store.q.tx(() => {
    // The buyer's details commit with the payment that invoices them.
    if (i.buyer) invoices.requestInvoice(c.ctx, i.sessionId, i.buyer);
    return payCash(c.ctx, actorOf(c), i.sessionId, i.tenderedPaise);
  }),
  'gate.startOnlinePayment': (c, i) => {
    if (i.buyer) invoices.requestInvoice(c.ctx, i.sessionId, i.buyer);
    return c.startOnlinePayment(actorOf(c), i.sessionId);
  },
  'gate.lostTicket': (c, i) => lostTicket(c.ctx, actorOf(c), i),
  'gate.findByPlate': (c, i) => findByPlate(c.ctx, i.vehicleNumber),
  'gate.quoteByPlate': (c, i) => quoteByPlate(c.ctx, actorOf(c), i),
  'lane.plateRead': (c, i) => plateRead(c.ctx, i),
  'payments.refund': (c, i) => refundPayment(c.ctx, actorOf(c), i),
  'payments.get': (c, i) => c.getPayment(i.paymentId),
  'payments.cancel': (c, i) => c.cancelPayment(actorOf(c), i.paymentId),
  'payments.flagged': (c) => c.flaggedPayments(),
  'payments.resolveFlagged': (c, i) => c.resolveFlaggedPayment(actorOf(c), i),

  'sessions.get': (c, i) => sessions.getSession(c.ctx, i),
  'sessions.list': (c, i) => sessions.listSessions(c.ctx, i),
  'sessions.refundCheck': (c, i) => sessions.refundCheck(c.ctx, i),
  'sessions.cancel': (c, i) => sessions.cancelSession(c.ctx, actorOf(c), i.sessionId, i.reason),
  'sessions.timeline': (c, i) => sessions.sessionTimeline(c.ctx, i.sessionId),

  'zones.list': (c, i) => withOccupancy(c.ctx.store, zones.listZones(c.ctx, i.includeInactive ?? true)),
  'zones.create': (c, i) => zones.createZone(c.ctx, actorOf(c), i),
  'zones.update': (c, i) => zones.updateZone(c.ctx, actorOf(c), i.zoneId, i),
  'slots.list': (c, i) => zones.listSlots(c.ctx, i.zoneId),
  'slots.create': (c, i) => zones.createSlots(c.ctx, actorOf(c), i.zoneId, i.slotNumbers),
  'vehicles.search': (c, i) => searchVehicles(c.ctx, i.q),

  'operators.list': (c) => listOperators(c.ctx),
  'operators.create': (c, i) => createOperator(c.ctx, actorOf(c), i),
  'operators.update': (c, i) => updateOperator(c.ctx, actorOf(c), i),
  'operators.unlock': (c, i) => unlockOperator(c.ctx, actorOf(c), i),

  'integrity.check': (c) => integrityCheckApi(c.ctx),
  'audit.list': (c, i) => c.ctx.audit.list({ entityIds: i.entityId ? [i.entityId] : undefined, limit: i.limit, beforeId: i.beforeId }),
  'audit.verify': (c) => c.ctx.audit.verify(),

  'shifts.open': (c, i) => shifts.openShift(c.ctx, actorOf(c), i),
  'shifts.current': (c) => shifts.currentShift(c.ctx, actorOf(c)),
  'shifts.cashMovement': (c, i) => shifts.cashMovement(c.ctx, actorOf(c), i),
  'shifts.close': (c, i) => shifts.closeShift(c.ctx, actorOf(c), i),
  'shifts.approve': (c, i) => shifts.approveShift(c.ctx, actorOf(c), i.shiftId, i.note),
  'shifts.list': (c, i) => shifts.listShifts(c.ctx, i),
  'shifts.report': (c, i) => shifts.shiftReport(c.ctx, actorOf(c), i.shiftId),
  'settings.get': (c) => settings.getSettings(c.ctx),
  'settings.update': (c, i) => settings.updateSettings(c.ctx, actorOf(c), i),
  'reports.daily': (c, i) => reports.dailyReport(c.ctx, i.date),
  'reports.export': (c, i) => reports.exportReport(c.ctx, actorOf(c), i.date, i.format, i.kind, i.to),
  'reports.validations': (c, i) => reports.validationsReport(c.ctx, i.from, i.to),

  'backups.list': (c) => ops.listBackupsApi(c.ctx),
  'backups.create': (c) => ops.createBackupApi(c.ctx, c.actor),
  'backups.restore': (c, i) => ops.restoreBackupApi(c.ctx, c.actor, i.fileName),
  'system.diagnostics': (c) => ops.diagnosticsApi(c.ctx, c.actor, c.health()),

  'sync.status': (c) => syncStatus(c.ctx),
  'sync.conflicts': (c) => listConflicts(c.ctx),
  'sync.resolveConflict': (c, i) => resolveConflict(c.ctx, actorOf(c), i),

  'lane.status': (c) => c.ctx.lane.status(),
  'lane.manualOpen': (c, i) => manualOpen(c.ctx, actorOf(c), i),
  'lane.exceptions': (c, i) => lane.exceptionsOf(c.ctx, i),
  'lane.manualOpenings': (c, i) => lane.manualOpeningsOf(c.ctx, i),
  'lane.snapshot': (c, i) => openingSnapshotImage(c.ctx, i.openingId),
  'lane.getSettings': (c) => lane.laneSettingsView(c.ctx),
  'lane.updateConfig': (c, i) => lane.updateConfig(c.ctx, actorOf(c), i),
  'lane.saveDevices': (c, i) => lane.saveDevices(c.ctx, actorOf(c), i.devices),
  'lane.testBarrier': (c) => c.ctx.lane.testBarrier(),
  'lane.readInputs': (c) => c.ctx.lane.readInputs(),
  'print.status': (c) => c.print.status(),
  'print.jobs': (c, i) => c.print.jobsFor(i.sessionId),
  'print.settings': (c) => c.print.getSettings(),
  'print.configure': (c, i) => c.print.configure(actorOf(c), i),
  'print.reprint': (c, i) => c.print.reprint(actorOf(c), i.sessionId, i.kind),
  'print.zReport': (c, i) => c.print.printZReport(actorOf(c), i.shiftId),
  'print.test': (c) => c.print.printTest(actorOf(c)),
  'tax.settings': (c) => invoices.getTaxSettings(c.ctx),
  'tax.configure': (c, i) => c.configureTax(actorOf(c), i),
  'invoices.request': (c, i) => { invoices.requestInvoice(c.ctx, i.sessionId, i.buyer); return { ok: true as const }; },
  'invoices.forSession': (c, i) => invoices.forSession(c.ctx, i.sessionId),
  'invoices.creditNote': (c, i) => invoices.issueCreditNote(c.ctx, actorOf(c), i.invoiceId, i.amountPaise, i.reason),
  'invoices.consolidate': (c, i) => invoices.consolidateDay(c.ctx, i.day),
  'invoices.register': (c, i) => invoices.register(c.ctx, i.month),
  'invoices.sendSms': (c, i) => c.sendInvoiceSms(actorOf(c), i),
  'reports.gstr1': (c, i) => (i.facility ? c.facilityGstr1(i.month) : invoices.gstr1Export(c.ctx, i.month)),
  ...validationHandlers,
  ...passHandlers,
  ...passUpiHandlers,

  'dev.setClock': (c, i) => {
    c.setClock(Date.parse(i.now));
    return { now: new Date(c.ctx.clock.now()).toISOString() };
  },
};

export { operatorCount };
