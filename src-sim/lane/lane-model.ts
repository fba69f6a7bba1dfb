/**
 * The physical lane the simulator plays: a barrier arm that moves over time, two loop
 * detectors (arming before the barrier, safety under/after it), a barrier-up limit switch, and
 * cars that arrive, wait, pass or tailgate. The protocol peers (Modbus, relay board, ISAPI) only
 * turn wire commands into contact changes here and read the loops from here.
 *
 * The arm's controller behaves like common boom-barrier controllers:
 * - hold: the arm is up while the "open" contact is closed, down when it opens;
 * - pulse: a closing edge of the "open" contact raises the arm, a closing edge of the "close"
 *   contact (or an ISAPI `close`) lowers it, and it closes by itself `closeDelayMs` after a car
 *   has cleared the safety loop;
 * - either way it never moves down while the safety loop is occupied (it waits).
 */
export type BarrierMode = 'pulse' | 'hold';

export interface LaneModelOptions {
  mode: BarrierMode;
  /** Full travel time of the arm, down to up. */
  travelMs: number;
  /** Pulse mode: how long after the safety loop clears the controller closes. */
  closeDelayMs: number;
  /** How long a car takes over the loops (safety on -> safety off). */
  passMs: number;
  /** Tailgate: the gap between the first car leaving the safety loop and the second reaching it. */
  gapMs: number;
}

export const DEFAULT_LANE_MODEL: LaneModelOptions = { mode: 'pulse', travelMs: 1500, closeDelayMs: 500, passMs: 900, gapMs: 250 };

export interface SimEvent {
  /** ms since the simulator started. */
  t: number;
  kind: string;
  [key: string]: unknown;
}

export class SimConflict extends Error {}

const HISTORY_MAX = 2000;

export class LaneModel {
  readonly opts: LaneModelOptions;
  private readonly t0 = Date.now();
  readonly history: SimEvent[] = [];
  private contactSources = new Map<string, boolean>();
  private closeSources = new Map<string, boolean>();

  // Arm position in percent (0 down, 100 up), moving towards target from (pos0 at tMove).
  private pos0 = 0;
  private tMove = Date.now();
  private target = 0;
  private settleTimer: NodeJS.Timeout | null = null;
  private closeTimer: NodeJS.Timeout | null = null;

  private armingCars = 0;
  private safetyCars = 0;
  /** Input levels forced by /_sim/chatter while it runs (undefined = follow the cars). */
  private forced: { arming?: boolean; safety?: boolean } = {};
  private timers = new Set<NodeJS.Timeout>();

  openings = 0;
  passes = 0;
  /** Cars through per opening, indexed by opening number (1-based). */
  private passesPerOpening = new Map<number, number>();

  constructor(opts: Partial<LaneModelOptions> = {}) {
    this.opts = { ...DEFAULT_LANE_MODEL, ...opts };
  }

  now(): number {
    return Date.now() - this.t0;
  }

  log(kind: string, extra: Record<string, unknown> = {}): void {
    this.history.push({ t: this.now(), kind, ...extra });
    if (this.history.length > HISTORY_MAX) this.history.splice(0, this.history.length - HISTORY_MAX);
  }

  // ---- the barrier ----

  position(): number {
    const dt = Date.now() - this.tMove;
    const step = (dt / this.opts.travelMs) * 100;
    return this.target > this.pos0 ? Math.min(this.target, this.pos0 + step) : Math.max(this.target, this.pos0 - step);
  }

  barrierState(): 'down' | 'rising' | 'up' | 'lowering' {
    const p = this.position();
    if (p === this.target) return p >= 100 ? 'up' : 'down';
    return this.target > p ? 'rising' : 'lowering';
  }

  barrierUp(): boolean {
    return this.position() >= 100;
  }

  /** A contact wired to the controller's "open" input changed (source: 'coil', 'relay'...). */
  setOpenContact(source: string, closed: boolean): void {
    const before = this.anyClosed(this.contactSources);
    this.contactSources.set(source, closed);
    const after = this.anyClosed(this.contactSources);
    if (before === after) return;
    this.log('open-contact', { source, closed: after });
    if (this.opts.mode === 'hold') this.moveTo(after ? 100 : 0, `hold contact ${after ? 'closed' : 'opened'}`);
    else if (after) this.moveTo(100, `open pulse from ${source}`);
  }

  setCloseContact(source: string, closed: boolean): void {
    const before = this.anyClosed(this.closeSources);
    this.closeSources.set(source, closed);
    const after = this.anyClosed(this.closeSources);
    if (before === after) return;
    this.log('close-contact', { source, closed: after });
    if (after) this.moveTo(0, `close pulse from ${source}`);
  }

  /** An ISAPI ctrlMode (the controller's own open/close). */
  command(mode: 'open' | 'close', source: string): void {
    this.log('command', { source, mode });
    this.moveTo(mode === 'open' ? 100 : 0, `${source} ${mode}`);
  }

  private anyClosed(m: Map<string, boolean>): boolean {
    for (const v of m.values()) if (v) return true;
    return false;
  }

  private moveTo(target: number, why: string): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    if (target === 0 && this.safetyOccupied()) {
      // Never down onto a car: the controller waits for the safety loop to clear.
      this.log('close-held', { why: 'safety loop occupied' });
      this.closeTimer = setTimeout(() => this.moveTo(0, why), 50);
      return;
    }
    const p = this.position();
    if (target === this.target) return;
    if (target === 100 && p < 100 && this.barrierState() !== 'rising') {
      this.openings += 1;
      this.passesPerOpening.set(this.openings, 0);
    }
    this.pos0 = p;
    this.tMove = Date.now();
    this.target = target;
    this.log('arm-move', { from: Math.round(p), to: target, why });
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.log('arm-stop', { position: target }), (Math.abs(target - p) / 100) * this.opts.travelMs);
  }

  // ---- the loops ----

  safetyOccupied(): boolean {
    return this.forced.safety ?? this.safetyCars > 0;
  }

  armingOccupied(): boolean {
    return this.forced.arming ?? this.armingCars > 0;
  }

  inputs(): { arming: boolean; safety: boolean; barrierUp: boolean } {
    return { arming: this.armingOccupied(), safety: this.safetyOccupied(), barrierUp: this.barrierUp() };
  }

  // ---- the cars ----

  carsWaiting(): number {
    return this.armingCars;
  }

  arrive(): void {
    this.armingCars += 1;
    this.log('car-arrive', { waiting: this.armingCars });
  }

  leave(): void {
    if (this.armingCars === 0) throw new SimConflict('no car is waiting on the arming loop');
    this.armingCars -= 1;
    this.log('car-leave', { waiting: this.armingCars });
  }

  /** The waiting car drives through: safety on, arming off, safety off over passMs. Needs the arm up unless forced. */
  pass(force = false): Promise<void> {
    if (this.armingCars === 0) throw new SimConflict('no car is waiting on the arming loop (arrive first)');
    if (!force && !this.barrierUp()) throw new SimConflict(`the barrier is ${this.barrierState()}, a car cannot pass`);
    return this.drive();
  }

  /** A car passes and a second one follows it through on the same opening. */
  async tailgate(force = false): Promise<void> {
    if (this.armingCars === 0) this.arrive();
    if (!force && !this.barrierUp()) throw new SimConflict(`the barrier is ${this.barrierState()}, a car cannot pass`);
    this.arrive();
    const first = this.drive();
    await this.sleep(this.opts.passMs + this.opts.gapMs);
    const second = this.drive(true);
    await Promise.all([first, second]);
  }

  private async drive(tailgater = false): Promise<void> {
    const third = Math.round(this.opts.passMs / 3);
    this.safetyCars += 1;
    this.log('safety-on', { tailgater });
    await this.sleep(third);
    this.armingCars = Math.max(0, this.armingCars - 1);
    this.log('arming-off', { waiting: this.armingCars });
    await this.sleep(this.opts.passMs - third);
    this.safetyCars = Math.max(0, this.safetyCars - 1);
    this.passes += 1;
    const opening = this.openings;
    this.passesPerOpening.set(opening, (this.passesPerOpening.get(opening) ?? 0) + 1);
    this.log('safety-off', { passes: this.passes, opening, tailgater });
    if (this.opts.mode === 'pulse' && this.safetyCars === 0 && this.target === 100) {
      if (this.closeTimer) clearTimeout(this.closeTimer);
      this.closeTimer = setTimeout(() => {
        this.closeTimer = null;
        if (!this.safetyOccupied()) this.moveTo(0, 'safety loop cleared');
      }, this.opts.closeDelayMs);
    }
  }

  /** Flickers one loop `times` times, `ms` apart, then lets it follow the cars again. */
  async chatter(loop: 'arming' | 'safety', times: number, ms: number): Promise<void> {
    const base = loop === 'arming' ? this.armingCars > 0 : this.safetyCars > 0;
    this.log('chatter', { loop, times, ms });
    for (let i = 0; i < times; i++) {
      this.forced[loop] = i % 2 === 0 ? !base : base;
      await this.sleep(ms);
    }
    delete this.forced[loop];
  }

  /** Back to an empty lane: no cars, loops free, arm down (at once), contacts open, counters zero. */
  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    this.armingCars = 0;
    this.safetyCars = 0;
    this.forced = {};
    this.contactSources.clear();
    this.closeSources.clear();
    this.pos0 = 0;
    this.target = 0;
    this.tMove = Date.now();
    this.openings = 0;
    this.passes = 0;
    this.passesPerOpening.clear();
    this.log('reset');
  }

  tailgates(): number {
    let n = 0;
    for (const v of this.passesPerOpening.values()) if (v > 1) n += v - 1;
    return n;
  }

  snapshot(): Record<string, unknown> {
    return {
      barrier: { mode: this.opts.mode, position: Math.round(this.position()), state: this.barrierState() },
      loops: this.inputs(),
      carsWaiting: this.armingCars,
      openings: this.openings,
      passes: this.passes,
      tailgates: this.tailgates(),
      passesPerOpening: Object.fromEntries(this.passesPerOpening),
    };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    if (this.closeTimer) clearTimeout(this.closeTimer);
  }
}
