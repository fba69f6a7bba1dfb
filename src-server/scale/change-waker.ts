/**
 * Wakes long-polling pulls when the change log grows, keyed by a scope string (the part of the
 * change log a pull reads: one per facility, src-server/sync/pull.ts `wakeEvent`; `DEFAULT_SCOPE`
 * for a notification without one). In one process an EventEmitter is enough (SQLite, tests); on
 * PostgreSQL every instance LISTENs on one channel and an append is announced with NOTIFY, so a
 * write on one instance wakes the pulls waiting on all of them. A notification can be lost (the
 * writer died between commit and NOTIFY, the listening connection was down), so pulls also
 * re-read the log every `fallbackMs` while they wait (src-server/sync/pull.ts).
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';

export const DEFAULT_SCOPE = 'all';
export const NOTIFY_CHANNEL = 'parkgate_changes';
/** Longest wait of a pull between two reads of the log when no notification arrives (PostgreSQL). */
export const DEFAULT_FALLBACK_MS = 5000;

export interface ChangeWaker {
  /** How it reaches other instances ('process': it does not). */
  readonly kind: 'process' | 'postgres';
  /** How often a waiting pull re-reads the log anyway. */
  readonly fallbackMs: number;
  /** The change log of `scope` grew (call after the commit). */
  publish(scope: string): void;
  /** `fn` runs on every append to `scope`; returns the unsubscribe function. */
  subscribe(scope: string, fn: () => void): () => void;
  close(): Promise<void>;
}

/** In-process wake-ups only: one instance (the SQLite default). */
export class LocalWaker implements ChangeWaker {
  readonly kind: 'process' | 'postgres' = 'process';
  protected readonly emitter = new EventEmitter();

  /** In one process no wake-up is lost: no re-reads unless asked for. */
  constructor(readonly fallbackMs = Number.POSITIVE_INFINITY) {
    this.emitter.setMaxListeners(0);
  }

  publish(scope: string): void {
    this.emitter.emit(scope);
  }

  subscribe(scope: string, fn: () => void): () => void {
    this.emitter.on(scope, fn);
    return () => this.emitter.off(scope, fn);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

export interface PgWakerOptions {
  url: string;
  fallbackMs?: number;
  /** Delay before reconnecting the listening connection after it broke. */
  reconnectMs?: number;
  onError?: (message: string) => void;
  /** Counts notifications sent / received (metrics). */
  onCount?: (what: 'sent' | 'received' | 'reconnect') => void;
}

/**
 * LISTEN/NOTIFY on one dedicated connection (a pooled one could be handed to a query). Local
 * subscribers are woken at once on publish (no round trip); the instance's own NOTIFY coming
 * back (sent by one of its sender connections, known by backend process id) wakes nobody again.
 * Bursts are coalesced: at most one NOTIFY per scope is in flight, a publish during it sends one
 * more after it.
 */
export class PgWaker extends LocalWaker {
  override readonly kind = 'postgres' as const;
  private listener: pg.Client | null = null;
  private closed = false;
  private readonly sender: pg.Pool;
  private readonly inFlight = new Map<string, boolean>();
  private readonly sending = new Set<Promise<unknown>>();
  /** Backend process ids of this instance's sender connections (their notifications are its own). */
  private readonly ownPids = new Set<number>();

  constructor(private readonly o: PgWakerOptions) {
    super(o.fallbackMs ?? DEFAULT_FALLBACK_MS);
    this.sender = new pg.Pool({ connectionString: o.url, max: 2 });
    this.sender.on('error', (err) => o.onError?.(`notify connection: ${err.message}`));
    this.sender.on('connect', (c) => {
      const pid = (c as unknown as { processID?: number | null }).processID;
      if (typeof pid !== 'number') return;
      this.ownPids.add(pid);
      c.once('end', () => this.ownPids.delete(pid));
    });
  }

  /** Resolves once the first LISTEN is in place (a later break reconnects in the background). */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.o.url });
    client.on('notification', (msg) => {
      if (msg.channel !== NOTIFY_CHANNEL) return;
      this.o.onCount?.('received');
      if (this.ownPids.has(msg.processId)) return; // woken locally when it was published
      this.emitter.emit(msg.payload ?? DEFAULT_SCOPE);
    });
    client.on('error', (err) => {
      this.o.onError?.(`listen connection: ${err.message}`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    this.listener = client;
    // Anything appended while no LISTEN was in place: wake every waiting pull to re-read.
    for (const scope of this.emitter.eventNames()) this.emitter.emit(scope);
  }

  private reconnect(broken: pg.Client): void {
    if (this.closed || this.listener !== broken) return;
    this.listener = null;
    broken.removeAllListeners('end');
    void broken.end().catch(() => undefined);
    this.o.onCount?.('reconnect');
    const retry = () => {
      if (this.closed) return;
      this.connect().catch((err: unknown) => {
        this.o.onError?.(`listen reconnect: ${(err as Error).message}`);
        setTimeout(retry, this.o.reconnectMs ?? 1000).unref();
      });
    };
    setTimeout(retry, this.o.reconnectMs ?? 1000).unref();
  }

  override publish(scope: string): void {
    super.publish(scope);
    if (this.closed) return;
    if (this.inFlight.has(scope)) {
      this.inFlight.set(scope, true); // one more after the one in flight
      return;
    }
    this.inFlight.set(scope, false);
    const send = (): void => {
      this.o.onCount?.('sent');
      const q: Promise<unknown> = this.sender.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, scope]).catch((err: unknown) => {
        this.o.onError?.(`notify: ${(err as Error).message}`);
      }).finally(() => {
        this.sending.delete(q);
        if (this.inFlight.get(scope) && !this.closed) {
          this.inFlight.set(scope, false);
          send();
        } else this.inFlight.delete(scope);
      });
      this.sending.add(q);
    };
    send();
  }

  /** Sends what was published and closes (a short-lived process, e.g. server:cli, needs no start()). */
  override async close(): Promise<void> {
    while (this.sending.size > 0) await Promise.all([...this.sending]);
    this.closed = true;
    const l = this.listener;
    this.listener = null;
    if (l) {
      l.removeAllListeners('end');
      await l.end().catch(() => undefined);
    }
    await this.sender.end().catch(() => undefined);
    await super.close();
  }
}
