/**
 * A size-capped log file: `kiosk.log` is rolled to `kiosk.log.1` (and `.1` to `.2`, ... up to
 * `.N`, the oldest dropped) before a write would take it past `maxBytes`. Synchronous appends, so
 * a line is on disk (in the OS cache) before the call returns and a crash loses nothing logged.
 * One writer per file: the process that owns the kiosk core.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotatingFileOptions {
  file: string;
  /** Size cap of the live file in bytes (default 5 MiB). */
  maxBytes?: number;
  /** How many rolled files to keep: `file.1` .. `file.N` (default 5). */
  files?: number;
}

export class RotatingFileStream {
  readonly file: string;
  readonly maxBytes: number;
  readonly files: number;
  private fd: number | null = null;
  private size = 0;

  constructor(options: RotatingFileOptions) {
    this.file = options.file;
    this.maxBytes = Math.max(1024, options.maxBytes ?? 5 * 1024 * 1024);
    this.files = Math.max(1, Math.floor(options.files ?? 5));
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    this.open();
  }

  private open(): void {
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** Rolls now: file -> file.1 -> file.2 ... (the oldest beyond `files` is removed). */
  rotate(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(`${this.file}.${this.files}`, { force: true });
    for (let i = this.files - 1; i >= 1; i -= 1) {
      if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    }
    if (existsSync(this.file)) renameSync(this.file, `${this.file}.1`);
    this.open();
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.fd === null) return false;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (this.size > 0 && this.size + buf.length > this.maxBytes) this.rotate();
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd!, buf, off, buf.length - off);
    this.size += buf.length;
    return true;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
