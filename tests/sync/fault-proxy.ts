/**
 * A fault-injecting TCP proxy (node:net) for the real-process sync tests: kiosk -> proxy -> server.
 * Each accepted connection draws one fate from `faults`:
 *   reset  - accept, then reset at once (the client sees ECONNRESET before sending anything);
 *   drop   - accept and swallow the request, never answer, close after 0.1-1.5 s;
 *   cut    - forward the request, then forward only the first 0..N bytes of the response and
 *            close: the server may have committed what the client never hears about;
 *   delay  - forward both ways, each chunk held 0..maxDelayMs (order kept);
 *   pass   - forward untouched.
 * Any forwarded connection (pass/delay/cut) is also torn down after a random lifetime
 * (0..maxLifeMs), so keep-alive connections die mid-request too. `refuse(true)` closes the
 * listening socket (ECONNREFUSED) and drops every open connection; `refuse(false)` listens again
 * on the same port. `heal()` turns every fault off.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FaultProfile {
  reset: number;
  drop: number;
  cut: number;
  delay: number;
  /** Longest hold of one chunk for `delay` connections. */
  maxDelayMs: number;
  /** Forwarded connections are destroyed after a random 0..maxLifeMs (0 = never). */
  maxLifeMs: number;
  /** `cut` forwards at most this many response bytes. */
  maxCutBytes: number;
}

export const NO_FAULTS: FaultProfile = { reset: 0, drop: 0, cut: 0, delay: 0, maxDelayMs: 0, maxLifeMs: 0, maxCutBytes: 0 };

export const CHAOS: FaultProfile = { reset: 0.08, drop: 0.06, cut: 0.12, delay: 0.25, maxDelayMs: 400, maxLifeMs: 4000, maxCutBytes: 2048 };

export class FaultProxy {
  faults: FaultProfile = NO_FAULTS;
  readonly stats = { connections: 0, reset: 0, drop: 0, cut: 0, delay: 0, pass: 0, lifeEnded: 0, refusedPeriods: 0 };
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(public targetPort: number, private readonly rand: () => number = Math.random, private readonly targetHost = '127.0.0.1') {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on 127.0.0.1 (port 0 = any free port); resolves with the port. */
  async start(port = 0): Promise<number> {
    const server = createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    this.server = server;
    return this.port;
  }

  /** true: stop listening (connections are refused) and drop every open connection. */
  async refuse(on: boolean): Promise<void> {
    if (on && this.server) {
      const s = this.server;
      this.server = null;
      this.stats.refusedPeriods++;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      this.dropAll();
      await closed;
    } else if (!on && !this.server) {
      await this.start(this.port);
    }
  }

  get refusing(): boolean {
    return this.server === null;
  }

  async heal(): Promise<void> {
    this.faults = NO_FAULTS;
    await this.refuse(false);
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    this.dropAll();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
  }

  private fate(): 'reset' | 'drop' | 'cut' | 'delay' | 'pass' {
    const f = this.faults;
    let r = this.rand();
    for (const k of ['reset', 'drop', 'cut', 'delay'] as const) {
      if (r < f[k]) return k;
      r -= f[k];
    }
    return 'pass';
  }

  private accept(client: Socket): void {
    this.stats.connections++;
    this.track(client);
    const f = this.faults;
    const fate = this.fate();
    this.stats[fate]++;
    if (fate === 'reset') {
      client.resetAndDestroy();
      return;
    }
    if (fate === 'drop') {
      client.on('data', () => undefined);
      setTimeout(() => client.destroy(), 100 + Math.floor(this.rand() * 1400)).unref();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    this.track(upstream);
    const both = () => {
      client.destroy();
      upstream.destroy();
    };
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    const delayMs = fate === 'delay' ? () => Math.floor(this.rand() * f.maxDelayMs) : () => 0;
    let budget = fate === 'cut' ? Math.floor(this.rand() * (f.maxCutBytes + 1)) : Infinity;
    if (f.maxLifeMs > 0) {
      setTimeout(() => {
        if (!client.destroyed) this.stats.lifeEnded++;
        both();
      }, Math.floor(this.rand() * f.maxLifeMs)).unref();
    }
    let up = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      const d = delayMs();
      up = up.then(() => (d ? sleep(d) : undefined)).then(() => {
        if (!upstream.destroyed) upstream.write(chunk);
      });
    });
    let down = Promise.resolve();
    upstream.on('data', (chunk: Buffer) => {
      const d = delayMs();
      down = down.then(() => (d ? sleep(d) : undefined)).then(() => {
        if (client.destroyed) return;
        if (chunk.length <= budget) {
          budget -= chunk.length;
          client.write(chunk);
          return;
        }
        // Cut mid-response: what fits in the budget, then the connection is gone.
        client.write(chunk.subarray(0, budget), () => both());
        budget = 0;
        setTimeout(both, 20).unref();
      });
    });
    client.on('end', () => void up.then(() => upstream.end()));
    upstream.on('end', () => void down.then(() => client.end()));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
