/**
 * An in-memory lane (barrier + loops) for the lane SERVICE tests: it proves the core's rules and
 * records, not a driver (the drivers are tested against their real peers, and the lane e2e runs
 * the real drivers against the lane simulator). It can be "unplugged": calls then fail with a
 * DeviceError and health reports a fault, like a real driver.
 */
import type { DeviceHealth } from '../../src-shared/contracts/devices.js';
import { DeviceError, type LaneDevices, type LoopState } from '../../src-main/lane/ports.js';

export class MemoryLane implements LaneDevices {
  commands: ('raise' | 'lower')[] = [];
  plugged = true;
  private loopState: LoopState = { arming: false, safety: false, barrierUp: null };
  private loopListeners = new Set<(s: LoopState) => void>();
  private healthListeners = new Set<(h: DeviceHealth) => void>();
  private since = new Date(0).toISOString();

  private check(): void {
    if (!this.plugged) throw new DeviceError('DISCONNECTED', 'IO module not answering');
  }

  barrier = {
    raise: async () => {
      this.check();
      this.commands.push('raise');
    },
    lower: async () => {
      this.check();
      this.commands.push('lower');
    },
  };

  loops = {
    read: async () => {
      this.check();
      return { ...this.loopState };
    },
    onChange: (l: (s: LoopState) => void) => {
      this.loopListeners.add(l);
      return () => this.loopListeners.delete(l);
    },
  };

  setLoops(next: Partial<LoopState>): void {
    this.loopState = { ...this.loopState, ...next };
    if (this.plugged) for (const l of this.loopListeners) l({ ...this.loopState });
  }

  /** A car over the arming loop, under the barrier into the safety loop, and out. */
  async carThrough(wait: () => Promise<void>): Promise<void> {
    this.setLoops({ arming: true });
    await wait();
    this.setLoops({ safety: true });
    this.setLoops({ arming: false });
    this.setLoops({ safety: false });
    await wait();
  }

  unplug(): void {
    this.plugged = false;
    this.since = new Date().toISOString();
    for (const h of this.health()) for (const l of this.healthListeners) l(h);
  }

  plug(): void {
    this.plugged = true;
    this.since = new Date().toISOString();
    for (const h of this.health()) for (const l of this.healthListeners) l(h);
  }

  health(): DeviceHealth[] {
    const state = this.plugged ? 'ok' : 'fault';
    const reason = this.plugged ? null : 'DISCONNECTED';
    return (['barrier', 'loops'] as const).map((device) => ({
      device, driver: 'memory', state, reason, detail: reason ? 'The IO module does not answer.' : null, since: this.since,
    }));
  }

  onHealth(listener: (h: DeviceHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.loopListeners.clear();
    this.healthListeners.clear();
  }
}
