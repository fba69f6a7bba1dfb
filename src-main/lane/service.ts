/**
 * The lane service: the one place where the core's causes, the lane state machine and the lane's
 * devices meet. The gate services give a cause inside their own transaction (causeGiven: the
 * opening row commits with the ticket or the payment); after the commit the state machine gets
 * it, and its outputs are carried out: RAISE/LOWER on the barrier, OPENED/CLOSED/PASS/... into
 * lane_openings, lane_passes and lane_exceptions.
 *
 * Devices never block the core: a barrier command runs after the transaction, off the caller's
 * path; one that fails is kept and retried until the device answers again. While a device is
 * down the state machine holds the openings (they wait, then expire), so cash is taken as usual
 * and the barrier moves when the device is back.
 */
import { z } from 'zod';
import { aggregate, countRow } from '../store/raw-rows.js';
import type { Actor } from '../services/context.js';
import type { LaneConfig, LaneOpening, LaneStatus, LaneTestResult, OpeningCause } from '../../src-shared/contracts/lane.js';
import type { LaneDeviceSettings } from '../../src-shared/contracts/lane-devices.js';
import type { DeviceHealth } from '../../src-shared/contracts/devices.js';
import {
  initialLaneState, laneStep, nextDeadline, shiftLaneTimes, type LaneInput, type LaneOutput, type LaneRules, type LaneState, type OpenCause,
} from '../../src-shared/domain/lane-state.js';
import { getLaneConfig, getLaneDeviceSettings, laneRules, laneTimeZone } from '../services/lane-settings.js';
import { dayBounds, localDate } from '../reports/time.js';
import type { LaneCore } from './lane-core.js';
import { causeOf, insertOpening, liveOpenings, openingRow, openingSnapshot, toOpenings, updateOpening, type NewOpening } from './openings.js';
import { passCounts, recordException, recordPass } from './exceptions.js';
import { zoneOccupancy } from './occupancy.js';
import { DeviceError, type LaneDevices, type LoopState } from './ports.js';

/** Builds the drivers for a lane's device settings (src-main/lane drivers); null when none is configured. */

const DayOpeningsRow = z.object({ openings: z.number(), without_car: z.number().nullable() });
export type LaneDevicesFactory = (settings: LaneDeviceSettings) => LaneDevices | null;

export interface LaneServiceOptions {
  devicesFactory: LaneDevicesFactory;
  log(level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>): void;
  /** How often a failed barrier command is retried while its device is down. */
  retryMs?: number;
  /** How often the timers of the state machine are checked against the kiosk clock. */
  tickMs?: number;
}

type Command = 'UP' | 'DOWN';
const CLOCK_JUMP_MS = 1000;

export class LaneService {
  private config: LaneConfig;
  private settings: LaneDeviceSettings;
  private rules: LaneRules;
  private state: LaneState;
  private devices: LaneDevices | null = null;
  private unsubscribes: (() => void)[] = [];
  private desired: Command = 'DOWN';
  private applied: Command = 'DOWN';
  private driving = false;
  private commandError: string | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private closed = false;
  private unsaved: LaneOutput[] = [];
  private flushScheduled = false;
  /** Serialises reconfiguration (old drivers closed before new ones open the same port). */
  private reconfiguring: Promise<void> = Promise.resolve();

  constructor(
    private readonly core: LaneCore,
    private readonly options: LaneServiceOptions,
  ) {
    this.config = getLaneConfig(core.store);
    this.settings = getLaneDeviceSettings(core.store);
    this.rules = laneRules(this.config, this.settings);
    this.state = initialLaneState(core.clock.now());
  }

  /** Builds the devices, restores the openings not carried out yet, starts the timers. */
  start(): void {
    this.attachDevices();
    for (const row of liveOpenings(this.core)) {
      // A raised opening at shutdown is asked again: the barrier may have come down meanwhile.
      if (row.status === 'OPEN') updateOpening(this.core, row.id, { status: 'PENDING' });
      this.feed({ type: 'OPEN', openingId: row.id, cause: causeOf(row), at: this.core.clock.now(), requestedAt: row.requested_at });
    }
    this.ticker = setInterval(() => this.tick(), this.options.tickMs ?? 200);
    this.ticker.unref();
  }

  /** True when this lane has a barrier the core drives. */
  configured(): boolean {
    return this.devices?.barrier != null;
  }

  private attachDevices(): void {
    let devices: LaneDevices | null = null;
    try {
      devices = this.options.devicesFactory(this.settings);
    } catch (err) {
      // Settings the drivers cannot use are a fault to show, never a crash.
      this.options.log('error', 'lane devices could not be built', { error: String(err) });
    }
    this.devices = devices;
    this.desired = 'DOWN';
    this.applied = 'DOWN';
    this.commandError = null;
    if (!devices) {
      this.feed({ type: 'DEVICES', ready: !this.configured(), at: this.core.clock.now() });
      return;
    }
    this.unsubscribes.push(this.core.devices.register(devices));
    this.unsubscribes.push(devices.onHealth(() => this.onHealth()));
    if (devices.loops) {
      this.unsubscribes.push(devices.loops.onChange((l) => this.onLoops(l)));
      devices.loops.read().then((l) => this.onLoops(l), () => undefined);
    }
    this.onHealth();
  }

  private laneHealth(): DeviceHealth[] {
    return this.devices?.health() ?? [];
  }

  private ready(): boolean {
    return this.laneHealth().every((h) => h.state !== 'fault');
  }

  private onHealth(): void {
    if (this.closed) return;
    const ready = this.ready();
    if (ready !== this.state.devicesReady) {
      this.feed({ type: 'DEVICES', ready, at: this.core.clock.now() });
      if (ready && this.devices?.loops) this.devices.loops.read().then((l) => this.onLoops(l), () => undefined);
    }
    if (ready) void this.drive();
    this.emitStatus();
  }

  private onLoops(l: LoopState): void {
    if (this.closed) return;
    this.feed({ type: 'LOOPS', arming: l.arming, safety: l.safety, barrierUp: l.barrierUp, at: this.core.clock.now() });
  }

  private tick(): void {
    if (this.closed) return;
    const deadline = nextDeadline(this.rules, this.state);
    const now = this.core.clock.now();
    if (deadline !== null && deadline <= now) this.feed({ type: 'TICK', at: now });
  }

  /**
   * Gives the barrier its cause; runs inside the caller's transaction so the opening commits with
   * the ticket or payment. The state machine hears of it after the commit. Returns the opening id,
   * or null when this lane does not open for such a cause (no barrier, or the other lane role).
   */
  causeGiven(actor: Actor | null, cause: Exclude<OpenCause, { kind: 'MANUAL' }>): string | null {
    if (!this.configured()) return null;
    const role = this.config.role;
    if (cause.kind === 'ENTRY_ACCEPTED' && role === 'exit') return null;
    if (cause.kind === 'EXIT_ALLOWED' && role === 'entry') return null;
    return this.record({ cause, operatorId: actor?.operatorId ?? null });
  }

  /** Records a manual opening (already authorised by the caller) in the caller's transaction. */
  manualOpeningGiven(input: NewOpening): string {
    return this.record(input);
  }

  private record(input: NewOpening): string {
    const row = insertOpening(this.core, input);
    // After the commit: a rolled-back transaction leaves no row, and then nothing opens.
    queueMicrotask(() => {
      const saved = openingRow(this.core, row.id);
      if (saved && saved.status === 'PENDING') this.feed({ type: 'OPEN', openingId: row.id, cause: causeOf(row), at: this.core.clock.now() });
    });
    return row.id;
  }

  private feed(input: LaneInput): void {
    if (this.closed) return;
    // The kiosk clock set back (a fake clock in a test, a corrected system clock): the state
    // machine follows it, keeping each timer's remaining time, instead of stamping the past.
    if (input.at < this.state.at - CLOCK_JUMP_MS) this.state = shiftLaneTimes(this.state, input.at - this.state.at);
    const step = laneStep(this.rules, this.state, input);
    this.state = step.state;
    if (step.outputs.length === 0) return;
    for (const o of step.outputs) {
      if (o.type === 'RAISE') this.command('UP');
      if (o.type === 'LOWER') this.command('DOWN');
    }
    // The barrier first: the records are written on the next turn of the event loop, after the
    // driver has put the command on the wire (a car at the barrier does not wait for the disk).
    // They keep their order; every read of the lane's tables through this service flushes first,
    // and a crash before the flush loses nothing the restart cannot redo (the opening row itself
    // was written with its cause).
    this.unsaved.push(...step.outputs.filter((o) => o.type !== 'RAISE' && o.type !== 'LOWER'));
    if (!this.flushScheduled && this.unsaved.length) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    this.emitStatus();
  }

  /** Writes the state machine's outputs not recorded yet, in order, in one transaction. */
  flush(): void {
    this.flushScheduled = false;
    const outputs = this.unsaved.splice(0);
    if (!outputs.length) return;
    try {
      this.core.store.q.tx(() => {
        for (const o of outputs) this.persist(o);
      });
    } catch (err) {
      this.options.log('error', 'lane event could not be recorded', { error: String(err), outputs: outputs.map((o) => o.type) });
    }
  }

  private persist(o: LaneOutput): void {
    const core = this.core;
    const loops = this.rules.hasSafetyLoop || this.rules.hasArmingLoop;
    switch (o.type) {
      case 'OPENED':
        updateOpening(core, o.openingId, { status: 'OPEN', raised_at: o.at });
        break;
      case 'REQUEUED':
        updateOpening(core, o.openingId, { status: 'PENDING' });
        break;
      case 'CLOSED': {
        const row = updateOpening(core, o.openingId, { status: 'CLOSED', closed_at: o.at, close_reason: o.reason, cars: o.cars });
        if (row) core.outbox.append('lane.openingEnded', row.id, { opening: openingSnapshot(row) });
        // Without loops nothing counts cars, so an opening cannot be said to have had none.
        if (row && loops && o.reason === 'NO_CAR') {
          recordException(core, 'OPENING_WITHOUT_CAR', o.at, { openingId: row.id }, `Barrier opened (${row.cause}) and no car went through`);
        }
        break;
      }
      case 'EXPIRED': {
        const row = updateOpening(core, o.openingId, { status: 'EXPIRED', closed_at: o.at, close_reason: o.reason });
        if (row) core.outbox.append('lane.openingEnded', row.id, { opening: openingSnapshot(row) });
        break;
      }
      case 'PASS': {
        const passId = recordPass(core, o);
        if (o.match === 'TAILGATE') {
          recordException(core, 'TAILGATE', o.at, { openingId: o.openingId, passId }, 'A second car went through on one opening');
        } else if (o.match === 'NO_OPENING') {
          recordException(core, 'PASS_WITHOUT_OPENING', o.at, { passId }, 'A car went through with no opening (barrier held or forced up)');
        }
        break;
      }
      case 'HELD_UP':
        recordException(core, 'BARRIER_HELD_UP', o.at, {}, `Barrier up without an opening since ${new Date(o.since).toISOString()}`);
        break;
      case 'RAISE':
      case 'LOWER':
        break;
    }
  }

  private command(target: Command): void {
    this.desired = target;
    void this.drive();
  }

  /** Brings the barrier to the last commanded position; on a device failure, retries later. */
  private async drive(): Promise<void> {
    if (this.driving || this.closed) return;
    const barrier = this.devices?.barrier;
    if (!barrier) return;
    this.driving = true;
    try {
      while (!this.closed && this.applied !== this.desired) {
        const target = this.desired;
        try {
          if (target === 'UP') await barrier.raise();
          else await barrier.lower();
          this.applied = target;
          this.commandError = null;
        } catch (err) {
          this.commandError = err instanceof DeviceError ? err.reason : String(err);
          this.options.log('warn', 'barrier command failed; retried when the device answers', { target, error: String(err) });
          this.scheduleRetry();
          break;
        }
      }
    } finally {
      this.driving = false;
      this.emitStatus();
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.drive();
    }, this.options.retryMs ?? 1000);
    this.retryTimer.unref();
  }

  /** After lane.updateConfig / lane.saveDevices: new rules, new drivers; openings not carried out stay. */
  reconfigure(): Promise<void> {
    this.reconfiguring = this.reconfiguring.then(async () => {
      await this.detachDevices();
      this.config = getLaneConfig(this.core.store);
      this.settings = getLaneDeviceSettings(this.core.store);
      this.rules = laneRules(this.config, this.settings);
      this.attachDevices();
      this.emitStatus();
    });
    return this.reconfiguring;
  }

  private async detachDevices(): Promise<void> {
    for (const u of this.unsubscribes.splice(0)) u();
    const devices = this.devices;
    this.devices = null;
    if (devices) await devices.close().catch((err: unknown) => this.options.log('warn', 'lane devices did not close cleanly', { error: String(err) }));
  }

  currentConfig(): LaneConfig {
    return this.config;
  }

  status(): LaneStatus {
    this.flush();
    const core = this.core;
    const timeZone = laneTimeZone(core.store);
    const now = core.clock.now();
    const date = localDate(now, timeZone);
    const { start, end } = dayBounds(date, timeZone);
    const counts = passCounts(core, start, end);
    const day = aggregate(core.store.sqlite.prepare(
      `SELECT COUNT(*) AS openings, SUM(CASE WHEN status = 'CLOSED' AND cars = 0 THEN 1 ELSE 0 END) AS without_car
       FROM lane_openings WHERE kiosk_id = ? AND requested_at >= ? AND requested_at < ?`,
    ), DayOpeningsRow, core.kioskId, start, end);
    const exceptions = aggregate(core.store.sqlite.prepare(`SELECT COUNT(*) AS n FROM lane_exceptions WHERE kiosk_id = ? AND at >= ? AND at < ?`),
      countRow, core.kioskId, start, end);
    const cur = this.state.current ? openingRow(core, this.state.current.openingId) : undefined;
    const pendingRows = this.state.queue.map((q) => openingRow(core, q.openingId)).filter((r) => r !== undefined);
    const hasLoops = this.devices?.loops != null;
    return {
      kioskId: core.kioskId,
      role: this.config.role,
      configured: this.configured(),
      ready: this.ready(),
      barrier: this.applied,
      commandPending: this.applied !== this.desired ? this.desired : null,
      loops: hasLoops ? { arming: this.state.arming, safety: this.state.safety, barrierUp: this.state.barrierUp } : null,
      devices: this.laneHealth(),
      current: cur ? toOpenings(core, [cur])[0]! : null,
      pending: toOpenings(core, pendingRows),
      occupancy: zoneOccupancy(core.store),
      today: {
        date, ...counts, openings: day.openings, openingsWithoutCar: day.without_car ?? 0, exceptions: exceptions.n,
      },
      // Every car counted should be an opening's car; an opening's cars beyond its first are tailgaters.
      loopMismatch: hasLoops && counts.unmatchedPasses > 0,
      manualReasons: this.config.manualReasons,
    };
  }

  listLive(): LaneOpening[] {
    this.flush();
    return toOpenings(this.core, liveOpenings(this.core));
  }

  private emitStatus(): void {
    if (this.closed) return;
    this.core.emit({
      type: 'lane',
      barrier: this.applied,
      commandPending: this.applied !== this.desired ? this.desired : null,
      ready: this.ready(),
      pending: this.state.queue.length,
      opening: this.state.current ? (this.state.current.cause.kind as OpeningCause) : null,
    });
  }

  /** Admin "open barrier": one test pulse, the live result. */
  async testBarrier(): Promise<LaneTestResult> {
    const barrier = this.devices?.barrier;
    if (!barrier) return { ok: false, ms: 0, error: 'No barrier driver is configured.' };
    const started = performance.now();
    try {
      if (barrier.testPulse) await barrier.testPulse();
      else {
        await barrier.raise();
        await barrier.lower();
      }
      return { ok: true, ms: Math.round(performance.now() - started), error: null };
    } catch (err) {
      return { ok: false, ms: Math.round(performance.now() - started), error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Admin "read inputs": reads the loop detectors now. */
  async readInputs(): Promise<LaneTestResult & { loops: LoopState | null }> {
    const loops = this.devices?.loops;
    if (!loops) return { ok: false, ms: 0, error: 'No loop detector input is configured.', loops: null };
    const started = performance.now();
    try {
      const state = loops.readNow ? await loops.readNow() : await loops.read();
      return { ok: true, ms: Math.round(performance.now() - started), error: null, loops: state };
    } catch (err) {
      return { ok: false, ms: Math.round(performance.now() - started), error: err instanceof Error ? err.message : String(err), loops: null };
    }
  }

  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.reconfiguring.catch(() => undefined);
    await this.detachDevices();
  }
}
