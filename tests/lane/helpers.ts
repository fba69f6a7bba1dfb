/** Shared bits of the lane driver tests: a log that records, a poll-until, the sim's control panel. */
import { request } from 'node:http';
import { expect } from 'vitest';
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

/** Calls the simulator's control panel (node:http, like the rest of the project's clients). */
export function sim(url: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: path.startsWith('/_sim/state') ? 'GET' : 'POST', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        if ((res.statusCode ?? 0) >= 400) reject(new Error(`${path}: ${res.statusCode} ${JSON.stringify(body)}`));
        else resolve(body);
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${path}: no answer from the simulator`)));
    req.on('error', reject);
    req.end();
  });
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

/** How long a command to a silent device may take on a loaded machine before it counts as a hang. */
export const NO_HANG_MS = 10_000;

/**
 * A command to a device that does not answer: TIMEOUT after the configured `timeoutMs` (the error
 * names it, so a default timeout would not do), and no hang.
 */
export async function expectTimeout(command: Promise<unknown>, timeoutMs: number): Promise<DeviceError> {
  const t0 = Date.now();
  const e = await deviceError(command);
  expect(e.reason).toBe('TIMEOUT');
  expect(e.message).toContain(`within ${timeoutMs} ms`);
  expect(Date.now() - t0).toBeLessThan(NO_HANG_MS);
  return e;
}
