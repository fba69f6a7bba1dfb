/**
 * Collects the health of every device source (lane devices, printer, camera) in one place, so
 * `system.health` and the header's lane status read one list whatever drivers are configured.
 */
import type { DeviceHealth } from '../../src-shared/contracts/devices.js';
import type { HealthSource } from './ports.js';

export class DeviceHealthBoard {
  private readonly sources = new Set<HealthSource>();
  private readonly unsubscribes = new Map<HealthSource, () => void>();
  private readonly listeners = new Set<(h: DeviceHealth) => void>();

  register(source: HealthSource): () => void {
    this.sources.add(source);
    this.unsubscribes.set(source, source.onHealth((h) => this.listeners.forEach((l) => l(h))));
    return () => {
      this.unsubscribes.get(source)?.();
      this.unsubscribes.delete(source);
      this.sources.delete(source);
    };
  }

  all(): DeviceHealth[] {
    return [...this.sources].flatMap((s) => s.health());
  }

  onChange(listener: (h: DeviceHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
