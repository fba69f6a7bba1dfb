/**
 * Network receipt printers: raw TCP (the "port 9100" / JetDirect socket every ESC/POS network
 * printer offers). One connection per job or status query: such printers often serve one client
 * at a time and drop idle sockets, so holding one open would block other tools and go stale.
 */
import { connect } from 'node:net';
import { DeviceError } from '../../lane/ports.js';
import type { Printer } from '../port.js';
import { StreamConn } from './stream-conn.js';

export interface TcpPrinterOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  /** How long a status reply may take (also bounds how long the write of a job may stall). */
  replyTimeoutMs?: number;
}

export function tcpPrinter(options: TcpPrinterOptions): Printer {
  const connectTimeout = options.connectTimeoutMs ?? 2000;
  const replyTimeout = options.replyTimeoutMs ?? 3000;

  async function withConnection<T>(fn: (conn: StreamConn) => Promise<T>): Promise<T> {
    const socket = connect({ host: options.host, port: options.port });
    socket.setNoDelay(true);
    const conn = new StreamConn(socket);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new DeviceError('TIMEOUT', `no connection to the printer at ${options.host}:${options.port}`)), connectTimeout);
        socket.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.once('error', (err) => {
          clearTimeout(timer);
          reject(new DeviceError('DISCONNECTED', `no connection to the printer at ${options.host}:${options.port}: ${err.message}`));
        });
      });
      return await fn(conn);
    } finally {
      socket.destroy();
    }
  }

  return {
    driver: 'escpos-tcp',
    status: () => withConnection((c) => c.status(replyTimeout)),
    print: (job) => withConnection((c) => c.printJob(job, replyTimeout)),
    close: async () => {},
  };
}
