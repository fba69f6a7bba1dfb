/**
 * The lane's hardware as the core sees it. Each port has one driver per protocol
 * (src-main/lane/<kind>/<driver>.ts); the core never knows which one is behind it.
 * A driver never throws past its port: a failing device rejects the call with a DeviceError and
 * reports 'fault' through its health, and it reconnects by itself.
 */
import type { DeviceHealth } from '../../src-shared/contracts/devices.js';

/** Why a device call failed, typed so the lane service can decide (retry, alert) without parsing text. */
export type DeviceErrorReason = 'DISCONNECTED' | 'TIMEOUT' | 'BAD_REPLY' | 'DEVICE_EXCEPTION' | 'NOT_CONFIGURED' | 'BUSY';

export class DeviceError extends Error {
  constructor(
    readonly reason: DeviceErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'DeviceError';
  }
}

/** Debounced loop detector state; barrierUp is null where no feedback input is wired. */
export interface LoopState {
  arming: boolean;
  safety: boolean;
  barrierUp: boolean | null;
}

export interface BarrierPort {
  /** Raise the barrier: a pulse (contact closed for the configured ms) or a hold until lower(). Resolves once the device acknowledged the command (or it is on the wire where the protocol has no reply). */
  raise(): Promise<void>;
  /** Lower it (releases a hold; a pulse-type barrier gets its close pulse where it has one). */
  lower(): Promise<void>;
  /**
   * The Admin screen's "open barrier" test: one open pulse of `ms` (default: the configured
   * pulse length) whatever the mode, so a hold-type barrier is not left up by a test.
   */
  testPulse?(ms?: number): Promise<void>;
}

export interface LoopInputsPort {
  /** The current debounced state (what the core acts on). */
  read(): Promise<LoopState>;
  /** The Admin screen's "read inputs" test: reads the module now and returns the raw levels (polarity applied, no debounce). */
  readNow?(): Promise<LoopState>;
  /** Called with the new debounced state on every change. */
  onChange(listener: (state: LoopState) => void): () => void;
}

export interface HealthSource {
  health(): DeviceHealth[];
  onHealth(listener: (h: DeviceHealth) => void): () => void;
}

/** The barrier and loops of one lane, built from the lane's device settings. */
export interface LaneDevices extends HealthSource {
  barrier: BarrierPort | null;
  loops: LoopInputsPort | null;
  /** Stops polling and reconnecting and closes every connection; a closed set cannot be reopened (build a new one). */
  close(): Promise<void>;
}
