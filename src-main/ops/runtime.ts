/**
 * The operational side of a running kiosk core, started by createKiosk (src-main/kiosk.ts):
 *  - before the database opens: applies a restore staged by backups.restore;
 *  - rotating log files when `ops.logs` asks for them (or uses the caller's `ops.logger`);
 *  - the backup schedule when `ops.backups` asks for it;
 *  - what the ops API methods (backups.*, system.diagnostics) need, found by the ServiceContext.
 */
import { dirname, resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import { secretsPathFor } from '../core/secrets.js';
import type { ServiceContext } from '../services/context.js';
import { applyStagedRestore, backupDirFor, type StagedRestoreOutcome } from './backups.js';
import { createOpsLogger, logDirFor, type KioskLogFn, type LogFileOptions, type OpsLogger } from './logger.js';
import { Redactor } from './redact.js';
import { BackupRunner, DEFAULT_BACKUP_INTERVAL_MS, DEFAULT_BACKUP_KEEP, type BackupScheduleOptions } from './scheduler.js';
import { ensureOwnerOnly } from './secret-store.js';

export interface OpsOptions {
  /** Scheduled backups; absent or false: none (manual backups.create still works). */
  backups?: BackupScheduleOptions | false;
  /** Rotating log files created and closed by the kiosk (dir defaults to `<dataDir>/logs`). */
  logs?: Partial<LogFileOptions>;
  /** A logger the caller already runs (the CLI's `serve`): used for diagnostics and redaction, not closed. */
  logger?: OpsLogger;
  /** Apply a restore staged by backups.restore (default true; false for read-only tools such as diagnostics). */
  applyStagedRestore?: boolean;
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
  health: (() => unknown) | null;
  log: KioskLogFn;
}

const RUNTIMES = new WeakMap<ServiceContext, OpsRuntime>();

/** The runtime of a kiosk; a kiosk built without ops options gets defaults from its database path. */
export function opsFor(ctx: ServiceContext): OpsRuntime {
  const known = RUNTIMES.get(ctx);
  if (known) return known;
  const dbPath = ctx.store.sqlite.name;
  const backupDir = backupDirFor(dbPath);
  const runtime: OpsRuntime = {
    dbPath, dataDir: dirname(resolve(dbPath)), backupDir, logDir: logDirFor(dbPath), intervalMs: null, keep: DEFAULT_BACKUP_KEEP,
    logLevel: null, serverUrl: null, kioskSecretSet: false, redactor: new Redactor(), stagedRestore: null, health: null, log: () => {},
    backups: new BackupRunner({ dbPath, dir: backupDir, keep: DEFAULT_BACKUP_KEEP, intervalMs: null, minDelayMs: 0, log: () => {} }),
  };
  RUNTIMES.set(ctx, runtime);
  return runtime;
}

export interface PreparedOps {
  log: KioskLogFn;
  stagedRestore: StagedRestoreOutcome | null;
  attach(ctx: ServiceContext, health: () => unknown): void;
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
    attach(ctx, health) {
      const redactor = logger?.redactor ?? new Redactor();
      redactor.addSecret(Buffer.from(ctx.ticketKey.secret).toString('base64'));
      redactor.addSecret(Buffer.from(ctx.ticketKey.secret).toString('hex'));
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
        health,
        log,
        backups: new BackupRunner({ dbPath, dir: backupDir, keep, intervalMs, minDelayMs: backupOpts ? backupOpts.minDelayMs ?? 30_000 : 0, log }),
      };
      RUNTIMES.set(ctx, runtime);
      runtime.backups.start();
    },
    async stop() {
      await runtime?.backups.stop();
      owned?.close();
    },
  };
}
