/**
 * The core's logger: pino JSON lines, redacted (./redact.ts), written to a rotating file
 * `<dataDir>/logs/kiosk.log` and (for `serve`) to stderr as well. Level from the option, else
 * `PARKGATE_LOG_LEVEL`, else `info`.
 */
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { Redactor } from './redact.js';
import { RotatingFileStream } from './rotating-file.js';

export type KioskLogFn = (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogFileOptions {
  /** Directory of the log files (default `<dataDir>/logs`, see logDirFor). */
  dir: string;
  /** Base file name (default `kiosk.log`). */
  name?: string;
  level?: string;
  maxBytes?: number;
  files?: number;
  /** Also write the (redacted) JSON lines to stderr. */
  stderr?: boolean;
  /** Secret values to scrub from every line. */
  secrets?: string[];
}

export interface OpsLogger {
  readonly logger: Logger;
  readonly level: LogLevel;
  readonly dir: string;
  readonly file: string;
  readonly redactor: Redactor;
  /** The `log` option of createKiosk. */
  readonly kioskLog: KioskLogFn;
  addSecret(value: string | null | undefined): void;
  close(): void;
}

export function logDirFor(dbPath: string): string {
  return join(dbPath, '..', 'logs');
}

export function resolveLogLevel(requested?: string | null): LogLevel {
  const candidate = (requested ?? process.env.PARKGATE_LOG_LEVEL ?? 'info').trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(candidate) ? (candidate as LogLevel) : 'info';
}

export function createOpsLogger(options: LogFileOptions): OpsLogger {
  const level = resolveLogLevel(options.level);
  const file = join(options.dir, options.name ?? 'kiosk.log');
  const rotating = new RotatingFileStream({ file, maxBytes: options.maxBytes, files: options.files });
  const redactor = new Redactor(options.secrets ?? []);
  // Every serialised line passes through the redactor once, then goes to each destination.
  const sink = {
    write(line: string): boolean {
      const safe = redactor.line(line);
      rotating.write(safe);
      if (options.stderr) process.stderr.write(safe);
      return true;
    },
  };
  const logger = pino(
    {
      level,
      base: { app: 'parkgate-core', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    sink,
  );
  const requested = options.level ?? process.env.PARKGATE_LOG_LEVEL;
  if (requested && requested.trim().toLowerCase() !== level) logger.warn({ requested }, 'unknown log level, using info');
  return {
    logger,
    level,
    dir: options.dir,
    file,
    redactor,
    // Error values become { type, message, stack } (pino would print `{}` for an Error under any key but `err`).
    kioskLog: (lvl, message, extra) => logger[lvl](redactor.value(extra ?? {}) as Record<string, unknown>, message),
    addSecret: (value) => redactor.addSecret(value),
    close: () => {
      logger.flush();
      rotating.close();
    },
  };
}
