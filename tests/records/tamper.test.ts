/**
 * The four tampering cases of a stopped kiosk's disk (docs/records.md), each detected by `doctor`
 * (a real process, exit 1) and by integrity.check (the kiosk core's API), with the central server
 * reachable (its checkpoints) and unreachable (the checkpoint the kiosk last had acknowledged).
 * A real server process (`src-server/main.ts`, SQLite) and a real kiosk process (`cli.ts serve
 * --server ...`) run five walk-in -> cash exits; the kiosk is stopped; each case edits a copy of
 * its SQLite file directly.
 */
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsPathFor } from '../../src-main/core/secrets.js';
import { createKiosk } from '../../src-main/kiosk.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { api, doctor, must, type DoctorResult, openRaw, rehashFrom, stolenAuditKey, withoutAuditTriggers } from './helpers.js';

const DEAD_SERVER = 'http://127.0.0.1:9';
const SESSIONS = 5;

describe('records: tampering with a stopped kiosk is found', () => {
  let stack: Stack | undefined;
  let serverUrl = '';
  let kioskId = '';
  let kioskSecret = '';
  let dbPath = '';
  let serverDb = '';

  beforeAll(async () => {
    stack = await startStack({ kiosks: [{ name: 'Gate 1' }] });
    const kiosk = stack.kiosks[0]!;
    ({ id: kioskId, secret: kioskSecret } = kiosk.creds);
    serverUrl = stack.serverUrl;
    dbPath = kiosk.dbPath;
    serverDb = stack.database.url.replace(/^sqlite:/, '');
    const url = kiosk.url;
    const token = async (u: string) => (await must<{ token: string }>(url, 'auth.login', { username: u, pin: '2468' })).token;
    const [attendant, cashier] = [await token('attendant'), await token('cashier')];
    let now = Date.UTC(2026, 5, 1, 8, 0, 0);
    await must(url, 'dev.setClock', { now: new Date(now).toISOString() });
    await must(url, 'shifts.open', { openingFloatPaise: 50_000 }, cashier);
    for (let i = 0; i < SESSIONS; i++) {
      await must(url, 'dev.setClock', { now: new Date(now).toISOString() });
      const s = await must<{ id: string; code: string }>(url, 'gate.issueTicket', { vehicleNumber: `KA01AB${1000 + i}` }, attendant);
      now += (2 + i) * 3_600_000;
      await must(url, 'dev.setClock', { now: new Date(now).toISOString() });
      await must(url, 'gate.quoteExit', { code: s.code }, attendant);
      await must(url, 'gate.payCash', { sessionId: s.id, tenderedPaise: 100_000 }, cashier);
    }
    // Synced: nothing pending and the server acknowledged the newest audit head.
    for (const end = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
      const h = await api<{ pendingEvents: number }>(url, 'system.health', {});
      const db = new Database(dbPath, { readonly: true });
      const head = db.prepare('SELECT MAX(id) AS id FROM audit_log').get() as { id: number };
      const ack = db.prepare('SELECT seq FROM audit_anchor WHERE id = 1').get() as { seq: number } | undefined;
      db.close();
      if (h.ok && h.data.pendingEvents === 0 && ack?.seq === head.id) break;
      if (Date.now() > end) throw new Error(`kiosk did not sync: ${kiosk.output()}`);
    }
    await kiosk.stop(true);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** A copy of the stopped kiosk's files (database + secrets) to tamper with, in its folder (whose secret store holds the kiosk secret). */
  function copy(name: string): string {
    const file = join(dirname(dbPath), `${name}.db`);
    const src = new Database(dbPath, { readonly: true });
    src.exec(`VACUUM INTO '${file}'`);
    src.close();
    copyFileSync(secretsPathFor(dbPath), secretsPathFor(file));
    return file;
  }

  const online = () => ['--server', serverUrl, '--kiosk-id', kioskId];
  const offline = () => ['--server', DEAD_SERVER, '--kiosk-id', kioskId];

  /** integrity.check through the kiosk core's API, with the server reachable or not. */
  async function integrityCheck(file: string, serverReachable: boolean): Promise<string[]> {
    const k = await createKiosk({
      dbPath: file, kioskId, kioskSecret, serverUrl: serverReachable ? serverUrl : DEAD_SERVER, sync: { autoStart: false },
    });
    try {
      const login = await k.call('auth.login', { username: 'supervisor', pin: '2468' });
      if (!login.ok) throw new Error(login.error.message);
      const r = await k.call('integrity.check', {}, login.data.token);
      if (!r.ok) throw new Error(r.error.message);
      return r.data.findings.map((f) => f.check);
    } finally {
      await k.close();
    }
  }

  /**
   * doctor online and offline first (they write nothing), then integrity.check through the API
   * (its supervisor login appends an audit entry, as on a real kiosk). Returns the doctor reports.
   */
  async function expectFound(file: string, expected: { online: string[]; offline: string[] }): Promise<{ on: DoctorResult; off: DoctorResult }> {
    const on = await doctor(file, online());
    expect(on.code, JSON.stringify(on.report.integrity.findings)).toBe(1);
    expect(on.report.anchor.source).toBe('server');
    for (const c of expected.online) expect(on.checks).toContain(c);
    const off = await doctor(file, offline());
    expect(off.code, JSON.stringify(off.report.integrity.findings)).toBe(1);
    expect(off.report.anchor.source).toBe('acknowledged');
    for (const c of expected.offline) expect(off.checks).toContain(c);
    const apiOn = await integrityCheck(file, true);
    for (const c of expected.online) expect(apiOn).toContain(c);
    const apiOff = await integrityCheck(file, false);
    for (const c of expected.offline) expect(apiOff).toContain(c);
    return { on, off };
  }

  it('the untouched kiosk passes doctor online and offline', async () => {
    const file = copy('clean');
    const on = await doctor(file, online());
    expect(on.report.integrity.findings).toEqual([]);
    expect(on.code).toBe(0);
    expect(on.report.anchor.source).toBe('server');
    const off = await doctor(file, offline());
    expect(off.code).toBe(0);
    expect(off.report.anchor.source).toBe('acknowledged');
    expect(await integrityCheck(file, true)).toEqual([]);
  }, 120_000);

  /** The newest completed session with its cash payment and audit entries. */
  function lastPaid(db: Database.Database) {
    const p = db.prepare(`SELECT p.id, p.session_id, p.amount_paise FROM payments p WHERE p.status = 'SUCCESS' ORDER BY p.created_at DESC LIMIT 1`).get() as
      { id: string; session_id: string; amount_paise: number };
    const payEntry = db.prepare(`SELECT id FROM audit_log WHERE entity_id = ? AND action = 'payment.success'`).get(p.id) as { id: number };
    const exitEntry = db.prepare(`SELECT id FROM audit_log WHERE entity_id = ? AND action = 'session.completed'`).get(p.session_id) as { id: number };
    return { ...p, payEntry: payEntry.id, exitEntry: exitEntry.id };
  }

  /** Case (a)'s edit: payment amount, session paid/due/quote lowered by the same amount. */
  function skim(db: Database.Database): ReturnType<typeof lastPaid> & { newAmount: number } {
    const p = lastPaid(db);
    const newAmount = p.amount_paise - 4000;
    db.prepare('UPDATE payments SET amount_paise = ? WHERE id = ?').run(newAmount, p.id);
    db.prepare('UPDATE sessions SET amount_paid_paise = ?, amount_due_paise = ?, quote_amount_paise = ? WHERE id = ?').run(newAmount, newAmount, newAmount, p.session_id);
    return { ...p, newAmount };
  }

  it('(a) payment amount and session paid/due/quote edited consistently, audit untouched: cross-checks name the ids', async () => {
    const file = copy('case-a');
    const db = openRaw(file);
    const p = skim(db);
    db.close();
    const { off: r } = await expectFound(file, {
      online: ['payment_differs_from_audit', 'session_paid_differs_from_audit'],
      offline: ['payment_differs_from_audit', 'session_paid_differs_from_audit'],
    });
    expect(r.report.integrity.findings.find((f) => f.check === 'payment_differs_from_audit')!.ids).toEqual([p.id]);
    expect(r.report.integrity.findings.find((f) => f.check === 'session_paid_differs_from_audit')!.ids).toEqual([p.session_id]);
    expect(r.checks).not.toContain('paid_amount_mismatch'); // consistent edit: the old checks alone were blind
  }, 180_000);

  it('(b) full rewrite with recomputed hashes and re-created triggers: without the key the chain breaks; with the stolen key the anchor still catches it', async () => {
    for (const withKey of [false, true]) {
      const file = copy(withKey ? 'case-b-key' : 'case-b');
      const db = openRaw(file);
      const p = skim(db);
      withoutAuditTriggers(db, () => {
        const entry = db.prepare('SELECT details FROM audit_log WHERE id = ?');
        const set = db.prepare('UPDATE audit_log SET details = ? WHERE id = ?');
        const exitD = JSON.parse((entry.get(p.exitEntry) as { details: string }).details) as Record<string, unknown>;
        set.run(JSON.stringify({ ...exitD, amountPaidPaise: p.newAmount }), p.exitEntry);
        const payD = JSON.parse((entry.get(p.payEntry) as { details: string }).details) as Record<string, unknown>;
        set.run(JSON.stringify({ ...payD, amountPaise: p.newAmount }), p.payEntry);
        rehashFrom(db, Math.min(p.exitEntry, p.payEntry), withKey ? stolenAuditKey(file) : null);
      });
      db.close();
      if (!withKey) {
        await expectFound(file, { online: ['audit_chain'], offline: ['audit_chain'] });
        continue;
      }
      const { on: r } = await expectFound(file, { online: ['audit_anchor_mismatch'], offline: ['audit_anchor_mismatch'] });
      expect(r.report.audit.ok).toBe(true); // the rewritten chain is internally valid: only the anchor knows
      expect(r.checks).not.toContain('payment_differs_from_audit');
      const f = r.report.integrity.findings.find((x) => x.check === 'audit_anchor_mismatch')!;
      const first = Number(f.ids[0]);
      expect(first).toBeLessThanOrEqual(Math.min(p.exitEntry, p.payEntry));
      expect(first).toBeGreaterThan(Math.min(p.exitEntry, p.payEntry) - 4); // one checkpoint per push: at most one gate operation back
    }
  }, 240_000);

  it('(c) the newest 6 audit entries deleted (two payment successes among them): the anchor names the first missing entry', async () => {
    const file = copy('case-c');
    const db = openRaw(file);
    const head = (db.prepare('SELECT MAX(id) AS id FROM audit_log').get() as { id: number }).id;
    const gone = db.prepare('SELECT action FROM audit_log WHERE id > ? ORDER BY id').all(head - 6) as { action: string }[];
    expect(gone.filter((g) => g.action === 'payment.success')).toHaveLength(2);
    withoutAuditTriggers(db, () => db.prepare('DELETE FROM audit_log WHERE id > ?').run(head - 6));
    db.close();
    const { on, off } = await expectFound(file, { online: ['audit_anchor_missing'], offline: ['audit_anchor_missing'] });
    for (const r of [on, off]) {
      expect(r.report.audit.ok).toBe(true); // what is left is a valid prefix
      expect(r.report.integrity.findings.find((f) => f.check === 'audit_anchor_missing')!.ids).toEqual([String(head - 5)]);
    }
  }, 180_000);

  it('(d) the server holds the kiosk\'s audit checkpoints: the newest is the kiosk\'s head', async () => {
    const k = new Database(dbPath, { readonly: true });
    const head = k.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string };
    const all = (k.prepare('SELECT hash FROM audit_log').all() as { hash: string }[]).map((r) => r.hash);
    k.close();
    const s = new Database(serverDb, { readonly: true });
    const cps = s.prepare('SELECT seq, hash, received_at FROM audit_checkpoints WHERE kiosk_id = ? ORDER BY n').all(kioskId) as { seq: number; hash: string; received_at: number }[];
    s.close();
    expect(cps.length).toBeGreaterThanOrEqual(SESSIONS);
    expect(cps[cps.length - 1]).toMatchObject({ seq: head.id, hash: head.hash });
    for (const c of cps) expect(all).toContain(c.hash); // every anchored hash is one of the kiosk's entries
    // And the append-only table refuses a rewrite at the server too.
    const w = new Database(serverDb);
    expect(() => w.prepare('UPDATE audit_checkpoints SET hash = ? WHERE kiosk_id = ?').run('0'.repeat(64), kioskId)).toThrow(/append-only/);
    expect(() => w.prepare('DELETE FROM audit_checkpoints WHERE kiosk_id = ?').run(kioskId)).toThrow(/append-only/);
    w.close();
  });
});
