/**
 * Several central-server instances (`src-server/main.ts`, what `npm run server` runs) as real
 * processes on one PostgreSQL database, each on its own free loopback port, plus real kiosks
 * (`src-main/cli.ts serve`). For the scale-out tests and the scale bench.
 */
import { enrolKiosk, type KioskCreds } from '../helpers/enrol.js';
import { apiOrDown as api } from '../helpers/kiosk-client.js';
import { startNode, type Proc } from '../helpers/node-process.js';
import { serverEnv } from '../server/helpers/env.js';
import { freePort } from '../server/helpers/processes.js';

export const PIN = '2468';
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Instance {
  name: string;
  port: number;
  url: string;
  proc: Proc | null;
}

/** SIGKILL to the whole process group; resolves when the main process is gone. */
export async function kill9(p: Proc): Promise<void> {
  try {
    process.kill(-p.child.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
  await p.exited;
}

/** SIGTERM, then SIGKILL after 5 s. */
export async function stopProc(p: Proc): Promise<void> {
  try {
    process.kill(-p.child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const t = setTimeout(() => void kill9(p), 5000);
  await p.exited;
  clearTimeout(t);
}

export class Cluster {
  readonly instances: Instance[] = [];
  constructor(readonly env: Record<string, string>) {}

  static forDatabase(databaseUrl: string, extra: Record<string, string> = {}, simUrl = 'http://127.0.0.1:9', gateway: 'sim' | 'razorpay' = 'sim'): Cluster {
    return new Cluster(serverEnv({ databaseUrl, gateway, simUrl, extra: { LEADER_CHECK_MS: '300', LOG_LEVEL: 'info', ...extra } }));
  }

  /** Enrols a kiosk with the server CLI; returns its id and secret. */
  enrol(name: string): Promise<KioskCreds> {
    return enrolKiosk(this.env, name);
  }

  /** Adds (and starts) instance n (1-based names: i1, i2, ...) on a free port. */
  async add(extra: Record<string, string> = {}): Promise<Instance> {
    const port = await freePort();
    const inst: Instance = { name: `i${this.instances.length + 1}`, port, url: `http://127.0.0.1:${port}`, proc: null };
    this.instances.push(inst);
    await this.start(inst, extra);
    return inst;
  }

  async start(inst: Instance, extra: Record<string, string> = {}): Promise<void> {
    inst.proc = await startNode(['src-server/main.ts'], { ...this.env, PORT: String(inst.port), INSTANCE_ID: inst.name, ...extra });
  }

  async kill(inst: Instance): Promise<void> {
    const p = inst.proc;
    inst.proc = null;
    if (p) await kill9(p);
  }

  /** The value of a metric line on one instance's /metrics (null when absent or the instance is down). */
  async metric(inst: Instance, line: RegExp): Promise<number | null> {
    try {
      const res = await fetch(`${inst.url}/metrics`, { headers: { authorization: `Bearer ${this.env.METRICS_TOKEN}` }, signal: AbortSignal.timeout(3000) });
      const m = line.exec(await res.text());
      return m ? Number(m[1]) : null;
    } catch {
      return null;
    }
  }

  async leaders(): Promise<Instance[]> {
    const out: Instance[] = [];
    for (const i of this.instances) if (i.proc && (await this.metric(i, /^parkgate_jobs_leader\{[^}]*\} (\d+)$/m)) === 1) out.push(i);
    return out;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.instances.map(async (i) => {
      if (i.proc) await stopProc(i.proc);
      i.proc = null;
    }));
  }
}

// ------------------------------------------------------------------------------------- kiosks

export { api };

export interface Kiosk {
  proc: Proc;
  url: string;
  token: string;
}

/** A kiosk process (`serve`) on `servers` (one URL or several, comma-separated), logged in as `username`. */
export async function startKiosk(db: string, servers: string, cred: { id: string; secret: string }, opts: { seedDemo?: boolean; username?: string } = {}): Promise<Kiosk> {
  const proc = await startNode([
    'src-main/cli.ts', 'serve', '--db', db, '--port', '0', ...(opts.seedDemo ? ['--seed-demo'] : []),
    '--server', servers, '--kiosk-id', cred.id,
  ], { PARKGATE_KIOSK_SECRET: cred.secret });
  const username = opts.username ?? 'attendant';
  // A kiosk without the demo seed gets its operators from its first sync.
  for (const end = Date.now() + 60_000; Date.now() < end; await sleep(200)) {
    const r = await api(proc.url, 'auth.login', { username, pin: PIN });
    if ('ok' in r && r.ok) return { proc, url: proc.url, token: r.data.token as string };
  }
  throw new Error(`kiosk ${cred.id}: ${username} cannot log in\n${proc.out()}`);
}

/** Waits until `pred` holds (polling every `everyMs`); returns the ms it took, or throws after `timeoutMs`. */
export async function until(pred: () => Promise<boolean>, timeoutMs: number, everyMs = 20, what = 'condition'): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await pred()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}
