/**
 * The lane printer service: queues what must print at the moment the core decides it (a ticket
 * issued, a paid exit, a closed shift; each switchable in the printer settings), sends the queue
 * in order through the configured driver, watches the printer's real-time status and reports it
 * as device health (ctx.devices). A printer that is down never blocks the gate: the job waits in
 * the durable queue and prints when the status poll sees the printer ready again.
 */
import type { DeviceHealth } from '../../src-shared/contracts/devices.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PrintJob, PrinterSettings, PrinterSettingsInput, PrinterStatusView, PrintKind } from '../../src-shared/contracts/print.js';
import { roleAtLeast } from '../../src-shared/contracts/roles.js';
import { DeviceError, type HealthSource } from '../lane/ports.js';
import type { RecordedChange } from '../services/change-hooks.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { shiftReport } from '../services/shifts.js';
import { jobBlocks, type ReceiptExtender } from './documents.js';
import { DeviceFileError } from './drivers/device-file.js';
import { buildPrinter, type DriverTuning } from './drivers/index.js';
import { PrinterNotReady, type Printer } from './port.js';
import { PrintQueue, toPrintJob, type PrintJobRow } from './queue.js';
import { allocateReceiptNumber, receiptNumberOf } from './receipt-numbers.js';
import { hasValidationDiscount } from '../validations/receipt.js';
import { passRow } from '../passes/records.js';
import { renderEscPos } from './render.js';
import { readPrinterSettings, writePrinterSettings } from './settings.js';
import { blockingProblem, type PrinterStatus } from './status.js';

type Log = (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;

export interface PrintServiceOptions extends DriverTuning {
  log?: Log;
  /** How often the printer's status is asked while idle (and a waiting queue retried). */
  statusIntervalMs?: number;
  /** Adds tax invoice fields to receipts (the invoice module). */
  extendReceipt?: ReceiptExtender;
}

const PROBLEM_TEXT: Record<string, string> = {
  PAPER_OUT: 'The printer is out of paper. Load a new roll; waiting tickets print by themselves.',
  PAPER_NEAR_END: 'The paper roll is nearly used up. Keep a new roll ready.',
  COVER_OPEN: 'The printer cover is open. Close it; waiting tickets print by themselves.',
  OFFLINE: 'The printer is offline. Check its power and the ready light.',
  PRINTER_ERROR: 'The printer reports an error. Switch it off and on again.',
  TIMEOUT: 'The printer does not answer. Check its power and cable or network.',
  DISCONNECTED: 'The printer cannot be reached. Check its power and cable or network.',
  BAD_REPLY: 'The printer answers nonsense. Check that the address points to a receipt printer.',
  NO_DEVICE: 'The printer device is not there. Check that the printer is plugged in and switched on.',
  NO_PERMISSION: 'The kiosk may not open the printer device. Add its user to the device group (usually lp).',
  NOT_A_DEVICE: 'The printer path is not a device. Check the printer settings.',
  NO_READER: 'Nothing takes the printer data. Check that the printer is switched on.',
};

export class PrintService implements HealthSource {
  readonly queue: PrintQueue;
  private settings: PrinterSettings;
  private printer: Printer | null = null;
  private current: DeviceHealth;
  private readonly listeners = new Set<(h: DeviceHealth) => void>();
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly log: Log;
  private readonly unsubscribe: () => void;
  private readonly unregister: () => void;
  private readonly doneListeners = new Set<(job: PrintJobRow) => void>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: PrintServiceOptions = {},
  ) {
    this.log = options.log ?? (() => {});
    this.queue = new PrintQueue(ctx);
    this.settings = readPrinterSettings(ctx);
    this.current = this.health0();
    const recovered = this.queue.recoverInterrupted();
    if (recovered > 0) this.log('warn', 'print jobs interrupted mid-send are sent again as copies', { jobs: recovered });
    this.unsubscribe = ctx.changes.subscribe((c) => this.onChange(c));
    this.applySettings();
    this.unregister = ctx.devices.register(this);
  }

  private health0(): DeviceHealth {
    const now = new Date(this.ctx.clock.now()).toISOString();
    return this.settings.driver === 'none'
      ? { device: 'printer', driver: 'none', state: 'disabled', reason: null, detail: 'No receipt printer is set up: tickets print through the browser.', since: now }
      : { device: 'printer', driver: this.printer?.driver ?? `escpos-${this.settings.driver}`, state: 'ok', reason: null, detail: null, since: now };
  }

  private applySettings(): void {
    const old = this.printer;
    this.printer = buildPrinter(this.settings, { replyTimeoutMs: this.options.replyTimeoutMs, connectTimeoutMs: this.options.connectTimeoutMs });
    void old?.close();
    this.setHealth(this.health0());
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.printer) {
      this.timer = setInterval(() => void this.poll(), this.options.statusIntervalMs ?? 5000);
      this.timer.unref();
      void this.poll();
    }
  }

  // ---- HealthSource

  health(): DeviceHealth[] {
    return [this.current];
  }

  onHealth(listener: (h: DeviceHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setHealth(next: Omit<DeviceHealth, 'since'> & { since?: string }): void {
    const c = this.current;
    if (c.state === next.state && c.reason === next.reason && c.driver === next.driver && c.detail === next.detail) return;
    this.current = { ...next, since: new Date(this.ctx.clock.now()).toISOString() };
    const level = next.state === 'fault' ? 'warn' : 'info';
    this.log(level, 'printer status', { state: next.state, reason: next.reason, driver: next.driver });
    this.listeners.forEach((l) => l(this.current));
  }

  private healthFromStatus(s: PrinterStatus): void {
    if (this.closed) return;
    const problem = blockingProblem(s);
    const driver = this.printer?.driver ?? 'none';
    if (problem) this.setHealth({ device: 'printer', driver, state: 'fault', reason: problem, detail: this.detail(problem) });
    else if (s.paperNearEnd) this.setHealth({ device: 'printer', driver, state: 'ok', reason: 'PAPER_NEAR_END', detail: PROBLEM_TEXT.PAPER_NEAR_END! });
    else this.setHealth({ device: 'printer', driver, state: 'ok', reason: null, detail: null });
  }

  private healthFromError(err: unknown): void {
    if (this.closed) return;
    if (err instanceof PrinterNotReady) return this.healthFromStatus(err.status);
    const reason = err instanceof DeviceFileError && err.problem ? err.problem : err instanceof DeviceError ? err.reason : 'DISCONNECTED';
    this.setHealth({ device: 'printer', driver: this.printer?.driver ?? 'none', state: 'fault', reason, detail: this.detail(reason) });
  }

  private detail(reason: string): string {
    const waiting = this.queue.waiting();
    const base = PROBLEM_TEXT[reason] ?? 'The printer is not working.';
    return waiting > 0 ? `${base} ${waiting} print job(s) waiting.` : base;
  }

  // ---- what prints when

  /** Inside the change's transaction: queue what the settings say prints at this moment. */
  private onChange(c: RecordedChange): void {
    const s = this.settings;
    const on = s.driver !== 'none';
    let queued = false;
    if (c.action === 'session.ticketIssued' && on && s.autoPrintTicket) {
      this.queue.enqueue('TICKET', c.entityId, 0, null);
      queued = true;
    } else if (c.action === 'session.completed') {
      const { q, db } = this.ctx.store;
      const paid = q.first(db.selectFrom('sessions').select('amount_paid_paise').where('id', '=', c.entityId));
      // A fully validated exit (nothing paid) gets its receipt too: it shows the validations and EXEMPTED.
      if (paid && (paid.amount_paid_paise > 0 || hasValidationDiscount(this.ctx, c.entityId))) {
        // The number is part of the exit whether or not a printer is there (the screen shows it too).
        allocateReceiptNumber(this.ctx, c.entityId, c.paymentId);
        if (on && s.autoPrintReceipt) {
          this.queue.enqueue('RECEIPT', c.entityId, 0, null);
          queued = true;
        }
      }
    } else if (c.action === 'shift.closed' && on && s.autoPrintZReport) {
      this.queue.enqueue('Z_REPORT', c.entityId, 0, null);
      queued = true;
    }
    // After the transaction commits (the hook runs inside it; better-sqlite3 transactions are synchronous).
    if (queued) setImmediate(() => this.kick());
  }

  /** Sends waiting jobs now (also called by the status poll once the printer is ready). */
  kick(): Promise<void> {
    if (this.closed || !this.printer) return Promise.resolve();
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        void this.kick();
      }
    });
    return this.pumping;
  }

  private async pump(): Promise<void> {
    for (;;) {
      const printer = this.printer;
      if (this.closed || !printer) return;
      const job = this.queue.next();
      if (!job) return;
      let bytes: Uint8Array;
      try {
        bytes = renderEscPos(jobBlocks(this.ctx, job, this.settings, this.options.extendReceipt), this.settings);
      } catch (err) {
        this.queue.markFailed(job.id, err instanceof Error ? err.message : String(err));
        this.log('error', 'print job cannot be built', { job: job.id, kind: job.kind, error: String(err) });
        continue;
      }
      this.queue.markSending(job.id);
      try {
        const status = await printer.print(bytes);
        this.queue.markDone(job.id);
        this.healthFromStatus(status);
        this.doneListeners.forEach((l) => l(job));
      } catch (err) {
        if (this.closed) return; // the job stays SENDING: sent again as a copy at the next start
        this.queue.markRetry(job.id, err instanceof Error ? err.message : String(err));
        this.healthFromError(err);
        this.log('warn', 'print job waits for the printer', { job: job.id, kind: job.kind, error: String(err) });
        return;
      }
    }
  }

  private polling: Promise<void> | null = null;

  private poll(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = this.pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    const printer = this.printer;
    if (!printer || this.pumping || this.closed) return;
    try {
      const status = await printer.status();
      if (printer !== this.printer) return;
      this.healthFromStatus(status);
      if (!blockingProblem(status) && this.queue.waiting() > 0) await this.kick();
    } catch (err) {
      if (printer === this.printer) this.healthFromError(err);
    }
  }

  /** Tests and the bench: called after each job the printer acknowledged. */
  onJobDone(listener: (job: PrintJobRow) => void): () => void {
    this.doneListeners.add(listener);
    return () => this.doneListeners.delete(listener);
  }

  // ---- API

  private requirePrinter(): void {
    if (this.settings.driver === 'none') {
      throw new AppError('CONFLICT', 'No receipt printer is set up at this lane. Use the browser print, or set up the printer.', { reason: 'NO_PRINTER' });
    }
  }

  private queueByHand(actor: Actor, kind: PrintKind, entityId: string | null): PrintJob {
    this.requirePrinter();
    const row = this.ctx.store.q.tx(() => {
      const copy = entityId !== null && this.queue.hasOriginal(kind, entityId) ? 1 : 0;
      const job = this.queue.enqueue(kind, entityId, copy, actor.operatorId);
      this.ctx.audit.append({
        operatorId: actor.operatorId, action: copy ? 'print.reprint' : 'print.requested',
        entityType: kind === 'Z_REPORT' ? 'shift' : kind === 'TEST' ? 'printer' : kind === 'PASS' ? 'seasonPass' : 'session',
        entityId, details: { kind, jobId: job.id, copy },
      });
      return job;
    });
    setImmediate(() => void this.kick());
    return toPrintJob(row);
  }

  /** Reprint a session's ticket (attendant) or receipt (cashier). */
  reprint(actor: Actor, sessionId: string, kind: 'TICKET' | 'RECEIPT'): PrintJob {
    if (kind === 'RECEIPT' && !roleAtLeast(actor.role, 'CASHIER')) throw new AppError('FORBIDDEN', 'Only a cashier or a supervisor can reprint a receipt.');
    const { q, db } = this.ctx.store;
    if (!q.first(db.selectFrom('sessions').select('id').where('id', '=', sessionId))) throw new AppError('NOT_FOUND', 'No such parking session.');
    if (kind === 'RECEIPT') {
      if (!receiptNumberOf(this.ctx, sessionId)) throw new AppError('CONFLICT', 'This session has no receipt: the car has not paid and left.');
    }
    return this.queueByHand(actor, kind, sessionId);
  }

  printZReport(actor: Actor, shiftId: string): PrintJob {
    shiftReport(this.ctx, actor, shiftId); // who may see this report (and only a counted shift for a cashier)
    return this.queueByHand(actor, 'Z_REPORT', shiftId);
  }

  /** A season pass on the lane printer (its QR, holder, vehicles or card, validity, zones); a second print says COPY. */
  printPass(actor: Actor, passId: string): PrintJob {
    if (!roleAtLeast(actor.role, 'CASHIER')) throw new AppError('FORBIDDEN', 'Only a cashier or a supervisor can print a season pass.');
    passRow(this.ctx, passId); // NOT_FOUND for a pass this gate does not know
    return this.queueByHand(actor, 'PASS', passId);
  }

  printTest(actor: Actor): PrintJob {
    return this.queueByHand(actor, 'TEST', null);
  }

  status(): PrinterStatusView {
    return {
      configured: this.settings.driver !== 'none',
      driver: this.settings.driver,
      waiting: this.queue.waiting(),
      jobs: this.queue.recent(20).map(toPrintJob),
    };
  }

  jobsFor(sessionId: string): PrintJob[] {
    return this.queue.forEntity(sessionId).map(toPrintJob);
  }

  getSettings(): PrinterSettings {
    return { ...this.settings };
  }

  configure(actor: Actor, input: PrinterSettingsInput): PrinterSettings {
    this.settings = writePrinterSettings(this.ctx, actor, input);
    this.applySettings();
    return this.getSettings();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe();
    await this.pumping?.catch(() => undefined);
    await this.polling?.catch(() => undefined);
    this.unregister();
    await this.printer?.close();
  }
}
