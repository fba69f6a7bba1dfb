/**
 * The raw-TCP driver against the printer simulator over real sockets: a job printed, and every
 * way a printer fails (paper out, cover open, never answers, answers garbage, closes mid-job,
 * nothing listening) rejected with its typed reason and nothing reported as printed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tcpPrinter } from '../../src-main/print/drivers/tcp.js';
import { PrinterNotReady } from '../../src-main/print/port.js';
import { renderEscPos } from '../../src-main/print/render.js';
import { parseStatus } from '../../src-main/print/status.js';
import { cut, qr, text } from '../../src-main/print/templates/blocks.js';
import { DeviceError } from '../../src-main/lane/ports.js';
import { freePort } from '../helpers/serve.js';
import { startPrinterSim, type PrinterSim } from '../../src-sim/printer/sim.js';

const JOB = renderEscPos([text('Hello lane 1'), qr('PG1.test-code'), cut], { paperWidth: 80, qrMode: 'native' });
let sim: PrinterSim;

beforeEach(async () => {
  sim = await startPrinterSim({ paperWidth: 80 });
});
afterEach(async () => {
  await sim.close();
});

const printer = () => tcpPrinter({ host: '127.0.0.1', port: sim.tcpPort, replyTimeoutMs: 300, connectTimeoutMs: 500 });

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PrinterNotReady) return `${err.reason}:${err.problem}`;
    if (err instanceof DeviceError) return err.reason;
    throw err;
  }
  return 'resolved';
}

describe('raw TCP printer driver', () => {
  it('prints a job: the simulator renders it, and the driver reports the status after the last byte', async () => {
    const status = await printer().print(JOB);
    expect(status).toMatchObject({ online: true, paperOut: false, coverOpen: false });
    const [page] = await sim.waitForPages(1);
    expect(page!.partial).toBe(false);
    expect(page!.text.map((t) => t.trim())).toContain('Hello lane 1');
    expect(page!.qr).toEqual(['PG1.test-code']);
  });

  it('reads paper near end as a printable warning and paper out / cover open as not ready, sending nothing', async () => {
    sim.set({ paperNearEnd: true });
    expect(await printer().status()).toMatchObject({ paperNearEnd: true, paperOut: false, online: true });
    sim.set({ paperNearEnd: false, paperOut: true });
    expect(await reason(printer().print(JOB))).toBe('DEVICE_EXCEPTION:PAPER_OUT');
    sim.set({ paperOut: false, coverOpen: true });
    expect(await reason(printer().print(JOB))).toBe('DEVICE_EXCEPTION:COVER_OPEN');
    sim.set({ coverOpen: false, offline: true });
    expect(await reason(printer().print(JOB))).toBe('DEVICE_EXCEPTION:OFFLINE');
    expect(sim.pages()).toHaveLength(0);
    expect(sim.discardedItems()).toBe(0);
  });

  it('a printer that never answers the status query times out', async () => {
    sim.set({ mode: 'silent' });
    const t0 = Date.now();
    const err = await printer().print(JOB).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).reason).toBe('TIMEOUT');
    expect((err as DeviceError).message).toMatch(/within 300 ms/); // the configured reply timeout, not the 3 s default
    expect(Date.now() - t0).toBeLessThan(10_000); // a generous bound for a loaded machine: no hang
  });

  it('a printer that answers garbage is a bad reply', async () => {
    sim.set({ mode: 'garbage' });
    expect(await reason(printer().status())).toBe('BAD_REPLY');
  });

  it('a printer that closes the connection in the middle of a job is a disconnect, and its partial page is marked partial', async () => {
    sim.set({ mode: 'close-mid-job', closeAfterBytes: 40 });
    expect(await reason(printer().print(JOB))).toBe('DISCONNECTED');
    const pages = await sim.waitForPages(1);
    expect(pages[0]!.partial).toBe(true);
    expect(pages[0]!.qr).toEqual([]);
    // The printer behaves again on the next connection.
    await printer().print(JOB);
    expect((await sim.waitForPages(2))[1]!.partial).toBe(false);
  });

  it('nothing listening is a disconnect', async () => {
    const port = await freePort();
    expect(await reason(tcpPrinter({ host: '127.0.0.1', port, replyTimeoutMs: 300 }).status())).toBe('DISCONNECTED');
  });
});

describe('DLE EOT status bytes', () => {
  it('reads the ESC/POS reference bits and refuses bytes that are not status replies', () => {
    expect(parseStatus([0x12, 0x12, 0x12])).toEqual({ online: true, coverOpen: false, paperOut: false, paperNearEnd: false, error: false });
    expect(parseStatus([0x1a, 0x32, 0x7e])).toMatchObject({ online: false, paperOut: true, paperNearEnd: true });
    expect(parseStatus([0x1a, 0x16, 0x12])).toMatchObject({ online: false, coverOpen: true, paperOut: false });
    expect(parseStatus([0x12, 0x12, 0x1e])).toMatchObject({ paperNearEnd: true, paperOut: false });
    expect(parseStatus([0xff, 0x12, 0x12])).toBeNull();
    expect(parseStatus([0x13, 0x12, 0x12])).toBeNull(); // bit 0 set
    expect(parseStatus([0x12, 0x12])).toBeNull();
  });
});

describe('printer simulator control API', () => {
  it('/_sim/state changes the state, refuses bad bodies, and /_sim/pages lists printed pages with a PNG each', async () => {
    const s = await startPrinterSim({ paperWidth: 58 });
    try {
      const base = `http://127.0.0.1:${s.httpPort}/_sim`;
      const post = (body: string) => fetch(`${base}/state`, { method: 'POST', body });
      expect((await post('{"mode":"sideways"}')).status).toBe(400);
      expect((await post('{"paperOut":"yes"}')).status).toBe(400);
      expect((await post('not json')).status).toBe(400);
      expect(s.state.paperOut).toBe(false);
      expect((await post('{"paperNearEnd":true}')).status).toBe(200);
      expect(s.state.paperNearEnd).toBe(true);
      await tcpPrinter({ host: '127.0.0.1', port: s.tcpPort }).print(renderEscPos([text('via http'), cut], { paperWidth: 58, qrMode: 'native' }));
      await s.waitForPages(1);
      const pages = (await (await fetch(`${base}/pages`)).json()) as { text: string[] }[];
      expect(pages[0]!.text.map((t) => t.trim())).toContain('via http');
      const png = await fetch(`${base}/pages/1.png`);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await s.close();
    }
  });
});
