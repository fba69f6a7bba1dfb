/**
 * The ops side of the CLI (src-main/cli.ts): `serve`'s logger, secret store and backup schedule,
 * and the `restore` and `diagnostics` commands.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createKiosk } from '../kiosk.js';
import { restoreDatabase, RestoreRefusedError } from './backups.js';
import { buildDiagnostics } from './diagnostics.js';
import { createOpsLogger, logDirFor, type KioskLogFn } from './logger.js';
import { opsFor, type OpsOptions } from './runtime.js';
import { DEFAULT_BACKUP_INTERVAL_MS, DEFAULT_BACKUP_KEEP } from './scheduler.js';
import { createFileSecretStore, secretsDirFor } from './secret-store.js';

const KIOSK_SECRET = 'kiosk-secret';

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number >= 0, got ${raw}`);
  return n;
}

/**
 * For `serve`: JSON log lines to `<dataDir>/logs/kiosk.log` (rotating) and to stderr, level from
 * PARKGATE_LOG_LEVEL; the kiosk secret from --kiosk-secret / PARKGATE_KIOSK_SECRET, kept in the
 * 0600 secret store so the next start does not need it in the environment; hourly backups
 * (PARKGATE_BACKUP_INTERVAL_MINUTES, 0 = off; PARKGATE_BACKUP_KEEP).
 */
export function serveOps(dbPath: string, kioskSecretArg: string | undefined): {
  log: KioskLogFn;
  kioskSecret: string | undefined;
  ops: OpsOptions;
  close(): void;
} {
  const intervalMinutes = envNumber('PARKGATE_BACKUP_INTERVAL_MINUTES');
  const keep = envNumber('PARKGATE_BACKUP_KEEP') ?? DEFAULT_BACKUP_KEEP;
  const logger = createOpsLogger({
    dir: logDirFor(dbPath),
    stderr: true,
    maxBytes: envNumber('PARKGATE_LOG_MAX_BYTES'),
    files: envNumber('PARKGATE_LOG_FILES'),
  });
  const secrets = createFileSecretStore(secretsDirFor(dbPath));
  let kioskSecret = kioskSecretArg;
  if (kioskSecret) {
    if (secrets.get(KIOSK_SECRET) !== kioskSecret) secrets.set(KIOSK_SECRET, kioskSecret);
  } else {
    kioskSecret = secrets.get(KIOSK_SECRET) ?? undefined;
  }
  logger.addSecret(kioskSecret);
  return {
    log: logger.kioskLog,
    kioskSecret,
    ops: {
      logger,
      backups: intervalMinutes === 0 ? false : { intervalMs: intervalMinutes ? intervalMinutes * 60_000 : DEFAULT_BACKUP_INTERVAL_MS, keep },
    },
    close: () => logger.close(),
  };
}

function stderrLog(level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...extra })}\n`);
}

/** `restore --from <backup> --db <file>`: verify, safety backup of the current database, restore, verify. Stop the kiosk first. */
async function restore(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { from: { type: 'string' }, db: { type: 'string', default: process.env.PARKGATE_DB ?? '.data/kiosk.db' } },
    strict: true,
  });
  if (!values.from) throw new Error('restore needs --from <backup file>');
  if (!existsSync(values.from)) throw new Error(`No backup at ${values.from}`);
  try {
    const result = await restoreDatabase(values.from, values.db, { log: stderrLog });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (err) {
    if (err instanceof RestoreRefusedError) {
      process.stdout.write(`${JSON.stringify({ restored: false, problems: err.problems })}\n`);
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}

/** `diagnostics --db <file> --out <zip>`: the same bundle as system.diagnostics. */
async function diagnostics(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string', default: process.env.PARKGATE_DB ?? '.data/kiosk.db' }, out: { type: 'string' } },
    strict: true,
  });
  if (!values.out) throw new Error('diagnostics needs --out <file.zip>');
  if (!existsSync(values.db)) throw new Error(`No database at ${values.db}`);
  const kiosk = await createKiosk({ dbPath: values.db, log: stderrLog, ops: { applyStagedRestore: false } });
  try {
    const health = await kiosk.call('system.health', {});
    const bundle = buildDiagnostics(kiosk.ctx, opsFor(kiosk.ctx), health.ok ? health.data : health.error);
    mkdirSync(dirname(resolve(values.out)), { recursive: true });
    writeFileSync(values.out, Buffer.from(bundle.base64, 'base64'), { mode: 0o600 });
    process.stdout.write(`${JSON.stringify({ file: values.out, bytes: bundle.bytes, entries: bundle.entries })}\n`);
  } finally {
    await kiosk.close();
  }
}

export const opsCommands: Record<string, (argv: string[]) => Promise<void>> = { restore, diagnostics };
