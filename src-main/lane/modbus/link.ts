/**
 * One connection to a Modbus device (a TCP IO module, or an RS-485 line through a USB adapter),
 * through modbus-serial, shared by every driver that talks to it: the barrier's coils and the
 * loops' discrete inputs are usually on the same module, many modules accept a single TCP
 * connection, and one serial line can only be opened once. Requests go one at a time (Modbus
 * RTU is half-duplex; one at a time on TCP keeps each reply matched to its request). The link
 * reconnects by itself with backoff and turns every library error into a typed DeviceError.
 */
import type { EventEmitter } from 'node:events';
import ModbusRTU from 'modbus-serial';
import { Backoff } from '../backoff.js';
import type { LaneLog } from '../device-health.js';
import { DeviceError } from '../ports.js';

export type ModbusEndpoint =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'rtu'; path: string; baudRate: number; parity: 'none' | 'even' | 'odd'; stopBits: 1 | 2 };

export type ModbusClient = InstanceType<typeof ModbusRTU>;
export type LinkState = 'connecting' | 'up' | 'down' | 'closed';

/**
 * How often an idle link checks that its connection is still open. modbus-serial's TCP port
 * drops a socket error (a reset from a module that rebooted or went away) without any event: the
 * port only turns "not open", so without this check the link would wait for the next request.
 */
export const LINK_CHECK_MS = 200;
/** close() waits at most this long for the request on the wire before it lets go of the client. */
export const CLOSE_WAIT_MS = 1500;

export function endpointKey(e: ModbusEndpoint): string {
  return e.kind === 'tcp' ? `tcp:${e.host}:${e.port}` : `rtu:${e.path}`;
}

export function endpointLabel(e: ModbusEndpoint): string {
  return e.kind === 'tcp' ? `${e.host}:${e.port}` : e.path;
}

const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function (the module does not support this command)',
  2: 'illegal data address (no such coil or input: check the number)',
  3: 'illegal data value',
  4: 'device failure',
  5: 'acknowledge (busy with a long command)',
  6: 'device busy',
  10: 'gateway path unavailable',
  11: 'gateway target did not answer',
};

/** Turns what modbus-serial rejects with into a typed DeviceError with a sentence for a person. */
export function classifyModbusError(err: unknown, where: string, timeoutMs: number): DeviceError {
  if (err instanceof DeviceError) return err;
  const e = (err ?? {}) as { modbusCode?: unknown; errno?: unknown; code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (typeof e.modbusCode === 'number') {
    const name = EXCEPTION_NAMES[e.modbusCode] ?? 'unknown exception';
    return new DeviceError('DEVICE_EXCEPTION', `The Modbus device at ${where} refused the command: exception ${e.modbusCode}, ${name}.`);
  }
  if (e.errno === 'ETIMEDOUT' || /timed out/i.test(message)) {
    return new DeviceError('TIMEOUT', `The Modbus device at ${where} did not answer within ${timeoutMs} ms. Check its power, cable and unit id.`);
  }
  if (/crc|length error|unexpected|invalid|bad/i.test(message)) {
    return new DeviceError('BAD_REPLY', `The Modbus device at ${where} answered with data that is not a valid reply (${message}). Check the baud rate, parity and that only one master is on the line.`);
  }
  return new DeviceError('DISCONNECTED', `Cannot reach the Modbus device at ${where} (${message}). Check the cable, power and address.`);
}

export class ModbusLink {
  private client: ModbusClient | null = null;
  private stateNow: LinkState = 'connecting';
  private lastError: DeviceError | null = null;
  /** Requests waiting for the line; barrier commands (urgent) go ahead of loop polls and probes. */
  private readonly queue: { urgent: boolean; start: () => Promise<void> }[] = [];
  private current: Promise<void> | null = null;
  private readonly drainWaiters: (() => void)[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private releasing: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<(e: DeviceError) => void>();
  private readonly backoff = new Backoff();
  private readonly listeners = new Set<(state: LinkState, error: DeviceError | null) => void>();
  readonly where: string;

  constructor(
    readonly endpoint: ModbusEndpoint,
    private readonly opts: { connectTimeoutMs: number; log: LaneLog },
  ) {
    this.where = endpointLabel(endpoint);
  }

  get state(): LinkState {
    return this.stateNow;
  }

  get error(): DeviceError | null {
    return this.lastError;
  }

  onState(listener: (state: LinkState, error: DeviceError | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.stateNow === 'closed') return;
    void this.connect();
  }

  /**
   * Runs `fn` on the open connection once the requests ahead of it have finished: every earlier
   * one, except that an `urgent` request (a barrier command: a car is waiting) goes ahead of the
   * polls and probes still waiting, never ahead of the one on the wire. Rejects at once
   * with DISCONNECTED while the link is down (the caller decides about retrying), and with a
   * typed DeviceError for a timeout, a Modbus exception or a garbled reply.
   */
  request<T>(unitId: number, timeoutMs: number, fn: (client: ModbusClient) => Promise<T>, urgent = false): Promise<T> {
    const run = async (): Promise<T> => {
      const client = this.client;
      if (this.stateNow === 'closed') throw new DeviceError('DISCONNECTED', `The connection to the Modbus device at ${this.where} was closed.`);
      if (this.stateNow === 'up' && client && !client.isOpen) this.lostQuietly(client);
      if (this.stateNow !== 'up' || !client) {
        // Whatever brought the link down (a timeout, a reset), a request now finds no connection.
        throw new DeviceError('DISCONNECTED', this.lastError?.message ?? `Not connected to the Modbus device at ${this.where}.`);
      }
      client.setID(unitId);
      client.setTimeout(timeoutMs);
      // modbus-serial leaves a request pending until its timeout when the connection goes: end it
      // as soon as the link drops, so the caller (and the requests queued behind) hear at once.
      let abort: (e: DeviceError) => void = () => undefined;
      const aborted = new Promise<never>((_, reject) => (abort = reject));
      this.inFlight.add(abort);
      try {
        return await Promise.race([fn(client), aborted]);
      } catch (err) {
        if (client !== this.client) {
          throw err instanceof DeviceError && err.reason === 'DISCONNECTED' ? err : new DeviceError('DISCONNECTED', this.lastError?.message ?? `The connection to the Modbus device at ${this.where} was lost.`);
        }
        const error = classifyModbusError(err, this.where, timeoutMs);
        // After a timeout on TCP the connection may be half-open and late replies would be matched
        // to the wrong request: start afresh. On RS-485 the port itself is fine; only that unit is silent.
        if (error.reason === 'DISCONNECTED' || (error.reason === 'TIMEOUT' && this.endpoint.kind === 'tcp')) this.drop(error);
        throw error;
      } finally {
        this.inFlight.delete(abort);
      }
    };
    return new Promise<T>((resolve, reject) => {
      const job = { urgent, start: () => run().then(resolve, reject) };
      const firstNotUrgent = urgent ? this.queue.findIndex((j) => !j.urgent) : -1;
      if (firstNotUrgent >= 0) this.queue.splice(firstNotUrgent, 0, job);
      else this.queue.push(job);
      this.pump();
    });
  }

  private pump(): void {
    if (this.current) return;
    const job = this.queue.shift();
    if (!job) {
      for (const w of this.drainWaiters.splice(0)) w();
      return;
    }
    this.current = job.start().finally(() => {
      this.current = null;
      this.pump();
    });
  }

  /** Resolves once no request is on the wire or waiting. */
  private drained(): Promise<void> {
    if (!this.current && this.queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  /** Ends the link for good: requests in flight and queued reject, and it never takes longer than CLOSE_WAIT_MS plus the client's release. */
  async close(): Promise<void> {
    if (this.stateNow === 'closed') return;
    this.setState('closed', null);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopCheck();
    const gone = new DeviceError('DISCONNECTED', `The connection to the Modbus device at ${this.where} was closed.`);
    for (const abort of [...this.inFlight]) abort(gone);
    await waitAtMost(this.drained(), CLOSE_WAIT_MS);
    await this.releasing;
    await this.destroyClient();
  }

  private async connect(): Promise<void> {
    this.retryTimer = null;
    // The port a dropped client held must be released before it can be opened again.
    await this.releasing;
    if (this.stateNow === 'closed') return;
    const client = new ModbusRTU();
    const e = this.endpoint;
    try {
      const opening =
        e.kind === 'tcp'
          ? client.connectTCP(e.host, { port: e.port })
          : client.connectRTUBuffered(e.path, { baudRate: e.baudRate, parity: e.parity, stopBits: e.stopBits, dataBits: 8 });
      await withTimeout(opening, this.opts.connectTimeoutMs, `connecting to ${this.where} took longer than ${this.opts.connectTimeoutMs} ms`);
    } catch (err) {
      await destroyQuietly(client);
      const error = classifyModbusError(err, this.where, this.opts.connectTimeoutMs);
      this.fail(error.reason === 'TIMEOUT' ? new DeviceError('DISCONNECTED', error.message) : error);
      return;
    }
    if ((this.stateNow as LinkState) === 'closed') {
      await destroyQuietly(client);
      return;
    }
    this.client = client;
    client.on('close', () => {
      if (this.client === client) this.drop(new DeviceError('DISCONNECTED', `The connection to the Modbus device at ${this.where} was lost.`));
    });
    client.on('error', (err: unknown) => {
      if (this.client === client) this.drop(classifyModbusError(err, this.where, this.opts.connectTimeoutMs));
    });
    // The TCP socket itself: its close is the one sign of a reset that modbus-serial keeps to itself.
    const socket = (client as unknown as { _port?: { _client?: EventEmitter } })._port?._client;
    if (e.kind === 'tcp' && socket && typeof socket.on === 'function') {
      socket.on('close', () => {
        if (this.client === client) this.lostQuietly(client);
      });
    }
    this.backoff.reset();
    this.setState('up', null);
    this.startCheck(client);
  }

  /** A connection that closed without telling (see LINK_CHECK_MS). */
  private lostQuietly(client: ModbusClient): void {
    if (this.client !== client) return;
    this.drop(new DeviceError('DISCONNECTED', `The connection to the Modbus device at ${this.where} was lost.`));
  }

  private startCheck(client: ModbusClient): void {
    this.stopCheck();
    this.checkTimer = setInterval(() => {
      if (this.client !== client) this.stopCheck();
      else if (!client.isOpen) this.lostQuietly(client);
    }, LINK_CHECK_MS);
    this.checkTimer.unref();
  }

  private stopCheck(): void {
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.checkTimer = null;
  }

  /** Forgets the connection and schedules a reconnect. */
  private drop(error: DeviceError): void {
    if (this.stateNow === 'closed') return;
    this.stopCheck();
    this.releasing = this.destroyClient();
    this.fail(error);
    const gone = new DeviceError('DISCONNECTED', error.message);
    for (const abort of [...this.inFlight]) abort(gone);
  }

  private fail(error: DeviceError): void {
    if (this.stateNow === 'closed') return;
    this.setState('down', error);
    if (!this.retryTimer) this.retryTimer = setTimeout(() => void this.connect(), this.backoff.next());
  }

  private async destroyClient(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await destroyQuietly(c);
  }

  private setState(state: LinkState, error: DeviceError | null): void {
    const changed = state !== this.stateNow || error?.message !== this.lastError?.message;
    this.stateNow = state;
    this.lastError = error;
    if (!changed) return;
    if (state === 'down' && error) this.opts.log('warn', 'modbus link down', { where: this.where, reason: error.reason, detail: error.message });
    if (state === 'up') this.opts.log('info', 'modbus link up', { where: this.where });
    for (const l of this.listeners) l(state, error);
  }
}

/**
 * Lets go of a client for good: close() releases the serial port's lock (destroy() alone leaves
 * an RTU port locked, and the next open fails with "Cannot lock port"), then destroy() drops
 * what close() did not.
 */
function destroyQuietly(client: ModbusClient): Promise<void> {
  const emitter = client as unknown as EventEmitter;
  emitter.removeAllListeners();
  // A late socket/port error after we let go must not become an uncaught 'error' event.
  emitter.on('error', () => undefined);
  const destroy = () => {
    try {
      client.destroy(() => undefined);
    } catch {
      // Already gone (unplugged).
    }
  };
  // A TCP port that is already shut never calls close()'s callback: nothing is left to release.
  if (!client.isOpen) {
    destroy();
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      destroy();
      resolve();
    };
    const t = setTimeout(done, 1000);
    try {
      client.close(done);
    } catch {
      done();
    }
  });
}

/** Resolves when `p` settles or after `ms`, whichever is first; never rejects. */
export function waitAtMost(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    const end = () => {
      clearTimeout(t);
      resolve();
    };
    p.then(end, end);
  });
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new DeviceError('TIMEOUT', what)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
