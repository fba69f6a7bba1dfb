/** The ops API methods (backups.*, system.diagnostics), bound in src-main/api/handlers.ts. */
import type { ApiResult } from '../../src-shared/contracts/api.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { listBackups, pendingRestore, resolveBackupFile, RestoreRefusedError, stageRestore } from './backups.js';
import { buildDiagnostics } from './diagnostics.js';

function audit(ctx: ServiceContext, actor: Actor | null, action: string, details: Record<string, unknown>): void {
  ctx.store.q.tx(() => ctx.audit.append({ operatorId: actor?.operatorId ?? null, action, entityType: 'database', entityId: null, details }));
}

export function listBackupsApi(ctx: ServiceContext): ApiResult<'backups.list'> {
  const rt = ctx.ops;
  const pending = pendingRestore(rt.dbPath);
  return {
    items: listBackups(rt.backupDir),
    intervalMinutes: rt.intervalMs === null ? null : rt.intervalMs / 60_000,
    keep: rt.keep,
    lastBackupAt: rt.backups.lastBackupAt,
    lastError: rt.backups.lastError,
    pendingRestore: pending ? { fileName: pending.fileName, stagedAt: pending.stagedAt } : null,
  };
}

export async function createBackupApi(ctx: ServiceContext, actor: Actor | null): Promise<ApiResult<'backups.create'>> {
  const rt = ctx.ops;
  let made;
  try {
    made = await rt.backups.run('manual');
  } catch (err) {
    throw new AppError('INTERNAL', `The backup failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300));
  }
  audit(ctx, actor, 'backup.created', { fileName: made.fileName, bytes: made.bytes });
  return { fileName: made.fileName, kind: made.kind, bytes: made.bytes, createdAt: made.createdAt, verified: made.verified, sessions: made.sessions };
}

export async function restoreBackupApi(ctx: ServiceContext, actor: Actor | null, fileName: string): Promise<ApiResult<'backups.restore'>> {
  const rt = ctx.ops;
  let file: string;
  try {
    file = resolveBackupFile(rt.backupDir, fileName);
  } catch (err) {
    throw new AppError('NOT_FOUND', err instanceof Error ? err.message : String(err));
  }
  try {
    const pending = await stageRestore(rt.dbPath, file, { stagedBy: actor?.operatorId ?? null });
    audit(ctx, actor, 'backup.restore_staged', { fileName });
    rt.log('warn', 'restore staged; applied at the next start', { fileName });
    return {
      staged: true,
      fileName,
      stagedAt: pending.stagedAt,
      message: 'The backup passed verification. Restart the kiosk to restore it; the current database is backed up first.',
    };
  } catch (err) {
    if (err instanceof RestoreRefusedError) throw new AppError('VALIDATION_FAILED', err.message.slice(0, 500), { problems: err.problems.slice(0, 10) });
    throw err;
  }
}

export function diagnosticsApi(ctx: ServiceContext, actor: Actor | null, health: unknown): ApiResult<'system.diagnostics'> {
  const bundle = buildDiagnostics(ctx, ctx.ops, health);
  audit(ctx, actor, 'diagnostics.exported', { fileName: bundle.fileName, bytes: bundle.bytes });
  return { fileName: bundle.fileName, mimeType: bundle.mimeType, base64: bundle.base64 };
}
