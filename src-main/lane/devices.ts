/**
 * Builds a lane's barrier and loop drivers from its device settings. Drivers on the same Modbus
 * endpoint (one IO module over TCP, or one RS-485 line) share one link; every driver starts
 * connecting at once and keeps reconnecting by itself until close().
 */
import type { DeviceHealth } from '../../src-shared/contracts/devices.js';
import {
  laneDeviceSettingsSchema,
  type BarrierSettings,
  type LaneDeviceSettings,
  type LaneDeviceSettingsInput,
  type LoopSettings,
} from '../../src-shared/contracts/lane-devices.js';
import type { Clock } from '../core/clock.js';
import { IsapiBarrier } from './barrier/isapi.js';
import { ModbusCoilBarrier } from './barrier/modbus-coil.js';
import { SerialRelayBarrier } from './barrier/serial-relay.js';
import type { HealthCell, LaneLog } from './device-health.js';
import { ModbusLoopInputs } from './loops/modbus-inputs.js';
import { type ModbusEndpoint, ModbusLink, endpointKey } from './modbus/link.js';
import type { BarrierPort, LaneDevices, LoopInputsPort } from './ports.js';

export interface LaneDeviceDeps {
  clock: Clock;
  log: LaneLog;
}

/** What every driver object offers the factory besides its port. */
interface Driver {
  health: HealthCell;
  start(): void;
  close(): Promise<void>;
}

function endpointOf(s: Exclude<BarrierSettings | LoopSettings, { driver: 'none' | 'serial-relay' | 'isapi' }>): ModbusEndpoint {
  return s.driver === 'modbus-tcp'
    ? { kind: 'tcp', host: s.host, port: s.port }
    : { kind: 'rtu', path: s.path, baudRate: s.baudRate, parity: s.parity, stopBits: s.stopBits };
}

/** Device settings as saved (or as typed in a test); parsed here so defaults and limits always apply. */
export function createLaneDevices(config: LaneDeviceSettings | LaneDeviceSettingsInput, deps: LaneDeviceDeps): LaneDevices {
  const settings = laneDeviceSettingsSchema.parse(config);
  const links = new Map<string, ModbusLink>();
  const linkFor = (s: Parameters<typeof endpointOf>[0]): ModbusLink => {
    const endpoint = endpointOf(s);
    const key = endpointKey(endpoint);
    let link = links.get(key);
    if (!link) {
      link = new ModbusLink(endpoint, { connectTimeoutMs: s.timeoutMs, log: deps.log });
      links.set(key, link);
    }
    return link;
  };

  let barrier: (BarrierPort & Driver) | null = null;
  const b = settings.barrier;
  if (b.driver === 'serial-relay') barrier = new SerialRelayBarrier(b, deps);
  else if (b.driver === 'modbus-tcp' || b.driver === 'modbus-rtu') barrier = new ModbusCoilBarrier(b, linkFor(b), deps);
  else if (b.driver === 'isapi') barrier = new IsapiBarrier(b, deps);

  let loops: (LoopInputsPort & Driver) | null = null;
  const l = settings.loops;
  if (l.driver === 'modbus-tcp' || l.driver === 'modbus-rtu') loops = new ModbusLoopInputs(l, linkFor(l), deps);

  const drivers: Driver[] = [barrier, loops].filter((d): d is BarrierPort & Driver | LoopInputsPort & Driver => d !== null);
  const listeners = new Set<(h: DeviceHealth) => void>();
  for (const d of drivers) d.health.onChange((h) => listeners.forEach((fn) => fn(h)));
  for (const link of links.values()) link.start();
  for (const d of drivers) d.start();

  let closing: Promise<void> | null = null;
  return {
    barrier,
    loops,
    health: () => drivers.map((d) => d.health.get()),
    onHealth(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closing ??= (async () => {
        // Together: closing a link ends the request it has on the wire, which is what a driver's
        // close() would otherwise wait for (up to the device's timeout).
        await Promise.all([...drivers.map((d) => d.close()), ...[...links.values()].map((k) => k.close())]);
        listeners.clear();
      })();
      return closing;
    },
  };
}
