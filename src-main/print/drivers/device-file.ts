/**
 * Printers that appear as a plain character device: the Linux usblp driver's /dev/usb/lp0, a
 * parallel port's /dev/lp0. ESC/POS bytes are written to the file as they are; no line settings
 * (that is the serial driver). The file is opened non-blocking for each job or status query, so a
 * printer that stops taking bytes or never answers becomes a TIMEOUT instead of a thread stuck in
 * write()/read() forever, and an unplugged printer is seen at the next open.
 *
 * Status: a bidirectional printer answers DLE EOT on the same file (usblp passes the printer's
 * bulk-in data to read()). A write-only device (`readStatus: false`) cannot answer: its status is
 * only "the file opens for writing", and a job is written without asking first.
 */
import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { DeviceError, type DeviceErrorReason } from '../../lane/ports.js';
import { PrinterNotReady, type Printer } from '../port.js';
import { blockingProblem, parseStatus, STATUS_QUERY, type PrinterStatus } from '../status.js';

/** What was wrong with the device file itself (shown to the person at the lane). */
export type DeviceFileProblem = 'NO_DEVICE' | 'NO_PERMISSION' | 'NOT_A_DEVICE' | 'NO_READER';

export class DeviceFileError extends DeviceError {
  constructor(
    reason: DeviceErrorReason,
    readonly problem: DeviceFileProblem | null,
    message: string,
  ) {
    super(reason, message);
    this.name = 'DeviceFileError';
  }
}

export interface DeviceFilePrinterOptions {
  path: string;
  /** The device answers DLE EOT status queries (usblp with a bidirectional printer). */
  readStatus: boolean;
  /** How long a status reply, or the printer taking the next bytes, may take. */
  replyTimeoutMs?: number;
}

/** A write-only device says nothing about paper or cover: "it opens" is all that is known. */
const ASSUMED_READY: PrinterStatus = { online: true, coverOpen: false, paperOut: false, paperNearEnd: false, error: false };

const POLL_MS = 10;

function openError(path: string, err: NodeJS.ErrnoException): DeviceFileError {
  switch (err.code) {
    case 'ENOENT':
    case 'ENODEV':
      return new DeviceFileError('DISCONNECTED', 'NO_DEVICE', `no printer at ${path} (is it plugged in and switched on?)`);
    case 'EACCES':
    case 'EPERM':
      return new DeviceFileError('DISCONNECTED', 'NO_PERMISSION', `no permission to open ${path}: the kiosk's user must be in the device's group (usually lp)`);
    case 'ENXIO':
      return new DeviceFileError('DISCONNECTED', 'NO_READER', `nothing is reading ${path} (the printer is off or the device is not connected)`);
    case 'EISDIR':
      return new DeviceFileError('DISCONNECTED', 'NOT_A_DEVICE', `${path} is a folder, not a printer device`);
    default:
      return new DeviceFileError('DISCONNECTED', null, `cannot open the printer at ${path}: ${err.message}`);
  }
}

function isAgain(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function deviceFilePrinter(options: DeviceFilePrinterOptions): Printer {
  const timeout = options.replyTimeoutMs ?? 3000;
  const { path } = options;
  let chain: Promise<unknown> = Promise.resolve();

  async function open(): Promise<FileHandle> {
    const mode = options.readStatus ? constants.O_RDWR : constants.O_WRONLY;
    let handle: FileHandle;
    try {
      handle = await fs.open(path, mode | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (err) {
      throw openError(path, err as NodeJS.ErrnoException);
    }
    const stat = await handle.stat();
    if (stat.isFile() || stat.isDirectory()) {
      await handle.close();
      throw new DeviceFileError('DISCONNECTED', 'NOT_A_DEVICE', `${path} is an ordinary file, not a printer device`);
    }
    return handle;
  }

  /** Writes every byte; the device may take them a few at a time, and must keep taking them within the timeout. */
  async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
    let offset = 0;
    let lastProgress = Date.now();
    while (offset < bytes.length) {
      try {
        const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
        if (bytesWritten > 0) lastProgress = Date.now();
        offset += bytesWritten;
        if (bytesWritten > 0) continue;
      } catch (err) {
        if (!isAgain(err)) throw new DeviceFileError('DISCONNECTED', null, `writing to the printer at ${path} failed: ${(err as Error).message}`);
      }
      if (Date.now() - lastProgress > timeout) {
        throw new DeviceFileError('TIMEOUT', null, `the printer at ${path} took no bytes for ${timeout} ms (${offset} of ${bytes.length} sent)`);
      }
      await sleep(POLL_MS);
    }
  }

  /** Exactly n bytes, or TIMEOUT. */
  async function readExactly(handle: FileHandle, n: number): Promise<number[]> {
    const got: number[] = [];
    const buffer = Buffer.alloc(64);
    const deadline = Date.now() + timeout;
    while (got.length < n) {
      try {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        for (let i = 0; i < bytesRead; i++) got.push(buffer[i]!);
        if (bytesRead > 0) continue;
      } catch (err) {
        if (!isAgain(err)) throw new DeviceFileError('DISCONNECTED', null, `reading from the printer at ${path} failed: ${(err as Error).message}`);
      }
      if (Date.now() > deadline) throw new DeviceFileError('TIMEOUT', null, `the printer at ${path} did not answer the status query within ${timeout} ms`);
      await sleep(POLL_MS);
    }
    return got.slice(0, n);
  }

  /** Forgets bytes that arrived unasked (a late reply to an earlier, timed-out query). */
  async function drain(handle: FileHandle): Promise<void> {
    const buffer = Buffer.alloc(256);
    for (let i = 0; i < 64; i++) {
      try {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) return;
      } catch {
        return;
      }
    }
  }

  async function askStatus(handle: FileHandle): Promise<PrinterStatus> {
    if (!options.readStatus) return ASSUMED_READY;
    await drain(handle);
    await writeAll(handle, STATUS_QUERY);
    const reply = await readExactly(handle, 3);
    const status = parseStatus(reply);
    if (!status) throw new DeviceFileError('BAD_REPLY', null, `the printer at ${path} answered ${Buffer.from(reply).toString('hex')}, not a status (DLE EOT)`);
    return status;
  }

  /** One conversation at a time on the device: replies are matched to queries by order. */
  function exclusive<T>(fn: (handle: FileHandle) => Promise<T>): Promise<T> {
    const run = chain.then(async () => {
      const handle = await open();
      try {
        return await fn(handle);
      } finally {
        await handle.close().catch(() => undefined);
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }

  return {
    driver: 'escpos-device',
    status: () => exclusive(askStatus),
    print: (job) =>
      exclusive(async (handle) => {
        const before = await askStatus(handle);
        const problem = blockingProblem(before);
        if (problem) throw new PrinterNotReady(problem, before);
        await writeAll(handle, job);
        // The printer reads its input in order: its reply comes after the job's bytes.
        return askStatus(handle);
      }),
    close: async () => {
      await chain.catch(() => undefined);
    },
  };
}
