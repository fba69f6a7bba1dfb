/**
 * Loop detectors wired to discrete inputs of a Modbus IO module (TCP or RTU: one driver, the
 * link differs). Polls the inputs every `pollMs` with FC02 (read discrete inputs), applies each
 * input's polarity, debounces each loop on the injected clock and tells listeners about every
 * debounced change. A failed poll marks the loops 'fault' and keeps the last known state (the
 * lane service decides what an unknown loop means); polling goes on, so the loops heal by
 * themselves when the module answers again.
 */
import type { LoopInputSettings, LoopSettings } from '../../../src-shared/contracts/lane-devices.js';
import type { Clock } from '../../core/clock.js';
import { HealthCell, type LaneLog } from '../device-health.js';
import type { ModbusLink } from '../modbus/link.js';
import { DeviceError, type LoopInputsPort, type LoopState } from '../ports.js';
import { Debouncer } from './debounce.js';

type ModbusLoopSettings = Extract<LoopSettings, { driver: 'modbus-tcp' | 'modbus-rtu' }>;
type LoopName = 'arming' | 'safety' | 'barrierUp';

/** FC02 may read up to 2000 inputs at once; inputs further apart are read one by one. */
const MAX_SPAN = 2000;

export class ModbusLoopInputs implements LoopInputsPort {
  readonly health: HealthCell;
  private readonly listeners = new Set<(s: LoopState) => void>();
  private readonly debouncers: Record<LoopName, Debouncer>;
  private readonly wired: [LoopName, LoopInputSettings][];
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  private polled = false;

  constructor(
    private readonly settings: ModbusLoopSettings,
    private readonly link: ModbusLink,
    private readonly deps: { clock: Clock; log: LaneLog },
  ) {
    this.health = new HealthCell('loops', settings.driver, deps.clock, deps.log, `${link.where} unit ${settings.unitId}`);
    this.debouncers = {
      arming: new Debouncer(settings.debounceMs),
      safety: new Debouncer(settings.debounceMs),
      barrierUp: new Debouncer(settings.debounceMs),
    };
    this.wired = [
      ['arming', settings.arming],
      ['safety', settings.safety],
      ...(settings.barrierUp ? [['barrierUp', settings.barrierUp] as [LoopName, LoopInputSettings]] : []),
    ];
  }

  start(): void {
    this.unsubscribe = this.link.onState((state, error) => {
      if (state === 'down' && error) this.health.fault(error.reason, error.message);
    });
    this.tick();
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe?.();
  }

  async read(): Promise<LoopState> {
    if (!this.polled || this.health.get().state !== 'ok') {
      const h = this.health.get();
      throw new DeviceError((h.reason as DeviceError['reason'] | null) ?? 'DISCONNECTED', h.detail ?? 'The loop inputs have not been read yet.');
    }
    return this.state();
  }

  async readNow(): Promise<LoopState> {
    const raw = await this.sampleRaw();
    return { arming: raw.arming ?? false, safety: raw.safety ?? false, barrierUp: this.settings.barrierUp ? (raw.barrierUp ?? false) : null };
  }

  onChange(listener: (s: LoopState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private state(): LoopState {
    return {
      arming: this.debouncers.arming.value ?? false,
      safety: this.debouncers.safety.value ?? false,
      barrierUp: this.settings.barrierUp ? (this.debouncers.barrierUp.value ?? false) : null,
    };
  }

  private tick(): void {
    if (this.stopped) return;
    void this.poll().finally(() => {
      if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.settings.pollMs);
    });
  }

  private async poll(): Promise<void> {
    if (this.link.state !== 'up') return;
    let raw: Partial<Record<LoopName, boolean>>;
    try {
      raw = await this.sampleRaw();
    } catch (err) {
      const e = err instanceof DeviceError ? err : new DeviceError('BAD_REPLY', String(err));
      this.health.fault(e.reason, e.message);
      return;
    }
    const now = this.deps.clock.now();
    let changed = false;
    for (const [name] of this.wired) changed = this.debouncers[name].sample(raw[name] ?? false, now) || changed;
    const first = !this.polled;
    this.polled = true;
    this.health.ok();
    if (changed && !first) {
      const s = this.state();
      for (const l of this.listeners) l(s);
    }
  }

  /** One read of every wired input, polarity applied. */
  private async sampleRaw(): Promise<Partial<Record<LoopName, boolean>>> {
    const { unitId, timeoutMs } = this.settings;
    const addrs = this.wired.map(([, w]) => w.input);
    const lo = Math.min(...addrs);
    const span = Math.max(...addrs) - lo + 1;
    const levels = new Map<number, boolean>();
    const readRange = async (start: number, count: number) => {
      const r = await this.link.request(unitId, timeoutMs, (c) => c.readDiscreteInputs(start, count));
      if (!Array.isArray(r.data) || r.data.length < count) {
        throw new DeviceError('BAD_REPLY', `The Modbus device at ${this.link.where} returned ${Array.isArray(r.data) ? r.data.length : 0} inputs for ${count} asked.`);
      }
      for (let i = 0; i < count; i++) levels.set(start + i, r.data[i] === true);
    };
    if (span <= MAX_SPAN) await readRange(lo, span);
    else for (const a of addrs) await readRange(a, 1);
    const out: Partial<Record<LoopName, boolean>> = {};
    for (const [name, w] of this.wired) {
      const level = levels.get(w.input) ?? false;
      out[name] = w.polarity === 'active-low' ? !level : level;
    }
    return out;
  }
}
