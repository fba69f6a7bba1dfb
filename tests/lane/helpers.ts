/** Shared bits of the lane driver tests: a log that records, a poll-until, the sim's control panel. */
import type { DeviceHealth } from '../../src-shared/contracts/devices.js';
import type { LaneLog } from '../../src-main/lane/device-health.js';
import type { LaneDevices } from '../../src-main/lane/ports.js';
import { DeviceError } from '../../src-main/lane/ports.js';
import { systemClock } from '../../src-main/core/clock.js';

export const clock = systemClock;

export function recordingLog(): { log: LaneLog; lines: { level: string; message: string; extra?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  return { lines, log: (level, message, extra) => lines.push({ level, message, extra }) };
}

export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 10_000, everyMs = 20): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function healthOf(devices: LaneDevices, device: 'barrier' | 'loops'): DeviceHealth {
  const h = devices.health().find((x) => x.device === device);
  if (!h) throw new Error(`no ${device} health`);
  return h;
}

export function waitHealth(devices: LaneDevices, device: 'barrier' | 'loops', state: 'ok' | 'fault', reason?: string, timeoutMs = 12_000) {
  return waitFor(`${device} health ${state}${reason ? ` ${reason}` : ''}`, () => {
    const h = healthOf(devices, device);
    return h.state === state && (reason === undefined || h.reason === reason) ? h : null;
  }, timeoutMs);
}

export async function sim(url: string, path: string): Promise<unknown> {
  const res = await fetch(`${url}${path}`, { method: path.startsWith('/_sim/state') ? 'GET' : 'POST' });
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The DeviceError a promise rejects with (fails the test if it resolves or rejects with anything else). */
export async function deviceError(p: Promise<unknown>): Promise<DeviceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DeviceError) return e;
    throw new Error(`expected a DeviceError, got ${String(e)}`);
  }
  throw new Error('expected a DeviceError, but the call succeeded');
}
