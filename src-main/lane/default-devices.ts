/** The kiosk's default lane devices factory: the drivers for the saved device settings. */
import type { LaneDeviceSettings } from '../../src-shared/contracts/lane-devices.js';
import type { LaneDevices } from './ports.js';
import type { LaneDevicesFactory } from './service.js';

type Log = (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;

export function defaultLaneDevices(log: Log): LaneDevicesFactory {
  return (settings: LaneDeviceSettings): LaneDevices | null => {
    if (settings.barrier.driver === 'none' && settings.loops.driver === 'none') return null;
    log('warn', 'lane drivers are not part of this build', { barrier: settings.barrier.driver, loops: settings.loops.driver });
    return null;
  };
}
