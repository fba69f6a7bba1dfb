/**
 * A pseudo-terminal pair from socat (`socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B`):
 * what is written to one end is read from the other, like a USB serial device and its cable.
 * The kiosk opens end A as if it were /dev/ttyUSB0; the simulator plays the device on end B.
 * stop() kills socat, which removes both ends (a device unplugged); start() again brings the
 * same paths back (plugged in again).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export class PtyPair {
  readonly kioskPath: string;
  readonly devicePath: string;
  private child: ChildProcess | null = null;

  constructor(dir: string, name: string) {
    mkdirSync(dir, { recursive: true });
    this.kioskPath = join(dir, `${name}A`);
    this.devicePath = join(dir, `${name}B`);
  }

  get running(): boolean {
    return this.child !== null;
  }

  async start(timeoutMs = 5000): Promise<void> {
    if (this.child) return;
    const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.kioskPath}`, `pty,raw,echo=0,link=${this.devicePath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`socat exited (${code}): ${stderr.trim() || 'is socat installed? apt-get install socat'}`))),
    );
    child.once('error', () => undefined);
    // socat outlives a parent that dies without stop() (a crashed test): take it along.
    const reap = () => child.kill('SIGTERM');
    process.once('exit', reap);
    child.once('exit', () => {
      process.removeListener('exit', reap);
      if (this.child === child) this.child = null;
    });
    const ready = (async () => {
      const until = Date.now() + timeoutMs;
      // socat logs "starting data transfer loop" once both ptys exist and their links are made.
      while (!(existsSync(this.kioskPath) && existsSync(this.devicePath) && /starting data transfer loop/.test(stderr))) {
        if (Date.now() > until) throw new Error(`socat did not create ${this.kioskPath} within ${timeoutMs} ms: ${stderr.trim()}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await Promise.race([ready, exited]);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}
