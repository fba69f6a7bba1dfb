/**
 * The lane printer as the API sees it: its settings (one per kiosk), its jobs and what they print.
 * Pure shapes and schemas: the drivers, templates and queue live in src-main/print.
 */
import { z } from 'zod';

/** device: a plain character device such as /dev/usb/lp0 (Linux usblp), written as a file. */
export const PRINTER_DRIVERS = ['none', 'tcp', 'serial', 'device'] as const;
export type PrinterDriverName = (typeof PRINTER_DRIVERS)[number];

export const PAPER_WIDTHS = [58, 80] as const;
export type PaperWidth = (typeof PAPER_WIDTHS)[number];

export const PRINT_LANGUAGES = ['en', 'hi'] as const;
export type PrintLanguage = (typeof PRINT_LANGUAGES)[number];

export const PRINT_KINDS = ['TICKET', 'RECEIPT', 'Z_REPORT', 'TEST', 'PASS'] as const;
export type PrintKind = (typeof PRINT_KINDS)[number];

export const PRINT_JOB_STATUSES = ['QUEUED', 'SENDING', 'DONE', 'FAILED'] as const;
export type PrintJobStatus = (typeof PRINT_JOB_STATUSES)[number];

export const printerSettingsSchema = z
  .object({
    driver: z.enum(PRINTER_DRIVERS),
    /** tcp: the printer's address (raw port 9100 printers). */
    host: z.string().trim().max(253).regex(/^[A-Za-z0-9.:-]*$/, 'Host: a name or an IP address').optional(),
    port: z.number().int().min(1).max(65535).optional(),
    /** serial: the device (e.g. /dev/ttyUSB0, COM3); device: the device file (e.g. /dev/usb/lp0). */
    path: z.string().trim().max(200).optional(),
    /** device: the printer answers DLE EOT status on the device file (false: a write-only device). */
    readStatus: z.boolean().optional(),
    baudRate: z.number().int().min(1200).max(921600).optional(),
    paperWidth: z.union([z.literal(58), z.literal(80)]).optional(),
    language: z.enum(PRINT_LANGUAGES).optional(),
    /** native: the printer draws the QR (GS ( k); raster: the core draws it (printers without the command). */
    qrMode: z.enum(['native', 'raster']).optional(),
    autoPrintTicket: z.boolean().optional(),
    autoPrintReceipt: z.boolean().optional(),
    autoPrintZReport: z.boolean().optional(),
  })
  .strict();

export type PrinterSettingsInput = z.input<typeof printerSettingsSchema>;

export interface PrinterSettings {
  driver: PrinterDriverName;
  host: string;
  port: number;
  path: string;
  baudRate: number;
  readStatus: boolean;
  paperWidth: PaperWidth;
  language: PrintLanguage;
  qrMode: 'native' | 'raster';
  autoPrintTicket: boolean;
  autoPrintReceipt: boolean;
  autoPrintZReport: boolean;
}

export const DEFAULT_PRINTER_SETTINGS: PrinterSettings = Object.freeze({
  driver: 'none',
  host: '',
  port: 9100,
  path: '',
  baudRate: 19200,
  readStatus: true,
  paperWidth: 80,
  language: 'en',
  qrMode: 'native',
  autoPrintTicket: true,
  autoPrintReceipt: true,
  autoPrintZReport: true,
}) as PrinterSettings;

export interface PrintJob {
  id: string;
  kind: PrintKind;
  /** The session (TICKET, RECEIPT), the shift (Z_REPORT), the season pass (PASS); null for a test page. */
  entityId: string | null;
  status: PrintJobStatus;
  /** 0 for the original; reprints and re-sends after an interrupted job print "COPY". */
  copy: number;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  printedAt: string | null;
}

export interface PrinterStatusView {
  configured: boolean;
  driver: PrinterDriverName;
  /** Jobs waiting for the printer (QUEUED or SENDING). */
  waiting: number;
  jobs: PrintJob[];
}
