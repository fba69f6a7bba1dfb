/**
 * A CH340 "LCUS" USB relay board on the device end of a socat pty pair: reads 4-byte frames
 * `A0 <relay> <00|01> <sum>`, checks the checksum, switches the relay (relay 1 = the barrier's
 * open contact, relay 2 = its close contact) and keeps every byte it received, with the time.
 * Like the real board it never answers; `garbage()` sends bytes back anyway (a wrong device on
 * the port), and unplug/replug removes and restores the pty.
 */
import { SerialPort } from 'serialport';
import type { LaneModel } from './lane-model.js';
import { monoMs, type RawFrame } from './modbus-peer.js';
import type { PtyPair } from './pty-pair.js';

export const RELAY_OPEN = 1;
export const RELAY_CLOSE = 2;

export interface RelayFrame {
  t: number;
  hex: string;
  relay: number | null;
  closed: boolean | null;
  valid: boolean;
}

const MAX = 500;

export class RelayPeer {
  readonly relays = new Map<number, boolean>();
  readonly raw: RawFrame[] = [];
  readonly frames: RelayFrame[] = [];
  private port: SerialPort | null = null;
  private pending = Buffer.alloc(0);
  private readonly rawListeners = new Set<(f: RawFrame) => void>();

  constructor(
    private readonly lane: LaneModel,
    readonly pty: PtyPair,
  ) {}

  onRaw(fn: (f: RawFrame) => void): () => void {
    this.rawListeners.add(fn);
    return () => this.rawListeners.delete(fn);
  }

  async start(): Promise<void> {
    await this.pty.start();
    const port = new SerialPort({ path: this.pty.devicePath, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    port.on('error', () => undefined);
    port.on('data', (d: Buffer) => this.receive(d));
    this.port = port;
  }

  async stop(): Promise<void> {
    const p = this.port;
    this.port = null;
    if (p?.isOpen) await new Promise<void>((r) => p.close(() => r()));
    await this.pty.stop();
  }

  get running(): boolean {
    return this.port !== null;
  }

  /** Writes bytes to the kiosk as if the device on the port talked back. */
  garbage(bytes = Buffer.from('CH1:ON\r\n\x00\xff', 'latin1')): void {
    this.port?.write(bytes);
    this.lane.log('relay-garbage-sent', { hex: bytes.toString('hex') });
  }

  private receive(d: Buffer): void {
    const f: RawFrame = { t: this.lane.now(), at: performance.now(), mono: monoMs(), hex: d.toString('hex') };
    for (const l of this.rawListeners) l(f);
    this.raw.push(f);
    if (this.raw.length > MAX) this.raw.splice(0, this.raw.length - MAX);
    this.pending = Buffer.concat([this.pending, d]);
    while (this.pending.length > 0) {
      const start = this.pending.indexOf(0xa0);
      if (start < 0) {
        this.push({ t: f.t, hex: this.pending.toString('hex'), relay: null, closed: null, valid: false });
        this.pending = Buffer.alloc(0);
        break;
      }
      if (start > 0) {
        this.push({ t: f.t, hex: this.pending.subarray(0, start).toString('hex'), relay: null, closed: null, valid: false });
        this.pending = this.pending.subarray(start);
      }
      if (this.pending.length < 4) break;
      const frame = this.pending.subarray(0, 4);
      this.pending = this.pending.subarray(4);
      const [, relay = 0, op = 0, sum = 0] = frame;
      const valid = ((0xa0 + relay + op) & 0xff) === sum && (op === 0 || op === 1) && relay >= 1 && relay <= 8;
      this.push({ t: f.t, hex: frame.toString('hex'), relay, closed: op === 1, valid });
      if (!valid) continue;
      this.relays.set(relay, op === 1);
      this.lane.log('relay', { relay, closed: op === 1 });
      if (relay === RELAY_OPEN) this.lane.setOpenContact('relay', op === 1);
      if (relay === RELAY_CLOSE) this.lane.setCloseContact('relay', op === 1);
    }
  }

  private push(r: RelayFrame): void {
    this.frames.push(r);
    if (this.frames.length > MAX) this.frames.splice(0, this.frames.length - MAX);
  }

  snapshot(): Record<string, unknown> {
    return {
      running: this.running,
      path: this.pty.kioskPath,
      relays: Object.fromEntries(this.relays),
      frames: this.frames.slice(-100),
      raw: this.raw.slice(-50).map(({ t, hex }) => ({ t, hex })),
    };
  }
}
