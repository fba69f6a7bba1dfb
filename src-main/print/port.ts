/**
 * The lane printer as the core sees it. One driver per transport (src-main/print/drivers/*): raw
 * TCP (port 9100 network printers) and serial/USB-serial. The print service never knows which.
 * A driver never throws past this port: failures reject with a DeviceError (lane/ports.ts), whose
 * reason says what to do (TIMEOUT: never answered; BAD_REPLY: garbage; DISCONNECTED: closed or
 * unreachable; DEVICE_EXCEPTION: the printer said it cannot print, the status is attached).
 */
import { DeviceError, type DeviceErrorReason } from '../lane/ports.js';
import type { PrinterProblem, PrinterStatus } from './status.js';

export interface Printer {
  /** 'escpos-tcp', 'escpos-serial': shown in the device health. */
  readonly driver: string;
  /** Asks DLE EOT 1, 2 and 4. */
  status(): Promise<PrinterStatus>;
  /**
   * Sends one whole job. Asks the status first and refuses to send into a printer that cannot
   * print (the job stays in the core's queue rather than in a printer buffer that may be lost);
   * after the last byte it asks the status again, so a resolved promise means every byte reached
   * the printer.
   */
  print(job: Uint8Array): Promise<PrinterStatus>;
  close(): Promise<void>;
}

/** A printer that answered but cannot print (paper out, cover open...). */
export class PrinterNotReady extends DeviceError {
  constructor(
    readonly problem: PrinterProblem,
    readonly status: PrinterStatus,
  ) {
    super('DEVICE_EXCEPTION', `printer not ready: ${problem}`);
    this.name = 'PrinterNotReady';
  }
}

export function deviceError(reason: DeviceErrorReason, message: string): DeviceError {
  return new DeviceError(reason, message);
}
