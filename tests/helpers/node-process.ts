/**
 * A central server or kiosk as a real `node --import tsx <args>` process in its own process group
 * (so a test can SIGKILL or SIGSTOP the whole group), ready once it prints "listening on"; and a
 * one-shot `node --import tsx` command (a CLI) run to its end. `bundle` starts the entry point from an
 * esbuild bundle instead (see `bundled`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

const bundles = new Map<string, Promise<string>>();

/**
 * The entry point bundled with esbuild (dependencies left in node_modules), as scripts/run-cli.mjs
 * runs the kiosk CLI: the same code, started without transpiling every file through tsx's loader
 * (about half the start-up time, which a campaign that restarts processes many times waits for).
 * Built once per test process into dist/ (so the kiosk CLI finds the repository root one level
 * up, as from dist/cli.mjs), under a name of its own, removed when the process ends.
 */
export function bundled(entry: string): Promise<string> {
  let out = bundles.get(entry);
  if (!out) {
    const file = join(ROOT, 'dist', `test-${process.pid}-${basename(entry, '.ts')}-${bundles.size}.mjs`);
    out = (async () => {
      mkdirSync(join(ROOT, 'dist'), { recursive: true });
      // Loaded here, not at the top: jsdom test files import this module and esbuild refuses jsdom's TextEncoder.
      const { build } = await import('esbuild');
      await build({
        entryPoints: [join(ROOT, entry)], outfile: file, bundle: true, platform: 'node', format: 'esm', target: 'node20',
        packages: 'external', sourcemap: 'linked', logLevel: 'warning',
      });
      process.once('exit', () => {
        for (const f of [file, `${file}.map`]) rmSync(f, { force: true });
      });
      return file;
    })();
    bundles.set(entry, out);
  }
  return out;
}

export interface Proc {
  child: ChildProcess;
  url: string;
  out(): string;
  exited: Promise<void>;
}

/** Removes the bundles this process built (a test's afterAll; also done when the process exits normally). */
export async function removeBundles(): Promise<void> {
  for (const out of bundles.values()) {
    const file = await out.catch(() => null);
    if (file) for (const f of [file, `${file}.map`]) rmSync(f, { force: true });
  }
  bundles.clear();
}

/** Resolves with the URL the process printed; rejects with its output when it exits or is not ready in time (then it is killed). */
export async function startNode(args: string[], env: Record<string, string>, timeoutMs = 90_000, opts: { bundle?: boolean } = {}): Promise<Proc> {
  const [entry, ...restArgs] = args;
  // NODE_ARGS: flags for node itself that NODE_OPTIONS refuses (e.g. --cpu-prof), space-separated.
  const { NODE_ARGS: nodeArgs, ...rest } = env;
  const argv = opts.bundle && entry ? [await bundled(entry), ...restArgs] : ['--import', 'tsx', ...args];
  const child = spawn(process.execPath, [...(nodeArgs ? nodeArgs.split(' ').filter(Boolean) : []), ...argv], { cwd: ROOT, env: { ...process.env, ...rest }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-50_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-50_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${args.join(' ')}: not ready in ${timeoutMs} ms:\n${out}`));
      try {
        process.kill(-child.pid!, 'SIGKILL'); // not left running behind a failed start
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${child.exitCode ?? child.signalCode}):\n${out}`));
    });
  });
  return { child, url, out: () => out, exited };
}

/** Sends `sig` to the whole process group (node + tsx's esbuild); resolves when the main process is gone. */
export async function signalGroup(p: Proc, sig: NodeJS.Signals): Promise<void> {
  try {
    process.kill(-p.child.pid!, sig);
  } catch {
    /* already gone */
  }
  await p.exited;
}

/** Runs `node --import tsx <args>` to its end: its exit code, stdout + stderr, and stdout alone. */
export async function runNode(args: string[], env: Record<string, string> = {}, opts: { bundle?: boolean } = {}): Promise<{ code: number | null; out: string; stdout: string }> {
  const [entry, ...rest] = args;
  const argv = opts.bundle && entry ? [await bundled(entry), ...rest] : ['--import', 'tsx', ...args];
  const child = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, out, stdout };
}
