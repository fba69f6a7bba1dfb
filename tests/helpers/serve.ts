/**
 * Starts the real kiosk (`npm run serve`) as a child process on a free port with a fresh temp
 * database, waits for its ready line, and stops it (whole process group) on teardown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { kioskClient, type KioskClient } from './kiosk-client.js';

export type { ApiFailure } from './kiosk-client.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface ServeOptions {
  seedDemo?: boolean;
  fakeClock?: boolean;
  extraArgs?: string[];
  /** ms to wait for the ready line (includes a UI build when stale). */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface ServeHandle extends KioskClient {
  url: string;
  port: number;
  dbPath: string;
  /** The npm process, leader of the kiosk's process group. */
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

export async function startServe(opts: ServeOptions = {}): Promise<ServeHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'parkgate-e2e-'));
  const dbPath = join(dir, 'kiosk.db');
  const port = await freePort();
  const args = ['run', 'serve', '--silent', '--', '--db', dbPath, '--port', String(port)];
  if (opts.seedDemo ?? true) args.push('--seed-demo');
  if (opts.fakeClock ?? true) args.push('--fake-clock');
  args.push(...(opts.extraArgs ?? []));
  const child = spawn('npm', args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env, FORCE_COLOR: '0' },
  });
  let out = '';
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`serve did not get ready in time:\n${out}`)), opts.timeoutMs ?? 90_000);
    const onData = (buf: Buffer) => {
      out += buf.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`serve exited (${code}) before ready:\n${out}`));
    });
  });

  let stopped = false;
  return {
    url,
    port,
    dbPath,
    child,
    output: () => out,
    ...kioskClient(url),
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise<void>((res) => {
        if (child.exitCode !== null || child.signalCode !== null) res();
        else child.once('exit', () => res());
      });
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
