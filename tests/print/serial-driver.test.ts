/**
 * The serial driver (serialport) on a real pty: socat joins a pty pair to the printer
 * simulator's TCP port, so the driver talks to a tty exactly as to a USB-serial printer.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serialPrinter } from '../../src-main/print/drivers/serial.js';
import { PrinterNotReady } from '../../src-main/print/port.js';
import { renderEscPos } from '../../src-main/print/render.js';
import { cut, qr, text } from '../../src-main/print/templates/blocks.js';
import { DeviceError } from '../../src-main/lane/ports.js';
import { startPrinterSim, type PrinterSim } from '../../src-sim/printer/sim.js';

const haveSocat = spawnSync('socat', ['-V']).status === 0;

describe.skipIf(!haveSocat)('serial printer driver over a pty', () => {
  let sim: PrinterSim;
  let socat: ChildProcess;
  let dir: string;
  let tty: string;

  beforeEach(async () => {
    sim = await startPrinterSim({ paperWidth: 58 });
    dir = mkdtempSync(join(tmpdir(), 'parkgate-serial-'));
    tty = join(dir, 'ttyPRINTER');
    socat = spawn('socat', [`pty,raw,echo=0,link=${tty}`, `tcp:127.0.0.1:${sim.tcpPort}`], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(tty); i++) await new Promise((r) => setTimeout(r, 20));
  });
  afterEach(async () => {
    socat.kill();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints through the tty and reads the status; paper out is refused; a silent printer times out', async () => {
    const printer = serialPrinter({ path: tty, baudRate: 19200, replyTimeoutMs: 500 });
    try {
      expect(await printer.status()).toMatchObject({ online: true, paperOut: false });
      await printer.print(renderEscPos([text('Serial lane'), qr('PG1.serial'), cut], { paperWidth: 58, qrMode: 'native' }));
      const [page] = await sim.waitForPages(1);
      expect(page!.text.map((l) => l.trim())).toContain('Serial lane');
      expect(page!.qr).toEqual(['PG1.serial']);

      sim.set({ paperOut: true });
      const refused = await printer.print(renderEscPos([text('x'), cut], { paperWidth: 58, qrMode: 'native' })).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PrinterNotReady);
      expect((refused as PrinterNotReady).problem).toBe('PAPER_OUT');

      sim.set({ paperOut: false, mode: 'silent' });
      const silent = await printer.status().catch((e: unknown) => e);
      expect(silent).toBeInstanceOf(DeviceError);
      expect((silent as DeviceError).reason).toBe('TIMEOUT');
    } finally {
      await printer.close();
    }
  });

  it('a device that does not exist is a disconnect', async () => {
    const err = await serialPrinter({ path: join(dir, 'nope'), baudRate: 9600 }).status().catch((e: unknown) => e);
    expect((err as DeviceError).reason).toBe('DISCONNECTED');
  });
});
