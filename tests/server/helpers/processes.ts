/** Real processes on loopback: `npm run server`, `npm run gateway-sim`, `npm run server:cli`. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Proc {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * How long a script may take to print its ready line. Generous: under CI two test files run at
 * once on two cores, and `npm` + `tsx` compile on every start; a start that hangs still fails.
 */
export const START_TIMEOUT_MS = 90_000;

/** The last part of a process's output for an error message (or a note that it printed nothing). */
function printed(out: string): string {
  if (!out.trim()) return '(it printed nothing)';
  return out.length > 20_000 ? `...${out.slice(-20_000)}` : out;
}

/**
 * Starts `npm run -s <script>` in its own process group and waits for `ready` on stdout.
 * A script that exits first or is not ready in `timeoutMs` fails with what it printed, and is not
 * left running.
 */
export async function startScript(script: string, env: Record<string, string>, ready: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<Proc> {
  const child = spawn('npm', ['run', '-s', script], { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const proc: Proc = {
    child,
    output: () => out,
    stop: () => stopGroup(child),
  };
  let stdout = '';
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      finish(new Error(`npm run ${script}: not ready (no line matching ${ready}) in ${timeoutMs} ms; it printed:\n${printed(out)}`));
      void stopGroup(child);
    }, timeoutMs);
    function finish(err?: Error): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    }
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      stdout += d.toString();
      if (ready.test(stdout)) finish();
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', (err) => finish(new Error(`npm run ${script}: could not start (${err.message})`)));
    child.once('exit', (code, signal) => {
      finish(new Error(`npm run ${script}: exited (${code ?? signal}) after ${Date.now() - started} ms before it was ready; it printed:\n${printed(out)}`));
    });
  });
  return proc;
}

/** Runs `npm run -s <script> -- args` to completion. */
export async function runScript(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn('npm', ['run', '-s', script, '--', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, out };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the script's whole process group (npm + tsx + node), SIGKILL after 5 s; resolves when it is gone. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined || !groupAlive(pgid)) return;
  process.kill(-pgid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
