/**
 * Spawns a TypeScript worker as a separate OS process and reads its stdout by line.
 *
 * Under `node --import tsx` every module of zod and kysely goes through tsx's loader hooks, which
 * costs about 1 s of CPU per start on this 2-core box; the crash test restarts its child 50+
 * times. So a worker is first bundled once per test file with esbuild (tsx's own transformer:
 * our TypeScript sources only, every npm package left external and loaded by plain node), and
 * the bundle is started with plain `node`. `PARKGATE_WORKERS_TSX=1` (or a failed bundle) falls
 * back to `node --import tsx <worker>.ts`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const WORKERS_DIR = dirname(fileURLToPath(import.meta.url));
/** Inside node_modules so that the bundle's bare imports (zod, kysely, better-sqlite3) resolve. */
const BUNDLE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'parkgate-test-workers');

export interface WorkerCommand {
  /** node arguments before the worker's own arguments */
  argv: string[];
  dispose(): void;
}

/** Bundles `file` (relative to workers/) into one ESM file and returns how to start it. */
export async function prepareWorker(file: string): Promise<WorkerCommand> {
  const source = resolve(WORKERS_DIR, file);
  const tsxCommand: WorkerCommand = { argv: ['--import', 'tsx', source], dispose: () => {} };
  if (process.env.PARKGATE_WORKERS_TSX === '1') return tsxCommand;
  try {
    const { build } = await import('esbuild');
    mkdirSync(BUNDLE_DIR, { recursive: true });
    const outfile = join(BUNDLE_DIR, `${basename(file, '.ts')}-${process.pid}-${Date.now()}.mjs`);
    await build({
      entryPoints: [source], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20',
      packages: 'external', sourcemap: 'inline', logLevel: 'silent',
    });
    return { argv: [outfile], dispose: () => rmSync(outfile, { force: true }) };
  } catch {
    return tsxCommand;
  }
}

export interface LineChild {
  proc: ChildProcessWithoutNullStreams;
  /** Every complete stdout line received so far (a line cut by a kill is not here). */
  lines: string[];
  stderr(): string;
  /** Resolves with the next line matching `match` (counting lines already received after `from`). */
  waitLine(match: (line: string) => boolean, timeoutMs: number, from?: number): Promise<{ line: string; index: number }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnWorker(worker: WorkerCommand, args: string[]): LineChild {
  const file = worker.argv[worker.argv.length - 1]!;
  const proc = spawn(process.execPath, [...worker.argv, ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  const waiters = new Set<() => void>();
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      lines.push(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
    }
    for (const w of [...waiters]) w();
  });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk: string) => {
    if (err.length < 20_000) err += chunk;
  });
  proc.stdin.on('error', () => {}); // writing to a killed child is not an error for the test
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    proc.on('exit', (code, signal) => {
      for (const w of [...waiters]) w();
      res({ code, signal });
    });
  });

  const waitLine: LineChild['waitLine'] = (match, timeoutMs, from = 0) =>
    new Promise((res, rej) => {
      const check = (): boolean => {
        for (let i = from; i < lines.length; i++) {
          if (match(lines[i]!)) {
            res({ line: lines[i]!, index: i });
            return true;
          }
        }
        if (proc.exitCode !== null || proc.signalCode !== null) {
          rej(new Error(`worker ${file} exited (${proc.exitCode ?? proc.signalCode}) before the expected line.\nstderr:\n${err}`));
          return true;
        }
        return false;
      };
      if (check()) return;
      const waiter = () => {
        if (check()) done();
      };
      const timer = setTimeout(() => {
        done();
        rej(new Error(`worker ${file}: no expected line within ${timeoutMs} ms.\nstdout:\n${lines.slice(-5).join('\n')}\nstderr:\n${err}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      waiters.add(waiter);
    });

  return { proc, lines, stderr: () => err, waitLine, exited };
}

/**
 * Opens a cash shift for the cashier behind `token` where the core has shifts (payCash then needs
 * one); a core without `shifts.open` (NOT_FOUND) or an already open shift (CONFLICT) is fine.
 */
export async function openCashShift(
  kiosk: { call(method: string, input: unknown, token?: string | null): Promise<{ ok: boolean; error?: { code: string } }> },
  token: string,
): Promise<void> {
  const r = await kiosk.call('shifts.open', { openingFloatPaise: 0 }, token);
  if (!r.ok && r.error?.code !== 'NOT_FOUND' && r.error?.code !== 'CONFLICT') {
    throw new Error(`shifts.open failed: ${JSON.stringify(r.error)}`);
  }
}
