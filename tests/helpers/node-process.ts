/**
 * A central server or kiosk as a real `node --import tsx <args>` process in its own process group
 * (so a test can SIGKILL or SIGSTOP the whole group), ready once it prints "listening on"; and a
 * one-shot `node --import tsx` command (a CLI) run to its end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface Proc {
  child: ChildProcess;
  url: string;
  out(): string;
  exited: Promise<void>;
}

/** Resolves with the URL the process printed; rejects with its output when it exits or is not ready in time (then it is killed). */
export async function startNode(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<Proc> {
  // NODE_ARGS: flags for node itself that NODE_OPTIONS refuses (e.g. --cpu-prof), space-separated.
  const { NODE_ARGS: nodeArgs, ...rest } = env;
  const child = spawn(process.execPath, [...(nodeArgs ? nodeArgs.split(' ').filter(Boolean) : []), '--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...rest }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
export async function runNode(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
