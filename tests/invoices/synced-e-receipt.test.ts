/**
 * An invoice reaches the central server through the outbox and its e-receipt is served from
 * there: a real kiosk core syncs to the server's SyncService (SQLite, the server's own dialect,
 * every server migration), then GET /r/<token> and /r/<token>.pdf answer from the synced event.
 */
import Fastify from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerEReceiptRoutes } from '../../src-server/invoices/routes.js';
import { documentByToken } from '../../src-server/invoices/store.js';
import { call, memoryServer, openKiosk, tempDir, TestClock, type TestKiosk } from '../sync/harness.js';

let tmp: ReturnType<typeof tempDir>;
let server: Awaited<ReturnType<typeof memoryServer>>;
let gate: TestKiosk;
const clock = new TestClock(Date.parse('2026-12-03T04:00:00Z'));

beforeAll(async () => {
  tmp = tempDir('pg-gst-');
  server = await memoryServer(clock.now);
  gate = await openKiosk(tmp.dir, 'gate-a', clock, () => server.service, true);
  await call(gate, 'tax.configure', { legalName: 'Fort Parking Services LLP', address: '1 Marine Drive, Mumbai', stateCode: '27', gstin: '27AAPFU0939F1ZV', seriesPrefix: 'GA' }, 'admin');
});
afterAll(async () => {
  await gate.kiosk.close();
  await server.close();
  tmp.cleanup();
});

describe('synced e-receipt', () => {
  it('the server serves the page and the PDF of an invoice issued at a gate, after sync', async () => {
    await call(gate, 'shifts.open', { openingFloatPaise: 0 }, 'cashier');
    const s = await call<{ id: string; code: string }>(gate, 'gate.issueTicket', { vehicleNumber: 'MH06AB0001' }, 'cashier');
    clock.advance(6 * 3600_000);
    const q = await call<{ amountDuePaise: number }>(gate, 'gate.quoteExit', { code: s.code }, 'cashier');
    await call(gate, 'gate.payCash', { sessionId: s.id, tenderedPaise: q.amountDuePaise }, 'cashier');
    const { invoice } = await call<{ invoice: { token: string; number: string } }>(gate, 'invoices.forSession', { sessionId: s.id });
    const lookup = documentByToken(server.db, 'sqlite');
    expect(await lookup(invoice.token)).toBeNull(); // not synced yet
    await gate.worker.syncNow();
    expect(await lookup(invoice.token)).toMatchObject({ number: invoice.number, totalPaise: 24000 });

    const app = Fastify();
    registerEReceiptRoutes(app, lookup);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const page = await fetch(`${base}/r/${invoice.token}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`<td>${invoice.number}</td>`);
      const pdf = await fetch(`${base}/r/${invoice.token}.pdf`);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await app.close();
    }
    // The lookup is the migration's index probe.
    const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT payload FROM sync_events WHERE type = 'invoice.issued' AND json_extract(payload, '$.document.token') = ${invoice.token}`.execute(server.db);
    expect(plan.rows.map((r) => r.detail).join(' ')).toContain('sync_events_e_receipt_token');
  });
});
