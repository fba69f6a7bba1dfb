/**
 * Scheduled backups: every `intervalMs` (default hourly) an online backup into the backup
 * directory, then retention (keep the `keep` newest, default 48). The first run is due one
 * interval after the newest existing scheduled backup (at once if that is overdue, but not
 * before `minDelayMs` after start). Runs are serialised with manual backups (backups.create).
 */
import type { BackupKind } from '../../src-shared/contracts/api.js';
import { createBackup, listBackups, pruneBackups, type CreatedBackup } from './backups.js';
import type { KioskLogFn } from './logger.js';

export const DEFAULT_BACKUP_INTERVAL_MS = 60 * 60 * 1000;
export const DEFAULT_BACKUP_KEEP = 48;

export interface BackupScheduleOptions {
  intervalMs?: number;
  keep?: number;
  /** Backup directory (default `<dataDir>/backups`). */
  dir?: string;
  /** Earliest first run after start (default 30 s: let the kiosk come up first). */
  minDelayMs?: number;
}

export class BackupRunner {
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  lastBackupAt: string | null = null;
  lastError: string | null = null;

  constructor(
    private readonly o: { dbPath: string; dir: string; keep: number; intervalMs: number | null; minDelayMs: number; log: KioskLogFn; now?: () => number },
  ) {
    const newest = listBackups(o.dir).find((b) => b.kind !== 'pre-restore');
    this.lastBackupAt = newest?.createdAt ?? null;
  }

  /** One backup now (serialised with any other), then retention. */
  run(kind: BackupKind): Promise<CreatedBackup> {
    const job = this.chain.then(async () => {
      try {
        const made = await createBackup(this.o.dbPath, { dir: this.o.dir, kind, now: this.o.now?.() });
        const removed = pruneBackups(this.o.dir, this.o.keep);
        this.lastBackupAt = made.createdAt;
        this.lastError = null;
        this.o.log('info', 'backup written', { fileName: made.fileName, kind, bytes: made.bytes, sessions: made.sessions, pruned: removed.length });
        return made;
      } catch (err) {
        this.lastError = err instanceof Error ? err.message : String(err);
        this.o.log('error', 'backup failed', { kind, error: this.lastError });
        throw err;
      }
    });
    this.chain = job.catch(() => {});
    return job;
  }

  start(): void {
    if (this.o.intervalMs === null || this.timer || this.stopped) return;
    const newest = listBackups(this.o.dir).find((b) => b.kind === 'scheduled');
    const now = Date.now();
    const due = newest ? Date.parse(newest.createdAt) + this.o.intervalMs - now : 0;
    this.schedule(Math.min(this.o.intervalMs, Math.max(this.o.minDelayMs, due)));
  }

  private schedule(delay: number): void {
    if (this.stopped || this.o.intervalMs === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run('scheduled')
        .catch(() => {})
        .finally(() => this.schedule(this.o.intervalMs!));
    }, delay);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a backup in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
  }
}
