/**
 * Which instance runs the periodic jobs (reconciler, payment expiry, booking sweep): the one
 * holding a PostgreSQL session-level advisory lock, on a connection of its own. The lock goes
 * with the connection: when the leader dies (even kill -9) PostgreSQL ends its session and frees
 * the lock, and another instance takes it at its next try (every `checkMs`). The leader checks
 * its connection on every beat and steps down when it breaks. Brief overlaps (a leader cut off
 * from the database that has not noticed yet) are harmless: every job's write is conditional on
 * the state it read (payments/ingest.ts, reconciler.ts), so a double run changes nothing twice.
 * SQLite: one instance by definition, always the leader.
 */
import pg from 'pg';

/** pg_try_advisory_lock key of the jobs lock (one per database: deployments on other databases do not meet). */
export const JOBS_LOCK_KEY = 0x5047_4a42; // 'PGJB'

export interface JobLeader {
  readonly kind: 'solo' | 'postgres';
  isLeader(): boolean;
  /** Called with true when this instance becomes the leader, false when it stops being one. */
  onChange(fn: (leader: boolean) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export class SoloLeader implements JobLeader {
  readonly kind = 'solo' as const;
  private leader = false;
  private readonly listeners: ((leader: boolean) => void)[] = [];
  isLeader(): boolean {
    return this.leader;
  }
  onChange(fn: (leader: boolean) => void): void {
    this.listeners.push(fn);
  }
  async start(): Promise<void> {
    this.leader = true;
    for (const fn of this.listeners) fn(true);
  }
  async stop(): Promise<void> {
    if (this.leader) for (const fn of this.listeners) fn(false);
    this.leader = false;
  }
}

export interface PgLeaderOptions {
  url: string;
  checkMs: number;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export class PgLeader implements JobLeader {
  readonly kind = 'postgres' as const;
  private client: pg.Client | null = null;
  private leader = false;
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private stopped = false;
  private readonly listeners: ((leader: boolean) => void)[] = [];

  constructor(private readonly o: PgLeaderOptions) {}

  isLeader(): boolean {
    return this.leader;
  }

  onChange(fn: (leader: boolean) => void): void {
    this.listeners.push(fn);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.beat();
    this.timer = setInterval(() => {
      this.beating ??= this.beat().finally(() => (this.beating = null));
    }, this.o.checkMs);
    this.timer.unref();
  }

  private set(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.o.log.info({ leader }, leader ? 'this instance now runs the periodic jobs (advisory lock held)' : 'this instance no longer runs the periodic jobs');
    for (const fn of this.listeners) fn(leader);
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.set(false);
    void client.end().catch(() => undefined);
  }

  /** One try: connect if needed; the leader checks its connection, the others try the lock. */
  private async beat(): Promise<void> {
    if (this.stopped) return;
    let client = this.client;
    try {
      if (!client) {
        client = new pg.Client({ connectionString: this.o.url, connectionTimeoutMillis: this.o.checkMs * 3 });
        const c = client;
        c.on('error', (err) => {
          this.o.log.warn({ err: err.message }, 'jobs lock connection broke');
          this.drop(c);
        });
        await c.connect();
        this.client = c;
      }
      if (this.leader) {
        await client.query('SELECT 1');
        return;
      }
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [JOBS_LOCK_KEY]);
      if (!this.stopped) this.set(r.rows[0]?.ok === true);
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'jobs lock check failed');
      if (client) this.drop(client);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    const c = this.client;
    this.client = null;
    this.set(false);
    // Ending the session frees the lock at once: another instance takes over at its next try.
    if (c) await c.end().catch(() => undefined);
  }
}
