/**
 * The ParkGate process set for end-to-end tests, all real processes on loopback: the central
 * server (`src-server/main.ts`, on port 0 with a fresh test database), optionally the gateway
 * simulator (`src-server/sim/main.ts`), and kiosks (`src-main/cli.ts serve`, or `npm run serve`
 * with the UI for browser tests), each enrolled with the server CLI and given its secret in
 * PARKGATE_KIOSK_SECRET. Every process is ready (its "listening on" line) when startStack
 * resolves; a failure half-way stops what had started. `stop()` ends everything (call it in
 * afterAll; it is safe after a failed or partial start).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type Backend, type TestDatabase } from '../server/helpers/databases.js';
import { serverEnv } from '../server/helpers/env.js';
import { freePort } from '../server/helpers/processes.js';
import { kioskClient, type KioskClient } from './kiosk-client.js';
import { enrolKiosk, type KioskCreds } from './enrol.js';
import { signalGroup, startNode, type Proc } from './node-process.js';
import { startServe, type ServeHandle } from './serve.js';

export interface KioskSpec {
  /** The name it is enrolled under (default `Gate <n>`). */
  name?: string;
  /** Start with these credentials instead of enrolling a new kiosk. */
  creds?: KioskCreds;
  /** The server address the kiosk is given: a URL, or one made from the server's (a proxy in front of it). Default the server's. */
  serverUrl?: string | ((serverUrl: string) => string);
  seedDemo?: boolean;
  fakeClock?: boolean;
  /** `npm run serve` (builds and serves the UI) instead of `node src-main/cli.ts serve`. */
  ui?: boolean;
}

export interface StackKiosk extends KioskClient {
  name: string;
  creds: KioskCreds;
  url: string;
  dbPath: string;
  /** Its stdout + stderr so far. */
  output(): string;
  /** Sends `sig` to the kiosk's whole process group. */
  signal(sig: NodeJS.Signals): void;
  /** Kills it; with `graceful`, SIGTERM and waits for it to shut down (SIGKILL after 5 s). */
  stop(graceful?: boolean): Promise<void>;
}

export interface StackOptions {
  backend?: Backend;
  /** With a gateway the simulator runs and the server uses it; without, the server's gateway is `sim` at a dead address. */
  gateway?: 'razorpay' | 'phonepe';
  /**
   * More server settings. As a function of the server's URL (for settings naming the server's own
   * address, e.g. PUBLIC_BASE_URL) the server's port is picked before it starts instead of being 0.
   */
  serverExtra?: Record<string, string> | ((serverUrl: string) => Record<string, string>);
  kiosks?: KioskSpec[];
  /** ms each kiosk API request may take. */
  apiTimeoutMs?: number;
}

export interface Stack {
  database: TestDatabase;
  /** The server's environment (also what the server CLI and the simulator read). */
  env: Record<string, string>;
  server: Proc;
  serverUrl: string;
  sim: Proc | null;
  simUrl: string;
  kiosks: StackKiosk[];
  /** GET or POST (JSON) on the gateway simulator; the parsed reply. */
  simCall(method: 'GET' | 'POST', path: string, body?: unknown): Promise<any>;
  enrol(name: string): Promise<KioskCreds>;
  startKiosk(spec?: KioskSpec): Promise<StackKiosk>;
  /** Kills the server (its whole process group). */
  stopServer(): Promise<void>;
  /** Starts the server again on the port it had (after it was killed or stopped). */
  restartServer(): Promise<Proc>;
  stop(): Promise<void>;
}

export type { KioskCreds } from './enrol.js';

const DEAD_GATEWAY = 'http://127.0.0.1:9';

/** SIGCONT (a paused group cannot die) then SIGKILL to the whole group; resolves when the main process is gone. */
async function kill(p: Proc | null): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  for (const sig of ['SIGCONT', 'SIGKILL'] as const) {
    try {
      process.kill(-p.child.pid!, sig);
    } catch {
      /* already gone */
    }
  }
  await p.exited;
}

async function terminate(p: Proc): Promise<void> {
  const timer = setTimeout(() => void kill(p), 5000);
  await signalGroup(p, 'SIGTERM');
  clearTimeout(timer);
}

function groupSignal(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid !== undefined) process.kill(-pid, sig);
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const database = await createTestDatabase(opts.backend ?? 'sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'parkgate-stack-'));
  const pinned = typeof opts.serverExtra === 'function' ? await freePort() : 0;
  const simPort = opts.gateway ? await freePort() : 0;
  const simUrl = opts.gateway ? `http://127.0.0.1:${simPort}` : DEAD_GATEWAY;
  const extra = typeof opts.serverExtra === 'function' ? opts.serverExtra(`http://127.0.0.1:${pinned}`) : (opts.serverExtra ?? {});
  const env = serverEnv({ databaseUrl: database.url, gateway: opts.gateway ?? 'sim', simUrl, port: pinned, extra });
  let kioskCount = 0;

  const stack: Stack = {
    database,
    env,
    server: null as unknown as Proc,
    serverUrl: '',
    sim: null,
    simUrl,
    kiosks: [],
    async simCall(method, path, body = {}) {
      const res = await fetch(`${simUrl}${path}`, { method, ...(method === 'POST' ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
      return res.json();
    },
    enrol: (name) => enrolKiosk(env, name),
    async startKiosk(spec = {}) {
      const n = ++kioskCount;
      const name = spec.name ?? `Gate ${n}`;
      const creds = spec.creds ?? (await stack.enrol(name));
      const serverUrl = typeof spec.serverUrl === 'function' ? spec.serverUrl(stack.serverUrl) : (spec.serverUrl ?? stack.serverUrl);
      const link = ['--server', serverUrl, '--kiosk-id', creds.id];
      const secretEnv = { PARKGATE_KIOSK_SECRET: creds.secret };
      let kiosk: StackKiosk;
      if (spec.ui) {
        const h: ServeHandle = await startServe({ seedDemo: spec.seedDemo ?? true, fakeClock: spec.fakeClock ?? true, extraArgs: link, env: secretEnv });
        kiosk = { ...h, name, creds, signal: (sig) => groupSignal(h.child.pid, sig), stop: () => h.stop() };
      } else {
        const dbPath = join(dir, `kiosk-${n}.db`);
        const flags = [...((spec.fakeClock ?? true) ? ['--fake-clock'] : []), ...((spec.seedDemo ?? true) ? ['--seed-demo'] : [])];
        const p = await startNode(['src-main/cli.ts', 'serve', '--db', dbPath, '--port', '0', ...flags, ...link], secretEnv);
        kiosk = {
          ...kioskClient(p.url, opts.apiTimeoutMs ?? 30_000), name, creds, url: p.url, dbPath, output: p.out,
          signal: (sig) => groupSignal(p.child.pid, sig),
          stop: (graceful) => (graceful ? terminate(p) : kill(p)),
        };
      }
      stack.kiosks.push(kiosk);
      return kiosk;
    },
    stopServer: () => kill(stack.server),
    async restartServer() {
      await kill(stack.server);
      stack.server = await startNode(['src-server/main.ts'], { ...env, PORT: new URL(stack.serverUrl).port });
      return stack.server;
    },
    async stop() {
      for (const k of stack.kiosks.splice(0)) await k.stop();
      await Promise.all([kill(stack.server), kill(stack.sim)]);
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    stack.server = await startNode(['src-server/main.ts'], env);
    stack.serverUrl = stack.server.url;
    const startSim = async () => {
      if (opts.gateway) stack.sim = await startNode(['src-server/sim/main.ts'], { ...env, GATEWAY_SIM_PORT: String(simPort), SIM_SERVER_URL: stack.serverUrl });
    };
    const startKiosks = async () => {
      for (const spec of opts.kiosks ?? []) await stack.startKiosk(spec);
    };
    const started = await Promise.allSettled([startSim(), startKiosks()]);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}
