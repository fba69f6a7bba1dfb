/**
 * The ops side of the CLI (src-main/cli.ts): `serve`'s logger, secret store and backup schedule,
 * and the `restore` and `diagnostics` commands.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { allRows } from '../store/raw-rows.js';
import { createKiosk } from '../kiosk.js';
import { restoreDatabase, RestoreRefusedError } from './backups.js';
import { buildDiagnostics } from './diagnostics.js';
import { createOpsLogger, logDirFor, type KioskLogFn } from './logger.js';
import type { OpsOptions } from './runtime.js';
import { DEFAULT_BACKUP_INTERVAL_MS, DEFAULT_BACKUP_KEEP } from './scheduler.js';
import { KIOSK_SECRET_NAME, kioskSecretStore } from './secret-store.js';


/**
 * The central server saved by the first-run setup (settings.update: `serverUrl`, `kioskId` rows
 * of the settings table), read before the core starts; empty for a new or standalone kiosk.
 */
const SETTING_ROW = z.object({ key: z.string(), value: z.string() });

export function savedServerSettings(dbPath: string): { serverUrl?: string; kioskId?: string } {
  if (!existsSync(dbPath)) return {};
  let db: Database.Database | null = null;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    const rows = allRows(db.prepare("SELECT key, value FROM settings WHERE key IN ('serverUrl', 'kioskId')"), SETTING_ROW);
    const out: { serverUrl?: string; kioskId?: string } = {};
    for (const r of rows) {
      let v: unknown;
      try {
        v = JSON.parse(r.value);
      } catch {
        continue;
      }
      if (typeof v !== 'string' || v === '') continue;
      if (r.key === 'serverUrl') out.serverUrl = v;
      if (r.key === 'kioskId') out.kioskId = v;
    }
    return out;
  } catch {
    return {}; // no settings table yet (a database before its first migration)
  } finally {
    db?.close();
  }
}

/**
 * Where `serve` links to: the --server / --kiosk-id flags (or PARKGATE_SERVER_URL /
 * PARKGATE_KIOSK_ID) when given, else what the first-run setup saved. A saved server without its
 * kiosk id or secret leaves the kiosk standalone (with a warning) rather than refusing to start.
 */
export function resolveServer(
  dbPath: string,
  flags: { serverUrl?: string | undefined; kioskId?: string | undefined },
  kioskSecret: string | undefined,
  log: KioskLogFn,
): { serverUrl?: string; kioskId?: string } {
  const saved = savedServerSettings(dbPath);
  const fromFlags = Boolean(flags.serverUrl);
  const serverUrl = flags.serverUrl || saved.serverUrl;
  const kioskId = flags.kioskId || saved.kioskId;
  if (!serverUrl) return kioskId ? { kioskId } : {};
  if (!fromFlags) {
    if (!kioskId || !kioskSecret) {
      log('warn', 'a central server is saved in the settings but its kiosk id or secret is missing: running standalone', { serverUrl });
      return {};
    }
    log('info', 'central server from the saved settings', { serverUrl, kioskId });
  }
  return { serverUrl, ...(kioskId ? { kioskId } : {}) };
}

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number >= 0, got ${raw}`);
  return n;
}

/**
 * For `serve`: JSON log lines to `<dataDir>/logs/kiosk.log` (rotating) and to stderr, level from
 * PARKGATE_LOG_LEVEL; the kiosk secret from --kiosk-secret-file / PARKGATE_KIOSK_SECRET, kept in the
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
  const secrets = kioskSecretStore(dbPath);
  let kioskSecret = kioskSecretArg;
  if (kioskSecret) {
    if (secrets.get(KIOSK_SECRET_NAME) !== kioskSecret) secrets.set(KIOSK_SECRET_NAME, kioskSecret);
  } else {
    kioskSecret = secrets.get(KIOSK_SECRET_NAME) ?? undefined;
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
    const bundle = buildDiagnostics(kiosk.ctx, kiosk.ctx.ops, health.ok ? health.data : health.error);
    mkdirSync(dirname(resolve(values.out)), { recursive: true });
    writeFileSync(values.out, Buffer.from(bundle.base64, 'base64'), { mode: 0o600 });
    process.stdout.write(`${JSON.stringify({ file: values.out, bytes: bundle.bytes, entries: bundle.entries })}\n`);
  } finally {
    await kiosk.close();
  }
}

export const opsCommands: Record<string, (argv: string[]) => Promise<void>> = { restore, diagnostics };
