/**
 * One device's health as its driver sees it: ok, or fault with a typed reason and a sentence for
 * the person at the kiosk. Emits only on a real change (state, reason or detail), so a device
 * that keeps timing out does not flood the health board and the screens.
 */
import type { DeviceHealth, DeviceKind } from '../../src-shared/contracts/devices.js';
import type { Clock } from '../core/clock.js';
import type { DeviceErrorReason } from './ports.js';

export type LaneLog = (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;

export class HealthCell {
  private current: DeviceHealth;
  private readonly listeners = new Set<(h: DeviceHealth) => void>();

  constructor(
    device: DeviceKind,
    driver: string,
    private readonly clock: Clock,
    private readonly log: LaneLog,
    /** Where the device is (host:port, /dev/ttyUSB0), for the log lines. */
    private readonly where: string,
  ) {
    // A configured device starts as DISCONNECTED until its first successful contact.
    this.current = {
      device,
      driver,
      state: 'fault',
      reason: 'DISCONNECTED',
      detail: `Connecting to the ${label(device)} at ${where}...`,
      since: new Date(clock.now()).toISOString(),
    };
  }

  get(): DeviceHealth {
    return this.current;
  }

  ok(): void {
    this.set('ok', null, null);
  }

  fault(reason: DeviceErrorReason, detail: string): void {
    this.set('fault', reason, detail);
  }

  onChange(listener: (h: DeviceHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(state: 'ok' | 'fault', reason: string | null, detail: string | null): void {
    const c = this.current;
    if (c.state === state && c.reason === reason && c.detail === detail) return;
    this.current = { ...c, state, reason, detail, since: new Date(this.clock.now()).toISOString() };
    if (state === 'ok') this.log('info', `${c.device} device ok`, { driver: c.driver, where: this.where });
    else this.log('warn', `${c.device} device fault`, { driver: c.driver, where: this.where, reason, detail });
    for (const l of this.listeners) l(this.current);
  }
}

export function label(device: DeviceKind): string {
  return device === 'loops' ? 'loop detector inputs' : device;
}
