/**
 * gate.quoteExit with another gate's signed ticket whose session has not synced here: the
 * session is adopted and quoted in one transaction. A failure while quoting (a real SQLite abort
 * from a trigger on the quote's write) must leave nothing of the adoption behind: no session, no
 * placeholder vehicle, no audit entry, no outbox event, the slot still free; the same scan then
 * works once the fault is gone.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signTicket } from '../../src-shared/domain/ticket-codec.js';
import { SettableClock } from '../../src-main/core/clock.js';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { RemoteTicketKeys } from '../../src-main/sync/ticket-keys.js';

const T = Date.parse('2026-06-01T04:00:00Z');
let dir: string;
let kiosk: Kiosk;
let token: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parkgate-adopt-'));
  const clock = new SettableClock();
  clock.set(T);
  kiosk = await createKiosk({ dbPath: join(dir, 'k.db'), seedDemo: true, clock });
  const login = await kiosk.call('auth.login', { username: 'cashier', pin: '2468' });
  if (!login.ok) throw new Error('login');
  token = login.data.token;
});
afterEach(async () => {
  await kiosk.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (sql: string, ...args: unknown[]) => (kiosk.ctx.store.sqlite.prepare(sql).get(...args) as { n: number }).n;

/** A ticket gate B issued 2 hours ago for slot A-01; gate B's key reached this kiosk, its session did not. */
function otherGatesTicket(): { code: string; sessionId: string; slotId: string } {
  const db = kiosk.ctx.store.sqlite;
  const zone = db.prepare(`SELECT id FROM zones WHERE name = 'A'`).get() as { id: string };
  const slot = db.prepare(`SELECT id, slot_number FROM slots WHERE zone_id = ? AND current_session_id IS NULL ORDER BY position LIMIT 1`).get(zone.id) as { id: string; slot_number: string };
  const key = { id: 'gate-b-key', secret: new Uint8Array(randomBytes(32)) };
  new RemoteTicketKeys(kiosk.ctx.store, kiosk.ctx.ticketKey).put(key.id, 'kiosk-B', Buffer.from(key.secret).toString('base64'), T);
  const sessionId = randomUUID();
  const code = signTicket({ sessionId, zoneId: zone.id, slotNumber: slot.slot_number, entryAtMs: T - 2 * 3_600_000, kioskId: 'kiosk-B' }, key);
  return { code, sessionId, slotId: slot.id };
}

function footprint(sessionId: string) {
  return {
    sessions: count('SELECT COUNT(*) n FROM sessions WHERE id = ?', sessionId),
    vehicles: count(`SELECT COUNT(*) n FROM vehicles WHERE vehicle_number LIKE '?%'`),
    audit: count('SELECT COUNT(*) n FROM audit_log WHERE entity_id = ?', sessionId),
    outbox: count('SELECT COUNT(*) n FROM outbox WHERE entity_id = ?', sessionId),
  };
}

describe('quoteExit adopts another gate\'s signed ticket in its own transaction', () => {
  it('adopts and quotes in one call', async () => {
    const t = otherGatesTicket();
    const r = await kiosk.call('gate.quoteExit', { code: t.code }, token);
    expect(r).toMatchObject({ ok: true, data: { sessionId: t.sessionId } });
    expect(footprint(t.sessionId)).toEqual({ sessions: 1, vehicles: 1, audit: 2, outbox: 2 }); // adopted + quoted
    expect(count('SELECT COUNT(*) n FROM slots WHERE id = ? AND current_session_id = ?', t.slotId, t.sessionId)).toBe(1);
  });

  it('a failure while quoting leaves nothing of the adoption; the same scan works afterwards', async () => {
    const t = otherGatesTicket();
    const before = footprint(t.sessionId);
    const auditBefore = count('SELECT COUNT(*) n FROM audit_log');
    const outboxBefore = count('SELECT COUNT(*) n FROM outbox');
    kiosk.ctx.store.sqlite.exec(`CREATE TEMP TRIGGER quote_fails BEFORE UPDATE OF quote_amount_paise ON sessions
      BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END`);

    const failed = await kiosk.call('gate.quoteExit', { code: t.code }, token);
    expect(failed.ok).toBe(false);
    expect(footprint(t.sessionId)).toEqual(before);
    expect(before).toEqual({ sessions: 0, vehicles: 0, audit: 0, outbox: 0 });
    expect(count('SELECT COUNT(*) n FROM audit_log')).toBe(auditBefore);
    expect(count('SELECT COUNT(*) n FROM outbox')).toBe(outboxBefore);
    expect(count('SELECT COUNT(*) n FROM slots WHERE id = ? AND current_session_id IS NULL', t.slotId)).toBe(1);
    expect(kiosk.ctx.store.sqlite.inTransaction).toBe(false);

    kiosk.ctx.store.sqlite.exec('DROP TRIGGER quote_fails');
    expect(await kiosk.call('gate.quoteExit', { code: t.code }, token)).toMatchObject({ ok: true, data: { sessionId: t.sessionId } });
    expect(footprint(t.sessionId)).toMatchObject({ sessions: 1, vehicles: 1 });
  });
});
