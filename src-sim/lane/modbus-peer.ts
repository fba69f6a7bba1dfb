/**
 * The lane's Modbus IO module, served by modbus-serial's own servers (ServerTCP, and
 * ServerSerial on a socat pty for RTU): coils drive the barrier (coil 0 = open contact, coil 1 =
 * close contact), discrete inputs read the loops (0 = arming, 1 = safety, 2 = barrier up).
 * Faults on command: `silent` (no reply: the master times out), `exception` (a Modbus exception
 * response, code 4 by default), `garbage` (bytes that are not a valid reply), unplug/replug.
 * Every request's raw bytes are kept with the time they arrived, for the state dump and the
 * benchmark.
 */
import { createServer, type Socket } from 'node:net';
import ModbusRTU from 'modbus-serial';
import type { LaneModel } from './lane-model.js';
import type { PtyPair } from './pty-pair.js';

const { ServerTCP, ServerSerial } = ModbusRTU as unknown as {
  ServerTCP: new (vector: object, options: object) => ModbusServerLike & { socks: Map<Socket, unknown>; _server: import('node:net').Server };
  ServerSerial: new (vector: object, options: object) => ModbusServerLike & { getPort(): import('serialport').SerialPort };
};
interface ModbusServerLike {
  on(event: string, fn: (...args: unknown[]) => void): void;
  close(cb: (err?: unknown) => void): void;
}

export type ModbusFault = 'none' | 'silent' | 'exception' | 'garbage';
export const COIL_OPEN = 0;
export const COIL_CLOSE = 1;
export const INPUT_ARMING = 0;
export const INPUT_SAFETY = 1;
export const INPUT_BARRIER_UP = 2;

export interface RawFrame {
  t: number;
  /** performance.now() at arrival, for latency measurements in the same process. */
  at: number;
  /** The machine's monotonic clock at arrival (ms), comparable between processes on one machine. */
  mono: number;
  hex: string;
}

const RAW_MAX = 500;
const never = () => new Promise<never>(() => undefined);

export class ModbusPeer {
  fault: ModbusFault = 'none';
  exceptionCode = 4;
  readonly coils = new Map<number, boolean>();
  readonly raw: RawFrame[] = [];
  readonly writes: { t: number; coil: number; value: boolean }[] = [];
  private tcp: (ModbusServerLike & { socks: Map<Socket, unknown>; _server: import('node:net').Server }) | null = null;
  private rtu: (ModbusServerLike & { getPort(): import('serialport').SerialPort }) | null = null;
  private readonly rawListeners = new Set<(f: RawFrame) => void>();
  tcpPort = 0;

  constructor(
    private readonly lane: LaneModel,
    readonly kind: 'tcp' | 'rtu',
    readonly pty: PtyPair | null = null,
  ) {}

  onRaw(fn: (f: RawFrame) => void): () => void {
    this.rawListeners.add(fn);
    return () => this.rawListeners.delete(fn);
  }

  private record(bytes: Buffer): void {
    const f: RawFrame = { t: this.lane.now(), at: performance.now(), mono: monoMs(), hex: bytes.toString('hex') };
    for (const l of this.rawListeners) l(f);
    this.raw.push(f);
    if (this.raw.length > RAW_MAX) this.raw.splice(0, this.raw.length - RAW_MAX);
  }

  private readonly vector = {
    getCoil: (addr: number) => this.answer(() => this.coils.get(addr) ?? false),
    getDiscreteInput: (addr: number) =>
      this.answer(() => {
        const i = this.lane.inputs();
        return addr === INPUT_ARMING ? i.arming : addr === INPUT_SAFETY ? i.safety : addr === INPUT_BARRIER_UP ? i.barrierUp : false;
      }),
    setCoil: (addr: number, value: boolean) =>
      this.answer(() => {
        const v = Boolean(value);
        this.coils.set(addr, v);
        this.writes.push({ t: this.lane.now(), coil: addr, value: v });
        this.lane.log('coil-write', { peer: `modbus-${this.kind}`, coil: addr, value: v });
        if (addr === COIL_OPEN) this.lane.setOpenContact(`modbus-${this.kind}`, v);
        if (addr === COIL_CLOSE) this.lane.setCloseContact(`modbus-${this.kind}`, v);
        return undefined;
      }),
  };

  private answer<T>(fn: () => T): Promise<T> {
    if (this.fault === 'silent' || this.fault === 'garbage') return never();
    if (this.fault === 'exception') return Promise.reject({ modbusErrorCode: this.exceptionCode });
    return Promise.resolve(fn());
  }

  async start(port?: number): Promise<void> {
    if (this.kind === 'tcp') {
      this.tcpPort = port ?? (this.tcpPort || (await freePort()));
      const server = new ServerTCP(this.vector, { host: '127.0.0.1', port: this.tcpPort, unitID: 255 });
      await new Promise<void>((resolve, reject) => {
        server.on('initialized', () => resolve());
        server.on('serverError', (e) => reject(e as Error));
      });
      server.on('socketError', () => undefined);
      server.on('error', () => undefined);
      server._server.on('connection', (sock: Socket) => {
        sock.on('data', (d: Buffer) => {
          this.record(d);
          if (this.fault === 'garbage') {
            // A well-framed MBAP header (same transaction id) around a PDU no master asked for.
            const reply = Buffer.from([d[0] ?? 0, d[1] ?? 0, 0, 0, 0, 4, d[6] ?? 1, 0x63, 0xde, 0xad]);
            sock.write(reply);
          }
        });
      });
      this.tcp = server;
      return;
    }
    const pty = this.pty!;
    await pty.start();
    const server = new ServerSerial(this.vector, { path: pty.devicePath, baudRate: 9600, unitID: 255, interval: 5 });
    await new Promise<void>((resolve, reject) => {
      server.on('initialized', () => resolve());
      server.on('error', (e) => reject(e as Error));
    });
    server.on('socketError', () => undefined);
    server.on('error', () => undefined);
    const serial = server.getPort();
    serial.on('error', () => undefined);
    serial.on('data', (d: Buffer) => {
      this.record(d);
      if (this.fault === 'garbage') {
        // Line noise: a write command's echo (the normal reply) with its CRC broken, after junk bytes.
        const echo = Buffer.from(d);
        if (echo.length >= 8 && (echo[1] === 5 || echo[1] === 6)) echo[echo.length - 1] = echo[echo.length - 1]! ^ 0xff;
        serial.write(Buffer.concat([Buffer.from([0x00, 0xff]), echo]));
      }
    });
    this.rtu = server;
  }

  async stop(): Promise<void> {
    const tcp = this.tcp;
    this.tcp = null;
    if (tcp) {
      // Connections end with a reset, as when the module loses power or the switch port goes
      // dark and comes back: the master hears an error, not an orderly close.
      for (const s of tcp.socks.keys()) s.resetAndDestroy();
      await new Promise<void>((r) => tcp.close(() => r()));
    }
    const rtu = this.rtu;
    this.rtu = null;
    if (rtu) await new Promise<void>((r) => rtu.close(() => r()));
    if (this.pty) await this.pty.stop();
  }

  get running(): boolean {
    return this.tcp !== null || this.rtu !== null;
  }

  snapshot(): Record<string, unknown> {
    return {
      kind: this.kind,
      running: this.running,
      fault: this.fault,
      ...(this.kind === 'tcp' ? { port: this.tcpPort } : { path: this.pty?.kioskPath }),
      coils: Object.fromEntries(this.coils),
      writes: this.writes.slice(-100),
      raw: this.raw.slice(-50).map(({ t, mono, hex }) => ({ t, mono, hex })),
    };
  }
}

/** process.hrtime (CLOCK_MONOTONIC): the same clock in every process of this machine. */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}
