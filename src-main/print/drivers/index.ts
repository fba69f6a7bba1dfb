/** Builds the driver the printer settings name; null when this lane has no printer. */
import type { PrinterSettings } from '../../../src-shared/contracts/print.js';
import type { Printer } from '../port.js';
import { deviceFilePrinter } from './device-file.js';
import { serialPrinter } from './serial.js';
import { tcpPrinter } from './tcp.js';

export interface DriverTuning {
  replyTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export function buildPrinter(settings: PrinterSettings, tuning: DriverTuning = {}): Printer | null {
  if (settings.driver === 'tcp' && settings.host) return tcpPrinter({ host: settings.host, port: settings.port, ...tuning });
  if (settings.driver === 'serial' && settings.path) return serialPrinter({ path: settings.path, baudRate: settings.baudRate, ...tuning });
  if (settings.driver === 'device' && settings.path) return deviceFilePrinter({ path: settings.path, readStatus: settings.readStatus, replyTimeoutMs: tuning.replyTimeoutMs });
  return null;
}
