/**
 * Serial and USB-serial receipt printers (/dev/ttyUSB0, /dev/ttyACM0, COM3) through the
 * serialport library. The port is opened on first use and kept open; after any failure it is
 * closed and opened afresh on the next call, so an unplugged printer recovers by itself.
 */
import { SerialPort } from 'serialport';
import { DeviceError } from '../../lane/ports.js';
import type { Printer } from '../port.js';
import { StreamConn } from './stream-conn.js';

export interface SerialPrinterOptions {
  path: string;
  baudRate: number;
  replyTimeoutMs?: number;
}

export function serialPrinter(options: SerialPrinterOptions): Printer {
  const replyTimeout = options.replyTimeoutMs ?? 3000;
  let open: { port: SerialPort; conn: StreamConn } | null = null;
  let chain: Promise<unknown> = Promise.resolve();

  async function connection(): Promise<StreamConn> {
    if (open?.port.isOpen) return open.conn;
    const port = new SerialPort({ path: options.path, baudRate: options.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((err) => (err ? reject(new DeviceError('DISCONNECTED', `cannot open the printer at ${options.path}: ${err.message}`)) : resolve())),
    );
    open = { port, conn: new StreamConn(port) };
    return open.conn;
  }

  async function drop(): Promise<void> {
    const current = open;
    open = null;
    if (current?.port.isOpen) await new Promise<void>((resolve) => current.port.close(() => resolve()));
  }

  /** One conversation at a time on the one port: replies are matched to queries by order. */
  function exclusive<T>(fn: (conn: StreamConn) => Promise<T>): Promise<T> {
    const run = chain.then(async () => {
      try {
        return await fn(await connection());
      } catch (err) {
        await drop();
        throw err;
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }

  return {
    driver: 'escpos-serial',
    status: () => exclusive((c) => c.status(replyTimeout)),
    print: (job) => exclusive((c) => c.printJob(job, replyTimeout)),
    close: () => drop(),
  };
}
