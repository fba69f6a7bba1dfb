/**
 * Records wiring for the composition root (src-main/kiosk.ts): the anchor fetcher for
 * integrity.check, the records keeper on a timer, storage in system.health. Configuration from
 * the environment (docs/operations.md "Records and disk"):
 *   PARKGATE_OUTBOX_RETENTION_DAYS   acknowledged events kept (default 7)
 *   PARKGATE_HISTORY_DAYS            completed sessions and payments kept (default 400)
 *   PARKGATE_AUDIT_ARCHIVE_DAYS      audit entries archived after (default = outbox retention)
 *   PARKGATE_RECORDS_INTERVAL_SECONDS  maintenance run interval (default 600; 0 = off)
 *   PARKGATE_FREE_SPACE_ALERT_MB     low-disk alert threshold (default 1024)
 */
import type { StorageHealth } from '../../src-shared/contracts/entities.js';
import type { ServiceContext } from '../services/context.js';
import { attachCheckpointFetcher, type CheckpointFetcher } from './audit-anchor.js';
import { storageHealth, DEFAULT_FREE_SPACE_ALERT_BYTES } from './disk-usage.js';
import { attachKeeper, RecordsKeeper } from './keeper.js';
import { DAY_MS, type RetentionPolicy } from './retention.js';
import { convertToIncremental } from './vacuum.js';

type Log = (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number >= 0, got ${raw}`);
  return n;
}

export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<RetentionPolicy> {
  const days = (name: string) => {
    const d = envNumber(env, name);
    return d === undefined ? undefined : d * DAY_MS;
  };
  const outbox = days('PARKGATE_OUTBOX_RETENTION_DAYS');
  const history = days('PARKGATE_HISTORY_DAYS');
  const audit = days('PARKGATE_AUDIT_ARCHIVE_DAYS') ?? outbox;
  return {
    ...(outbox !== undefined ? { outboxRetentionMs: outbox } : {}),
    ...(history !== undefined ? { historyWindowMs: history } : {}),
    ...(audit !== undefined ? { auditArchiveAgeMs: audit } : {}),
  };
}

export interface RecordsOptions {
  dbPath: string;
  serverConfigured: boolean;
  checkpoints?: CheckpointFetcher;
  policy?: Partial<RetentionPolicy>;
  /** Maintenance interval in ms (default from the environment, else 10 min; 0 = no timer). */
  intervalMs?: number;
  log?: Log;
}

export interface Records {
  keeper: RecordsKeeper;
  storage(): StorageHealth;
  stop(): Promise<void>;
}

export function startRecords(ctx: ServiceContext, o: RecordsOptions): Records {
  if (o.checkpoints) attachCheckpointFetcher(ctx, o.checkpoints);
  try {
    const converted = convertToIncremental(ctx.store.sqlite, o.dbPath);
    if (converted === 'converted') o.log?.('info', 'database converted to incremental vacuum');
    if (converted === 'too_big') o.log?.('info', 'database left in auto_vacuum=NONE (too big to convert at start: run `cli vacuum` in a maintenance window)');
  } catch (err) {
    o.log?.('warn', 'incremental vacuum conversion skipped', { error: String(err) });
  }
  const keeper = new RecordsKeeper(ctx, { dbPath: o.dbPath, serverConfigured: o.serverConfigured, policy: { ...policyFromEnv(), ...o.policy }, ...(o.log ? { log: o.log } : {}) });
  attachKeeper(ctx, keeper);
  const interval = o.intervalMs ?? (envNumber(process.env, 'PARKGATE_RECORDS_INTERVAL_SECONDS') ?? 600) * 1000;
  keeper.start(interval);
  const alertMb = envNumber(process.env, 'PARKGATE_FREE_SPACE_ALERT_MB');
  const alertBytes = alertMb === undefined ? DEFAULT_FREE_SPACE_ALERT_BYTES : alertMb * 1024 * 1024;
  return {
    keeper,
    storage: () => storageHealth(ctx, o.dbPath, alertBytes),
    stop: () => keeper.stop(),
  };
}
