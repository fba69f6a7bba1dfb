/**
 * The ESC/POS conversation over any byte stream (a TCP socket, a serial port): write bytes, read
 * the fixed-length status replies with a deadline. Shared by the drivers so that a peer that
 * closes, never answers or answers garbage fails the same typed way whatever the transport.
 */
import type { Duplex } from 'node:stream';
import { DeviceError } from '../../lane/ports.js';
import { PrinterNotReady } from '../port.js';
import { blockingProblem, parseStatus, STATUS_QUERY, type PrinterStatus } from '../status.js';

export class StreamConn {
  private buffer: number[] = [];
  private waiter: (() => void) | null = null;
  private closedWith: DeviceError | null = null;

  constructor(private readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => {
      for (const b of chunk) this.buffer.push(b);
      this.waiter?.();
    });
    const closed = (why: string) => {
      this.closedWith ??= new DeviceError('DISCONNECTED', why);
      this.waiter?.();
    };
    stream.on('error', (err: Error) => closed(`printer connection failed: ${err.message}`));
    stream.on('close', () => closed('the printer closed the connection'));
    stream.on('end', () => closed('the printer closed the connection'));
  }

  /** Forgets bytes that arrived unasked (a late reply to an earlier, timed-out query). */
  discardInput(): void {
    this.buffer = [];
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      this.stream.write(bytes, (err) => (err ? reject(new DeviceError('DISCONNECTED', `writing to the printer failed: ${err.message}`)) : resolve()));
    });
  }

  /** Exactly n bytes, or TIMEOUT / DISCONNECTED. */
  read(n: number, timeoutMs: number): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new DeviceError('TIMEOUT', `the printer did not answer the status query within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (this.buffer.length >= n) {
          clearTimeout(timer);
          this.waiter = null;
          resolve(this.buffer.splice(0, n));
        } else if (this.closedWith) {
          clearTimeout(timer);
          this.waiter = null;
          reject(this.closedWith);
        }
      };
      this.waiter = check;
      check();
    });
  }

  async status(timeoutMs: number): Promise<PrinterStatus> {
    this.discardInput();
    await this.write(STATUS_QUERY);
    const reply = await this.read(3, timeoutMs);
    const status = parseStatus(reply);
    if (!status) {
      throw new DeviceError('BAD_REPLY', `the printer answered ${Buffer.from(reply).toString('hex')}, not a status (DLE EOT)`);
    }
    return status;
  }

  /** Status, the job if the printer can print, then status again once the last byte is through. */
  async printJob(job: Uint8Array, timeoutMs: number): Promise<PrinterStatus> {
    const before = await this.status(timeoutMs);
    const problem = blockingProblem(before);
    if (problem) throw new PrinterNotReady(problem, before);
    await this.write(job);
    // The printer reads its input in order: its reply to this query comes after the job's bytes.
    return this.status(timeoutMs);
  }
}
