/** Rotating log files: sizes, file count, levels, redaction; `serve` writes them and keeps stderr JSON lines. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpsLogger, resolveLogLevel } from '../../src-main/ops/logger.js';
import { Redactor, REDACTED } from '../../src-main/ops/redact.js';
import { RotatingFileStream } from '../../src-main/ops/rotating-file.js';
import { cleanTempDirs, tempDir } from './helpers.js';

afterEach(() => {
  delete process.env.PARKGATE_LOG_LEVEL;
  cleanTempDirs();
});

describe('RotatingFileStream', () => {
  it('rolls kiosk.log to .1..N at the size cap, keeps N files, loses no recent line', () => {
    const file = join(tempDir(), 'logs', 'kiosk.log');
    const s = new RotatingFileStream({ file, maxBytes: 1024, files: 3 });
    const lines = Array.from({ length: 100 }, (_, i) => `${JSON.stringify({ n: i, pad: 'x'.repeat(80) })}\n`);
    for (const l of lines) s.write(l);
    s.close();
    const dir = join(file, '..');
    expect(readdirSync(dir).sort()).toEqual(['kiosk.log', 'kiosk.log.1', 'kiosk.log.2', 'kiosk.log.3']);
    for (const f of readdirSync(dir)) {
      expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(1024);
      expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    }
    // Oldest .3 -> newest kiosk.log: consecutive lines ending with the last one written.
    const kept = ['kiosk.log.3', 'kiosk.log.2', 'kiosk.log.1', 'kiosk.log']
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
      .map((l) => (JSON.parse(l) as { n: number }).n);
    expect(kept.at(-1)).toBe(99);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 100 - kept.length + i));
    expect(kept.length).toBeGreaterThanOrEqual(3 * 10);
  });

  it('appends to an existing file and counts its size', () => {
    const file = join(tempDir(), 'kiosk.log');
    const a = new RotatingFileStream({ file, maxBytes: 1024, files: 2 });
    a.write('x'.repeat(1000) + '\n');
    a.close();
    const b = new RotatingFileStream({ file, maxBytes: 1024, files: 2 });
    b.write('y'.repeat(100) + '\n');
    b.close();
    expect(readFileSync(`${file}.1`, 'utf8')).toMatch(/^x+\n$/);
    expect(readFileSync(file, 'utf8')).toMatch(/^y+\n$/);
  });
});

describe('Redactor', () => {
  const r = new Redactor(['TicketKeyBase64SecretValue==']);

  it('redacts by key at any depth', () => {
    const out = r.value({
      pin: '1234', newPin: '5678', pin_hash: 'scrypt$abc', token: 't', Authorization: 'Bearer x', kioskSecret: 's', ticketSecret: 'k',
      payer: { vpa: 'ravi@okaxis', upi_uri: 'upi://pay?pa=shop@ybl' }, list: [{ password: 'p' }], pending: 3, pinned: true, ok: false,
    });
    expect(out).toEqual({
      pin: REDACTED, newPin: REDACTED, pin_hash: REDACTED, token: REDACTED, Authorization: REDACTED, kioskSecret: REDACTED, ticketSecret: REDACTED,
      payer: { vpa: REDACTED, upi_uri: REDACTED }, list: [{ password: REDACTED }], pending: 3, pinned: true, ok: false,
    });
  });

  it('redacts inside free text: bearer tokens, key=value, JSON bodies, VPAs, known secret values', () => {
    const text = r.string(
      'paid by ravi.kumar99@okaxis via upi://pay?pa=parking.lot@ybl&pn=Lot with Bearer abc.DEF-123 ' +
        'url /x?token=zzz&pin=9876 body {"pin":"4321","username":"bob"} key TicketKeyBase64SecretValue== err pin: 1111',
    );
    for (const leaked of ['ravi.kumar99@okaxis', 'parking.lot@ybl', 'abc.DEF-123', 'zzz', '9876', '4321', 'TicketKeyBase64SecretValue==', '1111']) {
      expect(text).not.toContain(leaked);
    }
    expect(text).toContain('r***@okaxis');
    expect(text).toContain('"username":"bob"');
    // Stack traces and package names keep their @.
    expect(r.string('at node_modules/@fastify/x pino@10.4.0')).toBe('at node_modules/@fastify/x pino@10.4.0');
  });
});

describe('createOpsLogger', () => {
  it('writes redacted pino JSON lines to a rotating file; level from the option or PARKGATE_LOG_LEVEL', () => {
    const dir = tempDir();
    const log = createOpsLogger({ dir, level: 'warn', maxBytes: 2048, files: 5, secrets: ['kiosk-enrolment-secret-XYZ'] });
    log.kioskLog('info', 'not written at warn');
    log.kioskLog('warn', 'login failed for pin=2468', { pin: '2468', token: 'tok-123456', vpa: 'asha@okhdfc', note: 'secret is kiosk-enrolment-secret-XYZ' });
    log.kioskLog('error', 'payment', { error: new Error('upi://pay?pa=merchant.name@ybl failed') });
    for (let i = 0; i < 25; i += 1) log.kioskLog('warn', `filler ${i}`, { pad: 'z'.repeat(60) });
    log.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['kiosk.log', 'kiosk.log.1', 'kiosk.log.2']);
    const all = ['kiosk.log.2', 'kiosk.log.1', 'kiosk.log'].map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    const first = JSON.parse(all.split('\n')[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ level: 'warn', msg: `login failed for pin=${REDACTED}`, pin: REDACTED, token: REDACTED, vpa: REDACTED, note: `secret is ${REDACTED}` });
    expect(all).not.toContain('not written at warn');
    for (const leaked of ['2468', 'tok-123456', 'asha@okhdfc', 'kiosk-enrolment-secret-XYZ', 'merchant.name@ybl']) expect(all).not.toContain(leaked);
    expect(all).toContain('upi://pay?pa=m***@ybl failed');
    const line = all.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).at(-1)!;
    expect(line).toMatchObject({ level: 'warn', app: 'parkgate-core', msg: 'filler 24' });
    expect(typeof line.time).toBe('string');
  });

  it('PARKGATE_LOG_LEVEL sets the level; an unknown level falls back to info', () => {
    process.env.PARKGATE_LOG_LEVEL = 'debug';
    expect(resolveLogLevel()).toBe('debug');
    const dir = tempDir();
    const log = createOpsLogger({ dir });
    log.logger.debug('debug line');
    log.close();
    expect(readFileSync(join(dir, 'kiosk.log'), 'utf8')).toContain('debug line');
    expect(resolveLogLevel('LOUD')).toBe('info');
    expect(resolveLogLevel('ERROR')).toBe('error');
  });
});

describe('serve', () => {
  it('logs to <dataDir>/logs/kiosk.log and keeps JSON lines on stderr; the kiosk secret goes to the 0600 secret store', async () => {
    const dir = tempDir();
    const db = join(dir, 'kiosk.db');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli.ts', 'serve', '--db', db, '--port', '0', '--seed-demo'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PARKGATE_LOG_LEVEL: 'info', PARKGATE_KIOSK_SECRET: 'enrolment-secret-never-logged' },
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ready line: ${out} ${err}`)), 30_000);
      child.stdout.on('data', (c) => {
        out += c;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const health = await (await fetch(`${url}/api/v1/system.health`, { method: 'POST', body: '{}' })).json();
    expect(health.ok).toBe(true);
    await new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); });
    const file = join(dir, 'logs', 'kiosk.log');
    expect(existsSync(file)).toBe(true);
    const fileLines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; level: string });
    expect(fileLines.map((l) => l.msg)).toContain('demo data created');
    const stderrLines = err.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string });
    expect(stderrLines.map((l) => l.msg)).toContain('demo data created');
    const secretFile = join(dir, 'secrets', 'kiosk-secret.secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8') + err).not.toContain('enrolment-secret-never-logged');
  });
});
