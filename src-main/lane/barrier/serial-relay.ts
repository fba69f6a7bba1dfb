/**
 * CH340 "LCUS" USB relay boards (LCUS-1/2/4/8) through the `serialport` package: 9600 8N1,
 * a 4-byte frame `A0 <relay> <01 close | 00 open> <checksum>`, checksum = the sum of the first
 * three bytes (so `A0 01 01 A2` closes relay 1 and `A0 01 00 A1` opens it).
 *
 * The board never answers, so the only signs of trouble are the port (gone, cannot open, a
 * write that does not drain) and bytes coming back: an LCUS board sends nothing, so anything
 * read means the port is not the relay board (or runs at the wrong speed); that is BAD_REPLY
 * and commands are refused until the line has been quiet for a while, because what moved (if
 * anything) is unknown.
 */
import { SerialPort } from 'serialport';
import type { BarrierSettings } from '../../../src-shared/contracts/lane-devices.js';
import type { Clock } from '../../core/clock.js';
import { Backoff } from '../backoff.js';
import { HealthCell, type LaneLog } from '../device-health.js';
import { CLOSE_WAIT_MS, waitAtMost, withTimeout } from '../modbus/link.js';
import { type BarrierPort, DeviceError } from '../ports.js';
import { type Contact, ContactBarrier } from './contact-barrier.js';

type SerialRelaySettings = Extract<BarrierSettings, { driver: 'serial-relay' }>;

export const LCUS_START = 0xa0;

/** The LCUS frame for one relay. */
export function lcusFrame(relay: number, closed: boolean): Buffer {
  const op = closed ? 0x01 : 0x00;
  return Buffer.from([LCUS_START, relay, op, (LCUS_START + relay + op) & 0xff]);
}

/** How long the line must stay silent after stray bytes before the board is trusted again. */
export const QUIET_AFTER_GARBAGE_MS = 2000;

export class SerialRelayBarrier implements BarrierPort {
  readonly health: HealthCell;
  private readonly contacts: ContactBarrier;
  private readonly log: LaneLog;
  private port: SerialPort | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private quietTimer: NodeJS.Timeout | null = null;
  private garbage = false;
  private readonly backoff = new Backoff();

  constructor(
    private readonly settings: SerialRelaySettings,
    deps: { clock: Clock; log: LaneLog },
  ) {
    const contact = (relay: number): Contact => ({ set: (closed) => this.write(lcusFrame(relay, closed)) });
    this.contacts = new ContactBarrier(contact(settings.relay), settings.closeRelay === null ? null : contact(settings.closeRelay), {
      mode: settings.mode,
      pulseMs: settings.pulseMs,
      log: deps.log,
    });
    this.health = new HealthCell('barrier', 'serial-relay', deps.clock, deps.log, settings.path);
    this.log = deps.log;
  }

  raise(): Promise<void> {
    return this.contacts.raise();
  }

  lower(): Promise<void> {
    return this.contacts.lower();
  }

  testPulse(ms?: number): Promise<void> {
    return this.contacts.testPulse(ms);
  }

  start(): void {
    this.open();
  }

  /** Bounded: a write on the wire gets a moment to finish, and a port that no longer answers its close is let go. */
  async close(): Promise<void> {
    this.contacts.stop();
    await waitAtMost(this.contacts.idle(), CLOSE_WAIT_MS);
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.quietTimer) clearTimeout(this.quietTimer);
    const p = this.port;
    this.port = null;
    if (!p) return;
    p.removeAllListeners();
    p.on('error', () => undefined);
    if (p.isOpen) await waitAtMost(new Promise<void>((res) => p.close(() => res())), 1000);
  }

  private open(): void {
    this.retryTimer = null;
    if (this.stopped) return;
    const s = this.settings;
    const port = new SerialPort({ path: s.path, baudRate: s.baudRate, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
    port.on('error', (err) => this.lost(port, err));
    port.on('close', () => this.lost(port, new Error('port closed')));
    port.on('data', (chunk: Buffer) => this.stray(chunk));
    port.open((err) => {
      if (err) {
        port.removeAllListeners();
        this.health.fault('DISCONNECTED', `Cannot open the USB relay board at ${s.path} (${err.message}). Check it is plugged in.`);
        this.retry();
        return;
      }
      if (this.stopped) {
        port.close();
        return;
      }
      this.port = port;
      this.backoff.reset();
      this.garbage = false;
      this.health.ok();
      this.contacts.deviceBack();
    });
  }

  private lost(port: SerialPort, err: Error): void {
    if (this.port !== port || this.stopped) return;
    this.port = null;
    port.removeAllListeners();
    port.on('error', () => undefined);
    if (port.isOpen) port.close(() => undefined);
    this.health.fault('DISCONNECTED', `The USB relay board at ${this.settings.path} went away (${err.message}). Check it is plugged in.`);
    this.retry();
  }

  private retry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => this.open(), this.backoff.next());
  }

  private stray(chunk: Buffer): void {
    this.garbage = true;
    this.health.fault(
      'BAD_REPLY',
      `The device at ${this.settings.path} sends data (${chunk.subarray(0, 8).toString('hex')}); a USB relay board sends nothing. Check the port is the relay board's and runs at ${this.settings.baudRate} baud.`,
    );
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      this.garbage = false;
      if (this.port) this.health.ok();
    }, QUIET_AFTER_GARBAGE_MS);
  }

  private async write(frame: Buffer): Promise<void> {
    const port = this.port;
    if (!port) throw new DeviceError('DISCONNECTED', this.health.get().detail ?? `The USB relay board at ${this.settings.path} is not connected.`);
    if (this.garbage) throw new DeviceError('BAD_REPLY', this.health.get().detail ?? 'The relay board port sends unexpected data.');
    const written = new Promise<void>((resolve, reject) => {
      port.write(frame, (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))));
    });
    try {
      await withTimeout(written, this.settings.timeoutMs, `The USB relay board at ${this.settings.path} did not take the command within ${this.settings.timeoutMs} ms.`);
    } catch (err) {
      const error = err instanceof DeviceError ? err : new DeviceError('DISCONNECTED', `Writing to the USB relay board at ${this.settings.path} failed (${String(err)}).`);
      this.health.fault(error.reason, error.message);
      this.log('warn', 'serial relay write failed', { path: this.settings.path, reason: error.reason });
      if (error.reason === 'DISCONNECTED') this.lost(port, err as Error);
      throw error;
    }
  }
}
