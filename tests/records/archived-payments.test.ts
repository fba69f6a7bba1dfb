/**
 * The payment cross-checks read archived audit entries: after the audit entries of paid exits
 * were archived and pruned locally, a payment amount (and its session's paid amount) edited on
 * disk is still reported by `doctor` (the real CLI, offline) and integrity.check with the ids;
 * untouched, both are clean.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { RecordsKeeper } from '../../src-main/records/keeper.js';
import { DAY_MS } from '../../src-main/records/retention.js';
import { InProcTransport, TestClock } from '../sync/harness.js';
import { anchoringServer, doctor, openRaw, tempDir } from './helpers.js';

async function token(k: Kiosk, u: string): Promise<string> {
  const r = await k.call('auth.login', { username: u, pin: '2468' });
  if (!r.ok) throw new Error(r.error.message);
  return r.data.token;
}

async function exits(k: Kiosk, clock: TestClock, n: number): Promise<string[]> {
  const ids: string[] = [];
  await k.call('shifts.open', { openingFloatPaise: 10_000 }, await token(k, 'cashier'));
  for (let i = 0; i < n; i++) {
    const att = await token(k, 'attendant');
    const r = await k.call('gate.issueTicket', { vehicleNumber: `KA09AP${String(i).padStart(4, '0')}` }, att);
    if (!r.ok) throw new Error(r.error.message);
    const s = r.data as { id: string; code: string };
    clock.advance(2 * 3_600_000);
    await k.call('gate.quoteExit', { code: s.code }, att);
    const paid = await k.call('gate.payCash', { sessionId: s.id, tenderedPaise: 100_000 }, await token(k, 'cashier'));
    if (!paid.ok) throw new Error(paid.error.message);
    ids.push(s.id);
  }
  return ids;
}

describe('records: payment cross-checks after the audit archive was pruned', () => {
  let t: ReturnType<typeof tempDir>;
  let dbPath: string;
  let sessions: string[];
  const clock = new TestClock(Date.UTC(2026, 0, 5, 8, 0, 0));

  beforeEach(async () => {
    t = tempDir();
    dbPath = join(t.dir, 'gate.db');
    const server = await anchoringServer(clock.now);
    const k = await createKiosk({ dbPath, clock, kioskId: 'gate', seedDemo: true, sync: { transport: new InProcTransport(() => server.service, 'gate'), autoStart: false } });
    sessions = await exits(k, clock, 6);
    await k.syncWorker!.syncNow();
    clock.advance(8 * DAY_MS);
    await exits(k, clock, 1); // live entries above the archive
    await k.syncWorker!.syncNow();
    const keeper = new RecordsKeeper(k.ctx, { dbPath, serverConfigured: true, pauseMs: 0, idleMs: 0, policy: { batchSize: 7, auditSegmentSize: 10 } });
    const run = await keeper.runOnce();
    expect(run.auditArchived).toBeGreaterThan(20);
    const live = k.ctx.store.sqlite.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE entity_id IN (SELECT id FROM payments WHERE session_id = ?)`).get(sessions[0]) as { n: number };
    expect(live.n).toBe(0); // its payment's audit entry left the database
    await k.close();
    await server.close();
  }, 120_000);
  afterEach(() => t.cleanup());

  async function integrityCheck(): Promise<{ ok: boolean; findings: { check: string; ids: string[] }[] }> {
    const k = await createKiosk({ dbPath, clock });
    try {
      const r = await k.call('integrity.check', {}, await token(k, 'supervisor'));
      if (!r.ok) throw new Error(r.error.message);
      return r.data as { ok: boolean; findings: { check: string; ids: string[] }[] };
    } finally {
      await k.close();
    }
  }

  it('untouched: doctor and integrity.check are clean', async () => {
    const d = await doctor(dbPath, ['--offline']);
    expect(d.checks).toEqual([]);
    expect(d.code).toBe(0);
    expect((await integrityCheck()).findings).toEqual([]);
  }, 60_000);

  it('an archived payment\'s amount and its session\'s paid amount edited consistently: reported with the ids', async () => {
    const raw = openRaw(dbPath);
    const p = raw.prepare('SELECT id, session_id, amount_paise FROM payments WHERE session_id = ?').get(sessions[0]) as { id: string; session_id: string; amount_paise: number };
    raw.prepare('UPDATE payments SET amount_paise = 100 WHERE id = ?').run(p.id);
    raw.prepare('UPDATE sessions SET amount_paid_paise = 100, amount_due_paise = 100, quote_amount_paise = 100 WHERE id = ?').run(p.session_id);
    raw.close();

    const d = await doctor(dbPath, ['--offline']);
    expect(d.code).toBe(1);
    const byCheck = (fs: { check: string; ids: string[] }[]) => Object.fromEntries(fs.map((f) => [f.check, f.ids]));
    const expected = { payment_differs_from_audit: [p.id], audited_payment_missing: [p.id], session_paid_differs_from_audit: [p.session_id] };
    expect(byCheck(d.report.integrity.findings)).toEqual(expected);
    expect(byCheck((await integrityCheck()).findings)).toEqual(expected);
  }, 60_000);
});
