/**
 * The device-file driver (/dev/usb/lp0 style) against real peers standing in for the device:
 * - a pty that socat joins to the printer simulator: a bidirectional printer that answers DLE EOT
 *   (the kiosk core configured with driver 'device' prints a ticket whose QR scans);
 * - a FIFO read by another process: a write-only device; the bytes it received are rendered back
 *   to an image and the QR decoded; no reader and a reader that stops reading are typed failures;
 * - a missing path, an ordinary file, and a device the kiosk's user may not open.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKiosk } from '../../src-main/kiosk.js';
import { DeviceFileError, deviceFilePrinter } from '../../src-main/print/drivers/device-file.js';
import { PrinterNotReady } from '../../src-main/print/port.js';
import { renderEscPos } from '../../src-main/print/render.js';
import { cut, qr, text } from '../../src-main/print/templates/blocks.js';
import { parseEscPos } from '../../src-sim/printer/escpos-parser.js';
import { renderPaper } from '../../src-sim/printer/paper.js';
import { startPrinterSim, type PrinterSim } from '../../src-sim/printer/sim.js';
import { until } from '../helpers/until.js';
import { decodeQr } from './helpers.js';

const haveSocat = spawnSync('socat', ['-V']).status === 0;
const ROOT = join(import.meta.dirname, '..', '..');

const job = (label: string, code: string) => renderEscPos([text(label), qr(code), cut], { paperWidth: 58, qrMode: 'native' });

let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-devfile-'));
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!haveSocat)('device-file printer on a pty (a bidirectional printer)', () => {
  let sim: PrinterSim;
  let tty: string;

  beforeEach(async () => {
    sim = await startPrinterSim({ paperWidth: 58 });
    tty = join(dir, 'lp0');
    children.push(spawn('socat', [`pty,raw,echo=0,link=${tty}`, `tcp:127.0.0.1:${sim.tcpPort}`], { stdio: 'ignore' }));
    await until('the pty', () => existsSync(tty), 15_000, 20);
  });
  afterEach(async () => {
    await sim.close();
  });

  it('prints and reads the status; paper out is refused; silent is TIMEOUT; garbage is BAD_REPLY', async () => {
    const printer = deviceFilePrinter({ path: tty, readStatus: true, replyTimeoutMs: 400 });
    expect(printer.driver).toBe('escpos-device');
    expect(await printer.status()).toMatchObject({ online: true, paperOut: false, coverOpen: false });
    await printer.print(job('Device lane', 'PG1.device'));
    const [page] = await sim.waitForPages(1);
    expect(page!.text.map((l) => l.trim())).toContain('Device lane');
    expect(await decodeQr(renderPaper(page!.items, 384))).toEqual(['PG1.device']);

    sim.set({ coverOpen: true });
    const refused = await printer.print(job('x', 'y')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PrinterNotReady);
    expect((refused as PrinterNotReady).problem).toBe('COVER_OPEN');

    sim.set({ coverOpen: false, mode: 'silent' });
    const silent = await printer.status().catch((e: unknown) => e);
    expect(silent).toBeInstanceOf(DeviceFileError);
    expect((silent as DeviceFileError).reason).toBe('TIMEOUT');

    sim.set({ mode: 'garbage' });
    const garbage = await printer.status().catch((e: unknown) => e);
    expect((garbage as DeviceFileError).reason).toBe('BAD_REPLY');

    sim.set({ mode: 'normal' });
    expect(await printer.status()).toMatchObject({ online: true });
    expect(sim.pages()).toHaveLength(1);
    await printer.close();
  });

  it('selected in the printer settings: the kiosk core prints a walk-in ticket through the device file', async () => {
    const kiosk = await createKiosk({ dbPath: join(dir, 'kiosk.db'), seedDemo: true, fakeClock: true, print: { statusIntervalMs: 100, replyTimeoutMs: 1500 } });
    try {
      const call = async (method: string, input: unknown, token: string | null = null): Promise<any> => {
        const r = await kiosk.call(method, input, token);
        if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
        return r.data;
      };
      const admin = (await call('auth.login', { username: 'admin', pin: '2468' })).token;
      const refused = await kiosk.call('print.configure', { driver: 'device', path: 'lp0' }, admin);
      expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await call('print.configure', { driver: 'device', path: tty, paperWidth: 58 }, admin)).toMatchObject({ driver: 'device', path: tty, readStatus: true });
      const attendant = (await call('auth.login', { username: 'attendant', pin: '2468' })).token;
      const s = await call('gate.issueTicket', { vehicleNumber: 'KA01AB1234' }, attendant);
      const [page] = await sim.waitForPages(1);
      expect(page!.text.map((l) => l.trim().replace(/\s+/g, ' '))).toContain('Vehicle KA01AB1234');
      expect(await decodeQr(renderPaper(page!.items, 384))).toEqual([s.code]);
      await until('the device-file printer', () => kiosk.ctx.devices.all().find((d) => d.device === 'printer')?.driver === 'escpos-device', 15_000, 20);
    } finally {
      await kiosk.close();
    }
  });
});

describe('device-file printer on a FIFO (a write-only device)', () => {
  let fifo: string;
  beforeEach(() => {
    fifo = join(dir, 'lp0');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  });

  it('the bytes another process read from the device render to the ticket and its QR scans', async () => {
    const out = join(dir, 'received.bin');
    // The reader holds a write end too, so it reads on across the driver's open/close of each job.
    children.push(spawn('sh', ['-c', `exec 3<>"${fifo}"; exec cat <&3 > "${out}"`], { stdio: 'ignore' }));
    const printer = deviceFilePrinter({ path: fifo, readStatus: false, replyTimeoutMs: 1000 });
    // The reader opens the FIFO a little after spawn: until it does, the device "has no reader".
    for (let i = 0; i < 250; i++) {
      if (await printer.status().then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await printer.print(job('Write-only lane', 'PG1.fifo'));
    const bytes = await (async () => {
      for (let i = 0; i < 250; i++) {
        const b = existsSync(out) ? readFileSync(out) : Buffer.alloc(0);
        if (b.length > 0 && parseEscPos(b).items.some((it) => it.kind === 'cut')) return b;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('the reader received no whole job');
    })();
    const parsed = parseEscPos(bytes);
    expect(parsed.statusQueries).toEqual([]); // a write-only device is never asked
    expect(parsed.items.flatMap((i) => (i.kind === 'text' ? [i.text.trim()] : []))).toContain('Write-only lane');
    expect(await decodeQr(renderPaper(parsed.items, 384))).toEqual(['PG1.fifo']);
  });

  it('nobody reading the device is NO_READER; a reader that stops reading is TIMEOUT', async () => {
    const printer = deviceFilePrinter({ path: fifo, readStatus: false, replyTimeoutMs: 300 });
    const none = await printer.status().catch((e: unknown) => e);
    expect(none).toBeInstanceOf(DeviceFileError);
    expect(none).toMatchObject({ reason: 'DISCONNECTED', problem: 'NO_READER' });

    // Holds the FIFO open for reading but never reads: the pipe fills up and the job stalls.
    children.push(spawn('sh', ['-c', `exec 3<>"${fifo}"; exec sleep 60`], { stdio: 'ignore' }));
    for (let i = 0; i < 250; i++) {
      if (await printer.status().then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const big = new Uint8Array(256 * 1024).fill(0x41);
    const stalled = await printer.print(big).catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(DeviceFileError);
    expect(stalled).toMatchObject({ reason: 'TIMEOUT' });
  });
});

describe('device-file printer: the file itself is wrong', () => {
  it('a missing device is NO_DEVICE; an ordinary file is NOT_A_DEVICE', async () => {
    const missing = await deviceFilePrinter({ path: join(dir, 'lp9'), readStatus: true }).status().catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: 'DeviceFileError', reason: 'DISCONNECTED', problem: 'NO_DEVICE' });
    const file = join(dir, 'plain.txt');
    writeFileSync(file, '');
    const plain = await deviceFilePrinter({ path: file, readStatus: false }).print(job('x', 'y')).catch((e: unknown) => e);
    expect(plain).toMatchObject({ problem: 'NOT_A_DEVICE' });
    expect(statSync(file).size).toBe(0); // nothing was written into it
  });

  // Root opens any file, so the refusal is shown by a kiosk user without the device's group.
  it.skipIf(process.getuid?.() !== 0)('a device the kiosk user may not open is NO_PERMISSION', () => {
    const fifo = join(dir, 'lp0');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    chmodSync(fifo, 0o600);
    chmodSync(dir, 0o755);
    chownSync(fifo, 0, 0);
    const script = join(dir, 'probe.mts');
    writeFileSync(
      script,
      `import { deviceFilePrinter } from ${JSON.stringify(join(ROOT, 'src-main/print/drivers/device-file.ts'))};\n` +
        `const e = await deviceFilePrinter({ path: ${JSON.stringify(fifo)}, readStatus: false }).status().catch((x) => x);\n` +
        `console.log(JSON.stringify({ name: e.name, reason: e.reason, problem: e.problem, message: e.message }));\n`,
    );
    chmodSync(script, 0o644);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, uid: 65534, gid: 65534, encoding: 'utf8', env: { ...process.env, HOME: '/tmp' } });
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(got).toMatchObject({ name: 'DeviceFileError', reason: 'DISCONNECTED', problem: 'NO_PERMISSION' });
    expect(got.message).toContain('group');
  });
});
