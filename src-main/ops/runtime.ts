/**
 * The operational side of a running kiosk core, built once by createKiosk (src-main/kiosk.ts)
 * and carried in the context as `ctx.ops`:
 *  - before the database opens: applies a restore staged by backups.restore;
 *  - rotating log files when `ops.logs` asks for them (or uses the caller's `ops.logger`);
 *  - the backup schedule when `ops.backups` asks for it;
 *  - the kiosk's secret store (with the OS keyring cipher the Electron shell injects);
 *  - what the ops API methods (backups.*, system.diagnostics) need.
 */
import { dirname, resolve } from 'node:path';
import type { TicketKey } from '../../src-shared/domain/ticket-codec.js';
import type { Clock } from '../core/clock.js';
import { secretsPathFor } from '../core/secrets.js';
import { applyStagedRestore, backupDirFor, type StagedRestoreOutcome } from './backups.js';
import { createOpsLogger, logDirFor, type KioskLogFn, type LogFileOptions, type OpsLogger } from './logger.js';
import { Redactor } from './redact.js';
import { BackupRunner, DEFAULT_BACKUP_INTERVAL_MS, DEFAULT_BACKUP_KEEP, type BackupScheduleOptions } from './scheduler.js';
import { createMemorySecretStore, ensureOwnerOnly, kioskSecretStore, type SecretCipher, type SecretStore } from './secret-store.js';

export interface OpsOptions {
  /** Scheduled backups; absent or false: none (manual backups.create still works). */
  backups?: BackupScheduleOptions | false;
  /** Rotating log files created and closed by the kiosk (dir defaults to `<dataDir>/logs`). */
  logs?: Partial<LogFileOptions>;
  /** A logger the caller already runs (the CLI's `serve`): used for diagnostics and redaction, not closed. */
  logger?: OpsLogger;
  /** Apply a restore staged by backups.restore (default true; false for read-only tools such as diagnostics). */
  applyStagedRestore?: boolean;
  /** Encrypts the secret store's values (the Electron shell: the OS keyring through safeStorage). */
  secretCipher?: SecretCipher | null;
}

interface KioskOptionsForOps {
  dbPath: string;
  clock?: Clock;
  serverUrl?: string;
  kioskSecret?: string;
  log?: KioskLogFn;
  ops?: OpsOptions;
}

export interface OpsRuntime {
  dbPath: string;
  dataDir: string;
  backupDir: string;
  logDir: string;
  intervalMs: number | null;
  keep: number;
  logLevel: string | null;
  serverUrl: string | null;
  kioskSecretSet: boolean;
  redactor: Redactor;
  backups: BackupRunner;
  stagedRestore: StagedRestoreOutcome | null;
  /** The kiosk secret and other secrets at rest (never in the database). */
  secrets: SecretStore;
  log: KioskLogFn;
}

export interface PreparedOps {
  log: KioskLogFn;
  stagedRestore: StagedRestoreOutcome | null;
  /** The runtime for the opened database (called once; its backup schedule starts with `start`). */
  runtime(ticketKey: TicketKey, memory: boolean): OpsRuntime;
  start(): void;
  stop(): Promise<void>;
}

export async function prepareOps(options: KioskOptionsForOps): Promise<PreparedOps> {
  const opts = options.ops ?? {};
  const dbPath = options.dbPath;
  const owned = opts.logs ? createOpsLogger({ dir: logDirFor(dbPath), ...opts.logs }) : null;
  const logger = opts.logger ?? owned;
  const callerLog = options.log;
  const log: KioskLogFn =
    owned && callerLog
      ? (level, message, extra) => {
          owned.kioskLog(level, message, extra);
          callerLog(level, message, extra);
        }
      : callerLog ?? owned?.kioskLog ?? (() => {});
  logger?.addSecret(options.kioskSecret);

  const backupOpts = opts.backups || null;
  const backupDir = backupOpts?.dir ?? backupDirFor(dbPath);
  const stagedRestore = opts.applyStagedRestore === false ? null : await applyStagedRestore(dbPath, { backupDir, log, clock: options.clock });
  if (stagedRestore?.applied) log('warn', 'staged restore applied', { from: stagedRestore.restoredFrom, safetyBackup: stagedRestore.safetyBackup });

  const loosened = ensureOwnerOnly(secretsPathFor(dbPath));
  if (loosened !== null) log('warn', 'the secrets file was readable by others; made it owner-only', { mode: loosened.toString(8) });

  let runtime: OpsRuntime | null = null;
  return {
    log,
    stagedRestore,
    runtime(ticketKey, memory) {
      const redactor = logger?.redactor ?? new Redactor();
      redactor.addSecret(Buffer.from(ticketKey.secret).toString('base64'));
      redactor.addSecret(Buffer.from(ticketKey.secret).toString('hex'));
      redactor.addSecret(options.kioskSecret);
      const intervalMs = backupOpts ? backupOpts.intervalMs ?? DEFAULT_BACKUP_INTERVAL_MS : null;
      const keep = backupOpts?.keep ?? DEFAULT_BACKUP_KEEP;
      runtime = {
        dbPath,
        dataDir: dirname(resolve(dbPath)),
        backupDir,
        logDir: logger?.dir ?? logDirFor(dbPath),
        intervalMs,
        keep,
        logLevel: logger?.level ?? null,
        serverUrl: options.serverUrl ?? null,
        kioskSecretSet: Boolean(options.kioskSecret),
        redactor,
        stagedRestore,
        // An in-memory database (tests) has no data directory: its secrets live as long as it does.
        secrets: memory ? createMemorySecretStore() : kioskSecretStore(dbPath, opts.secretCipher ?? null),
        log,
        backups: new BackupRunner({ dbPath, dir: backupDir, keep, intervalMs, minDelayMs: backupOpts ? backupOpts.minDelayMs ?? 30_000 : 0, log }),
      };
      return runtime;
    },
    start() {
      runtime?.backups.start();
    },
    async stop() {
      await runtime?.backups.stop();
      owned?.close();
    },
  };
}
