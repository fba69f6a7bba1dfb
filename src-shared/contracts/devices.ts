/**
 * What the screens learn about the lane's devices (barrier, loop detectors, printer, plate camera).
 * Drivers report it; the header's lane status and `system.health` show it.
 */
export const DEVICE_KINDS = ['barrier', 'loops', 'printer', 'camera'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * ok: answering. fault: configured but failing (unplugged, timed out, garbage, paper out...).
 * disabled: not configured at this lane.
 */
export const DEVICE_STATES = ['ok', 'fault', 'disabled'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export interface DeviceHealth {
  device: DeviceKind;
  /** The driver in use, e.g. 'modbus-tcp', 'serial-relay', 'isapi', 'escpos-tcp'. */
  driver: string;
  state: DeviceState;
  /** A short machine-readable reason when not ok (e.g. 'TIMEOUT', 'PAPER_OUT', 'DISCONNECTED'). */
  reason: string | null;
  /** For a person: what is wrong and what to do. */
  detail: string | null;
  /** ISO time of the last change of state. */
  since: string;
}
