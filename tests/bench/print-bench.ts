/**
 * `npm run bench -- --only print`: from gate.issueTicket returning to the ticket's last byte at
 * the printer (the simulator's parse of its cut), p50/p99, beside the raw TCP write of the same
 * bytes to the same simulator in the same run. The difference is the print service's cost:
 * queue hand-off after commit, building the ticket from the database, raster lines (₹) and the
 * encoder, and the two DLE EOT status round trips around the job.
 * The simulator runs in this process (event-driven timing); its parse cost is in both columns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKiosk } from '../../src-main/kiosk.js';
import { renderEscPos } from '../../src-main/print/render.js';
import { jobBlocks } from '../../src-main/print/documents.js';
import { startPrinterSim } from '../../src-sim/printer/sim.js';

const N = Number(process.env.PRINT_BENCH_N ?? 60);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (n: number) => `${n.toFixed(1)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'parkgate-print-bench-'));
const sim = await startPrinterSim({ paperWidth: 80 });
const kiosk = await createKiosk({ dbPath: join(dir, 'kiosk.db'), seedDemo: true, print: { statusIntervalMs: 60_000 } });
try {
  const call = async <T = any>(m: string, i: unknown, t: string | null = null): Promise<T> => {
    const r = await kiosk.call(m, i, t);
    if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
    return r.data as T;
  };
  const admin = (await call('auth.login', { username: 'admin', pin: '2468' })).token;
  const sup = (await call('auth.login', { username: 'supervisor', pin: '2468' })).token;
  const att = (await call('auth.login', { username: 'attendant', pin: '2468' })).token;
  await call('print.configure', { driver: 'tcp', host: '127.0.0.1', port: sim.tcpPort, paperWidth: 80 }, admin);
  const zone = await call('zones.create', { name: 'Bench', hourlyRatePaise: 4000 }, sup);
  await call('slots.create', { zoneId: zone.id, slotNumbers: Array.from({ length: N + 5 }, (_, i) => `Z-${i + 1}`) }, sup);

  // Warm-up: fonts, encoder, connections.
  const warm = await call('gate.issueTicket', { vehicleNumber: 'BENCH0000', zoneId: zone.id }, att);
  await sim.waitForPages(1, 30_000);

  const viaGate: number[] = [];
  for (let i = 1; i <= N; i++) {
    const before = sim.pages().length;
    await call('gate.issueTicket', { vehicleNumber: `BENCH${String(i).padStart(4, '0')}`, zoneId: zone.id }, att);
    const t0 = Date.now();
    const pages = await sim.waitForPages(before + 1, 30_000);
    viaGate.push(pages[before]!.receivedAt - t0);
  }

  // Reference: the same ticket's bytes written straight to the printer over a fresh TCP connection.
  const job = kiosk.print.queue.forEntity(warm.id)[0]!;
  const bytes = renderEscPos(jobBlocks(kiosk.ctx, { ...job, entity_id: warm.id } as never, kiosk.print.getSettings()), kiosk.print.getSettings());
  const raw: number[] = [];
  for (let i = 0; i < N; i++) {
    const before = sim.pages().length;
    const t0 = Date.now();
    await new Promise<void>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: sim.tcpPort }, () => s.end(bytes, () => resolve()));
      s.on('error', reject);
    });
    const pages = await sim.waitForPages(before + 1, 30_000);
    raw.push(pages[before]!.receivedAt - t0);
  }

  console.log(`print bench: ${N} tickets, ${bytes.length} bytes each (80 mm, native QR, rupee lines raster)`);
  console.log('| measure | p50 | p99 | reference: raw TCP write of the same bytes p50 | p99 |');
  console.log('|---|---|---|---|---|');
  console.log(`| gate.issueTicket returned -> last byte at the printer | ${fmt(pct(viaGate, 50))} | ${fmt(pct(viaGate, 99))} | ${fmt(pct(raw, 50))} | ${fmt(pct(raw, 99))} |`);
} finally {
  await kiosk.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
