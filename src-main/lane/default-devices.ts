/** The kiosk's default lane devices factory: the drivers (src-main/lane/devices.ts) for the saved device settings. */
import type { LaneDeviceSettings } from '../../src-shared/contracts/lane-devices.js';
import { systemClock } from '../core/clock.js';
import type { LaneLog } from './device-health.js';
import { createLaneDevices } from './devices.js';
import type { LaneDevices } from './ports.js';
import type { LaneDevicesFactory } from './service.js';

/**
 * The drivers time pulses, debounce and reconnects by the machine's own clock, never the kiosk's
 * business clock: that one may be set by hand (--fake-clock, a demo) and would stop a debounce.
 */
export function defaultLaneDevices(log: LaneLog): LaneDevicesFactory {
  return (settings: LaneDeviceSettings): LaneDevices | null =>
    settings.barrier.driver === 'none' && settings.loops.driver === 'none' ? null : createLaneDevices(settings, { clock: systemClock, log });
}
