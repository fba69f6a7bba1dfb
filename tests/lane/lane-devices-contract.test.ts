/** The lane device settings schema at its limits, and the write-only ISAPI password. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LANE_DEVICE_SETTINGS,
  keepSavedSecret,
  laneDeviceSettingsSchema,
  laneDeviceSettingsView,
} from '../../src-shared/contracts/lane-devices.js';

const tcp = (extra: Record<string, unknown>) => ({ barrier: { driver: 'modbus-tcp', host: '10.0.0.5', ...extra } });
const ok = (v: unknown) => laneDeviceSettingsSchema.safeParse(v).success;

describe('lane device settings', () => {
  it('defaults to no devices, and fills in every default of a driver', () => {
    expect(DEFAULT_LANE_DEVICE_SETTINGS).toEqual({ barrier: { driver: 'none' }, loops: { driver: 'none' } });
    expect(laneDeviceSettingsSchema.parse(tcp({})).barrier).toEqual({
      driver: 'modbus-tcp', host: '10.0.0.5', port: 502, unitId: 1, coil: 0, closeCoil: null, mode: 'pulse', pulseMs: 500, timeoutMs: 1000,
    });
  });

  it('pulseMs 100..5000, timeoutMs 100..10000, unitId 0..247, port 1..65535', () => {
    expect([ok(tcp({ pulseMs: 99 })), ok(tcp({ pulseMs: 100 })), ok(tcp({ pulseMs: 5000 })), ok(tcp({ pulseMs: 5001 }))]).toEqual([false, true, true, false]);
    expect([ok(tcp({ timeoutMs: 99 })), ok(tcp({ timeoutMs: 10_000 })), ok(tcp({ timeoutMs: 10_001 }))]).toEqual([false, true, false]);
    expect([ok(tcp({ unitId: -1 })), ok(tcp({ unitId: 247 })), ok(tcp({ unitId: 248 }))]).toEqual([false, true, false]);
    expect([ok(tcp({ port: 0 })), ok(tcp({ port: 65_535 })), ok(tcp({ port: 65_536 }))]).toEqual([false, true, false]);
    expect(ok(tcp({ pulseMs: 200.5 }))).toBe(false);
  });

  it('loops: debounce 0..2000, poll 20..2000, distinct inputs', () => {
    const loops = (extra: Record<string, unknown>) => ({ loops: { driver: 'modbus-rtu', path: '/dev/ttyUSB0', ...extra } });
    expect([ok(loops({ debounceMs: 0 })), ok(loops({ debounceMs: 2000 })), ok(loops({ debounceMs: 2001 }))]).toEqual([true, true, false]);
    expect([ok(loops({ pollMs: 19 })), ok(loops({ pollMs: 20 })), ok(loops({ pollMs: 2001 }))]).toEqual([false, true, false]);
    expect(ok(loops({ arming: { input: 3 }, safety: { input: 3 } }))).toBe(false);
    expect(ok(loops({ barrierUp: { input: 1 } }))).toBe(false);
  });

  it('refuses a host with a scheme or port, a close contact equal to the open one, and unknown keys', () => {
    expect(ok(tcp({ host: 'http://10.0.0.5' }))).toBe(false);
    expect(ok(tcp({ host: '10.0.0.5:502' }))).toBe(false);
    expect(ok(tcp({ host: 'fe80::1' }))).toBe(true);
    expect(ok(tcp({ host: 'io-module.lane1.local' }))).toBe(true);
    expect(ok(tcp({ coil: 3, closeCoil: 3 }))).toBe(false);
    expect(ok(tcp({ colour: 'red' }))).toBe(false);
    expect(ok({ barrier: { driver: 'serial-relay', path: '/dev/ttyUSB0', relay: 9 } })).toBe(false);
    expect(ok({ barrier: { driver: 'serial-relay', path: '/dev/ttyUSB0', baudRate: 9601 } })).toBe(false);
  });

  it('a USB relay board and a Modbus line cannot share a port; barrier and loops on one RS-485 line must agree on framing', () => {
    expect(ok({ barrier: { driver: 'serial-relay', path: '/dev/ttyUSB0' }, loops: { driver: 'modbus-rtu', path: '/dev/ttyUSB0' } })).toBe(false);
    expect(ok({ barrier: { driver: 'modbus-rtu', path: '/dev/ttyUSB0' }, loops: { driver: 'modbus-rtu', path: '/dev/ttyUSB0', baudRate: 19200 } })).toBe(false);
    expect(ok({ barrier: { driver: 'modbus-rtu', path: '/dev/ttyUSB0' }, loops: { driver: 'modbus-rtu', path: '/dev/ttyUSB0' } })).toBe(true);
  });

  it('never shows the ISAPI password; keeps the saved one only for the same host', () => {
    const saved = laneDeviceSettingsSchema.parse({ barrier: { driver: 'isapi', host: 'cam1', username: 'admin', password: 's3cret' } });
    const view = laneDeviceSettingsView(saved);
    expect(JSON.stringify(view)).not.toContain('s3cret');
    expect(view.barrier).toMatchObject({ driver: 'isapi', passwordSet: true });
    const sameHost = laneDeviceSettingsSchema.parse({ barrier: { driver: 'isapi', host: 'cam1', username: 'admin', channel: 2 } });
    expect(keepSavedSecret(sameHost, saved).barrier).toMatchObject({ password: 's3cret', channel: 2 });
    const otherHost = laneDeviceSettingsSchema.parse({ barrier: { driver: 'isapi', host: 'cam2', username: 'admin' } });
    expect(keepSavedSecret(otherHost, saved).barrier).not.toHaveProperty('password');
    const retyped = laneDeviceSettingsSchema.parse({ barrier: { driver: 'isapi', host: 'cam1', username: 'admin', password: 'new' } });
    expect(keepSavedSecret(retyped, saved).barrier).toMatchObject({ password: 'new' });
  });
});
