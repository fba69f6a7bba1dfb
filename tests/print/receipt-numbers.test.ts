/** The receipt series and the print hook's transaction boundary, on a real kiosk database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { allocateReceiptNumber, formatReceiptNumber, kioskPrefix } from '../../src-main/print/receipt-numbers.js';

describe('receipt numbers', () => {
  it('prefix: letters and digits of the kiosk id, the "kiosk-" word dropped, at most 8; number at most 16 characters', () => {
    expect(kioskPrefix('kiosk-1a2b3c4d')).toBe('1A2B3C4D');
    expect(kioskPrefix('gate-north:02')).toBe('ENORTH02'); // GATENORTH02, the last 8
    expect(kioskPrefix('---')).toBe('K');
    expect(formatReceiptNumber('kiosk-1a2b3c4d', 1)).toBe('1A2B3C4D-000001');
    expect(formatReceiptNumber('kiosk-1a2b3c4d', 999999).length).toBeLessThanOrEqual(16);
  });
});

describe('print queue inside the gate transaction', () => {
  let dir: string;
  let kiosk: Kiosk;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parkgate-rn-'));
    kiosk = await createKiosk({ dbPath: join(dir, 'k.db'), seedDemo: true, print: { statusIntervalMs: 60_000, connectTimeoutMs: 100 } });
  });
  afterEach(async () => {
    await kiosk.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a series is gap-free and one number per session; a gate operation that fails queues nothing', async () => {
    const db = kiosk.ctx.store.sqlite;
    const a = db.transaction(() => allocateReceiptNumber(kiosk.ctx, 's1', null))();
    const again = db.transaction(() => allocateReceiptNumber(kiosk.ctx, 's1', null))();
    const b = db.transaction(() => allocateReceiptNumber(kiosk.ctx, 's2', null))();
    expect(again).toBe(a);
    expect(Number(b.split('-')[1])).toBe(Number(a.split('-')[1]) + 1);

    const admin = await kiosk.call('auth.login', { username: 'admin', pin: '2468' });
    if (!admin.ok) throw new Error('login');
    // A printer nobody answers at: tickets are queued, the gate is not slowed or failed by it.
    const cfg = await kiosk.call('print.configure', { driver: 'tcp', host: '127.0.0.1', port: 9 }, admin.data.token);
    expect(cfg.ok).toBe(true);
    const ok = await kiosk.call('gate.issueTicket', { vehicleNumber: 'KA01ZZ0001' }, admin.data.token);
    expect(ok.ok).toBe(true);
    const dup = await kiosk.call('gate.issueTicket', { vehicleNumber: 'KA01ZZ0001' }, admin.data.token);
    expect(!dup.ok && dup.error.code).toBe('CONFLICT');
    const jobs = db.prepare(`SELECT kind FROM print_jobs`).all();
    expect(jobs).toEqual([{ kind: 'TICKET' }]);
  });
});
