/**
 * Gap-free numbering under SIGKILL: a real kiosk process pays exits (small receipts, B2C and
 * B2B invoices) on one database file and is killed at random moments, then restarted on the
 * same file. After every kill: every paid session has exactly one document, every payment the
 * child acknowledged has its document, and each series' counters are exactly 1..N.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKiosk } from '../../src-main/kiosk.js';
import { prepareWorker, spawnWorker, type WorkerCommand } from '../integration/workers/child.js';

const KILLS = Number(process.env.INVOICE_KILLS ?? 8);
const T0 = Date.parse('2030-05-01T04:00:00.000Z');
let dir: string;
let dbPath: string;
let zoneId: string;
let worker: WorkerCommand | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-gst-crash-'));
  dbPath = join(dir, 'kiosk.db');
  worker = await prepareWorker('../../invoices/workers/pay-worker.ts');
  const kiosk = await createKiosk({ dbPath, seedDemo: true, clock: { now: () => T0 } });
  const call = async <T>(method: string, input: unknown, token: string | null): Promise<T> => {
    const r = await kiosk.call(method, input, token);
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.data as T;
  };
  const login = async (u: string) => (await call<{ token: string }>('auth.login', { username: u, pin: '2468' }, null)).token;
  const admin = await login('admin');
  await call('tax.configure', { legalName: 'Fort Parking Services LLP', address: '1 Marine Drive, Mumbai', stateCode: '27', gstin: '27AAPFU0939F1ZV', seriesPrefix: 'K1' }, admin);
  await call('shifts.open', { openingFloatPaise: 0 }, await login('cashier'));
  zoneId = (await call<{ id: string }>('zones.create', { name: 'GST', hourlyRatePaise: 4000 }, admin)).id;
  await call('slots.create', { zoneId, slotNumbers: Array.from({ length: 400 }, (_, i) => `G-${i + 1}`) }, admin);
  await kiosk.close();
});

afterAll(() => {
  worker?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('invoice numbers under SIGKILL', () => {
  it(`${KILLS} kills mid-payment: one document per paid session, counters 1..N in every series`, async () => {
    const acknowledged = new Set<string>();
    let rnd = 12345;
    const next = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let kill = 1; kill <= KILLS; kill++) {
      const child = spawnWorker(worker!, [JSON.stringify({ dbPath, zoneId, clockMs: T0 + kill * 600_000, prefix: `K${kill}` })]);
      await child.waitLine((l) => l === 'LOADED', 60_000);
      child.proc.stdin.write('GO\n');
      try {
        await child.waitLine((l) => l.startsWith('PAID '), 60_000);
        await sleep(20 + Math.floor(next() * 400));
      } finally {
        child.proc.kill('SIGKILL');
      }
      const exit = await child.exited;
      expect(exit.signal, child.stderr()).toBe('SIGKILL');
      for (const line of child.lines) if (line.startsWith('PAID ')) acknowledged.add(line.slice(5));

      const kiosk = await createKiosk({ dbPath, clock: { now: () => T0 } });
      try {
        const db = kiosk.ctx.store.sqlite;
        const paidWithout = db.prepare(`SELECT s.id FROM sessions s LEFT JOIN tax_documents d ON d.session_id = s.id AND d.kind IN ('TAX_INVOICE','RECEIPT')
          WHERE s.status = 'COMPLETED' AND s.amount_paid_paise > 0 AND d.id IS NULL`).all();
        expect(paidWithout, `kill ${kill}`).toEqual([]);
        const documented = new Set((db.prepare(`SELECT session_id FROM tax_documents WHERE kind IN ('TAX_INVOICE','RECEIPT')`).all() as { session_id: string }[]).map((r) => r.session_id));
        for (const s of acknowledged) expect(documented.has(s), `acknowledged ${s}`).toBe(true);
        // No document without its payment: every invoiced session is completed and paid.
        const orphan = db.prepare(`SELECT d.id FROM tax_documents d JOIN sessions s ON s.id = d.session_id WHERE s.status != 'COMPLETED' OR s.amount_paid_paise = 0`).all();
        expect(orphan).toEqual([]);
        const series = db.prepare(`SELECT prefix, series, fy_code, COUNT(*) AS n, MIN(counter) AS lo, MAX(counter) AS hi FROM tax_documents WHERE number IS NOT NULL GROUP BY 1, 2, 3`).all() as { n: number; lo: number; hi: number }[];
        for (const s of series) expect(s, `kill ${kill}`).toMatchObject({ lo: 1, hi: s.n });
      } finally {
        await kiosk.close();
      }
    }
    const db = await createKiosk({ dbPath, clock: { now: () => T0 } });
    const kinds = db.ctx.store.sqlite.prepare(`SELECT kind, supply_type, COUNT(*) AS n FROM tax_documents GROUP BY 1, 2 ORDER BY 1, 2`).all();
    await db.close();
    // Every kind of document was exercised by the campaign.
    expect(kinds.map((k: any) => `${k.kind}/${k.supply_type}`)).toEqual(expect.arrayContaining(['RECEIPT/B2C', 'TAX_INVOICE/B2B', 'TAX_INVOICE/B2C']));
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILLS);
  }, 600_000);
});
