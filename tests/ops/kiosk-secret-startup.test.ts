/**
 * How `serve` (a real process) takes the kiosk secret: from a file only its owner can read
 * (`--kiosk-secret-file`) or from PARKGATE_KIOSK_SECRET, into the one secret store; never from the
 * command line, where every user of the machine sees it in `ps`. A file group or others can read
 * is refused with the fix in the message, and no error ever prints the secret.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startNode, type Proc } from '../helpers/node-process.js';
import { kioskSecretFromStartup, readSecretFile } from '../../src-main/ops/secret-store.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SECRET = 'kiosk-secret-from-a-file-7Qm2xVb9';
const dirs: string[] = [];
const procs: Proc[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'parkgate-secret-startup-'));
  dirs.push(d);
  return d;
}

function secretFile(dir: string, mode: number, text = `${SECRET}\n`): string {
  const file = join(dir, 'kiosk.secret');
  writeFileSync(file, text, { mode });
  chmodSync(file, mode); // whatever the umask
  return file;
}

/** Runs `serve` to its exit (for the refusals): exit code and everything it printed. */
function serveUntilExit(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli.ts', 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, PARKGATE_KIOSK_SECRET: '', PARKGATE_KIOSK_SECRET_FILE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
}

const stored = (db: string) => readFileSync(join(db, '..', 'secrets', 'kiosk-secret.secret'), 'utf8');

afterEach(async () => {
  for (const p of procs.splice(0)) {
    try {
      process.kill(-p.child.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
    await p.exited;
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('serve takes the kiosk secret from a 0600 file or the environment, never the command line', () => {
  it('--kiosk-secret-file with a 0600 file: serve starts, the secret is in the secret store, not on its command line', async () => {
    const dir = tempDir();
    const db = join(dir, 'k.db');
    const p = await startNode(['src-main/cli.ts', 'serve', '--db', db, '--port', '0', '--kiosk-secret-file', secretFile(dir, 0o600)], { PARKGATE_KIOSK_SECRET: '' });
    procs.push(p);
    expect(stored(db)).toBe(`PGS1P:${SECRET}`);
    const cmdline = readFileSync(`/proc/${p.child.pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('--kiosk-secret-file');
    expect(cmdline).not.toContain(SECRET);
    expect(p.out()).not.toContain(SECRET);
  }, 90_000);

  it('PARKGATE_KIOSK_SECRET: serve starts and keeps it in the secret store', async () => {
    const dir = tempDir();
    const db = join(dir, 'k.db');
    const p = await startNode(['src-main/cli.ts', 'serve', '--db', db, '--port', '0'], { PARKGATE_KIOSK_SECRET: SECRET });
    procs.push(p);
    expect(stored(db)).toBe(`PGS1P:${SECRET}`);
  }, 90_000);

  for (const mode of [0o640, 0o604, 0o644]) {
    it(`a secret file with mode ${mode.toString(8)} is refused with the fix; nothing is stored, the secret is not printed`, async () => {
      const dir = tempDir();
      const file = secretFile(dir, mode);
      const r = await serveUntilExit(['--db', join(dir, 'k.db'), '--kiosk-secret-file', file]);
      expect(r.code).not.toBe(0);
      expect(r.out).toContain(`can be read by other users (mode 0${mode.toString(8)})`);
      expect(r.out).toContain(`chmod 600 ${file}`);
      expect(r.out).not.toContain(SECRET);
      expect(r.out).not.toContain('listening on');
      expect(() => stored(join(dir, 'k.db'))).toThrow();
    }, 90_000);
  }

  it('--kiosk-secret on the command line is refused (both spellings), saying what to use instead, without echoing it', async () => {
    const dir = tempDir();
    for (const args of [['--kiosk-secret', SECRET], [`--kiosk-secret=${SECRET}`]]) {
      const r = await serveUntilExit(['--db', join(dir, 'k.db'), ...args]);
      expect(r.code).not.toBe(0);
      expect(r.out).toContain('--kiosk-secret is refused');
      expect(r.out).toContain('--kiosk-secret-file');
      expect(r.out).toContain('PARKGATE_KIOSK_SECRET');
      expect(r.out).not.toContain(SECRET);
      expect(r.out).not.toContain('listening on');
    }
  }, 90_000);

  it('a missing file, and both a file and the variable, are refused', async () => {
    const dir = tempDir();
    const missing = await serveUntilExit(['--db', join(dir, 'k.db'), '--kiosk-secret-file', join(dir, 'nope.secret')]);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toContain('does not exist');
    const both = await serveUntilExit(['--db', join(dir, 'k.db'), '--kiosk-secret-file', secretFile(dir, 0o600)], { PARKGATE_KIOSK_SECRET: SECRET });
    expect(both.code).not.toBe(0);
    expect(both.out).toContain('Give the kiosk secret once');
    expect(both.out).not.toContain(SECRET);
  }, 90_000);
});

describe('readSecretFile / kioskSecretFromStartup at their limits', () => {
  it('one line, trailing newline dropped; empty, two lines, a directory and a 4 KiB+ file refused', () => {
    const dir = tempDir();
    expect(readSecretFile(secretFile(dir, 0o600, `${SECRET}\r\n`))).toBe(SECRET);
    expect(readSecretFile(secretFile(dir, 0o400, SECRET))).toBe(SECRET);
    expect(() => readSecretFile(secretFile(dir, 0o600, '\n'))).toThrow(/one line/);
    expect(() => readSecretFile(secretFile(dir, 0o600, 'a\nb\n'))).toThrow(/one line/);
    expect(() => readSecretFile(dir)).toThrow(/not a regular file/);
    expect(readSecretFile(secretFile(dir, 0o600, 'x'.repeat(4096)))).toHaveLength(4096);
    expect(() => readSecretFile(secretFile(dir, 0o600, 'x'.repeat(4097)))).toThrow(/larger than 4096/);
  });

  it('the variable is used when no file is given; nothing given is undefined (the saved secret then applies)', () => {
    expect(kioskSecretFromStartup([], { PARKGATE_KIOSK_SECRET: SECRET }, undefined)).toBe(SECRET);
    expect(kioskSecretFromStartup([], {}, undefined)).toBeUndefined();
    expect(() => kioskSecretFromStartup(['--db', 'x', '--kiosk-secret', SECRET], {}, undefined)).toThrow(/refused/);
    expect(kioskSecretFromStartup(['--kiosk-secret-file', 'f'], {}, undefined)).toBeUndefined();
  });
});
