/**
 * A kiosk killed (SIGKILL, a real process) after its printer took a whole ticket but before the
 * acknowledgement came back. At the next start the interrupted job is sent again as a COPY:
 * nothing is lost, and the paper never holds two originals of the same ticket.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { startPrinterSim, type PrinterSim } from '../../src-sim/printer/sim.js';
import { ROOT } from '../helpers/serve.js';

let dir: string | null = null;
let sim: PrinterSim | null = null;
let kiosk: Kiosk | null = null;
afterEach(async () => {
  await kiosk?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  kiosk = sim = dir = null;
});

describe('crash in the middle of a print job', () => {
  it('SIGKILL after the ticket reached the printer, before its acknowledgement: one original, then one COPY after restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'parkgate-print-crash-'));
    const dbPath = join(dir, 'kiosk.db');
    sim = await startPrinterSim({ paperWidth: 80 });
    sim.set({ mode: 'mute-after-cut' });
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tests/print/workers/crash-child.ts'), dbPath, String(sim.tcpPort)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
    const [original] = await sim.waitForPages(1, 60_000);
    expect(original!.partial).toBe(false);
    child.kill('SIGKILL');
    expect(await exited, err).toBe('SIGKILL');
    const sessionId = /ISSUED (\S+)/.exec(out)?.[1];
    expect(sessionId, out + err).toBeTruthy();
    expect(original!.text.map((l) => l.trim())).not.toContain('*** COPY ***');

    sim.set({ mode: 'normal' });
    kiosk = await createKiosk({ dbPath, print: { statusIntervalMs: 100, replyTimeoutMs: 1500 } });
    const pages = await sim.waitForPages(2, 30_000);
    expect(pages[1]!.text.map((l) => l.trim())).toContain('*** COPY ***');
    expect(pages[1]!.qr).toEqual(original!.qr);
    await new Promise((r) => setTimeout(r, 500));
    expect(sim.pages()).toHaveLength(2);
    expect(kiosk.print.jobsFor(sessionId!)).toMatchObject([{ kind: 'TICKET', status: 'DONE', copy: 1, attempts: 2 }]);
  }, 120_000);
});
