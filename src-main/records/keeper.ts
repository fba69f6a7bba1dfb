/**
 * The kiosk's records maintenance (docs/records.md): retention, audit archive, incremental vacuum.
 * runOnce() works through every step in small batches, yielding to the event loop between
 * batches (gate operations interleave), and pausing while the gate is busy. Windows are measured
 * with the injected clock (ctx.clock); only the pacing uses real timers.
 */
import { dirname, resolve } from 'node:path';
import type { ServiceContext } from '../services/context.js';
import { archiveDirFor, archiveStep, removeOrphanSegments } from './audit-archive.js';
import { DEFAULT_POLICY, isStandalone, pruneOutboxBatch, pruneSessionsBatch, releaseStandaloneBatch, type RetentionPolicy } from './retention.js';
import { incrementalVacuumStep, truncateWal } from './vacuum.js';

export interface KeeperOptions {
  dbPath: string;
  serverConfigured: boolean;
  policy?: Partial<RetentionPolicy>;
  /** Pause between batches (ms of real time); default 5. */
  pauseMs?: number;
  /** Real-time ms of gate inactivity before vacuum runs; default 2000. */
  idleMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;
}

export interface RunReport {
  standaloneReleased: number;
  outboxDeleted: number;
  auditArchived: number;
  auditDeleted: number;
  sessionsDeleted: number;
  vacuumedPages: number;
  /** The WAL was checkpointed and truncated in idle time at the end of the run. */
  walTruncated: boolean;
  batches: number;
}

// Not unref()ed: a run in a CLI process (`prune`) must keep the process alive between batches.
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class RecordsKeeper {
  readonly policy: RetentionPolicy;
  readonly archiveDir: string;
  private lastActivity = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RunReport> | null = null;
  private stopped = false;

  constructor(private readonly ctx: ServiceContext, private o: KeeperOptions) {
    this.policy = { ...DEFAULT_POLICY, ...o.policy };
    this.archiveDir = archiveDirFor(dirname(resolve(o.dbPath)));
  }

  /** A gate operation happened (real time): vacuum waits for idle time. */
  noteActivity(): void {
    this.lastActivity = Date.now();
  }

  start(intervalMs: number): void {
    if (this.timer || intervalMs <= 0) return;
    this.timer = setInterval(() => void this.runOnce().catch((err: unknown) => this.o.log?.('warn', 'records maintenance failed', { error: String(err) })), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One run with other pacing or standalone rule (the `prune` command). */
  runOnceWith(o: { pauseMs?: number; serverConfigured?: boolean }): Promise<RunReport> {
    if (o.pauseMs !== undefined) this.o.pauseMs = o.pauseMs;
    if (o.serverConfigured !== undefined) this.o.serverConfigured = o.serverConfigured;
    this.lastActivity = 0;
    return this.runOnce();
  }

  runOnce(): Promise<RunReport> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<RunReport> {
    const r: RunReport = { standaloneReleased: 0, outboxDeleted: 0, auditArchived: 0, auditDeleted: 0, sessionsDeleted: 0, vacuumedPages: 0, walTruncated: false, batches: 0 };
    const pause = async () => {
      r.batches++;
      await sleep(this.o.pauseMs ?? 5);
    };
    const loop = async (step: () => number, add: (n: number) => void) => {
      while (!this.stopped) {
        const n = step();
        if (n === 0) return;
        add(n);
        await pause();
      }
    };
    const p = this.policy;
    if (isStandalone(this.ctx, this.o.serverConfigured)) {
      await loop(() => releaseStandaloneBatch(this.ctx, p), (n) => (r.standaloneReleased += n));
    }
    await loop(() => pruneOutboxBatch(this.ctx, p), (n) => (r.outboxDeleted += n));
    removeOrphanSegments(this.ctx, this.archiveDir);
    const cutoffAt = this.ctx.clock.now() - p.auditArchiveAgeMs;
    while (!this.stopped) {
      const s = archiveStep(this.ctx, this.archiveDir, { cutoffAt, segmentSize: p.auditSegmentSize, batchSize: p.batchSize });
      if (s.archived === 0 && s.deleted === 0) break;
      r.auditArchived += s.archived;
      r.auditDeleted += s.deleted;
      await pause();
    }
    await loop(() => pruneSessionsBatch(this.ctx, p), (n) => (r.sessionsDeleted += n));
    while (!this.stopped) {
      if (Date.now() - this.lastActivity < (this.o.idleMs ?? 2000)) break; // the gate is busy: next run
      const before = this.ctx.store.sqlite.pragma('freelist_count', { simple: true }) as number;
      const left = incrementalVacuumStep(this.ctx.store.sqlite);
      if (before === left) break;
      r.vacuumedPages += before - left;
      if (left === 0) break;
      await pause();
    }
    // Pages were vacuumed and the gate is still idle: the file shrinks by them and the WAL is emptied
    // (docs/records.md "Vacuum"). A run that vacuumed nothing leaves the WAL to SQLite's own checkpoints.
    if (!this.stopped && r.vacuumedPages > 0 && Date.now() - this.lastActivity >= (this.o.idleMs ?? 2000)) r.walTruncated = truncateWal(this.ctx.store.sqlite);
    this.ctx.store.sqlite.prepare('UPDATE records_state SET last_run_at = ? WHERE id = 1').run(this.ctx.clock.now());
    const moved = r.standaloneReleased + r.outboxDeleted + r.auditArchived + r.auditDeleted + r.sessionsDeleted;
    if (moved > 0) this.o.log?.('info', 'records maintenance', { ...r });
    return r;
  }
}

const keepers = new WeakMap<ServiceContext, RecordsKeeper>();
export function attachKeeper(ctx: ServiceContext, k: RecordsKeeper): void {
  keepers.set(ctx, k);
}
export function keeperOf(ctx: ServiceContext): RecordsKeeper | undefined {
  return keepers.get(ctx);
}
